// Runs one invocation of a bundled Lambda handler in this (child) process, the way the Lambda
// Node.js runtime would: the handler module loaded fresh, an event, a context whose
// getRemainingTimeInMillis() counts down to the function timeout. Writes the outcome as one JSON
// line to file descriptor 3 so the handler's own stdout (its logs) stays untouched.

const fs = require('node:fs');

const [handlerFile, handlerName, timeoutMs, requestId] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutMs);
const event = JSON.parse(fs.readFileSync(0, 'utf8'));
const report = (outcome) => {
  fs.writeSync(3, `${JSON.stringify(outcome)}\n`);
};

const context = {
  awsRequestId: requestId,
  functionName: 'local-drill',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:local-drill`,
  memoryLimitInMB: '1024',
  logGroupName: '/aws/lambda/local-drill',
  logStreamName: 'local',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {},
  fail() {},
  succeed() {},
};

const timer = setTimeout(() => {
  report({ error: { name: 'TimeoutError', message: `Task timed out after ${Number(timeoutMs) / 1000} seconds` } });
  process.exit(2);
}, Number(timeoutMs));

(async () => {
  try {
    const handler = require(handlerFile)[handlerName];
    if (typeof handler !== 'function') throw new Error(`${handlerFile} exports no function ${handlerName}`);
    const result = await handler(event, context);
    report({ result: result === undefined ? null : result });
    clearTimeout(timer);
    process.exit(0);
  } catch (error) {
    report({ error: { name: error?.name, message: error?.message } });
    clearTimeout(timer);
    process.exit(1);
  }
})();
