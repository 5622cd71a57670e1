import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from '../http/loopback-server';
import { type ExecutionStatus, type ExecutionStatusChangeEvent, executionStatusChangeEvent } from '../events/step-functions-events';
import { type InvokeFunction, MAX_PAYLOAD_BYTES, runDefinition } from './run-definition';

/**
 * A local AWS Step Functions endpoint (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Operation>`,
 * as @aws-sdk/client-sfn speaks it) that runs the state machines it is given with
 * aws-local-stepfunctions (run-definition.ts). Operations, members and errors after the Step
 * Functions API reference:
 * - StartExecution (stateMachineArn, name, input) -> executionArn, startDate (epoch seconds).
 *   "If StartExecution is called with the same name and input as a running execution, the call
 *   succeeds and return the same response as the original request. If the execution is closed or
 *   if the input is different, it returns a 400 ExecutionAlreadyExists error." Also
 *   StateMachineDoesNotExist, InvalidArn, InvalidName (1-80 characters, none of the characters the
 *   reference lists), InvalidExecutionInput (not JSON, or over 256 KiB).
 * - DescribeExecution (executionArn) -> the members of DescribeExecutionOutput; ExecutionDoesNotExist.
 * - StopExecution (executionArn, error, cause) -> stopDate; the execution ends ABORTED.
 * Every status change is also an EventBridge "Step Functions Execution Status Change" event
 * (events/step-functions-events.ts), handed to `onStatusChange`. An execution that outlasts the
 * definition's TimeoutSeconds ends TIMED_OUT (the interpreter's timer).
 */

export interface LocalStateMachine {
  readonly arn: string;
  /** The definition with every reference resolved (the template's DefinitionString, rendered). */
  readonly definition: Record<string, unknown>;
  readonly roleArn?: string;
}

export interface LocalStepFunctionsOptions {
  readonly accountId: string;
  readonly region: string;
  readonly stateMachines: readonly LocalStateMachine[];
  /** Runs a Task state's Lambda function. */
  readonly invoke: InvokeFunction;
  /** Each status change's event, as EventBridge would receive it. */
  readonly onStatusChange?: (event: ExecutionStatusChangeEvent) => void;
  /** Retry intervals in ms instead of the definition's seconds. @default the definition's */
  readonly retryIntervalMs?: number;
}

export interface LocalExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** Resolves when the execution has ended (whatever its status). */
  readonly ended: Promise<void>;
}

export interface LocalStepFunctions {
  readonly url: string;
  executions(): readonly LocalExecution[];
  /** Every status-change event emitted, oldest first. */
  events(): readonly ExecutionStatusChangeEvent[];
  /** Resolves when every execution started so far has ended. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** "A name must not contain: white space, brackets < > { } [ ], wildcard characters ? *, special characters " # % \ ^ | ~ ` $ & , ; : /, control characters". */
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
const isControlCharacter = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);
const invalidName = (name: string) =>
  INVALID_NAME_CHARACTERS.test(name) || [...name].some((character) => isControlCharacter(character.codePointAt(0) ?? 0));

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startLocalStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  const machines = new Map(options.stateMachines.map((machine) => [machine.arn, machine]));
  const executions = new Map<string, LocalExecution & { abort(): void }>();
  const events: ExecutionStatusChangeEvent[] = [];

  const emit = (execution: LocalExecution) => {
    const event = executionStatusChangeEvent(execution, { account: options.accountId, region: options.region });
    events.push(event);
    options.onStatusChange?.(event);
  };

  const end = (execution: LocalExecution, status: ExecutionStatus, fields: Partial<LocalExecution> = {}) => {
    if (execution.status !== 'RUNNING') return;
    Object.assign(execution, fields, { status, stopDate: new Date() });
    emit(execution);
  };

  const startExecution = (request: Record<string, unknown>) => {
    const stateMachineArn = String(request.stateMachineArn ?? '');
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(stateMachineArn)) {
      throw new ApiError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    }
    const machine = machines.get(stateMachineArn);
    if (!machine) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const name = request.name === undefined ? randomUUID() : String(request.name);
    if (name.length < 1 || name.length > 80 || invalidName(name)) throw new ApiError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input === undefined ? '{}' : String(request.input);
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch {
      throw new ApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    if (Buffer.byteLength(input) > MAX_PAYLOAD_BYTES) {
      throw new ApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: over ${MAX_PAYLOAD_BYTES} bytes`);
    }
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input)
        return { executionArn, startDate: existing.startDate.getTime() / 1000 };
      throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let finished!: () => void;
    const execution: LocalExecution & { abort(): void } = {
      executionArn,
      stateMachineArn,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      ended: new Promise<void>((resolve) => (finished = resolve)),
      abort: () => undefined,
    };
    executions.set(executionArn, execution);
    emit(execution);
    const running = runDefinition({
      definition: machine.definition,
      input: parsedInput,
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: machine.roleArn, StartTime: execution.startDate.toISOString() },
        StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() },
      },
      invoke: options.invoke,
      retryIntervalMs: options.retryIntervalMs,
    });
    execution.abort = running.abort;
    running.result
      .then((output) => end(execution, 'SUCCEEDED', { output: JSON.stringify(output) }))
      .catch((error: Error) => {
        const kind = error.constructor?.name;
        if (kind === 'ExecutionTimeoutError') end(execution, 'TIMED_OUT', { error: 'States.Timeout' });
        else if (kind === 'ExecutionAbortedError') end(execution, 'ABORTED');
        else {
          const cause = (error.cause ?? error) as Error;
          end(execution, 'FAILED', { error: cause.name, cause: cause.message });
        }
      })
      .finally(finished);
    return { executionArn, startDate: execution.startDate.getTime() / 1000 };
  };

  const known = (request: Record<string, unknown>) => {
    const found = executions.get(String(request.executionArn ?? ''));
    if (!found) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(request.executionArn)}'`);
    return found;
  };

  const describeExecution = (request: Record<string, unknown>) => {
    const execution = known(request);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime() / 1000,
      ...(execution.stopDate ? { stopDate: execution.stopDate.getTime() / 1000 } : {}),
      input: execution.input,
      inputDetails: { included: true },
      ...(execution.output === undefined ? {} : { output: execution.output, outputDetails: { included: true } }),
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    };
  };

  const stopExecution = (request: Record<string, unknown>) => {
    const execution = known(request);
    // The interpreter ends it ABORTED (ExecutionAbortedError); the API's own error and cause are kept.
    if (execution.status === 'RUNNING') {
      execution.error = request.error === undefined ? undefined : String(request.error);
      execution.cause = request.cause === undefined ? undefined : String(request.cause);
      execution.abort();
    }
    return { stopDate: (execution.stopDate ?? new Date()).getTime() / 1000 };
  };

  const operations: Record<string, (request: Record<string, unknown>) => unknown> = {
    StartExecution: startExecution,
    DescribeExecution: describeExecution,
    StopExecution: stopExecution,
  };

  const answer = (response: ServerResponse, status: number, body: unknown, errorType?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    response.writeHead(status, headers).end(JSON.stringify(body));
  };

  const server = await listenOnLoopback(async (request, response) => {
    const body = await readBody(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.') ? operations[target.slice('AWSStepFunctions.'.length)] : undefined;
    if (request.method !== 'POST' || !operation) {
      answer(response, 400, { __type: 'UnknownOperationException', message: `not served here: ${target}` }, 'UnknownOperationException');
      return;
    }
    try {
      answer(response, 200, operation(JSON.parse(body || '{}') as Record<string, unknown>));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      answer(response, 400, { __type: error.type, message: error.message }, error.type);
    }
  });

  return {
    url: server.url,
    executions: () => [...executions.values()],
    events: () => [...events],
    settled: async () => {
      await Promise.all([...executions.values()].map((execution) => execution.ended));
    },
    close: async () => {
      for (const execution of executions.values()) if (execution.status === 'RUNNING') execution.abort();
      await Promise.all([...executions.values()].map((execution) => execution.ended));
      await server.close();
    },
  };
}
