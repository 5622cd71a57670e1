import type { CheckContext, CheckDefinition } from '../../../lambda/checks/check';
import { isDrillItemFor, isScannedDrillItemFor } from '../../../lambda/checks/drill-items';
import { itemObserver } from '../../../lambda/drill/item-observers';
import { ObjectItem } from '../../../lambda/ports/scan-wire';
import type { DrilledTable, DrillTargets } from '../../../lambda/config';
import type { RecoveryPoint, RestoreJob } from '../../../lambda/domain/backup';
import type { CanaryRecord } from '../../../lambda/domain/canary';
import type { CheckResult } from '../../../lambda/domain/check-result';
import { createMeteredReader } from '../../../lambda/metering/metered-reader';
import { type CanaryPort, createCanaryPort } from '../../../lambda/ports/canary-port';
import type { Item, TableSettings, TableShape } from '../../../lambda/ports/dynamodb-port';
import type { HistoryPort } from '../../../lambda/ports/history-port';
import { FakeClock } from '../support/fake-clock';
import { InMemoryTables, item, tableShape } from './in-memory-tables';

/**
 * A CheckContext as the drill builds one (drill/check-copy.ts), from defaults a test overrides
 * only where it is about: a drill of table `orders` started 2026-11-28 06:00 UTC on a recovery
 * point taken at 03:00, restored by a job that ran 06:01-06:21 and left an ACTIVE copy holding
 * the source's five items. Reads go through the real metered reader (budget and pace) over
 * in-memory tables, on a fake clock; canaries through the real canary port over the same tables.
 */

export const DRILL_STARTED_AT = '2026-11-28T06:00:00.000Z';
export const RECOVERY_POINT_CREATED_AT = '2026-11-28T03:00:00.000Z';
export const JOB_CREATED_AT = '2026-11-28T06:01:00.000Z';
export const JOB_COMPLETED_AT = '2026-11-28T06:21:00.000Z';
/** When the checks run: the copy is ACTIVE and the fake clock reads this. */
export const CHECKS_AT = '2026-11-28T06:22:00.000Z';
export const SOURCE_TABLE = 'orders';
export const SOURCE_TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders';
export const RESTORED_TABLE = 'restore-drill-orders-20261128t060000z-3fa9c1d2';

export const DEFAULT_TARGETS: DrillTargets = {
  rpoTargetMinutes: 26 * 60,
  rtoTargetMinutes: 60,
  itemCountTolerancePercent: 5,
  sampleSize: 50,
  scanSegments: 2,
  sourceReadBudgetUnits: 50_000,
  sourceReadUnitsPerSecond: 200,
};

export const SOURCE_ITEMS: readonly Item[] = [1, 2, 3, 4, 5].map((n) => item(n, { total: { N: String(n * 10) } }));

export interface CheckContextOptions {
  readonly table?: Partial<DrilledTable>;
  readonly targets?: Partial<DrillTargets>;
  readonly drillStartedAt?: string;
  readonly recoveryPointCreatedAt?: string;
  readonly restoreJob?: Partial<RestoreJob>;
  /** The source table's shape; `missing` when it no longer exists. */
  readonly source?: Partial<TableShape> | 'missing';
  readonly sourceItems?: readonly Item[];
  readonly sourceSettings?: TableSettings;
  /** The restored copy's shape; `missing` when there is none. */
  readonly restored?: Partial<TableShape> | 'missing';
  /** Default: the source items. */
  readonly restoredItems?: readonly Item[];
  /** Default: the job's completion. */
  readonly restoredActiveAt?: number;
  /** Canaries recorded in the drill history as written to the source. */
  readonly canaries?: readonly CanaryRecord[];
  /** The pace of source reads (default: the target's). */
  readonly sourceReadUnitsPerSecond?: number;
  /** Milliseconds the checks may spend, counted on the fake clock from CHECKS_AT (default ten minutes). */
  readonly checkTimeMs?: number;
  readonly random?: () => number;
}

export interface CheckWorld {
  readonly context: CheckContext;
  readonly tables: InMemoryTables;
  readonly clock: FakeClock;
  readonly canaries: CanaryPort;
}

export function checkWorld(options: CheckContextOptions = {}): CheckWorld {
  const clock = new FakeClock(Date.parse(CHECKS_AT));
  const table: DrilledTable = { tableName: SOURCE_TABLE, tableArn: SOURCE_TABLE_ARN, ...options.table };
  const targets: DrillTargets = { ...DEFAULT_TARGETS, ...options.targets };
  const sourceItems = options.sourceItems ?? SOURCE_ITEMS;
  const restoredItems = options.restoredItems ?? sourceItems;
  const tables = new InMemoryTables();
  const source =
    options.source === 'missing'
      ? undefined
      : tableShape(table.tableName, {
          arn: table.tableArn,
          itemCount: sourceItems.length,
          sizeBytes: sourceItems.length * 100,
          ...options.source,
          name: table.tableName,
        });
  const restored =
    options.restored === 'missing'
      ? undefined
      : tableShape(RESTORED_TABLE, { ...source, arn: undefined, ...options.restored, name: RESTORED_TABLE });
  if (source) tables.put(source, sourceItems);
  if (restored) tables.put(restored, restoredItems);

  const recorded = [...(options.canaries ?? [])];
  const history = {
    recordCanary: async (canary: CanaryRecord) => {
      recorded.push(canary);
    },
    latestCanaryBefore: async (tableName: string, before: Date) =>
      recorded
        .filter((canary) => canary.tableName === tableName && canary.writtenAt < before.toISOString())
        .sort((a, b) => b.writtenAt.localeCompare(a.writtenAt))[0],
  } as Pick<HistoryPort, 'recordCanary' | 'latestCanaryBefore'> as HistoryPort;
  const canaries = createCanaryPort(tables, history);

  const checksEndAt = clock.now() + (options.checkTimeMs ?? 10 * 60_000);
  const checkTimeMs = () => checksEndAt - clock.now();
  const recoveryPoint: RecoveryPoint = {
    recoveryPointArn: 'arn:aws:backup:eu-west-1:111122223333:recovery-point:0a1b2c3d',
    backupVaultName: 'restore-drill-vault',
    resourceArn: table.tableArn,
    status: 'COMPLETED',
    creationDate: new Date(options.recoveryPointCreatedAt ?? RECOVERY_POINT_CREATED_AT),
  };
  const restoreJob: RestoreJob = {
    restoreJobId: 'restore-job-1',
    status: 'COMPLETED',
    creationDate: new Date(JOB_CREATED_AT),
    completionDate: new Date(JOB_COMPLETED_AT),
    createdResourceArn: `arn:aws:dynamodb:eu-west-1:111122223333:table/${RESTORED_TABLE}`,
    ...options.restoreJob,
  };
  const context: CheckContext = {
    table,
    targets,
    drillStartedAt: new Date(options.drillStartedAt ?? DRILL_STARTED_AT),
    recoveryPoint,
    restoreJob,
    source,
    sourceSettings: options.sourceSettings,
    restored,
    restoredTableName: RESTORED_TABLE,
    restoredActiveAt: 'restoredActiveAt' in options ? options.restoredActiveAt : Date.parse(JOB_COMPLETED_AT),
    dynamodb: createMeteredReader({
      dynamodb: tables,
      sourceTableName: source?.name,
      budgetUnits: targets.sourceReadBudgetUnits,
      unitsPerSecond: options.sourceReadUnitsPerSecond ?? targets.sourceReadUnitsPerSecond,
      clock,
      timeLeftMs: checkTimeMs,
    }),
    canaries,
    hasTime: () => checkTimeMs() > 0,
    isDrillItem: isDrillItemFor(table, source ?? restored ?? { keySchema: [] }),
    isScannedDrillItem: isScannedDrillItemFor(table, source ?? restored ?? { keySchema: [] }),
    random: options.random ?? (() => 0.5),
  };
  return { context, tables, clock, canaries };
}

/**
 * One check as the engine runs it (drill/run-checks.ts): begun, shown every item of the restored
 * copy (the drill's own items apart), then asked for its result. Undefined when it does not apply.
 */
export async function runCheck(definition: CheckDefinition, world: CheckWorld): Promise<CheckResult | undefined> {
  const { context, tables } = world;
  const run = definition.begin(context);
  if (!run) return undefined;
  // The engine's own dispatch (drill/item-observers.ts), items handed over as the port hands them.
  const observe = itemObserver([run], context.isScannedDrillItem);
  for (const restoredItem of context.restored ? tables.items(context.restoredTableName) : []) observe(new ObjectItem(restoredItem));
  return run.result();
}

/** checkWorld and runCheck in one: the result of a check on a context built from `options`. */
export async function checkResult(definition: CheckDefinition, options: CheckContextOptions = {}): Promise<CheckResult> {
  const result = await runCheck(definition, checkWorld(options));
  if (!result) throw new Error(`${definition.name} did not apply to this drill`);
  return result;
}
