import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CheckContext, CheckDefinition } from '../checks/check';
import { isDrillItemFor } from '../checks/drill-items';
import { evaluateRpo } from '../checks/rpo';
import { restoreDurationSeconds } from '../checks/rto';
import type { DrillConfig, DrilledTable } from '../config';
import { type RestoreJob, TERMINAL_RESTORE_STATUSES } from '../domain/backup';
import type { CheckResult } from '../domain/check-result';
import type {
  CheckedOutcome,
  CleanupOutcome,
  DrillOutcome,
  DrillRecord,
  DrillStatus,
  RecoveryPointFacts,
  RestoreJobFacts,
  TriggerKind,
  Verdict,
} from '../domain/drill-record';
import type { Engine, Invocation } from '../engine';
import { step } from '../errors/drill-step';
import { isPermanentError } from '../errors/transient';
import { createMeteredReader } from '../metering/metered-reader';
import { sourceReadPace } from '../metering/read-budget';
import type { DrillLogger } from '../observability';
import type { BackupPort } from '../ports/backup-port';
import type { Clock } from '../ports/clock';
import type { TableSettings, TableShape } from '../ports/dynamodb-port';
import type { HistoryPort } from '../ports/history-port';
import { drillMessage, type FinishedDrill } from '../report/drill-report';
import { explainError } from '../report/failure-advice';
import { formatDuration, formatTime } from '../report/format';
import { reportTopics } from '../report/report-topics';
import { deleteRestoredCopy } from './cleanup';
import { restoredTableName } from './drill-id';
import { findLatestRecoveryPoint, type RecoveryPointSearch } from './find-recovery-point';
import { findStartedRestoreJob, type RestoreJobSearch } from './find-restore-job';
import { restoreMetadata } from './restore-metadata';
import { runChecks } from './run-checks';
import { checkSourceKey } from './source-key';
import { tableOutsideStack } from './table-environment';
import type { TimeBudget } from './time-budget';
import { TABLE_ACTIVE_MAX_WAIT_MS, waitForRestoreJob, waitForTableActive } from './wait-for-restore';

/**
 * Why an invocation fails on purpose. Each leaves the drill where Lambda's retry, or the next
 * scheduled run's sweep, continues it; the handler fails the invocation with every such message.
 */

/** An AWS call before the restore failed transiently: nothing was judged, the drill stays STARTED. */
export class DrillNotAdvancedError extends Error {
  override readonly name = 'DrillNotAdvancedError';
}

/** The restore job is not listed yet: the invocation fails so Lambda's retry looks again soon. */
export class RestoreJobNotFoundYetError extends Error {
  override readonly name = 'RestoreJobNotFoundYetError';
}

/** The verdict is recorded but SNS would not take the report; the invocation must fail. */
export class ReportNotSentError extends Error {
  override readonly name = 'ReportNotSentError';
}

/** How a drill's run in this invocation ended. */
export type DrillEnd =
  | { readonly status: 'finished'; readonly verdict: Verdict }
  | { readonly status: 'waiting'; readonly restoreJobId: string }
  | { readonly status: 'already-finished'; readonly verdict?: Verdict }
  | { readonly status: 'in-progress-elsewhere' };

export type DrillResult = { readonly drillId: string; readonly table: string } & DrillEnd;

/**
 * What one drill run holds - the engine, the invocation, the drill's record as it stands, its
 * logger - and the moves on that record every step makes: taking and giving back the lease,
 * saving under it, following a twin invocation. The steps build on it (RestoreSteps, then
 * DrillRun), as Powertools' batch processors build on BasePartialProcessor.
 */
export abstract class RunState {
  protected constructor(
    protected readonly engine: Engine,
    protected readonly invocation: Invocation,
    /** The drill as this invocation last read, wrote or found it. */
    protected record: DrillRecord,
    protected readonly log: DrillLogger,
  ) {}

  /** The drilled table's settings; a table removed from the settings while its drill ran is finished with what the record knows. */
  protected drilledTable(): DrilledTable {
    const { sourceTableArn, sourceTable } = this.record;
    return this.engine.config.tables.find((t) => t.tableArn === sourceTableArn) ?? { tableName: sourceTable, tableArn: sourceTableArn };
  }

  /** Takes the drill's lease; else the result saying who has it (another invocation, or nobody: already finished). */
  protected async claim(from: readonly DrillStatus[]): Promise<DrillResult | undefined> {
    const { engine, invocation } = this;
    const claimed = await engine.history.claim(this.record.drillId, from, invocation.owner, engine.clock.now(), invocation.time.leaseMs());
    if (claimed) {
      this.record = claimed;
      return undefined;
    }
    const current = await engine.history.get(this.record.drillId);
    this.log.info('another invocation is finishing this drill (or has finished it)', { status: current?.status });
    return current?.status === 'FINISHED'
      ? this.result({ status: 'already-finished', verdict: current.outcome?.verdict })
      : this.result({ status: 'in-progress-elsewhere' });
  }

  /** Gives the lease back, so a retry can take the drill over at once. */
  protected release(): Promise<void> {
    return this.engine.history.release(this.record.drillId, this.invocation.owner);
  }

  /** Saves fields while this invocation still holds the lease; false once it has lost it. */
  protected saveWithLease(fields: Partial<DrillRecord>): Promise<boolean> {
    return this.engine.history.update(this.record.drillId, fields, { owner: this.invocation.owner });
  }

  /** Takes the record as a twin invocation left it, after it moved the drill on first. */
  protected async followTwin(): Promise<void> {
    const current = await this.engine.history.get(this.record.drillId);
    if (!current) throw new Error(`drill ${this.record.drillId} vanished from the history table`);
    this.log.info('a twin invocation already moved this drill on; following it', { status: current.status });
    this.record = current;
  }

  protected result(end: DrillEnd): DrillResult {
    return { drillId: this.record.drillId, table: this.record.sourceTable, ...end };
  }
}

/** The recovery point a drill restores, and when it first asked for the restore (ISO-8601). */
export type RestoreRequest = Required<Pick<DrillRecord, 'recoveryPoint' | 'restoreStartedAt'>>;

/** A FAIL found before any restore started (no recovery point, a refused call...): recorded, then judged as it stands. */
export class EarlyFailure extends Error {
  override readonly name = 'EarlyFailure';
}

/** How awaiting the restore ended: the job ended (or cannot be followed: undefined), or it is handed over to its event. */
export type RestoreEnd = { readonly ended: RestoreJob | undefined } | { readonly handOver: RestoreJob; readonly why: string };

export function jobFacts(job: RestoreJob): RestoreJobFacts {
  return {
    restoreJobId: job.restoreJobId,
    status: job.status,
    statusMessage: job.statusMessage,
    creationDate: job.creationDate?.toISOString(),
    completionDate: job.completionDate?.toISOString(),
    createdResourceArn: job.createdResourceArn,
  };
}

/**
 * Steps 1 to 3 of a drill run: find the recovery point, start its restore, await the restore.
 * Until the restore starts, every AWS call goes through beforeRestore: a permanent error is the
 * drill's early FAIL (thrown as EarlyFailure, recorded by saveEarlyFailure), a transient one
 * leaves the drill STARTED for Lambda's retry.
 */
export abstract class RestoreSteps extends RunState {
  /**
   * Step 1: the newest COMPLETED recovery point, once the table is known to be drillable from
   * here (this stack's account and Region; a KMS key the drill holds). The point and the time of
   * the request are recorded before StartRestoreJob is sent, so an invocation that takes the
   * drill over later asks for the same point with the same token, and writes no second canary.
   * Undefined when a twin invocation recorded its request first (the run follows it).
   */
  protected async findRecoveryPoint(): Promise<RestoreRequest | undefined> {
    const { engine } = this;
    const table = this.drilledTable();
    const elsewhere = tableOutsideStack(table, engine.config);
    if (elsewhere) throw new EarlyFailure(elsewhere);
    const source = await this.beforeRestore('DescribeTable', () => engine.dynamodb.describeTable(table.tableName));
    const search = await this.beforeRestore('ListRecoveryPointsByBackupVault', () =>
      findLatestRecoveryPoint(engine.backup, engine.config.vaultNames, table.tableArn),
    );
    const point = search.latest;
    if (!point) {
      const drilledBefore = await this.beforeRestore('Query', () => engine.history.hasEarlierDrill(this.record));
      throw new EarlyFailure(noRecoveryPoint({ config: engine.config, now: engine.clock.now(), table, source, search, drilledBefore }));
    }
    this.log.info('newest recovery point found', { recoveryPointArn: point.recoveryPointArn, created: point.creationDate.toISOString() });
    const recoveryPoint: RecoveryPointFacts = {
      recoveryPointArn: point.recoveryPointArn,
      backupVaultName: point.backupVaultName,
      creationDate: point.creationDate.toISOString(),
    };
    if (source) {
      // An early failure from here on is recorded with the recovery point it concerns.
      this.record = { ...this.record, recoveryPoint };
      const key = await this.beforeRestore('DescribeKey', () => checkSourceKey(table, source, engine.keys));
      if (!key.ok) throw new EarlyFailure(key.failure);
      if (table.canary) await this.writeCanary(table, source);
    }
    const request = { recoveryPoint, restoreStartedAt: new Date(engine.clock.now()).toISOString() };
    if (!(await engine.history.update(this.record.drillId, request, { ifStatus: 'STARTED' }))) {
      await this.followTwin();
      return undefined;
    }
    this.record = { ...this.record, ...request };
    return request;
  }

  /**
   * Step 2: StartRestoreJob for the recorded point, with the drill id as its idempotency token, so
   * a retry, a twin or the sweep that asks again gets the same job. STARTED -> RESTORING.
   */
  protected async startRestore({ recoveryPoint, restoreStartedAt }: RestoreRequest): Promise<void> {
    const { engine } = this;
    // A transient error here may hide an accepted request: the retry asks again with the same
    // token, which AWS Backup answers with that job (or with success and no id: looked up below).
    let restoreJobId = await this.beforeRestore('StartRestoreJob', () =>
      engine.backup.startRestoreJob({
        recoveryPointArn: recoveryPoint.recoveryPointArn,
        metadata: restoreMetadata(this.record.restoredTableName, engine.config.restoreKmsKeyArn),
        iamRoleArn: engine.config.restoreRoleArn,
        idempotencyToken: this.record.drillId,
      }),
    );
    if (restoreJobId === undefined) {
      this.log.warn('StartRestoreJob succeeded without a restore job id (a repeated request); looking the job up');
      try {
        restoreJobId = await this.locateRestoreJob(recoveryPoint, restoreStartedAt, LOCATE_PAUSES_MS);
      } catch (error) {
        // A refused listing will not change on a retry; a throttled one may: look again later.
        if (isPermanentError(error)) throw new EarlyFailure(explainError('ListRestoreJobsByProtectedResource', error));
        this.log.warn('could not list the restore jobs of the source table', {
          error: explainError('ListRestoreJobsByProtectedResource', error),
        });
      }
    }
    if (restoreJobId === undefined) return this.restoreJobNotFoundYet(recoveryPoint, restoreStartedAt);
    await this.recordRestoreJob(restoreJobId);
  }

  /**
   * Step 2 for a drill picked up long after its restore was requested (the sweep of a later run,
   * after the invocation that asked died and Lambda's retries were spent). StartRestoreJob is not
   * sent again: AWS Backup does not document how long it remembers an idempotency token, so a
   * request this late could start a second restore of a recovery point chosen hours ago instead of
   * naming the first job - a copy nobody expects, judged against the old request time. The drill
   * only looks for the job it asked for; none listed by now means none will be.
   */
  protected async findJobRequestedLongAgo({ recoveryPoint, restoreStartedAt }: RestoreRequest): Promise<void> {
    this.log.warn('the restore was requested too long ago to ask again; looking for its job only', {
      recoveryPointArn: recoveryPoint.recoveryPointArn,
      requestedAt: restoreStartedAt,
    });
    // Not finding the job is a verdict only when the listing answered.
    const found = await this.beforeRestore('ListRestoreJobsByProtectedResource', () =>
      this.locateRestoreJob(recoveryPoint, restoreStartedAt, [0]),
    );
    if (found !== undefined) return this.recordRestoreJob(found);
    const { restoreRoleArn } = this.engine.config;
    throw new EarlyFailure(
      restoreJobNotListed({ drill: this.record, recoveryPoint, restoreStartedAt, restoreRoleArn, now: this.engine.clock.now() }),
    );
  }

  /**
   * Step 3 (RESTORING): follows the restore job until it ends, within this invocation's time. A
   * job still running when the time runs short, or ending too close to the deadline to be checked
   * here, is handed over to its Restore Job State Change event. The sweep only looks once.
   */
  protected async awaitRestore(waitForRestore: boolean): Promise<RestoreEnd> {
    const { engine } = this;
    const { restoreJobId } = this.record;
    if (!restoreJobId) throw new Error(`drill ${this.record.drillId} is RESTORING without a restore job id`);
    try {
      if (!waitForRestore) {
        const job = await step('DescribeRestoreJob', () => engine.backup.describeRestoreJob(restoreJobId));
        if (TERMINAL_RESTORE_STATUSES.has(job.status)) return { ended: job };
        return { handOver: job, why: 'restore still running: its Restore Job State Change event will finish the drill' };
      }
      const wait = await waitForRestoreJob({
        backup: engine.backup,
        clock: engine.clock,
        time: this.invocation.time,
        tuning: engine.config.wait,
        restoreJobId,
        restoreStartedAt: Date.parse(this.record.restoreStartedAt ?? this.record.startedAt),
        onProgress: (job) =>
          this.log.info('restore in progress', { restoreJobId: job.restoreJobId, status: job.status, percentDone: job.percentDone }),
      });
      if (wait.kind === 'handed-over') {
        return { handOver: wait.job, why: 'invocation time is short: leaving the drill to the Restore Job State Change event' };
      }
      // Checks need time; a job that ended just before the deadline is better finished by the
      // invocation its own state-change event starts, with a whole timeout ahead of it.
      if (wait.job.status === 'COMPLETED' && !this.invocation.time.canCheckNow()) {
        return {
          handOver: wait.job,
          why: 'restore done but too little time left to check it: leaving it to the Restore Job State Change event',
        };
      }
      return { ended: wait.job };
    } catch (error) {
      // A permanent error watching the job (e.g. DescribeRestoreJob denied) would fail every
      // invocation alike and leave the copy forever: judge the drill instead, which reports the
      // error as the FAIL and deletes the copy. Transient errors fail the invocation, whose retry
      // (or the next schedule's sweep) picks the drill up again.
      if (!isPermanentError(error)) throw error;
      this.log.error('cannot follow the restore job; finishing the drill as FAIL', { error: error as Error });
      return { ended: undefined };
    }
  }

  /** Leaves a running restore to its Restore Job State Change event, with the job as last seen recorded. */
  protected async handOver(job: RestoreJob, why: string): Promise<DrillResult> {
    await this.engine.history.update(this.record.drillId, { restoreJob: jobFacts(job) });
    this.log.info(why, { restoreJobId: job.restoreJobId, status: job.status, percentDone: job.percentDone });
    return this.result({ status: 'waiting', restoreJobId: job.restoreJobId });
  }

  /** Records the early FAIL; a twin invocation that moved the drill on meanwhile (it started the restore this one could not) is followed. */
  protected async saveEarlyFailure(failure: string): Promise<void> {
    this.log.warn('drill cannot restore', { failure });
    const fields = { earlyFailure: failure, recoveryPoint: this.record.recoveryPoint };
    if (await this.engine.history.update(this.record.drillId, fields, { ifStatus: 'STARTED' })) {
      this.record = { ...this.record, earlyFailure: failure };
    } else {
      await this.followTwin();
    }
  }

  /**
   * An AWS call made before the restore starts. A permanent error (a denied permission, a resource
   * that is gone: isPermanentError) will be the same on every attempt, so it is the drill's early
   * FAIL, named. A transient one (throttling, a service error that outlasted the SDK's retries) says
   * nothing about the backup: the lease goes back and the invocation fails, so Lambda's retry, or
   * the next scheduled run's sweep, continues the drill.
   */
  private async beforeRestore<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await step(operation, call);
    } catch (error) {
      const why = explainError(operation, error);
      if (isPermanentError(error)) throw new EarlyFailure(why);
      await this.release();
      this.log.warn('an AWS call before the restore failed transiently; leaving the drill to the retry', { error: why });
      throw new DrillNotAdvancedError(
        `drill ${this.record.drillId} (${this.record.sourceTable}): ${why}; nothing was judged: the drill stays STARTED and Lambda's retry (or the next scheduled run) continues it`,
      );
    }
  }

  /** Best effort: a failed canary write is logged; the next drill's canary check shows the gap. */
  private async writeCanary(table: DrilledTable, source: TableShape): Promise<void> {
    try {
      const canary = await this.engine.canaries.write(table.tableName, source, this.record.drillId, new Date(this.engine.clock.now()));
      this.log.info('canary written to the source for the next backup to capture', { writtenAt: canary.writtenAt });
    } catch (error) {
      this.log.warn('canary write failed', { error: explainError('PutItem', error) });
    }
  }

  private async locateRestoreJob(
    point: RecoveryPointFacts,
    restoreStartedAt: string,
    pausesMs: readonly number[],
  ): Promise<string | undefined> {
    const { engine } = this;
    const found = await lookForRestoreJob({
      backup: engine.backup,
      history: engine.history,
      clock: engine.clock,
      time: this.invocation.time,
      pausesMs,
      search: {
        drillId: this.record.drillId,
        sourceTableArn: this.record.sourceTableArn,
        recoveryPointArn: point.recoveryPointArn,
        recoveryPointCreatedAt: new Date(point.creationDate),
        iamRoleArn: engine.config.restoreRoleArn,
        restoredTableName: this.record.restoredTableName,
        requestedAt: Date.parse(restoreStartedAt),
      },
    });
    if (found) this.log.info('restore job found by listing the restore jobs of the source table', { restoreJobId: found });
    return found;
  }

  /**
   * The request was accepted but its job cannot be found yet. Failing the drill now would leave a
   * restore nobody follows and a copy the cleanup may not delete (it deletes only what a known job
   * of this drill created). So the drill stays STARTED, the lease goes back, and the invocation
   * fails: Lambda's retry, a minute later, asks again with the same token and looks again, and so
   * does the next scheduled run's sweep. Only a job still unlisted hours later ends the drill as
   * FAIL (findJobRequestedLongAgo).
   */
  private async restoreJobNotFoundYet(point: RecoveryPointFacts, restoreStartedAt: string): Promise<never> {
    const { drillId, sourceTable } = this.record;
    const what = `StartRestoreJob accepted the restore of ${point.recoveryPointArn} (requested ${formatTime(restoreStartedAt)}) but returned no restore job id, and no restore job of that recovery point run with the restore role ${this.engine.config.restoreRoleArn} is listed for ${sourceTable}`;
    await this.release();
    this.log.warn('restore job not found yet; leaving the drill for the next invocation', { recoveryPointArn: point.recoveryPointArn });
    throw new RestoreJobNotFoundYetError(
      `drill ${drillId} (${sourceTable}): ${what} yet; the drill stays STARTED and Lambda's retry (or the next scheduled run) looks again`,
    );
  }

  private async recordRestoreJob(restoreJobId: string): Promise<void> {
    const fields = { status: 'RESTORING' as const, restoreJobId };
    const saved = await this.engine.history.update(this.record.drillId, fields, { ifStatus: 'STARTED' });
    this.log.info('restore job started', { restoreJobId, restoredTableName: this.record.restoredTableName });
    // A twin invocation recorded the same job (same idempotency token) first: follow the record.
    this.record = (saved ? undefined : await this.engine.history.get(this.record.drillId)) ?? { ...this.record, ...fields };
  }
}

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
 *   CLEANING   deleteCopy, recordVerdict        -> REPORTING
 *   REPORTING  report                           -> FINISHED
 *
 * Steps 1 to 3 are RestoreSteps', the record and lease moves RunState's, which they build on. Every
 * run starts from the record, so a duplicated event, a Lambda retry or a resumed restore continues the
 * same drill instead of starting another: one restore job (its idempotency token is the drill id),
 * one report (only the invocation holding the drill's lease moves it on).
 */
export class DrillRun extends RestoreSteps {
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

  /** A recorded drill, continued where it stands: its restore job's event, the sweep. */
  static resume(engine: Engine, invocation: Invocation, record: DrillRecord, options: ContinueOptions = {}): Promise<DrillResult> {
    const log = engine.logger.createChild({ persistentKeys: { drillId: record.drillId, table: record.sourceTable } });
    return new DrillRun(engine, invocation, record, log).continue(options);
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
      case 'REPORTING':
        return this.resendReport();
      case 'FINISHED':
        this.log.info('drill already finished and reported; nothing to do', { verdict: this.record.outcome?.verdict });
        return this.result({ status: 'already-finished', verdict: this.record.outcome?.verdict });
    }
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

  private async cleanUpAndReport(): Promise<DrillResult> {
    const cleanup = await this.deleteCopy();
    const drill = await this.recordVerdict(cleanup);
    return drill ? this.report(drill) : this.result({ status: 'in-progress-elsewhere' });
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
            waitMs: this.invocation.time.tableWaitMs(TABLE_ACTIVE_MAX_WAIT_MS),
            pollMs: engine.config.wait.tablePollSeconds * 1000,
          });
          restored = active.table;
          restoredActiveAt = active.activeAt;
        }
        const source = await step('DescribeTable', () => engine.dynamodb.describeTable(table.tableName));
        const sourceSettings = source ? await step('DescribeTimeToLive', () => engine.dynamodb.describeSettings(source)) : undefined;
        sourceReadUnitsPerSecond = sourceReadPace(engine.config.targets.sourceReadUnitsPerSecond, source?.readCapacityUnits);
        const context = checkContext(engine, this.invocation.time, {
          table,
          drill,
          recoveryPoint,
          restoreJob,
          source,
          sourceSettings,
          restored,
          restoredActiveAt,
          sourceReadUnitsPerSecond,
        });
        ({ results: checks, restoredScan } = await runChecks(checksFor(engine, table), context));
      } catch (error) {
        failure = `the drill stopped with an error: ${explainError('drill', error)}`;
        this.log.error('drill error', { error: error as Error });
      }
    } else if (recoveryPoint) {
      checks = [evaluateRpo(drillStartedAt, new Date(recoveryPoint.creationDate), engine.config.targets)];
    }

    const checked: CheckedOutcome = {
      checks,
      failure,
      restoredScan,
      sourceReadUnitsPerSecond,
      recoveryPointAgeSeconds: recoveryPoint
        ? Math.round((drillStartedAt.getTime() - Date.parse(recoveryPoint.creationDate)) / 1000)
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

  /** Step 5: deletes the restored copy, under every safety rule of cleanup.ts; a failure is reported, never thrown. */
  private async deleteCopy(): Promise<CleanupOutcome> {
    const { engine } = this;
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

/** What the drill has found out by the time it checks the copy. */
export interface CopyFacts {
  readonly table: DrilledTable;
  readonly drill: DrillRecord;
  readonly recoveryPoint: RecoveryPointFacts;
  readonly restoreJob: RestoreJob;
  /** The source now; undefined when it no longer exists. */
  readonly source?: TableShape;
  readonly sourceSettings?: TableSettings;
  /** The restored copy, when the restore COMPLETED. */
  readonly restored?: TableShape;
  readonly restoredActiveAt?: number;
  /** The pace of source reads (sourceReadPace). */
  readonly sourceReadUnitsPerSecond: number;
}

/**
 * The checks' view of one drill: what it found, read-only ports, reads of the source metered
 * (charged to the read budget and paced), and the time the checks may spend.
 */
export function checkContext(engine: Engine, time: TimeBudget, facts: CopyFacts): CheckContext {
  const { table, drill, recoveryPoint, source, restored } = facts;
  return {
    table,
    targets: engine.config.targets,
    drillStartedAt: new Date(drill.startedAt),
    recoveryPoint: {
      recoveryPointArn: recoveryPoint.recoveryPointArn,
      backupVaultName: recoveryPoint.backupVaultName,
      resourceArn: table.tableArn,
      status: 'COMPLETED',
      creationDate: new Date(recoveryPoint.creationDate),
    },
    restoreJob: facts.restoreJob,
    source,
    sourceSettings: facts.sourceSettings,
    restored,
    restoredTableName: drill.restoredTableName,
    restoredActiveAt: facts.restoredActiveAt,
    dynamodb: createMeteredReader({
      dynamodb: engine.dynamodb,
      sourceTableName: source?.name,
      budgetUnits: engine.config.targets.sourceReadBudgetUnits,
      unitsPerSecond: facts.sourceReadUnitsPerSecond,
      clock: engine.clock,
      timeLeftMs: () => time.checkTimeMs(),
    }),
    canaries: engine.canaries,
    hasTime: () => time.checkTimeMs() > 0,
    isDrillItem: isDrillItemFor(table, source ?? restored ?? { keySchema: [] }),
    random: engine.random,
  };
}

/** The built-in checks, then the custom checks the table names (a name nothing is registered under FAILs). */
export function checksFor(engine: Engine, table: DrilledTable): CheckDefinition[] {
  const custom = (table.customChecks ?? []).map((name): CheckDefinition => {
    const registered = engine.customChecks[name];
    return registered ?? unregisteredCheck(name);
  });
  return [...engine.checks, ...custom];
}

function unregisteredCheck(name: string): CheckDefinition {
  return {
    name,
    needs: 'restored-table',
    begin: () => ({
      result: async () => ({
        check: name,
        status: 'FAIL',
        summary: `no custom check is registered as "${name}"`,
        nextStep: 'fix the customChecks setting of this table or register the check (README "Custom checks")',
      }),
    }),
  };
}

/** The verdict: FAIL on an error outside the checks, else on the first failed check, else on a copy left behind. */
export function decideOutcome(parts: CheckedOutcome & { cleanup: CleanupOutcome; finishedAt: string }): DrillOutcome {
  const sourceReads = parts.checks.filter((c) => c.sourceReadUnits !== undefined);
  const failedCheck = parts.checks.find((c) => c.status === 'FAIL');
  const cleanupFailed = parts.cleanup.result === 'failed' || parts.cleanup.result === 'refused';
  const failure =
    parts.failure ??
    (failedCheck ? `${failedCheck.check}: ${failedCheck.summary}` : undefined) ??
    (cleanupFailed ? `cleanup: ${parts.cleanup.detail}` : undefined);
  return {
    verdict: failure ? 'FAIL' : 'PASS',
    failure,
    checks: parts.checks,
    cleanup: parts.cleanup,
    recoveryPointAgeSeconds: parts.recoveryPointAgeSeconds,
    restoreDurationSeconds: parts.restoreDurationSeconds !== undefined ? Math.round(parts.restoreDurationSeconds) : undefined,
    restoredScan: parts.restoredScan,
    sourceReadUnitsPerSecond: parts.sourceReadUnitsPerSecond,
    sourceReadUnits: sourceReads.length ? sourceReads.reduce((sum, c) => sum + (c.sourceReadUnits ?? 0), 0) : undefined,
    finishedAt: parts.finishedAt,
  };
}

export function emitMetrics(metrics: Metrics, drill: DrillRecord, outcome: DrillOutcome): void {
  metrics.addMetadata('table', drill.sourceTable);
  metrics.addMetadata('drillId', drill.drillId);
  metrics.addMetric('DrillCompleted', MetricUnit.Count, 1);
  metrics.addMetric('DrillFailed', MetricUnit.Count, outcome.verdict === 'FAIL' ? 1 : 0);
  if (outcome.restoreDurationSeconds !== undefined) {
    metrics.addMetric('RestoreDurationSeconds', MetricUnit.Seconds, outcome.restoreDurationSeconds);
  }
  if (outcome.recoveryPointAgeSeconds !== undefined) {
    metrics.addMetric('RecoveryPointAgeSeconds', MetricUnit.Seconds, outcome.recoveryPointAgeSeconds);
  }
  metrics.publishStoredMetrics();
}

/** Attempts at recording a publish once SNS has accepted it (each one is itself retried by the SDK). */
const RECORD_SENT_ATTEMPTS = 3;

interface Delivery {
  readonly engine: Pick<Engine, 'config' | 'notifier' | 'history' | 'clock'>;
  /** The invocation holding the drill's lease. */
  readonly owner: string;
  readonly log: DrillLogger;
  readonly drill: FinishedDrill;
}

/**
 * Sends the report to each of its topics (reportTopics), recording each publish in the history
 * before the next, and FINISHED with the last. SNS has no idempotent publish for a standard topic,
 * so delivery is at least once per topic: an invocation that dies after SNS accepted a message
 * but before the history says so leaves the drill REPORTING, and whoever picks it up sends that
 * message again - but only to the topics not yet recorded. The window is the one history write
 * right after each Publish returns, retried here before giving up, and every message carries the
 * drill id (message attribute, email body, JSON) so a subscriber can drop the repeat.
 */
export async function publishReport(delivery: Delivery): Promise<DrillEnd> {
  const { engine, owner, log, drill } = delivery;
  const { verdict } = drill.outcome;
  const message = drillMessage(drill);
  const publishedTo = [...(drill.publishedTo ?? [])];
  const pending = reportTopics(verdict, engine.config).filter((topic) => !publishedTo.includes(topic));
  if (publishedTo.length > 0) log.info('report already published to some topics; sending it to the others only', { publishedTo, pending });
  const finished = () => ({ status: 'FINISHED' as const, publishedTo, reportedAt: new Date(engine.clock.now()).toISOString() });
  if (pending.length === 0) {
    await recordPublished(delivery, finished());
    return { status: 'finished', verdict };
  }
  for (const [i, topic] of pending.entries()) {
    let messageId: string | undefined;
    try {
      messageId = await step('Publish', () => engine.notifier.publish(topic, message));
    } catch (error) {
      // The verdict, and any topic already sent to, is safe in the history record; give the lease
      // back so the Lambda retry sends the rest.
      await engine.history.release(drill.drillId, owner);
      const why = explainError('Publish', error);
      log.error('report not sent', { topic, publishedTo, error: why });
      throw new ReportNotSentError(`drill ${drill.drillId} (${drill.sourceTable}) ${verdict}: report not sent: ${why} (${topic} topic)`);
    }
    publishedTo.push(topic);
    const last = i === pending.length - 1;
    const recorded = await recordPublished(delivery, last ? finished() : { publishedTo });
    log.info('report published', { topic, messageId, verdict });
    if (!recorded && !last) {
      log.warn('the drill is no longer REPORTING: the invocation that moved it on sends the rest of the report');
      return { status: 'in-progress-elsewhere' };
    }
  }
  return { status: 'finished', verdict };
}

/**
 * Records a publish, conditioned on the drill still being REPORTING rather than on this
 * invocation's lease: once SNS has a message, that fact stands even if a slow Publish outlived
 * the lease. False when the drill is no longer REPORTING.
 */
async function recordPublished({ engine, owner, log, drill }: Delivery, fields: Partial<DrillRecord>): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.history.update(drill.drillId, fields, { ifStatus: 'REPORTING' });
    } catch (error) {
      if (attempt >= RECORD_SENT_ATTEMPTS) {
        log.error('report sent but not recorded as sent; the retry will send it again', {
          error: error as Error,
          publishedTo: fields.publishedTo,
        });
        await engine.history.release(drill.drillId, owner).catch(() => undefined);
        throw error;
      }
      await engine.clock.sleep(1_000 * 2 ** (attempt - 1));
    }
  }
}

/**
 * Why there is nothing to restore, said so that a new table is not mistaken for a broken backup.
 * Either way the verdict is FAIL: nothing is proven restorable, and the table has no backup to
 * fall back on. A table younger than the RPO target has simply not reached its first backup
 * ("no recovery point yet"), and so may a table drilled for the first time, however old: it was
 * just added to the drill (and to the backup plan). A table drilled before with no recovery point
 * now, or whose backups never complete, means backups are not happening.
 */
export function noRecoveryPoint(found: {
  config: Pick<DrillConfig, 'vaultNames' | 'targets'>;
  now: number;
  table: DrilledTable;
  source: TableShape | undefined;
  search: RecoveryPointSearch;
  drilledBefore: boolean;
}): string {
  const { config, table, source, search } = found;
  const vaults = `vault${config.vaultNames.length > 1 ? 's' : ''} ${config.vaultNames.join(', ')}`;
  const skipped = Object.entries(search.notCompleted);
  if (skipped.length > 0) {
    const total = skipped.reduce((sum, [, count]) => sum + count, 0);
    const statuses = skipped.map(([status, count]) => `${count} ${status}`).join(', ');
    return `no recovery point: ${total} recovery point${total > 1 ? 's' : ''} of ${table.tableName} in ${vaults}, none COMPLETED (${statuses}) — backup jobs of this table do not complete; see them in the AWS Backup console (Jobs)`;
  }
  if (!source) {
    return `no recovery point: no recovery point of ${table.tableName} in ${vaults}, and the table does not exist — remove it from the drill settings, or restore it`;
  }
  const notHappening = 'backups are not happening; check the backup plan selects this table and its backup jobs succeed';
  const createdAt = source.createdAt?.getTime();
  const age = createdAt === undefined ? undefined : { seconds: Math.max(0, (found.now - createdAt) / 1000), createdAt };
  const since =
    age === undefined
      ? `no backup of ${table.tableName} has completed (searched ${vaults})`
      : `no backup of ${table.tableName} has completed since the table was created ${formatDuration(age.seconds)} ago (${formatTime(new Date(age.createdAt))}; searched ${vaults})`;
  const rpoTargetSeconds = config.targets.rpoTargetMinutes * 60;
  if (age !== undefined && age.seconds <= rpoTargetSeconds) {
    return `no recovery point yet: ${since} — expected for a table younger than the RPO target (${formatDuration(rpoTargetSeconds)}): its first backup comes with the backup plan's next run. The drill FAILs until then because nothing is proven restorable yet; nothing is broken`;
  }
  if (!found.drilledBefore) {
    return `no recovery point yet: this is the first drill of ${table.tableName}, and ${since} — expected for a table just added to the drill: its first backup comes with the backup plan's next run. The drill FAILs until then because nothing is proven restorable yet; if the next drill says this again, backups are not happening`;
  }
  return `no recovery point: ${since} — ${notHappening}`;
}

/** Looks for the job of an accepted StartRestoreJob that returned no id: now, then after short pauses. */
export const LOCATE_PAUSES_MS = [0, 2_000, 5_000, 10_000];
/** Any job AWS Backup accepted is listed long before this; after it, the drill neither asks again nor waits for a listing. */
export const LOCATE_GIVE_UP_MS = 2 * 3600_000;

/** findStartedRestoreJob now and after each pause, as long as a pause leaves the invocation's reserve. */
export async function lookForRestoreJob(args: {
  backup: BackupPort;
  history: Pick<HistoryPort, 'findByRestoreJob'>;
  clock: Clock;
  time: TimeBudget;
  pausesMs: readonly number[];
  search: RestoreJobSearch;
}): Promise<string | undefined> {
  for (const pause of args.pausesMs) {
    if (pause > 0) {
      if (!args.time.canPause(pause)) break;
      await args.clock.sleep(pause);
    }
    const found = await step('ListRestoreJobsByProtectedResource', () => findStartedRestoreJob(args.backup, args.history, args.search));
    if (found) return found;
  }
  return undefined;
}

/** The early FAIL of a drill whose requested restore is still not listed hours later. */
export function restoreJobNotListed(late: {
  drill: Pick<DrillRecord, 'sourceTable' | 'restoredTableName'>;
  recoveryPoint: RecoveryPointFacts;
  restoreStartedAt: string;
  restoreRoleArn: string;
  now: number;
}): string {
  const { drill, recoveryPoint } = late;
  const requestedAt = Date.parse(late.restoreStartedAt);
  const age = formatDuration((late.now - requestedAt) / 1000);
  return `restore job not found: the restore of ${recoveryPoint.recoveryPointArn} was requested ${formatTime(new Date(requestedAt))} (${age} ago) and no restore job of that recovery point run with the restore role ${late.restoreRoleArn} is listed for ${drill.sourceTable}; the drill cannot follow or judge that restore and does not request it again this late — if a table ${drill.restoredTableName} appears, delete it by hand`;
}
