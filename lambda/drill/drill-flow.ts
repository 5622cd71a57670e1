import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CheckDefinition, CheckResult } from '../checks/check';
import { ReadBudget } from '../checks/read-budget';
import { evaluateRpo } from '../checks/rpo';
import { restoreDurationSeconds } from '../checks/rto';
import type { DrilledTable } from '../config';
import type { Engine, Invocation } from '../engine';
import type { DrillLogger } from '../observability';
import type { RecoveryPoint, RestoreJob } from '../ports/backup-port';
import type { TableSettings, TableShape } from '../ports/dynamodb-port';
import { drillMessage, type FinishedDrill } from '../report/drill-report';
import { explainError, step } from '../report/failure-advice';
import { isCanaryItemFor } from './canary';
import { deleteRestoredCopy } from './cleanup';
import type { CleanupOutcome, DrillOutcome, DrillRecord, RestoreJobFacts, TriggerKind } from './drill-record';
import { restoredTableName } from './drill-id';
import { findLatestRecoveryPoint } from './find-recovery-point';
import { runChecks } from './run-checks';
import { waitForRestoreJob, waitForTableActive } from './wait-for-restore';

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

/**
 * A lease outlives its invocation by this much: enough for clocks to disagree, short enough
 * that Lambda's first retry of a timed-out invocation (about a minute later) can take over.
 */
const LEASE_MARGIN_MS = 10_000;

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

/** Picks a drill up from its recorded state: used by duplicates, retries, restore events and the sweep. */
export async function continueDrill(
  engine: Engine,
  invocation: Invocation,
  record: DrillRecord,
  log: DrillLogger = engine.logger.createChild({ persistentKeys: { drillId: record.drillId, table: record.sourceTable } }),
): Promise<DrillResult> {
  const base = { drillId: record.drillId, table: record.sourceTable };
  switch (record.status) {
    case 'FINISHED':
      log.info('drill already finished and reported; nothing to do', { verdict: record.outcome?.verdict });
      return { ...base, status: 'already-finished', verdict: record.outcome?.verdict };
    case 'REPORTING':
      return resendReport(engine, invocation, record, log);
    case 'STARTED': {
      const begun = record.earlyFailure === undefined ? await beginRestore(engine, record, log) : record;
      if (begun.status === 'STARTED') return finishDrill(engine, invocation, begun, undefined, log);
      return continueDrill(engine, invocation, begun, log);
    }
    case 'RESTORING': {
      if (!record.restoreJobId) throw new Error(`drill ${record.drillId} is RESTORING without a restore job id`);
      const wait = await waitForRestoreJob({
        backup: engine.backup,
        clock: engine.clock,
        deadline: invocation.deadline,
        tuning: engine.config.wait,
        restoreJobId: record.restoreJobId,
        restoreStartedAt: Date.parse(record.restoreStartedAt ?? record.startedAt),
        onProgress: (job) =>
          log.info('restore in progress', { restoreJobId: job.restoreJobId, status: job.status, percentDone: job.percentDone }),
      });
      if (wait.kind === 'handed-over') {
        await engine.history.update(record.drillId, { restoreJob: jobFacts(wait.job) });
        log.info('invocation time is short: leaving the drill to the Restore Job State Change event', {
          restoreJobId: record.restoreJobId,
          status: wait.job.status,
          percentDone: wait.job.percentDone,
        });
        return { ...base, status: 'waiting', restoreJobId: record.restoreJobId };
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
  const updated: DrillRecord = { ...record, earlyFailure: failure };
  await engine.history.update(record.drillId, { earlyFailure: failure, recoveryPoint: record.recoveryPoint }, { ifStatus: 'STARTED' });
  return updated;
}

/** Finds the recovery point and starts the restore job; an error here ends the drill as FAIL. */
async function beginRestore(engine: Engine, record: DrillRecord, log: DrillLogger): Promise<DrillRecord> {
  const { config } = engine;
  const table = tableOf(engine, record);
  let point: RecoveryPoint | undefined;
  try {
    point = await findLatestRecoveryPoint(engine.backup, config.vaultNames, table.tableArn);
  } catch (error) {
    return saveEarlyFailure(engine, record, explainError('ListRecoveryPointsByBackupVault', error), log);
  }
  if (!point) {
    return saveEarlyFailure(
      engine,
      record,
      `no recovery point: no COMPLETED recovery point of ${table.tableName} in vault ${config.vaultNames.join(', ')} — backups are not happening; check the backup plan selects this table and its backup jobs succeed`,
      log,
    );
  }
  const withPoint: DrillRecord = {
    ...record,
    recoveryPoint: {
      recoveryPointArn: point.recoveryPointArn,
      backupVaultName: point.backupVaultName,
      creationDate: point.creationDate.toISOString(),
    },
  };
  log.info('newest recovery point found', { recoveryPointArn: point.recoveryPointArn, created: point.creationDate.toISOString() });
  if (table.canary) await writeCanary(engine, table, record, log);
  try {
    const metadata = await step('GetRecoveryPointRestoreMetadata', () =>
      engine.backup.getRestoreMetadata(point.backupVaultName, point.recoveryPointArn),
    );
    metadata.targetTableName = record.restoredTableName;
    if (config.restoreKmsKeyArn) {
      metadata.encryptionType = 'KMS';
      metadata.kmsMasterKeyArn = config.restoreKmsKeyArn;
    }
    const restoreStartedAt = new Date(engine.clock.now()).toISOString();
    const restoreJobId = await step('StartRestoreJob', () =>
      engine.backup.startRestoreJob({
        recoveryPointArn: point.recoveryPointArn,
        metadata,
        iamRoleArn: config.restoreRoleArn,
        idempotencyToken: record.drillId,
      }),
    );
    const fields = { status: 'RESTORING' as const, recoveryPoint: withPoint.recoveryPoint, restoreJobId, restoreStartedAt };
    const saved = await engine.history.update(record.drillId, fields, { ifStatus: 'STARTED' });
    log.info('restore job started', { restoreJobId, restoredTableName: record.restoredTableName });
    if (!saved) {
      // A twin invocation recorded the same job (same idempotency token) first: follow the record.
      return (await engine.history.get(record.drillId)) ?? { ...withPoint, ...fields };
    }
    return { ...withPoint, ...fields };
  } catch (error) {
    return saveEarlyFailure(engine, withPoint, explainError('StartRestoreJob', error), log);
  }
}

/** Best effort: a failed canary write is logged; the next drill's canary check shows the gap. */
async function writeCanary(engine: Engine, table: DrilledTable, record: DrillRecord, log: DrillLogger): Promise<void> {
  try {
    const source = await engine.dynamodb.describeTable(table.tableName);
    if (!source) return;
    const canary = await engine.canaries.write(table.tableName, source, record.drillId, new Date(engine.clock.now()));
    log.info('canary written to the source for the next backup to capture', { writtenAt: canary.writtenAt });
  } catch (error) {
    log.warn('canary write failed', { error: explainError('PutItem', error) });
  }
}

/** Checks, cleanup and verdict: only the invocation holding the drill's lease gets here. */
async function finishDrill(
  engine: Engine,
  invocation: Invocation,
  record: DrillRecord,
  job: RestoreJob | undefined,
  log: DrillLogger,
): Promise<DrillResult> {
  const base = { drillId: record.drillId, table: record.sourceTable };
  const now = engine.clock.now();
  const leaseMs = Math.max(0, invocation.deadline.remainingMs()) + LEASE_MARGIN_MS;
  const claimed = await engine.history.claim(record.drillId, ['STARTED', 'RESTORING'], invocation.owner, now, leaseMs);
  if (!claimed) {
    const current = await engine.history.get(record.drillId);
    log.info('another invocation is finishing this drill (or has finished it)', { status: current?.status });
    return current?.status === 'FINISHED'
      ? { ...base, status: 'already-finished', verdict: current.outcome?.verdict }
      : { ...base, status: 'in-progress-elsewhere' };
  }

  const table = tableOf(engine, claimed);
  const drillStartedAt = new Date(claimed.startedAt);
  let checks: CheckResult[] = [];
  let restoredScan: DrillOutcome['restoredScan'];
  let failure = claimed.earlyFailure;
  let restoreJob = job;
  let restoredActiveAt: number | undefined;

  if (failure === undefined && claimed.recoveryPoint && claimed.restoreJobId) {
    try {
      const restoreJobId = claimed.restoreJobId;
      restoreJob ??= await step('DescribeRestoreJob', () => engine.backup.describeRestoreJob(restoreJobId));
      let restored: TableShape | undefined;
      if (restoreJob.status === 'COMPLETED') {
        const active = await waitForTableActive({
          dynamodb: engine.dynamodb,
          clock: engine.clock,
          deadline: invocation.deadline,
          tableName: claimed.restoredTableName,
          reserveMs: engine.config.wait.invocationReserveSeconds * 500,
          pollMs: engine.config.wait.tablePollSeconds * 1000,
        });
        restored = active.table;
        restoredActiveAt = active.activeAt;
      }
      const source = await step('DescribeTable', () => engine.dynamodb.describeTable(table.tableName));
      const sourceSettings: TableSettings | undefined = source
        ? await step('DescribeTimeToLive', () => engine.dynamodb.describeSettings(source))
        : undefined;
      const reserveMs = engine.config.wait.invocationReserveSeconds * 1000;
      const keepScanning = () => invocation.deadline.remainingMs() > reserveMs;
      ({ results: checks, restoredScan } = await runChecks(checksFor(engine, table), keepScanning, {
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
        dynamodb: engine.dynamodb,
        canaries: engine.canaries,
        sourceReads: new ReadBudget(engine.config.targets.sourceReadBudgetUnits),
        isCanaryItem: isCanaryItemFor(source ?? restored ?? { keySchema: [] }),
        random: engine.random,
      }));
    } catch (error) {
      failure = `the drill stopped with an error: ${explainError('drill', error)}`;
      log.error('drill error', { error: error as Error });
    }
  } else if (claimed.recoveryPoint) {
    checks = [evaluateRpo(drillStartedAt, new Date(claimed.recoveryPoint.creationDate), engine.config.targets)];
  }

  const withJob: DrillRecord = { ...claimed, restoreJob: restoreJob ? jobFacts(restoreJob) : claimed.restoreJob };
  const cleanup = await deleteRestoredCopy({ config: engine.config, dynamodb: engine.dynamodb, clock: engine.clock, drill: withJob });
  if (cleanup.result === 'failed' || cleanup.result === 'refused') log.error('restored copy not deleted', { cleanup });
  else log.info('cleanup', { cleanup });

  const outcome = decideOutcome({
    checks,
    failure,
    cleanup,
    recoveryPointAgeSeconds: claimed.recoveryPoint
      ? Math.round((drillStartedAt.getTime() - Date.parse(claimed.recoveryPoint.creationDate)) / 1000)
      : undefined,
    restoreDurationSeconds: restoreJob?.status === 'COMPLETED' ? restoreDurationSeconds({ restoreJob, restoredActiveAt }) : undefined,
    restoredScan,
    finishedAt: new Date(engine.clock.now()).toISOString(),
  });
  const stillOurs = await engine.history.update(
    record.drillId,
    { status: 'REPORTING', outcome, restoreJob: withJob.restoreJob },
    { owner: invocation.owner },
  );
  if (!stillOurs) {
    log.warn('lost the drill lease while finishing; the holder reports it');
    return { ...base, status: 'in-progress-elsewhere' };
  }
  emitMetrics(engine, withJob, outcome);
  log.info('drill verdict', {
    verdict: outcome.verdict,
    checks: outcome.checks.map((c) => `${c.check}:${c.status}`).join(' '),
    failure: outcome.failure,
  });
  return publishReport(engine, invocation, { ...withJob, status: 'REPORTING', outcome }, log);
}

function checksFor(engine: Engine, table: DrilledTable): CheckDefinition[] {
  const custom = (table.customChecks ?? []).map(
    (name): CheckDefinition =>
      engine.customChecks[name] ?? {
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
      },
  );
  return [...engine.checks, ...custom];
}

export function decideOutcome(parts: {
  checks: CheckResult[];
  failure?: string;
  cleanup: CleanupOutcome;
  recoveryPointAgeSeconds?: number;
  restoreDurationSeconds?: number;
  restoredScan?: DrillOutcome['restoredScan'];
  finishedAt: string;
}): DrillOutcome {
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

async function publishReport(engine: Engine, invocation: Invocation, drill: FinishedDrill, log: DrillLogger): Promise<DrillResult> {
  try {
    const messageId = await step('Publish', () => engine.notifier.publish(drillMessage(drill)));
    log.info('report published', { messageId, verdict: drill.outcome.verdict });
  } catch (error) {
    // The verdict is safe in the history record; give the lease back so the Lambda retry resends.
    await engine.history.release(drill.drillId, invocation.owner);
    const why = explainError('Publish', error);
    log.error('report not sent', { error: why });
    throw new ReportNotSentError(`drill ${drill.drillId} (${drill.sourceTable}) ${drill.outcome.verdict}: report not sent: ${why}`);
  }
  await engine.history.update(drill.drillId, { status: 'FINISHED', reportedAt: new Date(engine.clock.now()).toISOString() }, { owner: invocation.owner });
  return { drillId: drill.drillId, table: drill.sourceTable, status: 'finished', verdict: drill.outcome.verdict };
}

async function resendReport(engine: Engine, invocation: Invocation, record: DrillRecord, log: DrillLogger): Promise<DrillResult> {
  const base = { drillId: record.drillId, table: record.sourceTable };
  const now = engine.clock.now();
  const claimed = await engine.history.claim(record.drillId, ['REPORTING'], invocation.owner, now, invocation.deadline.remainingMs() + LEASE_MARGIN_MS);
  if (!claimed?.outcome) return { ...base, status: 'in-progress-elsewhere' };
  log.info('verdict recorded earlier but not reported; sending the report now', { verdict: claimed.outcome.verdict });
  return publishReport(engine, invocation, claimed as FinishedDrill, log);
}
