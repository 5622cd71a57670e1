import { evaluateRpo } from '../checks/rpo';
import type { DrilledTable } from '../config';
import { type RestoreJob, TERMINAL_RESTORE_STATUSES } from '../domain/backup';
import type { CheckResult } from '../domain/check-result';
import type { CheckedOutcome, CleanupOutcome, DrillRecord, RestoreTestFacts, TriggerKind } from '../domain/drill-record';
import type { Engine, Invocation } from './engine';
import { step } from '../errors/drill-step';
import { sourceReadPace } from '../metering/read-budget';
import type { TableShape } from '../ports/dynamodb-port';
import type { FinishedDrill } from '../report/drill-report';
import { explainError } from '../report/failure-advice';
import { checkContext, checksFor } from './check-copy';

import { DELETION_WATCH_MAX_MS, checkCopyDeletion } from './restore-test-deletion';
import { sendValidationResult, validationMessage } from './restore-test';
import { deleteRestoredCopy, failedBeforeCleanup, keepRestoredCopy } from './cleanup';
import { restoredTableName } from './drill-id';
import { LOCATE_GIVE_UP_MS } from './find-restore-job';
import { publishReport } from './publish-report';
import { EarlyFailure } from './restore-steps';
import { type FanOutEnd, FanOutSteps } from './fan-out-steps';
import { fanOutPlan } from './fan-out-plan';
import type { DrillResult } from './run-state';
import { runChecks } from './run-checks';
import { admitRestore, freeRestoreSlot, needsRestoreSlot } from './restore-slots';
import { decideOutcome, emitMetrics } from './verdict';
import { TABLE_ACTIVE_MAX_WAIT_MS, waitForTableActive } from './wait-for-restore';

export interface DrillRequest {
  readonly table: DrilledTable;
  readonly drillId: string;
  readonly trigger: TriggerKind;
}

export interface ContinueOptions {
  /** false: look at the restore job once and leave a running one to its event (the sweep). */
  readonly waitForRestore?: boolean;
}

/**
 * One drill in one invocation (DESIGN.md "The drill, for one table"). The drill's history record
 * says where it stands, and `continue` is the state table that moves it on, step by step:
 *
 *   STARTED    findRecoveryPoint, startRestore  -> RESTORING   (an early FAIL is judged at once)
 *   RESTORING  awaitRestore, checkCopy          -> CLEANING    (or handed over to the job's event)
 *                                               -> CHECKING    (a copy too large for one invocation: fan-out)
 *   CHECKING   the execution's end: finishFanOut -> CLEANING   (or the sweep, past its deadline)
 *   CLEANING   deleteCopy, recordVerdict        -> REPORTING
 *   REPORTING  report                           -> FINISHED
 *
 * Steps 1 to 3 are RestoreSteps', the record and lease moves RunState's, which they build on. Every
 * run starts from the record, so a duplicated event, a Lambda retry or a resumed restore continues the
 * same drill instead of starting another: one restore job (its idempotency token is the drill id),
 * one report (only the invocation holding the drill's lease moves it on).
 */
export class DrillRun extends FanOutSteps {
  /** A drill for a trigger: recorded, or continued where it stands when its id is recorded already (a duplicate event, a retry). */
  static async start(engine: Engine, invocation: Invocation, request: DrillRequest): Promise<DrillResult> {
    const { table, drillId, trigger } = request;
    const log = engine.logger.createChild({ persistentKeys: { drillId, table: table.tableName } });
    const record: DrillRecord = {
      drillId,
      sourceTable: table.tableName,
      sourceTableArn: table.tableArn,
      trigger,
      startedAt: new Date(engine.clock.now()).toISOString(),
      status: 'STARTED',
      restoredTableName: restoredTableName(engine.config.restoreTablePrefix, table.tableName, drillId),
    };
    const created = await engine.history.create(record);
    if (!created.created) {
      log.info('drill already recorded (duplicate event or retry); continuing it from where it stands', {
        status: created.existing.status,
      });
      return new DrillRun(engine, invocation, created.existing, log).continue();
    }
    log.info('drill started', { trigger, restoredTableName: record.restoredTableName });
    return new DrillRun(engine, invocation, record, log).continue();
  }

  /**
   * A drill recorded queued, not run: a run of many tables records every table's drill first, so
   * none is lost when the invocation ends before a restore slot frees for it (restore-queue.ts).
   * Returns the record as it stands (the existing one for a duplicate event or a retry).
   */
  static async enqueue(engine: Engine, request: DrillRequest): Promise<DrillRecord> {
    const { table, drillId, trigger } = request;
    const now = new Date(engine.clock.now()).toISOString();
    const record: DrillRecord = {
      drillId,
      sourceTable: table.tableName,
      sourceTableArn: table.tableArn,
      trigger,
      startedAt: now,
      queuedAt: now,
      status: 'STARTED',
      restoredTableName: restoredTableName(engine.config.restoreTablePrefix, table.tableName, drillId),
    };
    const created = await engine.history.create(record);
    return created.created ? record : created.existing;
  }

  /**
   * A restore test of an AWS Backup restore testing plan (native mode), recorded RESTORING with the
   * job AWS Backup ran (restoreTestRecord); a repeated event for the same job continues that drill.
   */
  static async startRestoreTest(engine: Engine, invocation: Invocation, record: DrillRecord): Promise<DrillResult> {
    const log = engine.logger.createChild({ persistentKeys: { drillId: record.drillId, table: record.sourceTable } });
    const created = await engine.history.create(record);
    if (!created.created) {
      log.info('restore test already recorded (duplicate event or retry); continuing it from where it stands', {
        status: created.existing.status,
      });
      return new DrillRun(engine, invocation, created.existing, log).continue();
    }
    log.info('restore test of an AWS Backup restore testing plan: validating it', {
      restoreJobId: record.restoreJobId,
      restoredTableName: record.restoredTableName,
      planArn: record.restoreTest?.planArn,
    });
    return new DrillRun(engine, invocation, record, log).continue();
  }

  /** A recorded drill, continued where it stands: its restore job's event, the sweep. */
  static resume(engine: Engine, invocation: Invocation, record: DrillRecord, options: ContinueOptions = {}): Promise<DrillResult> {
    const log = engine.logger.createChild({ persistentKeys: { drillId: record.drillId, table: record.sourceTable } });
    return new DrillRun(engine, invocation, record, log).continue(options);
  }

  /**
   * The end of a drill's fan-out execution: the state machine's `finished` or `failed`
   * invocation, or its status change event. Only a drill CHECKING with this very execution is
   * moved on (by the invocation that takes its lease); any other event is ignored, said why.
   */
  static async fanOutEnded(engine: Engine, invocation: Invocation, drillId: string, end: FanOutEnd): Promise<DrillResult> {
    const record = await engine.history.get(drillId);
    const ignored = (reason: string): DrillResult => {
      engine.logger.info('fan-out event ignored', { drillId, executionArn: end.executionArn, reason });
      return { drillId, table: record?.sourceTable ?? 'unknown', status: 'ignored', reason };
    };
    if (!record) return ignored(`no drill ${drillId} is recorded`);
    if (record.fanOut?.executionArn !== end.executionArn) return ignored(`execution ${end.executionArn} is not this drill's`);
    if (record.status !== 'CHECKING') return ignored(`the drill is ${record.status}, no longer waiting for its execution`);
    const log = engine.logger.createChild({ persistentKeys: { drillId, table: record.sourceTable } });
    return new DrillRun(engine, invocation, record, log).finishFanOut(end);
  }

  /** The state table (above): what moves the drill on from the status its record is in. */
  async continue(options: ContinueOptions = {}): Promise<DrillResult> {
    switch (this.record.status) {
      case 'STARTED': {
        if (this.record.earlyFailure === undefined) {
          // One invocation at a time may start the restore: a twin that lost a StartRestoreJob race
          // must not judge the drill while the winner's restore runs.
          const busy = await this.claim(['STARTED']);
          if (busy) return busy;
          const waiting = await this.takeRestoreSlot();
          if (waiting) return waiting;
          await this.requestRestore();
          if (this.record.status !== 'STARTED') {
            await this.release();
            return this.continue(options);
          }
        }
        return this.judge(undefined);
      }
      case 'RESTORING': {
        const restore = await this.awaitRestore(options.waitForRestore !== false);
        return 'handOver' in restore ? this.handOver(restore.handOver, restore.why) : this.judge(restore.ended);
      }
      case 'CLEANING': {
        const busy = await this.claim(['CLEANING']);
        if (busy) return busy;
        this.log.info('checks were recorded but cleanup and report did not finish; finishing them now');
        return this.cleanUpAndReport();
      }
      case 'CHECKING':
        return this.awaitFanOut();
      case 'REPORTING':
        return this.resendReport();
      case 'FINISHED':
        this.log.info('drill already finished and reported; nothing to do', { verdict: this.record.outcome?.verdict });
        return this.result({ status: 'already-finished', verdict: this.record.outcome?.verdict });
    }
  }

  /**
   * STARTED, for the lease holder, before its restore is asked for: a restore slot
   * (maxConcurrentRestores), or the drill stays queued and the lease goes back.
   */
  private async takeRestoreSlot(): Promise<DrillResult | undefined> {
    if (!needsRestoreSlot(this.record)) return undefined;
    const admission = await admitRestore(this.engine, this.invocation.owner, this.record);
    if ('admitted' in admission) {
      this.record = admission.admitted;
      return undefined;
    }
    if ('lost' in admission) return this.result({ status: 'in-progress-elsewhere' });
    await this.release();
    this.log.info('drill queued: no restore slot free', { reason: admission.queued });
    return this.result({ status: 'queued', reason: admission.queued });
  }

  /**
   * STARTED, for the lease holder: findRecoveryPoint, then startRestore. Ends RESTORING; or
   * STARTED with the early failure recorded; or where a twin invocation took the drill.
   */
  private async requestRestore(): Promise<void> {
    const { recoveryPoint, restoreStartedAt } = this.record;
    try {
      if (recoveryPoint === undefined || restoreStartedAt === undefined) {
        const request = await this.findRecoveryPoint();
        if (request) await this.startRestore(request);
      } else if (this.engine.clock.now() - Date.parse(restoreStartedAt) > LOCATE_GIVE_UP_MS) {
        await this.findJobRequestedLongAgo({ recoveryPoint, restoreStartedAt });
      } else {
        this.log.info('the restore was requested before; asking again for the same recovery point with the same token', {
          recoveryPointArn: recoveryPoint.recoveryPointArn,
          requestedAt: restoreStartedAt,
        });
        await this.startRestore({ recoveryPoint, restoreStartedAt });
      }
    } catch (error) {
      if (!(error instanceof EarlyFailure)) throw error;
      await this.saveEarlyFailure(error.message);
    }
  }

  /** The rest of the drill, for the lease holder: checkCopy, then deleteCopy, recordVerdict and report. */
  private async judge(job: RestoreJob | undefined): Promise<DrillResult> {
    const stop = (await this.claim(['STARTED', 'RESTORING'])) ?? (await this.checkCopy(job));
    return stop ?? this.cleanUpAndReport();
  }

  protected async cleanUpAndReport(): Promise<DrillResult> {
    // The restore has ended (CLEANING): its slot can start the next queued drill.
    await freeRestoreSlot(this.engine, this.record);
    const { restoreTest } = this.record;
    const cleanup = restoreTest ? await this.validateRestoreTest(restoreTest) : await this.deleteCopy();
    if (!cleanup) return this.result({ status: 'in-progress-elsewhere' });
    const drill = await this.recordVerdict(cleanup);
    if (!drill) return this.result({ status: 'in-progress-elsewhere' });
    const reported = await this.report(drill);
    if (this.record.restoreTest && reported.status === 'finished') await this.watchCopyDeletion();
    return reported;
  }

  /**
   * Step 5 of a restore test, instead of deleting the copy: tells AWS Backup the verdict of the
   * checks (PutRestoreValidationResult, once), records what it answered as the `validation result`
   * check, and leaves the copy to AWS Backup. Undefined when the lease was lost.
   */
  private async validateRestoreTest(restoreTest: RestoreTestFacts): Promise<CleanupOutcome | undefined> {
    const { engine } = this;
    const checked = this.record.checked ?? { checks: [] };
    if (this.record.restoreJob?.status !== 'COMPLETED') {
      // Nothing to validate: AWS Backup records the failed restore test itself.
      const status = this.record.restoreJob?.status ?? 'unknown';
      return {
        result: 'aws-backup',
        tableName: this.record.restoredTableName,
        detail: `the restore test ${status}: no copy to validate; AWS Backup removes what it made`,
      };
    }
    const withoutValidation = checked.checks.filter((c) => c.check !== 'validation result');
    const pending: CleanupOutcome = { result: 'aws-backup', tableName: this.record.restoredTableName, detail: '' };
    const provisional = decideOutcome({ ...checked, checks: withoutValidation, cleanup: pending, finishedAt: '' });
    const validation = await sendValidationResult({
      backup: engine.backup,
      log: this.log,
      drill: this.record,
      restoreTest,
      verdict: provisional.verdict,
      message: validationMessage(provisional.verdict, withoutValidation, provisional.failure),
      now: () => engine.clock.now(),
    });
    const withValidation = { ...checked, checks: [...withoutValidation, validation.check] };
    if (!(await this.saveWithLease({ checked: withValidation, restoreTest: validation.restoreTest }))) {
      this.log.warn('lost the drill lease while validating; the holder finishes it');
      return undefined;
    }
    this.record = { ...this.record, checked: withValidation, restoreTest: validation.restoreTest };
    return validation.cleanup;
  }

  /**
   * After the report of a restore test: AWS Backup deletes the copy once it has the result, and
   * says how in DescribeRestoreJob's DeletionStatus (no EventBridge event reports it: developer
   * guide, "Amazon EventBridge"). Watched here briefly, then by every scheduled run
   * (watchRestoreTestDeletions); a FAILED deletion is a FAIL naming the copy.
   */
  private async watchCopyDeletion(): Promise<void> {
    await this.engine.history.watchDeletion(this.record.drillId, true);
    await checkCopyDeletion(this.engine, this.record, this.log, this.invocation.time.cleanupWaitMs(DELETION_WATCH_MAX_MS));
  }

  /**
   * Step 4: the checks. Their result is recorded (CLEANING) before the copy is deleted, so an
   * invocation that dies in between is finished by its retry with the same verdict instead of a
   * check of a table already gone. A drill without a restore (an early failure) has only its RPO.
   * Returns the result when the run ends here: the job has not ended, or the lease was lost.
   */
  private async checkCopy(job: RestoreJob | undefined): Promise<DrillResult | undefined> {
    const { engine } = this;
    const drill = this.record;
    const table = this.drilledTable();
    const drillStartedAt = new Date(drill.startedAt);
    let checks: CheckResult[] = [];
    let restoredScan: CheckedOutcome['restoredScan'];
    let runbook: CheckedOutcome['runbook'];
    let sourceReadUnitsPerSecond: number | undefined;
    let failure = drill.earlyFailure;
    let restoreJob = job;
    let restoredActiveAt: number | undefined;

    const { recoveryPoint, restoreJobId } = drill;
    if (failure === undefined && recoveryPoint && restoreJobId) {
      try {
        restoreJob ??= await step('DescribeRestoreJob', () => engine.backup.describeRestoreJob(restoreJobId));
        if (!TERMINAL_RESTORE_STATUSES.has(restoreJob.status)) {
          // Only a finished job can be judged; give the drill back to whoever waits for it.
          await this.release();
          this.log.info('restore job not finished; not judging it yet', { restoreJobId, status: restoreJob.status });
          return this.result({ status: 'waiting', restoreJobId });
        }
        let restored: TableShape | undefined;
        if (restoreJob.status === 'COMPLETED') {
          const active = await waitForTableActive({
            dynamodb: engine.dynamodb,
            clock: engine.clock,
            tableName: drill.restoredTableName,
            // A restore test's copy AWS Backup is deleting (its window closed) will not become ACTIVE.
            waitMs: restoreJob.deletionStatus ? 0 : this.invocation.time.tableWaitMs(TABLE_ACTIVE_MAX_WAIT_MS),
            pollMs: engine.config.wait.tablePollSeconds * 1000,
          });
          restored = active.table;
          restoredActiveAt = active.activeAt;
        }
        const source = await step('DescribeTable', () => engine.dynamodb.describeTable(table.tableName));
        const sourceSettings = source ? await step('DescribeTimeToLive', () => engine.dynamodb.describeSettings(source)) : undefined;
        sourceReadUnitsPerSecond = sourceReadPace(engine.config.targets.sourceReadUnitsPerSecond, source?.readCapacityUnits);
        const copy = {
          table,
          drill,
          recoveryPoint,
          restoreJob,
          source,
          sourceSettings,
          restored,
          restoredActiveAt,
          sourceReadUnitsPerSecond,
        };
        const plan = fanOutPlan(engine.config.fanOut, copy, this.invocation.time.checkTimeMs());
        if (plan && restored) {
          const handedOff = await this.handOff({ ...copy, restored }, plan);
          if (handedOff) return handedOff;
        }
        const context = checkContext(engine, this.invocation.time, copy);
        ({ results: checks, restoredScan } = await runChecks(checksFor(engine, table), context));
        runbook = this.runbookOf({ table, source, sourceSettings, restored, recoveryPoint, restoreJob, restoredActiveAt });
      } catch (error) {
        failure = `the drill stopped with an error: ${explainError('drill', error)}`;
        this.log.error('drill error', { error: error as Error });
      }
    } else if (recoveryPoint) {
      checks = [
        evaluateRpo(drillStartedAt, new Date(recoveryPoint.newestCreationDate ?? recoveryPoint.creationDate), engine.config.targets),
      ];
    }

    return this.saveChecked({ checks, runbook, failure, restoredScan, sourceReadUnitsPerSecond, restoreJob, restoredActiveAt });
  }

  /** Step 5: deletes the restored copy, under every safety rule of cleanup.ts; a failure is reported, never thrown. */
  private async deleteCopy(): Promise<CleanupOutcome> {
    const { engine } = this;
    const keepHours = engine.config.keepFailedCopyHours ?? 0;
    if (keepHours > 0 && this.record.restoreJobId && failedBeforeCleanup(this.record)) {
      const kept = await keepRestoredCopy({
        config: engine.config,
        dynamodb: engine.dynamodb,
        clock: engine.clock,
        drill: this.record,
        hours: keepHours,
      });
      if (kept.result === 'kept') {
        this.log.info('restored copy of a FAILed drill kept for investigation', { cleanup: kept });
        return kept;
      }
    }
    const cleanup = await deleteRestoredCopy({
      config: engine.config,
      dynamodb: engine.dynamodb,
      clock: engine.clock,
      time: this.invocation.time,
      drill: this.record,
    });
    if (cleanup.result === 'failed' || cleanup.result === 'refused') this.log.error('restored copy not deleted', { cleanup });
    else this.log.info('cleanup', { cleanup });
    return cleanup;
  }

  /** Step 6: decides the verdict and records it (REPORTING), then its metrics. Undefined when the lease was lost. */
  private async recordVerdict(cleanup: CleanupOutcome): Promise<FinishedDrill | undefined> {
    const checked = this.record.checked ?? { checks: [] };
    const outcome = decideOutcome({ ...checked, cleanup, finishedAt: new Date(this.engine.clock.now()).toISOString() });
    if (!(await this.saveWithLease({ status: 'REPORTING', outcome }))) {
      this.log.warn('lost the drill lease while cleaning up; the holder reports it');
      return undefined;
    }
    emitMetrics(this.engine.metrics, this.record, outcome);
    this.log.info('drill verdict', {
      verdict: outcome.verdict,
      checks: outcome.checks.map((c) => `${c.check}:${c.status}`).join(' '),
      failure: outcome.failure,
    });
    const drill = { ...this.record, status: 'REPORTING' as const, outcome };
    this.record = drill;
    return drill;
  }

  /** Step 7: the report, to each of its topics, each publish recorded before the next (publishReport). */
  private async report(drill: FinishedDrill): Promise<DrillResult> {
    const end = await publishReport({ engine: this.engine, owner: this.invocation.owner, log: this.log, drill });
    return this.result(end);
  }

  /** REPORTING: the verdict was recorded but the report not (wholly) sent; the lease holder sends the rest. */
  private async resendReport(): Promise<DrillResult> {
    const { engine, invocation } = this;
    const claimed = await engine.history.claim(
      this.record.drillId,
      ['REPORTING'],
      invocation.owner,
      engine.clock.now(),
      invocation.time.leaseMs(),
    );
    if (!claimed?.outcome) return this.result({ status: 'in-progress-elsewhere' });
    this.log.info('verdict recorded earlier but not reported; sending the report now', { verdict: claimed.outcome.verdict });
    this.record = claimed;
    return this.report({ ...claimed, outcome: claimed.outcome });
  }
}
