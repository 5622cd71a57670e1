import type { Context } from 'aws-lambda';
import { canaryCheck } from './checks/canary';
import { contentDigestCheck } from './checks/content-digest';
import { CUSTOM_CHECKS } from './checks/custom';
import { checksByName, checksOfModule } from './checks/custom/module-checks';
import { BUILT_IN_CHECKS } from './checks/registry';
import { sampleCompareCheck } from './checks/sample-compare';
import type { DrilledTable } from './config';
import { DrillRun } from './drill/drill-run';
import type { Engine, Invocation } from './drill/engine';
import { drillIdFor, idempotencyRepeatKey, manualDrillKey } from './drill/drill-id';
import type { DrillResult } from './drill/run-state';
import { deleteLeftoverCopies, resumeStaleDrills } from './drill/sweep';
import { type Settled, drainRestoreQueue, retireSupersededDrills } from './drill/restore-queue';
import { TimeBudget } from './drill/time-budget';
import { logger, metrics } from './observability';
import { createAwsClients } from './ports/aws-clients';
import { createBackupPort } from './ports/backup-port';
import { createCanaryPort } from './ports/canary-port';
import { systemClock } from './ports/clock';
import { createDynamoDbPort } from './ports/dynamodb-port';
import { createHistoryPort } from './ports/history-port';
import { createKeyPort } from './ports/kms-port';
import { createNotifierPort } from './ports/notifier-port';
import { createStepFunctionsPort } from './ports/stepfunctions-port';
import { readConfig } from './read-config';
import { type FailedBackupJob, type Trigger, parseTrigger } from './triggers';
import { findLatestRecoveryPoint } from './drill/find-recovery-point';
import { isValidatedPlan, restoreTestRecord } from './drill/restore-test';
import { watchRestoreTestDeletions } from './drill/restore-test-deletion';
import { step } from './errors/drill-step';
import { explainError } from './report/failure-advice';
import { backupFailureMessage } from './report/notices';
import { reportTopics } from './report/report-topics';

/**
 * The drill Lambda. Thin: parse the trigger, pick the tables, run the drills (restores in
 * parallel), and fail the invocation when a report could not be sent so the Lambda's retries,
 * failure destination and error alarm catch it.
 */

export interface InvocationSummary {
  readonly trigger: string;
  readonly drills: readonly DrillResult[];
  readonly ignored?: string;
  /** Why a manual drill did not run: a malformed payload, or no table this stack drills. */
  readonly refused?: string;
  readonly unknownTables?: readonly string[];
  readonly leftoverCopies?: readonly string[];
  /** Restore test copies looked at for their deletion by AWS Backup (scheduled runs). */
  readonly awaitingDeletion?: readonly string[];
  /** A failed backup or copy job's message: sent, or why not. */
  readonly notified?: string;
}

/**
 * A restore test of a restore testing plan the drill validates (its own, or one adopted), of a
 * drilled table: checked, reported and validated as a drill (DrillRun.startRestoreTest). Anything
 * else is ignored, said why. DescribeRestoreJob gives what the event may not carry (the recovery
 * point, its date, the vault); an error there fails the invocation so Lambda retries it.
 */
async function validateRestoreTest(
  engine: Engine,
  invocation: Invocation,
  trigger: Extract<Trigger, { kind: 'restore-test-ended' }>,
): Promise<Pick<InvocationSummary, 'drills' | 'ignored'>> {
  if (!isValidatedPlan(engine.config.restoreTesting, trigger.restoreTestingPlanArn)) {
    engine.logger.warn('event ignored: restore test of a plan this drill does not validate', { planArn: trigger.restoreTestingPlanArn });
    return { drills: [], ignored: `restore testing plan not validated here: ${trigger.restoreTestingPlanArn}` };
  }
  const job = await step('DescribeRestoreJob', () => engine.backup.describeRestoreJob(trigger.restoreJobId));
  const sourceArn = job.sourceResourceArn ?? trigger.sourceResourceArn;
  const table = engine.config.tables.find((t) => t.tableArn === sourceArn);
  if (!table) {
    engine.logger.warn('event ignored: restore test of a table this drill does not cover', {
      sourceArn,
      restoreJobId: trigger.restoreJobId,
    });
    return { drills: [], ignored: `not a drilled table: ${sourceArn}` };
  }
  // The RPO is judged on the table's newest point, which the plan may not have chosen.
  const newest = await findLatestRecoveryPoint(engine.backup, engine.config.vaultNames, table.tableArn).then(
    (search) => search.latest?.creationDate,
    (error: unknown) => {
      engine.logger.warn('could not list recovery points; the RPO is judged on the restored point', {
        error: explainError('ListRecoveryPointsByBackupVault', error),
      });
      return undefined;
    },
  );
  const record = restoreTestRecord({
    config: engine.config,
    job,
    planArn: trigger.restoreTestingPlanArn,
    tableName: table.tableName,
    tableArn: table.tableArn,
    now: engine.clock.now(),
    newestCreationDate: newest,
  });
  const settled = await Promise.allSettled([DrillRun.startRestoreTest(engine, invocation, record)]);
  return { drills: failIfAnyRejected(settled) };
}

/**
 * A failed backup or copy job of a drilled table: one readable FAIL message to the report topic
 * (and the failure topic), once per job and state. The first invocation to record the job sends
 * it; a repeated event (EventBridge delivers at least once) finds it recorded and sends nothing.
 * Lambda retries an invocation with the same request id, so a retry after a failed publish sends.
 */
async function notifyBackupFailure(
  engine: Engine,
  job: FailedBackupJob,
  requestId: string,
): Promise<Pick<InvocationSummary, 'ignored' | 'notified'>> {
  const table = engine.config.tables.find((t) => t.tableArn === job.resourceArn);
  if (!table) return { ignored: `not a drilled table: ${job.resourceArn}` };
  const key = `${job.kind}-job-failed|${job.jobId}|${job.state}`;
  if ((await engine.history.firstRecorded(key, requestId)) !== requestId) {
    engine.logger.info('failed backup job already notified; not sending it again', { jobId: job.jobId, state: job.state });
    return { ignored: `already notified: ${job.kind} job ${job.jobId} ${job.state}` };
  }
  const message = backupFailureMessage(job, table.tableName);
  for (const topic of reportTopics('FAIL', engine.config)) await step('Publish', () => engine.notifier.publish(topic, message));
  engine.logger.error(`${job.kind} job of a drilled table ${job.state}`, {
    jobId: job.jobId,
    table: table.tableName,
    subject: message.subject,
  });
  return { notified: message.subject };
}

/** Execution statuses the drill acts on from the status change event: the ends that bypass the state machine's own report. */
const ENDED_WITHOUT_REPORT = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

export function createEngine(overrides: Partial<Engine> = {}): Engine {
  const config = overrides.config ?? readConfig();
  const clients = createAwsClients();
  const clock = overrides.clock ?? systemClock;
  const dynamodb = overrides.dynamodb ?? createDynamoDbPort(clients.dynamodb, clock.sleep);
  const history = overrides.history ?? createHistoryPort(clients.dynamodb, config.historyTableName);
  return {
    config,
    backup: createBackupPort(clients.backup),
    keys: createKeyPort(clients.kms),
    notifier: createNotifierPort(clients.sns, { reports: config.topicArn, failures: config.failureTopicArn }),
    canaries: createCanaryPort(dynamodb, history),
    random: Math.random,
    checks: [...BUILT_IN_CHECKS, sampleCompareCheck, contentDigestCheck, canaryCheck],
    customChecks: CUSTOM_CHECKS,
    metrics,
    logger,
    stepFunctions: config.fanOut ? createStepFunctionsPort(clients.sfn, () => clock.now()) : undefined,
    ...overrides,
    clock,
    dynamodb,
    history,
  };
}

function matchTables(config: Engine['config'], requested: readonly string[]) {
  const found: DrilledTable[] = [];
  const unknown: string[] = [];
  for (const name of requested) {
    const table = config.tables.find((t) => t.tableName === name || t.tableArn === name);
    if (table && !found.includes(table)) found.push(table);
    else if (!table) unknown.push(name);
  }
  return { found, unknown };
}

/**
 * Drills of many tables: every drill recorded queued first (so none is lost if the invocation
 * ends), a scheduled run's queued drills of an earlier run retired as not drilled, then the
 * restore queue drained with at most `maxConcurrentRestores` restores in flight (restore-queue.ts).
 * One table's failure is its own: every other drill runs and reports.
 */
async function drillTables(
  engine: Engine,
  invocation: Invocation,
  tables: readonly DrilledTable[],
  kind: 'schedule' | 'backup-completed' | 'manual',
  drillIdOf: (table: DrilledTable) => Promise<string> | string,
): Promise<Settled[]> {
  const recorded = await Promise.allSettled(
    tables.map(async (table) => DrillRun.enqueue(engine, { table, trigger: kind, drillId: await drillIdOf(table) })),
  );
  const records = recorded.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const notRecorded = recorded.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const retired = kind === 'schedule' ? await retireSupersededDrills(engine, invocation, records) : [];
  const ran = await drainRestoreQueue(engine, invocation, { first: records, others: kind === 'schedule' });
  return [...notRecorded, ...retired, ...ran.values()];
}

function failIfAnyRejected<R>(settled: readonly PromiseSettledResult<R>[]): R[] {
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failures.length > 0) {
    const reasons = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
    throw new Error(`${failures.length} drill(s) did not complete: ${reasons.join(' | ')}`);
  }
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}

export async function handleEvent(
  engine: Engine,
  event: unknown,
  context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
): Promise<InvocationSummary> {
  const invocation: Invocation = {
    time: TimeBudget.of(engine.clock, context.getRemainingTimeInMillis(), engine.config.wait.invocationReserveSeconds * 1000),
    owner: context.awsRequestId,
  };
  const trigger = parseTrigger(event);
  engine.logger.info('invoked', { trigger: trigger.kind });

  switch (trigger.kind) {
    case 'ignored':
      engine.logger.warn('event ignored: not a drill trigger', { reason: trigger.reason });
      return { trigger: 'ignored', drills: [], ignored: trigger.reason };

    case 'schedule': {
      // Safety nets first, while the whole invocation is ahead; a failure in one is reported at the end.
      const resumed = await resumeStaleDrills(engine, invocation);
      // Native mode: AWS Backup restore testing restores on its own schedule; the drill's schedule
      // only runs the safety nets (and a manual invocation can still start an own drill).
      const drills = engine.config.restoreTesting
        ? []
        : await drillTables(engine, invocation, engine.config.tables, 'schedule', (table) =>
            drillIdFor(trigger.time, trigger.eventId, table.tableArn),
          );
      const leftoverCopies = await deleteLeftoverCopies(engine, invocation);
      const awaitingDeletion = await watchRestoreTestDeletions(engine);
      return { trigger: trigger.kind, drills: failIfAnyRejected([...resumed, ...drills]), leftoverCopies, awaitingDeletion };
    }

    case 'backup-completed': {
      const { found } = matchTables(engine.config, [trigger.resourceArn]);
      if (found.length === 0) {
        engine.logger.warn('event ignored: backup of a table this drill does not cover', { resourceArn: trigger.resourceArn });
        return { trigger: trigger.kind, drills: [], ignored: `not a drilled table: ${trigger.resourceArn}` };
      }
      const drills = await drillTables(engine, invocation, found, 'backup-completed', (table) =>
        drillIdFor(trigger.time, trigger.eventId, table.tableArn),
      );
      return { trigger: trigger.kind, drills: failIfAnyRejected(drills) };
    }

    case 'refused':
      // Said in the summary (what a synchronous `aws lambda invoke` prints) and in the log (all an
      // asynchronous one leaves): a manual drill never does nothing without saying why.
      engine.logger.warn('manual drill refused', { reason: trigger.reason });
      return { trigger: 'manual', drills: [], refused: trigger.reason };

    case 'manual': {
      const { found, unknown } = matchTables(engine.config, trigger.tables);
      if (unknown.length > 0) engine.logger.warn('manual invocation names tables this drill does not cover', { unknown });
      if (found.length === 0) {
        const refused = `manual drill refused, nothing was started: no table named is drilled by this stack (${unknown.join(', ')}); drilled tables: ${engine.config.tables.map((t) => t.tableName).join(', ')}`;
        engine.logger.warn('manual drill refused', { reason: refused });
        return { trigger: trigger.kind, drills: [], refused, unknownTables: unknown };
      }
      // The drill id is derived from the idempotency key when there is one, else from the request
      // id (Lambda retries an asynchronous invocation with the same one). The first drill id is
      // recorded under it, so a repeat continues that drill instead of starting another restore.
      const repeatKey = trigger.idempotencyKey !== undefined ? idempotencyRepeatKey(trigger.idempotencyKey) : context.awsRequestId;
      const drills = await drillTables(engine, invocation, found, 'manual', (table) =>
        engine.history.firstRecorded(
          manualDrillKey(repeatKey, table.tableArn),
          drillIdFor(new Date(engine.clock.now()), repeatKey, table.tableArn),
        ),
      );
      return { trigger: trigger.kind, drills: failIfAnyRejected(drills), unknownTables: unknown };
    }

    case 'restore-test-ended':
      return { trigger: trigger.kind, ...(await validateRestoreTest(engine, invocation, trigger)) };

    case 'backup-job-failed':
      return { trigger: trigger.kind, drills: [], ...(await notifyBackupFailure(engine, trigger.job, context.awsRequestId)) };

    case 'fan-out-ended': {
      const { end } = trigger;
      if (end.kind === 'status' && !ENDED_WITHOUT_REPORT.has(end.status)) {
        return {
          trigger: trigger.kind,
          drills: [],
          ignored: `execution ${end.executionArn} is ${end.status}: its own invocation reports it`,
        };
      }
      const settled = await Promise.allSettled([DrillRun.fanOutEnded(engine, invocation, trigger.drillId, end)]);
      return { trigger: trigger.kind, drills: failIfAnyRejected(settled) };
    }

    case 'restore-job-changed': {
      const drill = await engine.history.findByRestoreJob(trigger.restoreJobId);
      if (!drill) {
        engine.logger.warn('event ignored: restore job not started by a drill', { restoreJobId: trigger.restoreJobId });
        return { trigger: trigger.kind, drills: [], ignored: `unknown restore job ${trigger.restoreJobId}` };
      }
      const resumed = await Promise.allSettled([DrillRun.resume(engine, invocation, drill)]);
      // Its restore has ended, so its slot is free: the next queued drills start here.
      const next = await drainRestoreQueue(engine, invocation, { others: true });
      return { trigger: trigger.kind, drills: failIfAnyRejected([...resumed, ...next.values()]) };
    }
  }
}

let engine: Engine | undefined;

/**
 * The drill Lambda with the custom checks of the user's own modules (the construct's
 * `customCheckModules`): the entry the construct generates imports each module and calls this.
 * A module that yields no valid check, or a name given twice, fails the cold start loudly; the
 * construct has already refused both at synth.
 */
export function handlerWithChecks(modules: readonly Record<string, unknown>[]) {
  const customChecks = checksByName(
    CUSTOM_CHECKS,
    modules.flatMap((exports) => checksOfModule(exports)),
  );
  let withChecks: Engine | undefined;
  return async (event: unknown, context: Context): Promise<InvocationSummary> => {
    withChecks ??= createEngine({ customChecks });
    return handleEvent(withChecks, event, context);
  };
}

export async function handler(event: unknown, context: Context): Promise<InvocationSummary> {
  engine ??= createEngine();
  return handleEvent(engine, event, context);
}
