import { type DrillConfig, KEPT_UNTIL_TAG } from '../config';
import type { Clock } from '../ports/clock';
import type { DynamoDbPort } from '../ports/dynamodb-port';
import { step } from '../errors/drill-step';
import { explainError } from '../report/failure-advice';
import { formatTime } from '../report/format';
import type { CleanupOutcome, DrillRecord } from '../domain/drill-record';
import type { TimeBudget } from './time-budget';
import { waitForTableActive } from './wait-for-restore';

/**
 * Deletes the restored copy. This is the only place the engine deletes anything, so every
 * safety rule lives here: the table must
 *  1. be the name this drill asked its restore job for (derived from the drill id),
 *  2. carry the restore-table prefix (IAM allows DeleteTable on nothing else),
 *  3. not be any configured source table,
 *  4. have been created by this drill's restore job (a job was started, and its
 *     CreatedResourceArn, when AWS reports one, names this table).
 * A table that fails a rule is left alone and reported as "refused".
 */
export function deletionRefusal(
  config: Pick<DrillConfig, 'restoreTablePrefix' | 'tables'>,
  drill: Pick<DrillRecord, 'restoredTableName' | 'restoreJobId' | 'restoreJob'>,
  tableName: string,
): string | undefined {
  if (tableName !== drill.restoredTableName) return `${tableName} is not this drill's restored copy`;
  if (!tableName.startsWith(config.restoreTablePrefix)) return `${tableName} does not carry the prefix ${config.restoreTablePrefix}`;
  if (config.tables.some((t) => t.tableName === tableName)) return `${tableName} is a source table`;
  if (!drill.restoreJobId) return `no restore job of this drill created ${tableName}`;
  const created = drill.restoreJob?.createdResourceArn;
  if (created && !created.endsWith(`:table/${tableName}`)) return `restore job created ${created}, not ${tableName}`;
  return undefined;
}

const DELETE_CONFIRM_MAX_MS = 30_000;
/** DynamoDB deletes no table that is still CREATING; wait this long for it to become ACTIVE. */
const CREATING_WAIT_MAX_MS = 60_000;
const NOT_DELETABLE_YET = new Set(['CREATING', 'UPDATING']);

/** Never throws: a failed cleanup is an outcome to report, not a reason to skip the report. */
export async function deleteRestoredCopy(args: {
  config: DrillConfig;
  dynamodb: DynamoDbPort;
  clock: Clock;
  time: TimeBudget;
  drill: DrillRecord;
}): Promise<CleanupOutcome> {
  const { config, dynamodb, clock, time, drill } = args;
  const pollMs = config.wait.tablePollSeconds * 1000;
  const tableName = drill.restoredTableName;
  try {
    let table = await step('DescribeTable', () => dynamodb.describeTable(tableName));
    if (table && NOT_DELETABLE_YET.has(table.status)) {
      ({ table } = await waitForTableActive({ dynamodb, clock, tableName, waitMs: time.cleanupWaitMs(CREATING_WAIT_MAX_MS), pollMs }));
    }
    if (!table) {
      return {
        result: 'absent',
        tableName,
        detail: drill.restoreJobId ? `no copy to delete (${tableName} does not exist)` : 'no restore was started, nothing to delete',
      };
    }
    if (table.status === 'DELETING') return { result: 'deleted', tableName, detail: `${tableName} is already being deleted` };
    const refusal = deletionRefusal(config, drill, tableName);
    if (refusal) return { result: 'refused', tableName, detail: `left ${tableName} in place: ${refusal}` };
    if (NOT_DELETABLE_YET.has(table.status)) {
      return {
        result: 'failed',
        tableName,
        detail: `could not delete ${tableName}: it is still ${table.status} and DynamoDB deletes a table only once it is ACTIVE; the next scheduled drill deletes it, or delete it by hand`,
      };
    }
    await step('DeleteTable', () => dynamodb.deleteTable(tableName));
    // DeleteTable is asynchronous; wait briefly so the report can say the copy is gone (a
    // courtesy for the report, never at the cost of the invocation's last seconds).
    const confirmUntil = clock.now() + time.cleanupWaitMs(DELETE_CONFIRM_MAX_MS);
    while (clock.now() < confirmUntil) {
      const remaining = await step('DescribeTable', () => dynamodb.describeTable(tableName));
      if (!remaining) return { result: 'deleted', tableName, detail: `deleted ${tableName}` };
      await clock.sleep(pollMs);
    }
    return { result: 'deleted', tableName, detail: `deleting ${tableName} (DeleteTable accepted, still DELETING)` };
  } catch (error) {
    return {
      result: 'failed',
      tableName,
      detail: `could not delete ${tableName}: ${explainError('DeleteTable', error)}; the next scheduled drill retries, or delete it by hand`,
    };
  }
}

/** True when the drill's checks (or an error outside them) will FAIL it: a copy worth keeping. */
export function failedBeforeCleanup(drill: Pick<DrillRecord, 'checked'>): boolean {
  const checked = drill.checked;
  return Boolean(checked && (checked.failure !== undefined || checked.checks.some((c) => c.status === 'FAIL')));
}

/**
 * Keeps a FAILed drill's copy for `hours` (keepFailedCopyHours) instead of deleting it: under the
 * same safety rules as a delete (only this drill's own copy), tagged with its expiry for a person
 * in the console. The history record's `keptUntil` is what the sweep goes by (deleteLeftoverCopies);
 * the tag is a courtesy, so a tag that cannot be written is reported, not fatal. Never throws.
 */
export async function keepRestoredCopy(args: {
  config: DrillConfig;
  dynamodb: DynamoDbPort;
  clock: Clock;
  drill: DrillRecord;
  hours: number;
}): Promise<CleanupOutcome> {
  const { config, dynamodb, clock, drill, hours } = args;
  const tableName = drill.restoredTableName;
  try {
    const table = await step('DescribeTable', () => dynamodb.describeTable(tableName));
    if (!table) return { result: 'absent', tableName, detail: `no copy to keep (${tableName} does not exist)` };
    if (table.status === 'DELETING') return { result: 'deleted', tableName, detail: `${tableName} is already being deleted` };
    const refusal = deletionRefusal(config, drill, tableName);
    if (refusal) return { result: 'refused', tableName, detail: `left ${tableName} in place: ${refusal}` };
    const keptUntil = new Date(clock.now() + hours * 3_600_000).toISOString();
    let untagged = '';
    try {
      if (!table.arn) throw new Error('DescribeTable returned no TableArn');
      await step('TagResource', () => dynamodb.tagTable(table.arn as string, { [KEPT_UNTIL_TAG]: keptUntil }));
    } catch (error) {
      untagged = ` (not tagged ${KEPT_UNTIL_TAG}: ${explainError('TagResource', error)})`;
    }
    return {
      result: 'kept',
      tableName,
      keptUntil,
      detail: `kept ${tableName} for investigation until ${formatTime(keptUntil)} (keepFailedCopyHours ${hours})${untagged}; the first scheduled drill after that deletes it`,
    };
  } catch (error) {
    return {
      result: 'failed',
      tableName,
      detail: `could not keep or delete ${tableName}: ${explainError('DescribeTable', error)}; the next scheduled drill deletes it, or delete it by hand`,
    };
  }
}
