import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  InvalidExecutionInput,
  InvalidName,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { renderValue, synthesize } from '../lib/synth';
import { DOCUMENTED_EXECUTION_FAILED_EVENT, type ExecutionStatusChangeEvent, matchesEventPattern } from './events/step-functions-events';
import { type LocalStepFunctions, startLocalStepFunctions } from './stepfunctions/local-step-functions';
import type { LambdaOutcome } from './stepfunctions/run-definition';

/**
 * The local Step Functions endpoint through the real @aws-sdk/client-sfn: StartExecution's
 * idempotency and documented errors, DescribeExecution, StopExecution, TimeoutSeconds, Lambda
 * task errors, retries and catches as Step Functions applies them, the 256 KiB payload limit,
 * and the status-change events; and the stack's own definition validated by asl-validator.
 */

const validateAsl = require('asl-validator') as (definition: unknown, options: object) => { isValid: boolean; errorsText: () => string };

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:worker`;
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:scan`;
const SLOW_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:slow`;

/** One Lambda task with the fan-out's retry, a catch that records the error, and the execution's id passed on. */
const DEFINITION = {
  StartAt: 'Work',
  States: {
    Work: {
      Type: 'Task',
      Resource: FUNCTION,
      Parameters: { 'value.$': '$.value', 'executionArn.$': '$$.Execution.Id' },
      Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2, IntervalSeconds: 5, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      End: true,
    },
    Failed: { Type: 'Fail', Error: 'WorkFailed', Cause: 'the work failed after its retries' },
  },
};
const SLOW_DEFINITION = { TimeoutSeconds: 1, StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 30, End: true } } };

let endpoint: LocalStepFunctions;
let client: SFNClient;
const events: ExecutionStatusChangeEvent[] = [];
let answer: (payload: Record<string, unknown>) => Promise<LambdaOutcome>;
const payloads: Record<string, unknown>[] = [];

beforeEach(async () => {
  events.length = 0;
  payloads.length = 0;
  answer = async (payload) => ({ result: { doubled: Number(payload.value) * 2, executionArn: payload.executionArn } });
  endpoint = await startLocalStepFunctions({
    accountId: ACCOUNT,
    region: REGION,
    stateMachines: [
      { arn: MACHINE, definition: DEFINITION },
      { arn: SLOW_MACHINE, definition: SLOW_DEFINITION },
    ],
    invoke: (functionArn, payload) => {
      if (functionArn !== FUNCTION) return undefined;
      payloads.push(payload as Record<string, unknown>);
      return answer(payload as Record<string, unknown>);
    },
    onStatusChange: (event) => events.push(event),
    retryIntervalMs: 0,
  });
  client = new SFNClient({ endpoint: endpoint.url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterEach(async () => {
  client.destroy();
  await endpoint.close();
});

const start = (name: string, input: unknown, stateMachineArn = MACHINE) =>
  client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
const describe_ = (executionArn: string) => client.send(new DescribeExecutionCommand({ executionArn }));

test('StartExecution runs the definition: the task gets its Parameters and $$.Execution.Id, SUCCEEDED with its output', async () => {
  const started = await start('drill-1', { value: 21 });
  expect(started.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:scan:drill-1`);
  expect(started.startDate).toBeInstanceOf(Date);
  await endpoint.settled();
  const described = await describe_(started.executionArn!);
  expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'drill-1', stateMachineArn: MACHINE, input: '{"value":21}' });
  expect(JSON.parse(described.output!)).toEqual({ doubled: 42, executionArn: started.executionArn });
  expect(events.map((event) => event.detail.status)).toEqual(['RUNNING', 'SUCCEEDED']);
});

test('the same name and input while running: the same answer; a different input, or after it closed: ExecutionAlreadyExists', async () => {
  let release!: () => void;
  answer = () => new Promise((resolve) => (release = () => resolve({ result: {} })));
  const first = await start('drill-2', { value: 1 });
  const again = await start('drill-2', { value: 1 });
  expect(again.executionArn).toBe(first.executionArn);
  expect(again.startDate).toEqual(first.startDate);
  await expect(start('drill-2', { value: 2 })).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  await new Promise((resolve) => setTimeout(resolve, 50));
  release();
  await endpoint.settled();
  await expect(start('drill-2', { value: 1 })).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  expect(endpoint.executions()).toHaveLength(1);
});

test('documented refusals: an unknown state machine, an invalid name, an input that is not JSON or over 256 KiB', async () => {
  await expect(start('x', {}, `${MACHINE}-gone`)).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  await expect(start('has space', {})).rejects.toBeInstanceOf(InvalidName);
  await expect(start('a'.repeat(81), {})).rejects.toBeInstanceOf(InvalidName);
  await expect(start('tab\tname', {})).rejects.toBeInstanceOf(InvalidName);
  await expect(start('bell\u0007', {})).rejects.toBeInstanceOf(InvalidName);
  await expect(client.send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'n', input: '{' }))).rejects.toBeInstanceOf(
    InvalidExecutionInput,
  );
  await expect(start('big', { value: 'x'.repeat(262_144) })).rejects.toBeInstanceOf(InvalidExecutionInput);
  expect(endpoint.executions()).toEqual([]);
});

test('a function error is the task error (errorType as Error), retried twice, then caught: FAILED by the Fail state', async () => {
  answer = async () => ({ error: { errorType: 'ResourceNotFoundException', errorMessage: 'Requested resource not found' } });
  const { executionArn } = await start('drill-3', { value: 1 });
  await endpoint.settled();
  expect(payloads).toHaveLength(3);
  expect(await describe_(executionArn!)).toMatchObject({
    status: 'FAILED',
    error: 'WorkFailed',
    cause: 'the work failed after its retries',
  });
  const failed = events.at(-1)!;
  expect(failed.detail).toMatchObject({ status: 'FAILED', executionArn, error: 'WorkFailed' });
});

test('a failure that a retry cures: SUCCEEDED on the second attempt', async () => {
  let calls = 0;
  answer = async (payload) =>
    ++calls === 1 ? { error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out' } } : { result: { value: payload.value } };
  const { executionArn } = await start('drill-4', { value: 7 });
  await endpoint.settled();
  expect(calls).toBe(2);
  expect((await describe_(executionArn!)).status).toBe('SUCCEEDED');
});

test('a task result over 256 KiB: States.DataLimitExceeded, not retried, not caught', async () => {
  answer = async () => ({ result: { big: 'x'.repeat(262_144) } });
  const { executionArn } = await start('drill-5', { value: 1 });
  await endpoint.settled();
  expect(payloads).toHaveLength(1);
  expect(await describe_(executionArn!)).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
});

test('StopExecution ends it ABORTED; TimeoutSeconds ends it TIMED_OUT; each emits its status-change event', async () => {
  const stopped = await start('drill-6', {}, SLOW_MACHINE);
  const stopDate = (await client.send(new StopExecutionCommand({ executionArn: stopped.executionArn, cause: 'gave up' }))).stopDate;
  expect(stopDate).toBeInstanceOf(Date);
  const timedOut = await start('drill-7', {}, SLOW_MACHINE);
  await endpoint.settled();
  expect((await describe_(stopped.executionArn!)).status).toBe('ABORTED');
  expect((await describe_(timedOut.executionArn!)).status).toBe('TIMED_OUT');
  const ended = events.filter((event) => event.detail.status !== 'RUNNING');
  expect(ended.map((event) => [event.detail.name, event.detail.status])).toEqual([
    ['drill-6', 'ABORTED'],
    ['drill-7', 'TIMED_OUT'],
  ]);
});

test("a status-change event has the documented example's fields and types, and the stack's rule pattern matches it", async () => {
  await start('drill-8', {}, SLOW_MACHINE);
  await endpoint.settled();
  const event = events.at(-1)!;
  const shape = (value: unknown): unknown =>
    value === null
      ? 'null'
      : typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
        : typeof value;
  expect(shape(event)).toEqual(
    shape({ ...DOCUMENTED_EXECUTION_FAILED_EVENT, detail: { ...DOCUMENTED_EXECUTION_FAILED_EVENT.detail, error: 'x' } }),
  );
  const pattern = {
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    detail: { status: ['TIMED_OUT'], stateMachineArn: [SLOW_MACHINE] },
  };
  expect(matchesEventPattern(event, pattern)).toBe(true);
  expect(matchesEventPattern(event, { ...pattern, detail: { ...pattern.detail, stateMachineArn: [MACHINE] } })).toBe(false);
  expect(matchesEventPattern(events[0], pattern)).toBe(false);
});

test("the stack's fan-out definition (the template's DefinitionString) is valid ASL for asl-validator 4", () => {
  const { template } = synthesize();
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const definition = JSON.parse(renderValue(machine.Properties.DefinitionString).replace(/<([A-Za-z0-9]+)\.Arn>/g, `${FUNCTION}-$1`));
  const result = validateAsl(definition, { checkPaths: true, checkArn: true });
  expect(result.errorsText()).toBe('');
  expect(result.isValid).toBe(true);
});
