import { createHash } from 'node:crypto';

/**
 * A drill id is derived from what triggered it, never random: an event EventBridge delivers
 * twice, or that Lambda retries, maps to the same drill, the same history record, the same
 * restore idempotency token and the same restored-table name.
 *
 * Format: `<yyyymmdd>t<hhmmss>z-<8 hex>`, e.g. `20261128t060000z-3fa9c1d2`.
 */
export const DRILL_ID_PATTERN = /\d{8}t\d{6}z-[0-9a-f]{8}$/;

export function drillIdFor(triggeredAt: Date, triggerId: string, tableArn: string): string {
  const stamp = triggeredAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .toLowerCase();
  const hash = createHash('sha256').update(`${triggerId}|${tableArn}`).digest('hex').slice(0, 8);
  return `${stamp}-${hash}`;
}

/**
 * Under this history key the first drill id of a manual drill is recorded (`firstRecorded`), so a
 * repeat of the invocation continues that drill; the CLI reads it to follow the drill it started.
 * `repeatKey`: `key:<idempotencyKey>` when the caller gave one, else the Lambda request id.
 */
export function manualDrillKey(repeatKey: string, tableArn: string): string {
  return `manual|${repeatKey}|${tableArn}`;
}

export const idempotencyRepeatKey = (idempotencyKey: string) => `key:${idempotencyKey}`;

const MAX_TABLE_NAME = 255;

/**
 * `<prefix><source>-<drillId>`, shortened in the source part to DynamoDB's 255-character limit.
 * The prefix is what IAM's DeleteTable permission is scoped to; the drill id makes it unique.
 */
export function restoredTableName(prefix: string, sourceTableName: string, drillId: string): string {
  const room = MAX_TABLE_NAME - prefix.length - 1 - drillId.length;
  return `${prefix}${sourceTableName.slice(0, Math.max(0, room))}-${drillId}`;
}

/** The drill id inside a restored-table name, when the name has the drill's shape. */
export function drillIdOfRestoredTable(prefix: string, tableName: string): string | undefined {
  if (!tableName.startsWith(prefix)) return undefined;
  return DRILL_ID_PATTERN.exec(tableName)?.[0];
}
