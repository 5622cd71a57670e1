import { CANARY_KEY_VALUE } from '../config';
import type { DynamoDbPort, Item, TableShape } from '../ports/dynamodb-port';
import type { CanaryRecord } from '../domain/canary';
import type { HistoryPort } from '../ports/history-port';

/**
 * The canary proves a backup captured recent writes. On each drill of a canary table the
 * engine overwrites one item in the source — key `restore-drill#canary` in every key
 * attribute — with a fresh id and time, and records the write in the drill history. A later
 * restore must hold the newest canary written before its recovery point. Counts and content
 * comparisons leave this one item out (checks/drill-items.ts). IAM allows the drill PutItem on source tables only for this key.
 */
export { CANARY_KEY_VALUE };

/** The canary's key for a table, or a reason why the table cannot carry one. */
export function canaryKey(table: Pick<TableShape, 'keySchema' | 'attributeDefinitions'>): Item | string {
  const key: Item = {};
  for (const element of table.keySchema) {
    const name = element.AttributeName ?? '';
    const type = table.attributeDefinitions.find((a) => a.name === name)?.type;
    if (type === 'S') key[name] = { S: CANARY_KEY_VALUE };
    else if (type === 'N' && element.KeyType === 'RANGE') key[name] = { N: '0' };
    else return `key attribute ${name} is of type ${type ?? 'unknown'}; a canary needs a string partition key`;
  }
  return key;
}

export function isCanaryItemFor(table: Pick<TableShape, 'keySchema'>): (item: Item) => boolean {
  const partitionKey = table.keySchema.find((k) => k.KeyType === 'HASH')?.AttributeName;
  return (item) => partitionKey !== undefined && item[partitionKey]?.S === CANARY_KEY_VALUE;
}

export interface CanaryPort {
  /** Writes a new canary to the source table and records it. */
  write(tableName: string, table: TableShape, canaryId: string, writtenAt: Date): Promise<CanaryRecord>;
  /** The newest canary recorded as written before `before`. */
  latestBefore(tableName: string, before: Date): Promise<CanaryRecord | undefined>;
  /** The canary item as it is in a table (source or restored copy). */
  read(tableName: string, table: TableShape): Promise<{ canaryId: string; writtenAt: string } | undefined>;
}

/** The read-only part of the canary port: what the canary check is given. */
export type CanaryReader = Pick<CanaryPort, 'latestBefore' | 'read'>;

export function createCanaryPort(dynamodb: DynamoDbPort, history: HistoryPort): CanaryPort {
  return {
    async write(tableName, table, canaryId, writtenAt) {
      const key = canaryKey(table);
      if (typeof key === 'string') throw new Error(`cannot write a canary to ${tableName}: ${key}`);
      const record = { tableName, canaryId, writtenAt: writtenAt.toISOString() };
      await dynamodb.putItem(tableName, {
        ...key,
        canaryId: { S: record.canaryId },
        writtenAt: { S: record.writtenAt },
        writtenBy: { S: 'restore-drill' },
      });
      await history.recordCanary(record);
      return record;
    },

    latestBefore: (tableName, before) => history.latestCanaryBefore(tableName, before),

    async read(tableName, table) {
      const key = canaryKey(table);
      if (typeof key === 'string') return undefined;
      const item = await dynamodb.getItem(tableName, key);
      const canaryId = item?.canaryId?.S;
      const writtenAt = item?.writtenAt?.S;
      return canaryId && writtenAt ? { canaryId, writtenAt } : undefined;
    },
  };
}
