/**
 * Runs an Amazon States Language definition with aws-local-stepfunctions (3.0.0, from npm), its
 * Lambda Task states answered by functions of this process (the local endpoint invokes the bundled
 * Lambda code from there). What the interpreter leaves to the caller is done here as Step
 * Functions does it:
 * - a Task whose Resource is a Lambda function ARN gets the effective input as its payload and
 *   returns the function's result; a function error becomes the state's error with the function's
 *   errorType as Error and Lambda's error JSON as Cause (Step Functions developer guide, "Handling
 *   errors in Step Functions workflows": Lambda errors; "Sandbox.Timedout" for a function timeout).
 *   `arn:aws:states:::lambda:invoke` with `FunctionName` and `Payload` answers as the optimized
 *   integration does, the result under `Payload`.
 * - a Task result over 256 KiB fails the execution with States.DataLimitExceeded, which no Retry
 *   or Catch handles (Step Functions quotas, "payload size"; error names: "States.ALL ... can't
 *   catch the States.DataLimitExceeded terminal error").
 * - the context object's Execution and StateMachine members, which `$$.Execution.Id` reads.
 *
 * aws-local-stepfunctions 3.0.0 uses Promise.withResolvers (Node.js 22); polyfilled for Node.js 20.
 */
(Promise as unknown as { withResolvers?: unknown }).withResolvers ??= function withResolvers<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};
// Loaded after the polyfill.
const { StateMachine } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions');
/** aws-local-stepfunctions' interpreter, loaded after the polyfill: import it from here, not from the package. */
export const LocalStateMachine = StateMachine;

/** Step Functions' payload limit for a state's input or output: 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;

/** What a local Lambda function answers: a result, or Lambda's error (errorType, errorMessage). */
export type LambdaOutcome =
  | { readonly result: unknown }
  | { readonly error: { readonly errorType: string; readonly errorMessage: string } };

/** Invokes a function by ARN (synchronously, as a Task state does); undefined for a function this harness does not know. */
export type InvokeFunction = (functionArn: string, payload: unknown) => Promise<LambdaOutcome> | undefined;

export interface DefinitionRun {
  readonly definition: Record<string, unknown>;
  readonly input: unknown;
  readonly context: { readonly Execution: Record<string, unknown>; readonly StateMachine: Record<string, unknown> };
  readonly invoke: InvokeFunction;
  /** Retry intervals in ms instead of the definition's seconds (tests); default: the definition's. */
  readonly retryIntervalMs?: number;
}

export interface RunningDefinition {
  /** The execution's output; rejects with the interpreter's ExecutionError, ExecutionTimeoutError or ExecutionAbortedError. */
  readonly result: Promise<unknown>;
  abort(): void;
}

/** A state's error as the interpreter reads it: `name` is Error, `message` is Cause. */
class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** An error no Retry or Catch may handle (States.DataLimitExceeded). */
class TerminalError extends TaskError {
  get isRetryable(): boolean {
    return false;
  }
  get isCatchable(): boolean {
    return false;
  }
}

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;

function taskStates(states: Record<string, any>): [string, Record<string, any>][] {
  return Object.entries(states).flatMap(([name, state]): [string, Record<string, any>][] => {
    if (state.Type === 'Task') return [[name, state]];
    if (state.Type === 'Map') return taskStates((state.ItemProcessor ?? state.Iterator).States);
    if (state.Type === 'Parallel')
      return (state.Branches as { States: Record<string, any> }[]).flatMap((branch) => taskStates(branch.States));
    return [];
  });
}

function lambdaTask(name: string, state: Record<string, any>, invoke: InvokeFunction) {
  const optimized = LAMBDA_INVOKE.test(state.Resource);
  return async (input: unknown) => {
    const { FunctionName, Payload } = (optimized ? input : {}) as { FunctionName?: string; Payload?: unknown };
    const functionArn = optimized ? String(FunctionName) : String(state.Resource);
    const invocation = invoke(functionArn, optimized ? Payload : input);
    if (!invocation) throw new TaskError('States.Runtime', `${name}: no local function for ${functionArn}`);
    const outcome = await invocation;
    if ('error' in outcome) {
      throw new TaskError(
        outcome.error.errorType,
        JSON.stringify({ errorMessage: outcome.error.errorMessage, errorType: outcome.error.errorType }),
      );
    }
    const result = optimized ? { ExecutedVersion: '$LATEST', Payload: outcome.result, StatusCode: 200 } : outcome.result;
    const size = Buffer.byteLength(JSON.stringify(result ?? null));
    if (size > MAX_PAYLOAD_BYTES) {
      throw new TerminalError(
        'States.DataLimitExceeded',
        `${name}: the state/task returned a result of ${size} bytes, over ${MAX_PAYLOAD_BYTES}`,
      );
    }
    return result;
  };
}

export function runDefinition(run: DefinitionRun): RunningDefinition {
  const tasks = taskStates(run.definition.States as Record<string, any>);
  const handlers = Object.fromEntries(tasks.map(([name, state]) => [name, lambdaTask(name, state, run.invoke)]));
  const retryIntervalOverrides =
    run.retryIntervalMs === undefined ? undefined : Object.fromEntries(tasks.map(([name]) => [name, run.retryIntervalMs as number]));
  const machine = new StateMachine(run.definition as never, { validationOptions: { checkPaths: true, checkArn: true } });
  const execution = machine.run(run.input as never, {
    context: run.context as never,
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
  });
  return { result: execution.result as Promise<unknown>, abort: () => execution.abort() };
}
