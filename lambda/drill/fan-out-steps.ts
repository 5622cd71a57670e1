import { restoreDurationSeconds } from '../checks/rto';
import type { RestoreJob } from '../domain/backup';
import type { CheckResult } from '../domain/check-result';
import type { CheckedOutcome, Runbook } from '../domain/drill-record';
import { step } from '../errors/drill-step';
import { fanOutExecutionName, type PartialScan } from '../fanout/contract';
import { copyFactsOf, toFanOutFacts } from '../fanout/facts';
import { executionArnOf } from '../ports/stepfunctions-port';
import type { TableShape } from '../ports/dynamodb-port';
import { explainError } from '../report/failure-advice';
import { buildRunbook } from '../report/runbook';
import { type CopyFacts, checkContext, checksFor } from './check-copy';
import { absorbTotals, describePlan, type FanOutPlan, fanOutRecord, firstState, withoutScan } from './fan-out-plan';
import { restoreMetadata } from './restore-metadata';
import { jobFacts, RestoreSteps } from './restore-steps';
import { runChecks } from './run-checks';
import { freeRestoreSlot } from './restore-slots';
import type { DrillResult } from './run-state';

/**
 * The execution's end reached a drill another invocation holds: the invocation fails, so the
 * state machine's retry of its drill task (or Lambda's retry of the event) delivers it again.
 */
export class FanOutBusyError extends Error {
  override readonly name = 'FanOutBusyError';
}

/** How a drill's fan-out execution ended, as the drill learns it. */
export type FanOutEnd =
  /** The state machine's last task: the whole copy was read; the workers' merged partials. */
  | { readonly kind: 'finished'; readonly executionArn: string; readonly totals: PartialScan }
  /** The state machine's Catch: a worker or the combiner failed after its retries. */
  | { readonly kind: 'failed'; readonly executionArn: string; readonly error: { readonly Error?: string; readonly Cause?: string } }
  /** EventBridge: the execution ended FAILED, TIMED_OUT or ABORTED without either of the above. */
  | { readonly kind: 'status'; readonly executionArn: string; readonly status: string }
  /** The sweep: past the deadline without a word from the execution. */
  | { readonly kind: 'overdue'; readonly executionArn: string };

/**
 * The drill's side of fan-out (lambda/fanout/contract.ts): hands a copy too large for one
 * invocation to the state machine (CHECKING), and finishes the drill when the execution ends,
 * however it ends - the checks with the workers' merged observations, or FAILed as not evaluated -
 * then, as every drill, records the verdict, deletes the copy and reports once.
 */
export abstract class FanOutSteps extends RestoreSteps {
  protected abstract cleanUpAndReport(): Promise<DrillResult>;

  /**
   * Starts the execution and records it (CHECKING), then gives the lease back. Undefined when no
   * execution could be started: the drill then scans in this invocation, as far as its time goes.
   */
  protected async handOff(copy: CopyFacts & { readonly restored: TableShape }, plan: FanOutPlan): Promise<DrillResult | undefined> {
    const { engine } = this;
    const fanOut = engine.config.fanOut;
    const stepFunctions = engine.stepFunctions;
    if (!fanOut || !stepFunctions) return undefined;
    const { drillId } = this.record;
    const facts = toFanOutFacts(copy, plan.partialBytes);
    const name = fanOutExecutionName(drillId);
    // Recorded before the start, under the lease: the execution's end can never find the drill not yet CHECKING.
    const startedAt = new Date(engine.clock.now()).toISOString();
    const record = fanOutRecord({ executionArn: executionArnOf(fanOut.stateMachineArn, name), startedAt, plan, facts, fanOut });
    const restoreJob = jobFacts(copy.restoreJob);
    if (!(await this.saveWithLease({ status: 'CHECKING', fanOut: record, restoreJob }))) {
      this.log.warn('lost the drill lease while handing the scan over; the holder finishes it');
      return this.result({ status: 'in-progress-elsewhere' });
    }
    this.record = { ...this.record, status: 'CHECKING', fanOut: record, restoreJob };
    let started: Awaited<ReturnType<typeof stepFunctions.startExecution>>;
    try {
      started = await step('StartExecution', () =>
        stepFunctions.startExecution(fanOut.stateMachineArn, name, firstState(drillId, facts, plan)),
      );
    } catch (error) {
      const detail = `the fan-out execution could not be started (${explainError('StartExecution', error)}); the copy was scanned in the drill's invocation`;
      this.log.error('could not start the fan-out execution; scanning the copy in this invocation instead', { detail });
      const ended = { status: 'NOT_STARTED', at: new Date(engine.clock.now()).toISOString(), detail };
      if (await this.saveWithLease({ fanOut: { ...record, ended } })) this.record = { ...this.record, fanOut: { ...record, ended } };
      return undefined;
    }
    // The restore has ended (CHECKING): its slot can start the next queued drill while the workers scan.
    await freeRestoreSlot(engine, this.record);
    await this.release();
    this.log.info(`copy too large for one invocation (${describePlan(plan)}): its scan runs on Step Functions`, {
      executionArn: started.executionArn,
      existed: started.existed,
      deadline: record.deadline,
    });
    return this.result({ status: 'fanned-out', executionArn: started.executionArn });
  }

  /** CHECKING, from the sweep or a repeated event: waits for the execution, or gives up on it past its deadline. */
  protected async awaitFanOut(): Promise<DrillResult> {
    const fanOut = this.record.fanOut;
    if (fanOut && this.engine.clock.now() <= Date.parse(fanOut.deadline)) {
      this.log.info('the copy is being scanned by Step Functions; waiting for the execution', {
        executionArn: fanOut.executionArn,
        deadline: fanOut.deadline,
      });
      return this.result({ status: 'fanned-out', executionArn: fanOut.executionArn });
    }
    return this.finishFanOut({ kind: 'overdue', executionArn: fanOut?.executionArn ?? 'unknown' });
  }

  /** The checks from the execution's end, for the lease holder; then cleanup and the one report. */
  protected async finishFanOut(end: FanOutEnd): Promise<DrillResult> {
    const busy = await this.claim(['CHECKING']);
    if (busy) {
      // Still CHECKING under another's lease (the hand-off not yet done, or a twin event): fail so this end is delivered again.
      const current = end.kind === 'overdue' ? undefined : await this.engine.history.get(this.record.drillId);
      if (current?.status === 'CHECKING') {
        throw new FanOutBusyError(
          `drill ${this.record.drillId} is held by another invocation; the end of ${end.executionArn} must be delivered again`,
        );
      }
      return busy;
    }
    const fanOut = this.record.fanOut;
    if (!fanOut) throw new Error(`drill ${this.record.drillId} is CHECKING without a fan-out record`);
    const why = endedWhy(end);
    if (end.kind === 'overdue') await this.stopOverdue(end.executionArn, why);
    const ended = {
      status: end.kind === 'status' ? end.status : end.kind.toUpperCase(),
      at: new Date(this.engine.clock.now()).toISOString(),
      detail: why,
    };
    if (!(await this.saveWithLease({ fanOut: { ...fanOut, ended } }))) return this.result({ status: 'in-progress-elsewhere' });
    this.record = { ...this.record, fanOut: { ...fanOut, ended } };

    let checks: CheckResult[] = [];
    let restoredScan: CheckedOutcome['restoredScan'];
    let failure = end.kind === 'finished' ? undefined : why;
    let copy: ReturnType<typeof copyFactsOf> | undefined;
    try {
      copy = copyFactsOf({ tables: [this.drilledTable()] }, fanOut.facts);
      const observe = end.kind === 'finished' ? absorbTotals(end.totals, end.executionArn) : withoutScan(why);
      const context = checkContext(this.engine, this.invocation.time, copy);
      ({ results: checks, restoredScan } = await runChecks(checksFor(this.engine, copy.table), context, observe));
    } catch (error) {
      failure = `the drill stopped with an error: ${explainError('drill', error)}`;
      this.log.error('drill error', { error: error as Error });
    }
    this.log.info('fan-out execution ended; finishing the drill', { executionArn: end.executionArn, how: ended.status });
    const stop = await this.saveChecked({
      checks,
      runbook: copy && this.runbookOf(copy),
      failure,
      restoredScan,
      sourceReadUnitsPerSecond: copy?.sourceReadUnitsPerSecond,
      restoreJob: copy?.restoreJob,
      restoredActiveAt: copy?.restoredActiveAt,
    });
    return stop ?? this.cleanUpAndReport();
  }

  /** Best effort: an execution that outlived its deadline is stopped, so its workers read no more of a copy about to go. */
  private async stopOverdue(executionArn: string, why: string): Promise<void> {
    try {
      await this.engine.stepFunctions?.stopExecution(executionArn, why);
    } catch (error) {
      this.log.warn('could not stop the overdue fan-out execution; its copy is deleted all the same', {
        error: explainError('StopExecution', error),
      });
    }
  }

  /** The tested recovery procedure, when the restore completed and the source could be described. */
  protected runbookOf(facts: Omit<CopyFacts, 'drill' | 'sourceReadUnitsPerSecond'>): Runbook | undefined {
    const { table, source, sourceSettings, restored, recoveryPoint, restoreJob, restoredActiveAt } = facts;
    if (!source || !restored) return undefined;
    return buildRunbook({
      source,
      sourceTableArn: table.tableArn,
      sourceSettings,
      recoveryPoint,
      restoreRoleArn: this.engine.config.restoreRoleArn,
      metadata: restoreMetadata(this.record.restoredTableName, this.engine.config.restoreKmsKeyArn),
      restoreDurationSeconds: restoreDurationSeconds({ restoreJob, restoredActiveAt }),
    });
  }

  /**
   * Records what the checks found (CLEANING) before the copy is deleted; the result when the run
   * ends here (the lease was lost).
   */
  protected async saveChecked(args: {
    readonly checks: CheckResult[];
    readonly runbook?: Runbook;
    readonly failure?: string;
    readonly restoredScan?: CheckedOutcome['restoredScan'];
    readonly sourceReadUnitsPerSecond?: number;
    readonly restoreJob?: RestoreJob;
    readonly restoredActiveAt?: number;
  }): Promise<DrillResult | undefined> {
    const drill = this.record;
    const { recoveryPoint } = drill;
    const { restoreJob, restoredActiveAt } = args;
    const drillStartedAt = new Date(drill.startedAt);
    const checked: CheckedOutcome = {
      checks: args.checks,
      runbook: args.runbook,
      failure: args.failure,
      restoredScan: args.restoredScan,
      sourceReadUnitsPerSecond: args.sourceReadUnitsPerSecond,
      recoveryPointAgeSeconds: recoveryPoint
        ? Math.round((drillStartedAt.getTime() - Date.parse(recoveryPoint.newestCreationDate ?? recoveryPoint.creationDate)) / 1000)
        : undefined,
      restoreDurationSeconds: restoreJob?.status === 'COMPLETED' ? restoreDurationSeconds({ restoreJob, restoredActiveAt }) : undefined,
    };
    const restoreJobFacts = restoreJob ? jobFacts(restoreJob) : drill.restoreJob;
    if (!(await this.saveWithLease({ status: 'CLEANING', checked, restoreJob: restoreJobFacts }))) {
      this.log.warn('lost the drill lease while checking; the holder finishes it');
      return this.result({ status: 'in-progress-elsewhere' });
    }
    this.record = { ...drill, status: 'CLEANING', checked, restoreJob: restoreJobFacts };
    return undefined;
  }
}

function endedWhy(end: FanOutEnd): string {
  switch (end.kind) {
    case 'finished':
      return `the fan-out execution ${end.executionArn} read the whole copy`;
    case 'failed':
      return `the fan-out execution ${end.executionArn} failed: ${[end.error.Error, end.error.Cause].filter(Boolean).join(': ') || 'no error given'}`;
    case 'status':
      return `the fan-out execution ${end.executionArn} ended ${end.status} before it reported the scan`;
    case 'overdue':
      return `the fan-out execution ${end.executionArn} did not report back by its deadline; it was stopped`;
  }
}
