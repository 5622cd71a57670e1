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
import { readConfig } from './read-config';
import { parseTrigger } from './triggers';

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
}

/** Drills started at once; AWS Backup allows about 50 concurrent restore jobs per account. */
const MAX_PARALLEL_DRILLS = 10;

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

/** Runs every batch, whatever earlier ones did: one failed report must not skip other tables. */
async function inBatches<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const settled: PromiseSettledResult<R>[] = [];
  for (let i = 0; i < items.length; i += size) {
    settled.push(...(await Promise.allSettled(items.slice(i, i + size).map(run))));
  }
  return settled;
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

  const drillTables = (
    tables: readonly DrilledTable[],
    kind: 'schedule' | 'backup-completed' | 'manual',
    drillIdOf: (table: DrilledTable) => Promise<string> | string,
  ) =>
    inBatches(tables, MAX_PARALLEL_DRILLS, async (table) =>
      DrillRun.start(engine, invocation, { table, trigger: kind, drillId: await drillIdOf(table) }),
    );

  switch (trigger.kind) {
    case 'ignored':
      engine.logger.warn('event ignored: not a drill trigger', { reason: trigger.reason });
      return { trigger: 'ignored', drills: [], ignored: trigger.reason };

    case 'schedule': {
      // Safety nets first, while the whole invocation is ahead; a failure in one is reported at the end.
      const resumed = await resumeStaleDrills(engine, invocation);
      const drills = await drillTables(engine.config.tables, 'schedule', (table) =>
        drillIdFor(trigger.time, trigger.eventId, table.tableArn),
      );
      const leftoverCopies = await deleteLeftoverCopies(engine, invocation);
      return { trigger: trigger.kind, drills: failIfAnyRejected([...resumed, ...drills]), leftoverCopies };
    }

    case 'backup-completed': {
      const { found } = matchTables(engine.config, [trigger.resourceArn]);
      if (found.length === 0) {
        engine.logger.warn('event ignored: backup of a table this drill does not cover', { resourceArn: trigger.resourceArn });
        return { trigger: trigger.kind, drills: [], ignored: `not a drilled table: ${trigger.resourceArn}` };
      }
      const drills = await drillTables(found, 'backup-completed', (table) => drillIdFor(trigger.time, trigger.eventId, table.tableArn));
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
      const drills = await drillTables(found, 'manual', (table) =>
        engine.history.firstRecorded(
          manualDrillKey(repeatKey, table.tableArn),
          drillIdFor(new Date(engine.clock.now()), repeatKey, table.tableArn),
        ),
      );
      return { trigger: trigger.kind, drills: failIfAnyRejected(drills), unknownTables: unknown };
    }

    case 'restore-job-changed': {
      const drill = await engine.history.findByRestoreJob(trigger.restoreJobId);
      if (!drill) {
        engine.logger.warn('event ignored: restore job not started by a drill', { restoreJobId: trigger.restoreJobId });
        return { trigger: trigger.kind, drills: [], ignored: `unknown restore job ${trigger.restoreJobId}` };
      }
      return { trigger: trigger.kind, drills: failIfAnyRejected(await Promise.allSettled([DrillRun.resume(engine, invocation, drill)])) };
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
