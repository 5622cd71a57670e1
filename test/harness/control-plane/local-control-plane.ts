import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from '../http/loopback-server';
import { escapeXml } from '../sns/query-wire';
import type { LocalDeployment } from '../app/local-deployment';
import { resolveIntrinsics } from '../app/intrinsics';
import { physicalResources } from '../app/synthesized-app';

/**
 * The two control-plane calls the `restore-drill` CLI makes, for a local deployment:
 *
 * - CloudFormation DescribeStacks (query protocol, as @aws-sdk/client-cloudformation speaks it:
 *   form-encoded `Action=DescribeStacks&Version=2010-05-15&StackName=...`, XML answers in the
 *   2010-05-15 namespace). The stack's outputs are the template's, resolved to the local
 *   resources. A stack that does not exist is a ValidationError (API reference, DescribeStacks:
 *   "If the stack doesn't exist, a ValidationError is returned"), HTTP 400.
 * - Lambda Invoke (REST-JSON `POST /2015-03-31/functions/{FunctionName}/invocations`). With
 *   `X-Amz-Invocation-Type: Event` Lambda queues the event and answers 202 with no payload (API
 *   reference, Invoke); the invocation then runs here in the background, as the bundled drill
 *   Lambda in a child process. RequestResponse runs it and answers 200 with its result. An
 *   unknown function is ResourceNotFoundException (404). Lambda's own retries of a failed async
 *   invocation are not simulated.
 */

const CFN_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export interface LocalControlPlane {
  readonly env: Record<string, string>;
  /** Every Invoke accepted, in order. */
  readonly invocations: readonly { readonly type: string; readonly payload: unknown }[];
  /** Resolves when every invocation started so far has finished. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalControlPlane(deployment: LocalDeployment): Promise<LocalControlPlane> {
  const { app } = deployment;
  const resolution = physicalResources(app, { region: deployment.local.region, accountId: deployment.local.accountId });
  const templateOutputs = (app.template as unknown as { Outputs?: Record<string, { Value: unknown }> }).Outputs ?? {};
  const outputs = Object.entries(templateOutputs).map(([key, output]) => [key, String(resolveIntrinsics(output.Value, resolution))]);
  const functionName = resolution.ref(deployment.drill.logicalId);
  const invocations: { type: string; payload: unknown }[] = [];
  const running: Promise<unknown>[] = [];

  const describeStacks = (form: URLSearchParams, response: ServerResponse) => {
    const name = form.get('StackName');
    if (name !== app.stackName) {
      const body =
        `<ErrorResponse xmlns="${CFN_NAMESPACE}"><Error><Type>Sender</Type><Code>ValidationError</Code>` +
        `<Message>Stack with id ${escapeXml(name ?? '')} does not exist</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
      response.writeHead(400, { 'content-type': 'text/xml' }).end(body);
      return;
    }
    const members = outputs
      .map(([key, value]) => `<member><OutputKey>${escapeXml(key)}</OutputKey><OutputValue>${escapeXml(value)}</OutputValue></member>`)
      .join('');
    const body =
      `<DescribeStacksResponse xmlns="${CFN_NAMESPACE}"><DescribeStacksResult><Stacks><member>` +
      `<StackName>${escapeXml(app.stackName)}</StackName><StackId>arn:aws:cloudformation:${resolution.region}:${resolution.accountId}:stack/${escapeXml(app.stackName)}/local</StackId>` +
      `<CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs>` +
      `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`;
    response.writeHead(200, { 'content-type': 'text/xml' }).end(body);
  };

  const lambdaError = (response: ServerResponse, status: number, type: string, message: string) =>
    response
      .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': randomUUID() })
      .end(JSON.stringify({ Type: 'User', message }));

  const invoke = async (request: IncomingMessage, response: ServerResponse, name: string, body: string) => {
    if (decodeURIComponent(name) !== functionName) {
      lambdaError(
        response,
        404,
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:${resolution.region}:${resolution.accountId}:function:${name}`,
      );
      return;
    }
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    let payload: unknown;
    try {
      payload = JSON.parse(body || '{}');
    } catch {
      lambdaError(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
      return;
    }
    if (type !== 'Event' && type !== 'RequestResponse' && type !== 'DryRun') {
      lambdaError(response, 400, 'InvalidParameterValueException', `invalid invocation type ${type}`);
      return;
    }
    invocations.push({ type, payload });
    const requestId = randomUUID();
    if (type === 'DryRun') {
      response.writeHead(204, { 'x-amzn-requestid': requestId }).end();
      return;
    }
    const invocation = deployment.invokeDrill(payload, { requestId });
    running.push(invocation);
    if (type === 'Event') {
      response.writeHead(202, { 'x-amzn-requestid': requestId }).end();
      return;
    }
    const outcome = await invocation;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amz-executed-version': '$LATEST',
    };
    if (outcome.error) headers['x-amz-function-error'] = 'Unhandled';
    response
      .writeHead(200, headers)
      .end(JSON.stringify(outcome.error ? { errorType: outcome.error.name, errorMessage: outcome.error.message } : outcome.result));
  };

  const server = await listenOnLoopback(async (request, response) => {
    const body = await readBody(request);
    const path = (request.url ?? '').split('?')[0];
    const invokePath = INVOKE_PATH.exec(path);
    if (request.method === 'POST' && invokePath) return invoke(request, response, invokePath[1], body);
    const form = new URLSearchParams(body);
    if (request.method === 'POST' && form.get('Action') === 'DescribeStacks') return describeStacks(form, response);
    response
      .writeHead(400, { 'content-type': 'text/plain' })
      .end(`the local control plane does not serve ${request.method} ${path} ${form.get('Action') ?? ''}`);
  });

  return {
    env: { AWS_ENDPOINT_URL_CLOUDFORMATION: server.url, AWS_ENDPOINT_URL_LAMBDA: server.url },
    invocations,
    settled: async () => {
      await Promise.allSettled(running);
    },
    close: async () => {
      await Promise.allSettled(running);
      await server.close();
    },
  };
}
