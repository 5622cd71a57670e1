import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CheckDefinition } from '../checks/check';
import { isDrillItemFor } from '../checks/drill-items';
import { evaluateRpo } from '../checks/rpo';
import { restoreDurationSeconds } from '../checks/rto';
import type { DrilledTable } from '../config';
import type { Engine, Invocation } from '../engine';
import { type RestoreJob, TERMINAL_RESTORE_STATUSES } from '../domain/backup';
import type { CheckResult } from '../domain/check-result';
import type {
  CheckedOutcome,
  CleanupOutcome,
  DrillOutcome,
  DrillRecord,
  DrillStatus,
  RestoreJobFacts,
  TriggerKind,
} from '../domain/drill-record';
import { createMeteredReader } from '../metering/metered-reader';
import { sourceReadPace } from '../metering/read-budget';
import type { DrillLogger } from '../observability';
import type { TableSettings, TableShape } from '../ports/dynamodb-port';
import { drillMessage, type FinishedDrill } from '../report/drill-report';
import { formatDuration, formatTime } from '../report/format';
import { reportTopics } from '../report/report-topics';
import { step } from '../errors/drill-step';
import { isPermanentError } from '../errors/transient';
import { explainError } from '../report/failure-advice';
import { deleteRestoredCopy } from './cleanup';
import { restoredTableName } from './drill-id';
import { findLatestRecoveryPoint, type RecoveryPointSearch } from './find-recovery-point';
import { findStartedRestoreJob } from './find-restore-job';
import { checkSourceKey } from './source-key';
import { restoreMetadata } from './restore-metadata';
import { runChecks } from './run-checks';
import { tableOutsideStack } from './table-environment';
import { TABLE_ACTIVE_MAX_WAIT_MS, waitForRestoreJob, waitForTableActive } from './wait-for-restore';

/**
 * One drill, start to finish (DESIGN.md "The drill, for one table"):
 *   STARTED -> find recovery point, start restore -> RESTORING -> wait -> claim ->
 *   checks, cleanup -> REPORTING -> publish -> FINISHED.
 * Every step reads the history record first, so a duplicated event, a Lambda retry or a
 * resumed restore continues the same drill instead of starting another: one restore job (the
 * idempotency token is the drill id), one report (only the lease holder finishes).
 */

export type DrillResult =
  | { readonly drillId: string; readonly table: string; readonly status: 'finished'; readonly verdict: 'PASS' | 'FAIL' }
  | { readonly drillId: string; readonly table: string; readonly status: 'waiting'; readonly restoreJobId: string }
  | { readonly drillId: string; readonly table: string; readonly status: 'already-finished'; readonly verdict?: 'PASS' | 'FAIL' }
  | { readonly drillId: string; readonly table: string; readonly status: 'in-progress-elsewhere' };

/** Thrown when the verdict is recorded but SNS would not take the report; the invocation must fail. */
export class ReportNotSentError extends Error {
  override readonly name = 'ReportNotSentError';
}

export interface DrillRequest {
  readonly table: DrilledTable;
  readonly drillId: string;
  readonly trigger: TriggerKind;
}

export async function startDrill(engine: Engine, invocation: Invocation, request: DrillRequest): Promise<DrillResult> {
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
    return continueDrill(engine, invocation, created.existing, log);
  }
  log.info('drill started', { trigger, restoredTableName: record.restoredTableName });
  return continueDrill(engine, invocation, record, log);
}

export interface ContinueOptions {
  /** false: look at the restore job once and leave a running one to its event (the sweep). */
  readonly waitForRestore?: boolean;
}

/** Picks a drill up from its recorded state: used by duplicates, retries, restore events and the sweep. */
export async function continueDrill(
  engine: Engine,
  invocation: Invocation,
  record: DrillRecord,
  log: DrillLogger = engine.logger.createChild({ persistentKeys: { drillId: record.drillId, table: record.sourceTable } }),
  options: ContinueOptions = {},
): Promise<DrillResult> {
  const base = { drillId: record.drillId, table: record.sourceTable };
  switch (record.status) {
    case 'FINISHED':
      log.info('drill already finished and reported; nothing to do', { verdict: record.outcome?.verdict });
      return { ...base, status: 'already-finished', verdict: record.outcome?.verdict };
    case 'REPORTING':
      return resendReport(engine, invocation, record, log);
    case 'CLEANING': {
      const claimed = await claimOrReport(engine, invocation, record, ['CLEANING'], log);
      if ('status' in claimed) return claimed;
      log.info('checks were recorded but cleanup and report did not finish; finishing them now');
      return cleanUpAndReport(engine, invocation, claimed.record, log);
    }
    case 'STARTED': {
      if (record.earlyFailure !== undefined) return finishDrill(engine, invocation, record, undefined, log);
      // One invocation at a time may start the restore: a twin that lost a StartRestoreJob race
      // must not judge the drill while the winner's restore runs.
      const claim = await claimOrReport(engine, invocation, record, ['STARTED'], log);
      if ('status' in claim) return claim;
      const begun = await beginRestore(engine, invocation, claim.record, log);
      if (begun.status === 'STARTED') return finishDrill(engine, invocation, begun, undefined, log);
      await engine.history.release(record.drillId, invocation.owner);
      return continueDrill(engine, invocation, begun, log, options);
    }
    case 'RESTORING': {
      const restoreJobId = record.restoreJobId;
      if (!restoreJobId) throw new Error(`drill ${record.drillId} is RESTORING without a restore job id`);
      const handOver = async (job: RestoreJob, why: string) => {
        await engine.history.update(record.drillId, { restoreJob: jobFacts(job) });
        log.info(why, { restoreJobId, status: job.status, percentDone: job.percentDone });
        return { ...base, status: 'waiting' as const, restoreJobId };
      };
      // A permanent error watching the job (e.g. DescribeRestoreJob denied) would fail every
      // invocation alike and leave the copy forever: finish the drill instead, which reports
      // the error as the FAIL and deletes the copy. Transient errors fail the invocation, whose
      // retry (or the next schedule's sweep) picks the drill up again.
      const finishOnPermanentError = async (error: unknown) => {
        if (!isPermanentError(error)) throw error;
        log.error('cannot follow the restore job; finishing the drill as FAIL', { error: error as Error });
        return finishDrill(engine, invocation, record, undefined, log);
      };
      if (options.waitForRestore === false) {
        let job: RestoreJob;
        try {
          job = await step('DescribeRestoreJob', () => engine.backup.describeRestoreJob(restoreJobId));
        } catch (error) {
          return finishOnPermanentError(error);
        }
        if (!TERMINAL_RESTORE_STATUSES.has(job.status))
          return handOver(job, 'restore still running: its Restore Job State Change event will finish the drill');
        return finishDrill(engine, invocation, record, job, log);
      }
      let wait: Awaited<ReturnType<typeof waitForRestoreJob>>;
      try {
        wait = await waitForRestoreJob({
          backup: engine.backup,
          clock: engine.clock,
          time: invocation.time,
          tuning: engine.config.wait,
          restoreJobId,
          restoreStartedAt: Date.parse(record.restoreStartedAt ?? record.startedAt),
          onProgress: (job) =>
            log.info('restore in progress', { restoreJobId: job.restoreJobId, status: job.status, percentDone: job.percentDone }),
        });
      } catch (error) {
        return finishOnPermanentError(error);
      }
      if (wait.kind === 'handed-over') {
        return handOver(wait.job, 'invocation time is short: leaving the drill to the Restore Job State Change event');
      }
      // Checks need time; a job that ended just before the deadline is better finished by the
      // invocation its own state-change event starts, with a whole timeout ahead of it.
      if (wait.job.status === 'COMPLETED' && !invocation.time.canCheckNow()) {
        return handOver(wait.job, 'restore done but too little time left to check it: leaving it to the Restore Job State Change event');
      }
      return finishDrill(engine, invocation, record, wait.job, log);
    }
  }
}

function jobFacts(job: RestoreJob): RestoreJobFacts {
  return {
    restoreJobId: job.restoreJobId,
    status: job.status,
    statusMessage: job.statusMessage,
    creationDate: job.creationDate?.toISOString(),
    completionDate: job.completionDate?.toISOString(),
    createdResourceArn: job.createdResourceArn,
  };
}

function tableOf(engine: Engine, record: DrillRecord): DrilledTable {
  const table = engine.config.tables.find((t) => t.tableArn === record.sourceTableArn);
  // A table removed from the settings while its drill ran: finish it with what the record knows.
  return table ?? { tableName: record.sourceTable, tableArn: record.sourceTableArn };
}

async function saveEarlyFailure(engine: Engine, record: DrillRecord, failure: string, log: DrillLogger): Promise<DrillRecord> {
  log.warn('drill cannot restore', { failure });
  const saved = await engine.history.update(
    record.drillId,
    { earlyFailure: failure, recoveryPoint: record.recoveryPoint },
    { ifStatus: 'STARTED' },
  );
  if (saved) return { ...record, earlyFailure: failure };
  // A twin invocation moved the drill on (it started the restore this one could not): follow it.
  const current = await engine.history.get(record.drillId);
  if (!current) throw new Error(`drill ${record.drillId} vanished from the history table`);
  log.info('a twin invocation already moved this drill on; following it', { status: current.status });
  return current;
}

/** Thrown when an AWS call before the restore failed transiently: nothing was judged, the drill stays STARTED. */
export class DrillNotAdvancedError extends Error {
  override readonly name = 'DrillNotAdvancedError';
}

/**
 * An AWS call made before the restore starts. A permanent error (a denied permission, a resource
 * that is gone: isPermanentError) will be the same on every attempt, so it is the drill's early
 * FAIL, named. A transient one (throttling, a service error that outlasted the SDK's retries) says
 * nothing about the backup: the lease goes back and the invocation fails, so Lambda's retry, or
 * the next scheduled run's sweep, continues the drill.
 */
async function beforeRestore<T>(
  engine: Engine,
  invocation: Invocation,
  record: DrillRecord,
  operation: string,
  call: () => Promise<T>,
  log: DrillLogger,
): Promise<{ readonly value: T } | { readonly failure: string }> {
  try {
    return { value: await step(operation, call) };
  } catch (error) {
    const why = explainError(operation, error);
    if (isPermanentError(error)) return { failure: why };
    await engine.history.release(record.drillId, invocation.owner);
    log.warn('an AWS call before the restore failed transiently; leaving the drill to the retry', { error: why });
    throw new DrillNotAdvancedError(
      `drill ${record.drillId} (${record.sourceTable}): ${why}; nothing was judged: the drill stays STARTED and Lambda's retry (or the next scheduled run) continues it`,
    );
  }
}

/**
 * Finds the recovery point and starts the restore job. Every AWS call on the way goes through
 * beforeRestore: a permanent error ends the drill as an early FAIL, a transient one leaves it
 * STARTED for the retry. The recovery point and the time of the request are recorded before
 * StartRestoreJob is called, so an invocation that takes the drill over after that call (a retry,
 * the sweep) asks again for the same recovery point with the same token - which AWS Backup
 * answers with the same job - and writes no second canary. Only within LOCATE_GIVE_UP_MS of the
 * first request, though: later the drill only looks for the job (requestedLongAgo).
 */
async function beginRestore(engine: Engine, invocation: Invocation, record: DrillRecord, log: DrillLogger): Promise<DrillRecord> {
  const { config } = engine;
  const table = tableOf(engine, record);
  let requested = record;
  if (record.restoreStartedAt === undefined || record.recoveryPoint === undefined) {
    const elsewhere = tableOutsideStack(table, config);
    if (elsewhere) return saveEarlyFailure(engine, record, elsewhere, log);
    const described = await beforeRestore(
      engine,
      invocation,
      record,
      'DescribeTable',
      () => engine.dynamodb.describeTable(table.tableName),
      log,
    );
    if ('failure' in described) return saveEarlyFailure(engine, record, described.failure, log);
    const source = described.value;
    const searched = await beforeRestore(
      engine,
      invocation,
      record,
      'ListRecoveryPointsByBackupVault',
      () => findLatestRecoveryPoint(engine.backup, config.vaultNames, table.tableArn),
      log,
    );
    if ('failure' in searched) return saveEarlyFailure(engine, record, searched.failure, log);
    const search = searched.value;
    const point = search.latest;
    if (!point) {
      const earlier = await beforeRestore(engine, invocation, record, 'Query', () => engine.history.hasEarlierDrill(record), log);
      if ('failure' in earlier) return saveEarlyFailure(engine, record, earlier.failure, log);
      return saveEarlyFailure(engine, record, noRecoveryPoint(engine, table, source, search, earlier.value), log);
    }
    log.info('newest recovery point found', { recoveryPointArn: point.recoveryPointArn, created: point.creationDate.toISOString() });
    const recoveryPoint = {
      recoveryPointArn: point.recoveryPointArn,
      backupVaultName: point.backupVaultName,
      creationDate: point.creationDate.toISOString(),
    };
    if (source) {
      const key = await beforeRestore(engine, invocation, record, 'DescribeKey', () => checkSourceKey(table, source, engine.keys), log);
      if ('failure' in key) return saveEarlyFailure(engine, { ...record, recoveryPoint }, key.failure, log);
      if (!key.value.ok) return saveEarlyFailure(engine, { ...record, recoveryPoint }, key.value.failure, log);
      if (table.canary) await writeCanary(engine, table, source, record, log);
    }
    const request = { recoveryPoint, restoreStartedAt: new Date(engine.clock.now()).toISOString() };
    if (!(await engine.history.update(record.drillId, request, { ifStatus: 'STARTED' }))) return followTwin(engine, record, log);
    requested = { ...record, ...request };
  } else if (engine.clock.now() - Date.parse(record.restoreStartedAt) > LOCATE_GIVE_UP_MS) {
    return requestedLongAgo(engine, invocation, record, log);
  } else {
    log.info('the restore was requested before; asking again for the same recovery point with the same token', {
      recoveryPointArn: record.recoveryPoint.recoveryPointArn,
      requestedAt: record.restoreStartedAt,
    });
  }
  const point = requested.recoveryPoint!;
  // A transient error here may hide an accepted request: the retry asks again with the same
  // token, which AWS Backup answers with that job (or with success and no id: looked up below).
  const started = await beforeRestore(
    engine,
    invocation,
    requested,
    'StartRestoreJob',
    () =>
      engine.backup.startRestoreJob({
        recoveryPointArn: point.recoveryPointArn,
        metadata: restoreMetadata(record.restoredTableName, config.restoreKmsKeyArn),
        iamRoleArn: config.restoreRoleArn,
        idempotencyToken: record.drillId,
      }),
    log,
  );
  if ('failure' in started) return saveEarlyFailure(engine, requested, started.failure, log);
  let restoreJobId = started.value;
  if (restoreJobId === undefined) {
    log.warn('StartRestoreJob succeeded without a restore job id (a repeated request); looking the job up');
    try {
      restoreJobId = await locateRestoreJob(engine, invocation, requested, LOCATE_PAUSES_MS, log);
    } catch (error) {
      // A refused listing will not change on a retry; a throttled one may: look again later.
      if (isPermanentError(error))
        return saveEarlyFailure(engine, requested, explainError('ListRestoreJobsByProtectedResource', error), log);
      log.warn('could not list the restore jobs of the source table', { error: explainError('ListRestoreJobsByProtectedResource', error) });
    }
  }
  if (restoreJobId === undefined) return restoreJobNotFound(engine, invocation, requested, log);
  return recordRestoreJob(engine, requested, restoreJobId, log);
}

async function recordRestoreJob(engine: Engine, requested: DrillRecord, restoreJobId: string, log: DrillLogger): Promise<DrillRecord> {
  const fields = { status: 'RESTORING' as const, restoreJobId };
  const saved = await engine.history.update(requested.drillId, fields, { ifStatus: 'STARTED' });
  log.info('restore job started', { restoreJobId, restoredTableName: requested.restoredTableName });
  // A twin invocation recorded the same job (same idempotency token) first: follow the record.
  if (!saved) return (await engine.history.get(requested.drillId)) ?? { ...requested, ...fields };
  return { ...requested, ...fields };
}

/**
 * A drill picked up long after its restore was requested (the sweep of a later run, after the
 * invocation that asked died and Lambda's retries were spent). StartRestoreJob is not sent again:
 * AWS Backup does not document how long it remembers an idempotency token, so a request this late
 * could start a second restore of a recovery point chosen hours ago instead of naming the first
 * job - a copy nobody expects, judged against the old request time. The drill only looks for the
 * job it asked for; none listed by now means none will be.
 */
async function requestedLongAgo(engine: Engine, invocation: Invocation, record: DrillRecord, log: DrillLogger): Promise<DrillRecord> {
  const point = record.recoveryPoint!;
  const requestedAt = Date.parse(record.restoreStartedAt!);
  log.warn('the restore was requested too long ago to ask again; looking for its job only', {
    recoveryPointArn: point.recoveryPointArn,
    requestedAt: record.restoreStartedAt,
  });
  // Not finding the job is a verdict only when the listing answered.
  const located = await beforeRestore(
    engine,
    invocation,
    record,
    'ListRestoreJobsByProtectedResource',
    () => locateRestoreJob(engine, invocation, record, [0], log),
    log,
  );
  if ('failure' in located) return saveEarlyFailure(engine, record, located.failure, log);
  if (located.value !== undefined) return recordRestoreJob(engine, record, located.value, log);
  const age = formatDuration((engine.clock.now() - requestedAt) / 1000);
  return saveEarlyFailure(
    engine,
    record,
    `restore job not found: the restore of ${point.recoveryPointArn} was requested ${formatTime(new Date(requestedAt))} (${age} ago) and no restore job of that recovery point run with the restore role ${engine.config.restoreRoleArn} is listed for ${record.sourceTable}; the drill cannot follow or judge that restore and does not request it again this late — if a table ${record.restoredTableName} appears, delete it by hand`,
    log,
  );
}

/**
 * Why there is nothing to restore, said so that a new table is not mistaken for a broken backup.
 * Either way the verdict is FAIL: nothing is proven restorable, and the table has no backup to
 * fall back on. A table younger than the RPO target has simply not reached its first backup
 * ("no recovery point yet"), and so may a table drilled for the first time, however old: it was
 * just added to the drill (and to the backup plan). A table drilled before with no recovery point
 * now, or whose backups never complete, means backups are not happening.
 */
function noRecoveryPoint(
  engine: Engine,
  table: DrilledTable,
  source: TableShape | undefined,
  search: RecoveryPointSearch,
  drilledBefore: boolean,
): string {
  const vaults = `vault${engine.config.vaultNames.length > 1 ? 's' : ''} ${engine.config.vaultNames.join(', ')}`;
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
  const ageSeconds = createdAt === undefined ? undefined : Math.max(0, (engine.clock.now() - createdAt) / 1000);
  const since =
    createdAt === undefined
      ? `no backup of ${table.tableName} has completed (searched ${vaults})`
      : `no backup of ${table.tableName} has completed since the table was created ${formatDuration(ageSeconds!)} ago (${formatTime(new Date(createdAt))}; searched ${vaults})`;
  const rpoTargetSeconds = engine.config.targets.rpoTargetMinutes * 60;
  if (ageSeconds !== undefined && ageSeconds <= rpoTargetSeconds) {
    return `no recovery point yet: ${since} — expected for a table younger than the RPO target (${formatDuration(rpoTargetSeconds)}): its first backup comes with the backup plan's next run. The drill FAILs until then because nothing is proven restorable yet; nothing is broken`;
  }
  if (!drilledBefore) {
    return `no recovery point yet: this is the first drill of ${table.tableName}, and ${since} — expected for a table just added to the drill: its first backup comes with the backup plan's next run. The drill FAILs until then because nothing is proven restorable yet; if the next drill says this again, backups are not happening`;
  }
  return `no recovery point: ${since} — ${notHappening}`;
}

async function followTwin(engine: Engine, record: DrillRecord, log: DrillLogger): Promise<DrillRecord> {
  const current = await engine.history.get(record.drillId);
  if (!current) throw new Error(`drill ${record.drillId} vanished from the history table`);
  log.info('a twin invocation already moved this drill on; following it', { status: current.status });
  return current;
}

/** Looks for the job of an accepted StartRestoreJob that returned no id: now, then after short pauses. */
const LOCATE_PAUSES_MS = [0, 2_000, 5_000, 10_000];
/** Any job AWS Backup accepted is listed long before this; after it, the drill neither asks again nor waits for a listing. */
const LOCATE_GIVE_UP_MS = 2 * 3600_000;

/** Thrown when the restore job is not listed yet: the invocation fails so Lambda's retry looks again soon. */
export class RestoreJobNotFoundYetError extends Error {
  override readonly name = 'RestoreJobNotFoundYetError';
}

async function locateRestoreJob(
  engine: Engine,
  invocation: Invocation,
  record: DrillRecord,
  pausesMs: readonly number[],
  log: DrillLogger,
): Promise<string | undefined> {
  const point = record.recoveryPoint!;
  for (const pause of pausesMs) {
    if (pause > 0) {
      if (!invocation.time.canPause(pause)) break;
      await engine.clock.sleep(pause);
    }
    const found = await step('ListRestoreJobsByProtectedResource', () =>
      findStartedRestoreJob(engine.backup, engine.history, {
        drillId: record.drillId,
        sourceTableArn: record.sourceTableArn,
        recoveryPointArn: point.recoveryPointArn,
        recoveryPointCreatedAt: new Date(point.creationDate),
        iamRoleArn: engine.config.restoreRoleArn,
        restoredTableName: record.restoredTableName,
        requestedAt: Date.parse(record.restoreStartedAt ?? record.startedAt),
      }),
    );
    if (found) {
      log.info('restore job found by listing the restore jobs of the source table', { restoreJobId: found });
      return found;
    }
  }
  return undefined;
}

/**
 * The request was accepted but its job cannot be found yet. Failing the drill now would leave a
 * restore nobody follows and a copy the cleanup may not delete (it deletes only what a known job
 * of this drill created). So the drill stays STARTED, the lease goes back, and the invocation
 * fails: Lambda's retry, a minute later, asks again with the same token and looks again, and so
 * does the next scheduled run's sweep. Only a job still unlisted hours later ends the drill as
 * FAIL (requestedLongAgo).
 */
async function restoreJobNotFound(engine: Engine, invocation: Invocation, record: DrillRecord, log: DrillLogger): Promise<never> {
  const point = record.recoveryPoint!;
  const requestedAt = Date.parse(record.restoreStartedAt ?? record.startedAt);
  const what = `StartRestoreJob accepted the restore of ${point.recoveryPointArn} (requested ${formatTime(new Date(requestedAt))}) but returned no restore job id, and no restore job of that recovery point run with the restore role ${engine.config.restoreRoleArn} is listed for ${record.sourceTable}`;
  await engine.history.release(record.drillId, invocation.owner);
  log.warn('restore job not found yet; leaving the drill for the next invocation', { recoveryPointArn: point.recoveryPointArn });
  throw new RestoreJobNotFoundYetError(
    `drill ${record.drillId} (${record.sourceTable}): ${what} yet; the drill stays STARTED and Lambda's retry (or the next scheduled run) looks again`,
  );
}

/** Best effort: a failed canary write is logged; the next drill's canary check shows the gap. */
async function writeCanary(engine: Engine, table: DrilledTable, source: TableShape, record: DrillRecord, log: DrillLogger): Promise<void> {
  try {
    const canary = await engine.canaries.write(table.tableName, source, record.drillId, new Date(engine.clock.now()));
    log.info('canary written to the source for the next backup to capture', { writtenAt: canary.writtenAt });
  } catch (error) {
    log.warn('canary write failed', { error: explainError('PutItem', error) });
  }
}

/** Takes the drill's lease, or says who has it (another invocation, or nobody: already finished). */
async function claimOrReport(
  engine: Engine,
  invocation: Invocation,
  record: DrillRecord,
  from: readonly DrillStatus[],
  log: DrillLogger,
): Promise<{ record: DrillRecord } | DrillResult> {
  const base = { drillId: record.drillId, table: record.sourceTable };
  const claimed = await engine.history.claim(record.drillId, from, invocation.owner, engine.clock.now(), invocation.time.leaseMs());
  if (claimed) return { record: claimed };
  const current = await engine.history.get(record.drillId);
  log.info('another invocation is finishing this drill (or has finished it)', { status: current?.status });
  return current?.status === 'FINISHED'
    ? { ...base, status: 'already-finished', verdict: current.outcome?.verdict }
    : { ...base, status: 'in-progress-elsewhere' };
}

/**
 * The checks: only the invocation holding the drill's lease gets here. Their result is saved
 * (status CLEANING) before the copy is deleted, so an invocation that dies in between is
 * finished by its retry with the same verdict instead of a check of a table already gone.
 */
async function finishDrill(
  engine: Engine,
  invocation: Invocation,
  record: DrillRecord,
  job: RestoreJob | undefined,
  log: DrillLogger,
): Promise<DrillResult> {
  const base = { drillId: record.drillId, table: record.sourceTable };
  const claim = await claimOrReport(engine, invocation, record, ['STARTED', 'RESTORING'], log);
  if ('status' in claim) return claim;
  const claimed = claim.record;

  const table = tableOf(engine, claimed);
  const drillStartedAt = new Date(claimed.startedAt);
  let checks: CheckResult[] = [];
  let restoredScan: CheckedOutcome['restoredScan'];
  let sourceReadUnitsPerSecond: number | undefined;
  let failure = claimed.earlyFailure;
  let restoreJob = job;
  let restoredActiveAt: number | undefined;

  if (failure === undefined && claimed.recoveryPoint && claimed.restoreJobId) {
    try {
      const restoreJobId = claimed.restoreJobId;
      restoreJob ??= await step('DescribeRestoreJob', () => engine.backup.describeRestoreJob(restoreJobId));
      if (!TERMINAL_RESTORE_STATUSES.has(restoreJob.status)) {
        // Only a finished job can be judged; give the drill back to whoever waits for it.
        await engine.history.release(claimed.drillId, invocation.owner);
        log.info('restore job not finished; not judging it yet', { restoreJobId, status: restoreJob.status });
        return { ...base, status: 'waiting', restoreJobId };
      }
      let restored: TableShape | undefined;
      if (restoreJob.status === 'COMPLETED') {
        const active = await waitForTableActive({
          dynamodb: engine.dynamodb,
          clock: engine.clock,
          tableName: claimed.restoredTableName,
          waitMs: invocation.time.tableWaitMs(TABLE_ACTIVE_MAX_WAIT_MS),
          pollMs: engine.config.wait.tablePollSeconds * 1000,
        });
        restored = active.table;
        restoredActiveAt = active.activeAt;
      }
      const source = await step('DescribeTable', () => engine.dynamodb.describeTable(table.tableName));
      const sourceSettings: TableSettings | undefined = source
        ? await step('DescribeTimeToLive', () => engine.dynamodb.describeSettings(source))
        : undefined;
      sourceReadUnitsPerSecond = sourceReadPace(engine.config.targets.sourceReadUnitsPerSecond, source?.readCapacityUnits);
      const timeLeftMs = () => invocation.time.checkTimeMs();
      ({ results: checks, restoredScan } = await runChecks(checksFor(engine, table), {
        table,
        targets: engine.config.targets,
        drillStartedAt,
        recoveryPoint: {
          recoveryPointArn: claimed.recoveryPoint.recoveryPointArn,
          backupVaultName: claimed.recoveryPoint.backupVaultName,
          resourceArn: table.tableArn,
          status: 'COMPLETED',
          creationDate: new Date(claimed.recoveryPoint.creationDate),
        },
        restoreJob,
        source,
        sourceSettings,
        restored,
        restoredTableName: claimed.restoredTableName,
        restoredActiveAt,
        dynamodb: createMeteredReader({
          dynamodb: engine.dynamodb,
          sourceTableName: source?.name,
          budgetUnits: engine.config.targets.sourceReadBudgetUnits,
          unitsPerSecond: sourceReadUnitsPerSecond,
          clock: engine.clock,
          timeLeftMs,
        }),
        canaries: engine.canaries,
        hasTime: () => timeLeftMs() > 0,
        isDrillItem: isDrillItemFor(table, source ?? restored ?? { keySchema: [] }),
        random: engine.random,
      }));
    } catch (error) {
      failure = `the drill stopped with an error: ${explainError('drill', error)}`;
      log.error('drill error', { error: error as Error });
    }
  } else if (claimed.recoveryPoint) {
    checks = [evaluateRpo(drillStartedAt, new Date(claimed.recoveryPoint.creationDate), engine.config.targets)];
  }

  const checked: CheckedOutcome = {
    checks,
    failure,
    restoredScan,
    sourceReadUnitsPerSecond,
    recoveryPointAgeSeconds: claimed.recoveryPoint
      ? Math.round((drillStartedAt.getTime() - Date.parse(claimed.recoveryPoint.creationDate)) / 1000)
      : undefined,
    restoreDurationSeconds: restoreJob?.status === 'COMPLETED' ? restoreDurationSeconds({ restoreJob, restoredActiveAt }) : undefined,
  };
  const restoreJobFacts = restoreJob ? jobFacts(restoreJob) : claimed.restoreJob;
  const stillOurs = await engine.history.update(
    record.drillId,
    { status: 'CLEANING', checked, restoreJob: restoreJobFacts },
    { owner: invocation.owner },
  );
  if (!stillOurs) {
    log.warn('lost the drill lease while checking; the holder finishes it');
    return { ...base, status: 'in-progress-elsewhere' };
  }
  return cleanUpAndReport(engine, invocation, { ...claimed, status: 'CLEANING', checked, restoreJob: restoreJobFacts }, log);
}

/** Deletes the copy, decides the verdict, records it, then reports. The caller holds the lease. */
async function cleanUpAndReport(engine: Engine, invocation: Invocation, drill: DrillRecord, log: DrillLogger): Promise<DrillResult> {
  const base = { drillId: drill.drillId, table: drill.sourceTable };
  const checked = drill.checked ?? { checks: [] };
  const cleanup = await deleteRestoredCopy({
    config: engine.config,
    dynamodb: engine.dynamodb,
    clock: engine.clock,
    time: invocation.time,
    drill,
  });
  if (cleanup.result === 'failed' || cleanup.result === 'refused') log.error('restored copy not deleted', { cleanup });
  else log.info('cleanup', { cleanup });

  const outcome = decideOutcome({ ...checked, cleanup, finishedAt: new Date(engine.clock.now()).toISOString() });
  const stillOurs = await engine.history.update(drill.drillId, { status: 'REPORTING', outcome }, { owner: invocation.owner });
  if (!stillOurs) {
    log.warn('lost the drill lease while cleaning up; the holder reports it');
    return { ...base, status: 'in-progress-elsewhere' };
  }
  emitMetrics(engine, drill, outcome);
  log.info('drill verdict', {
    verdict: outcome.verdict,
    checks: outcome.checks.map((c) => `${c.check}:${c.status}`).join(' '),
    failure: outcome.failure,
  });
  return publishReport(engine, invocation, { ...drill, status: 'REPORTING', outcome }, log);
}

function checksFor(engine: Engine, table: DrilledTable): CheckDefinition[] {
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

function emitMetrics(engine: Engine, drill: DrillRecord, outcome: DrillOutcome): void {
  const { metrics } = engine;
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

/**
 * Sends the report to each of its topics (reportTopics), recording each publish in the history
 * before the next, and FINISHED with the last. SNS has no idempotent publish for a standard topic,
 * so delivery is at least once per topic: an invocation that dies after SNS accepted a message
 * but before the history says so leaves the drill REPORTING, and whoever picks it up sends that
 * message again - but only to the topics not yet recorded. The window is the one history write
 * right after each Publish returns, retried here before giving up, and every message carries the
 * drill id (message attribute, email body, JSON) so a subscriber can drop the repeat.
 */
async function publishReport(engine: Engine, invocation: Invocation, drill: FinishedDrill, log: DrillLogger): Promise<DrillResult> {
  const base = { drillId: drill.drillId, table: drill.sourceTable };
  const { verdict } = drill.outcome;
  const message = drillMessage(drill);
  const publishedTo = [...(drill.publishedTo ?? [])];
  const pending = reportTopics(verdict, engine.config).filter((topic) => !publishedTo.includes(topic));
  if (publishedTo.length > 0) log.info('report already published to some topics; sending it to the others only', { publishedTo, pending });
  if (pending.length === 0) {
    await recordPublished(
      engine,
      invocation,
      drill,
      { status: 'FINISHED', publishedTo, reportedAt: new Date(engine.clock.now()).toISOString() },
      log,
    );
    return { ...base, status: 'finished', verdict };
  }
  for (const [i, topic] of pending.entries()) {
    let messageId: string | undefined;
    try {
      messageId = await step('Publish', () => engine.notifier.publish(topic, message));
    } catch (error) {
      // The verdict, and any topic already sent to, is safe in the history record; give the lease
      // back so the Lambda retry sends the rest.
      await engine.history.release(drill.drillId, invocation.owner);
      const why = explainError('Publish', error);
      log.error('report not sent', { topic, publishedTo, error: why });
      throw new ReportNotSentError(`drill ${drill.drillId} (${drill.sourceTable}) ${verdict}: report not sent: ${why} (${topic} topic)`);
    }
    publishedTo.push(topic);
    const last = i === pending.length - 1;
    const fields = last
      ? { status: 'FINISHED' as const, publishedTo, reportedAt: new Date(engine.clock.now()).toISOString() }
      : { publishedTo };
    const recorded = await recordPublished(engine, invocation, drill, fields, log);
    log.info('report published', { topic, messageId, verdict });
    if (!recorded && !last) {
      log.warn('the drill is no longer REPORTING: the invocation that moved it on sends the rest of the report');
      return { ...base, status: 'in-progress-elsewhere' };
    }
  }
  return { ...base, status: 'finished', verdict };
}

/**
 * Records a publish, conditioned on the drill still being REPORTING rather than on this
 * invocation's lease: once SNS has a message, that fact stands even if a slow Publish outlived
 * the lease. False when the drill is no longer REPORTING.
 */
async function recordPublished(
  engine: Engine,
  invocation: Invocation,
  drill: FinishedDrill,
  fields: Partial<DrillRecord>,
  log: DrillLogger,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.history.update(drill.drillId, fields, { ifStatus: 'REPORTING' });
    } catch (error) {
      if (attempt >= RECORD_SENT_ATTEMPTS) {
        log.error('report sent but not recorded as sent; the retry will send it again', {
          error: error as Error,
          publishedTo: fields.publishedTo,
        });
        await engine.history.release(drill.drillId, invocation.owner).catch(() => undefined);
        throw error;
      }
      await engine.clock.sleep(1_000 * 2 ** (attempt - 1));
    }
  }
}

async function resendReport(engine: Engine, invocation: Invocation, record: DrillRecord, log: DrillLogger): Promise<DrillResult> {
  const base = { drillId: record.drillId, table: record.sourceTable };
  const now = engine.clock.now();
  const claimed = await engine.history.claim(record.drillId, ['REPORTING'], invocation.owner, now, invocation.time.leaseMs());
  if (!claimed?.outcome) return { ...base, status: 'in-progress-elsewhere' };
  log.info('verdict recorded earlier but not reported; sending the report now', { verdict: claimed.outcome.verdict });
  return publishReport(engine, invocation, claimed as FinishedDrill, log);
}
