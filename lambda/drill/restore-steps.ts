import type { DrilledTable } from '../config';
import { type RestoreJob, TERMINAL_RESTORE_STATUSES } from '../domain/backup';
import type { DrillRecord, RecoveryPointFacts, RestoreJobFacts } from '../domain/drill-record';
import { step } from '../errors/drill-step';
import { isPermanentError } from '../errors/transient';
import type { TableShape } from '../ports/dynamodb-port';
import { explainError } from '../report/failure-advice';
import { formatTime } from '../report/format';
import { DrillNotAdvancedError, RestoreJobNotFoundYetError } from './drill-errors';
import { chooseRecoveryPoint, findLatestRecoveryPoint, noRecoveryPoint } from './find-recovery-point';
import { LOCATE_PAUSES_MS, lookForRestoreJob, restoreJobNotListed } from './find-restore-job';
import { restoreMetadata } from './restore-metadata';
import { type DrillResult, RunState } from './run-state';
import { checkSourceKey } from './source-key';
import { tableOutsideStack } from './table-environment';
import { waitForRestoreJob } from './wait-for-restore';

/** The recovery point a drill restores, and when it first asked for the restore (ISO-8601). */
export type RestoreRequest = Required<Pick<DrillRecord, 'recoveryPoint' | 'restoreStartedAt'>>;

/** A FAIL found before any restore started (no recovery point, a refused call...): recorded, then judged as it stands. */
export class EarlyFailure extends Error {
  // Stryker disable next-line StringLiteral: caught by its class (instanceof) and recorded by its message; the name goes nowhere
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
    // Stryker disable next-line StringLiteral: findLatestRecoveryPoint's own step() names the call; its DrillStepError's advice is what beforeRestore reports
    const search = await this.beforeRestore('ListRecoveryPointsByBackupVault', () =>
      findLatestRecoveryPoint(engine.backup, engine.config.vaultNames, table.tableArn),
    );
    const newest = search.latest;
    if (!newest) {
      const drilledBefore = await this.beforeRestore('Query', () => engine.history.hasEarlierDrill(this.record));
      throw new EarlyFailure(noRecoveryPoint({ config: engine.config, now: engine.clock.now(), table, source, search, drilledBefore }));
    }
    const { point, selectedBy } = chooseRecoveryPoint(
      { ...search, latest: newest },
      engine.config.recoveryPointSelection,
      engine.clock.now(),
      engine.random,
    );
    this.log.info(point === newest ? 'newest recovery point found' : 'recovery point chosen at random', {
      recoveryPointArn: point.recoveryPointArn,
      created: point.creationDate.toISOString(),
      selectedBy,
    });
    const recoveryPoint: RecoveryPointFacts = {
      recoveryPointArn: point.recoveryPointArn,
      backupVaultName: point.backupVaultName,
      creationDate: point.creationDate.toISOString(),
      selectedBy,
      newestCreationDate: point === newest ? undefined : newest.creationDate.toISOString(),
    };
    if (source) {
      // An early failure from here on is recorded with the recovery point it concerns.
      this.record = { ...this.record, recoveryPoint };
      // Stryker disable next-line StringLiteral: checkSourceKey's own step() names the call; its DrillStepError's advice is what beforeRestore reports
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
        // Stryker disable next-line StringLiteral: lookForRestoreJob throws only its step()'s DrillStepError, whose advice already names the call
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
    // Stryker disable next-line StringLiteral: lookForRestoreJob's own step() names the call; its DrillStepError's advice is what beforeRestore reports
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
