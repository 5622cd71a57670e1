import type { FanOutFailed, FanOutFinished, FanOutState, PartialScan } from '../../../../lambda/fanout/contract';
import type { FanOutPayload } from '../../../../lambda/fanout/handler';
import { executionArnOf, type StartedExecution, type StepFunctionsPort } from '../../../../lambda/ports/stepfunctions-port';
import type { FakeClock } from '../fake-clock';
import { awsError } from '../aws-errors';
import { PortCalls } from './port-calls';

/**
 * The Step Functions port, in memory, and the fan-out state machine run in-process as the
 * contract (lambda/fanout/contract.ts) and lib/constructs/scan-fan-out.ts define it: a Map over
 * the groups calling the worker, each task retried twice, a Catch invoking the drill with
 * `failed`, the combiner, and the drill invoked with `finished` when done. StartExecution and
 * StopExecution behave as the API reference says (test/lambda/ports/stepfunctions-contract.test.ts
 * holds this fake and the real port to the same assertions). Every state is checked against
 * Step Functions' 256 KiB limit, as AWS fails an execution whose state outgrows it.
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface FakeExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  status: ExecutionStatus;
  stopDate?: number;
}

/** The Lambda tasks of the state machine: the fan-out function and the drill function. */
export interface FanOutTasks {
  readonly fanOut: (payload: FanOutPayload) => Promise<unknown>;
  readonly drill: (payload: FanOutFinished | FanOutFailed) => Promise<unknown>;
}

export const STATE_LIMIT_BYTES = 256 * 1024;
/** Retries of a failed Lambda task before the Catch (the construct: States.TaskFailed, twice). */
const TASK_RETRIES = 2;

export class FakeStepFunctions extends PortCalls<StepFunctionsPort> implements StepFunctionsPort {
  readonly executions = new Map<string, FakeExecution>();
  /** The largest state (bytes of JSON) any execution held: the combiner's input, partials included. */
  largestStateBytes = 0;

  constructor(private readonly clock: FakeClock) {
    super();
  }

  async startExecution(stateMachineArn: string, name: string, input: FanOutState): Promise<StartedExecution> {
    await this.enter('startExecution', [stateMachineArn, name, input]);
    const text = JSON.stringify(input);
    if (text.length > STATE_LIMIT_BYTES) throw awsError('InvalidExecutionInput', 'input exceeds the 256 KiB payload quota');
    const executionArn = executionArnOf(stateMachineArn, name);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Same name: idempotent while open with the same input; else ExecutionAlreadyExists, which the port answers with the ARN.
      const idempotent = existing.status === 'RUNNING' && existing.input === text;
      return { executionArn, startedAt: new Date(idempotent ? existing.startDate : this.clock.now()).toISOString(), existed: !idempotent };
    }
    this.executions.set(executionArn, { executionArn, stateMachineArn, name, input: text, startDate: this.clock.now(), status: 'RUNNING' });
    return { executionArn, startedAt: new Date(this.clock.now()).toISOString(), existed: false };
  }

  async stopExecution(executionArn: string, cause: string): Promise<void> {
    await this.enter('stopExecution', [executionArn, cause]);
    const execution = this.executions.get(executionArn);
    if (execution?.status === 'RUNNING') this.end(execution, 'ABORTED');
  }

  /** The executions still running, oldest first. */
  running(): FakeExecution[] {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING');
  }

  /**
   * Runs an execution to its end as the state machine does. `onTask` may throw to fail a task
   * (a worker crashing); it sees every task payload first. Returns how the execution ended.
   */
  async run(
    executionArn: string,
    tasks: FanOutTasks,
    onTask: (payload: FanOutPayload) => void = () => undefined,
  ): Promise<ExecutionStatus> {
    const execution = this.executions.get(executionArn);
    if (execution?.status !== 'RUNNING') throw new Error(`no running execution ${executionArn}`);
    let state = JSON.parse(execution.input) as FanOutState;
    const task = async (payload: FanOutPayload) => {
      this.measure(payload);
      for (let attempt = 0; ; attempt++) {
        try {
          onTask(payload);
          // Through JSON, as Lambda's payloads travel.
          return JSON.parse(JSON.stringify(await tasks.fanOut(payload)));
        } catch (error) {
          if (attempt >= TASK_RETRIES) throw error;
        }
      }
    };
    try {
      while (!state.done) {
        const partials: PartialScan[] = [];
        for (const group of state.groups) partials.push(await task({ action: 'scan', group, facts: state.facts }));
        state = (await task({ action: 'combine', state: { ...state, partials } })) as FanOutState;
        this.measure(state);
      }
    } catch (error) {
      const failure = error as Error;
      return this.finish(execution, tasks, {
        fanOut: 'failed',
        drillId: state.drillId,
        executionArn,
        error: { Error: failure.name || 'Error', Cause: JSON.stringify({ errorMessage: failure.message }) },
      });
    }
    return this.finish(execution, tasks, { fanOut: 'finished', drillId: state.drillId, executionArn, totals: state.totals });
  }

  /** Ends a running execution as its timeout or a person would; returns the EventBridge event Step Functions then sends. */
  endWithoutReport(executionArn: string, status: 'TIMED_OUT' | 'ABORTED' | 'FAILED') {
    const execution = this.executions.get(executionArn);
    if (!execution) throw new Error(`no execution ${executionArn}`);
    this.end(execution, status);
    return statusChangeEvent(execution);
  }

  private async finish(execution: FakeExecution, tasks: FanOutTasks, payload: FanOutFinished | FanOutFailed): Promise<ExecutionStatus> {
    if (execution.status !== 'RUNNING') return execution.status;
    try {
      this.measure(payload);
      await tasks.drill(JSON.parse(JSON.stringify(payload)));
      this.end(execution, 'SUCCEEDED');
    } catch {
      this.end(execution, 'FAILED');
    }
    return execution.status;
  }

  private end(execution: FakeExecution, status: ExecutionStatus): void {
    execution.status = status;
    execution.stopDate = this.clock.now();
  }

  private measure(value: unknown): void {
    const bytes = Buffer.byteLength(JSON.stringify(value));
    this.largestStateBytes = Math.max(this.largestStateBytes, bytes);
    if (bytes > STATE_LIMIT_BYTES) throw Object.assign(new Error(`state of ${bytes} bytes`), { name: 'States.DataLimitExceeded' });
  }
}

/**
 * "Step Functions Execution Status Change" as EventBridge delivers it (Step Functions developer
 * guide, "Automating Step Functions event delivery with EventBridge", the documented example).
 */
export function statusChangeEvent(execution: FakeExecution) {
  const [, , , region, account] = execution.executionArn.split(':');
  return {
    version: '0',
    id: `status-${execution.name}-${execution.status}`,
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date(execution.stopDate ?? execution.startDate).toISOString().replace(/\.\d+Z$/, 'Z'),
    region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      stopDate: execution.stopDate ?? null,
      input: execution.input,
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
    },
  };
}
