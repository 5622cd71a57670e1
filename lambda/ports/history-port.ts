import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { HISTORY_INDEX } from '../config';
import type { CanaryRecord } from '../domain/canary';
import type { DrillRecord, DrillStatus } from '../domain/drill-record';

/**
 * The drill-history table: one record per drill (audit evidence) and the coordination point
 * that makes each drill finish and report exactly once. Items:
 *   drill:  pk = DRILL#<drillId>, sk = DRILL, plus the index attributes below
 *   canary: pk = CANARY#<tableName>, sk = <writtenAt ISO>
 *   restore slot: pk = SLOT#<n>, sk = SLOT, drillId = the holder (lambda/drill/restore-queue.ts)
 */

const OPEN = 'OPEN';
/** A FINISHED restore test whose copy AWS Backup has not been seen deleted yet (the same sparse index). */
const AWAITING_DELETION = 'AWAITING_DELETION';

export interface HistoryPort {
  /** Creates the record; returns the existing one instead when this drill id is already recorded. */
  create(record: DrillRecord): Promise<{ created: true } | { created: false; existing: DrillRecord }>;
  get(drillId: string): Promise<DrillRecord | undefined>;
  findByRestoreJob(restoreJobId: string): Promise<DrillRecord | undefined>;
  listOpen(): Promise<DrillRecord[]>;
  /** Marks a FINISHED restore test as awaiting its copy's deletion by AWS Backup (true), or no longer (false). */
  watchDeletion(drillId: string, watching: boolean): Promise<void>;
  /** Restore tests whose copy's deletion has not been seen final yet. */
  listDeletionWatches(): Promise<DrillRecord[]>;
  /** True when the history holds a drill of the same table started no later than this one, other than this one. */
  hasEarlierDrill(drill: Pick<DrillRecord, 'drillId' | 'sourceTable' | 'sourceTableArn' | 'startedAt'>): Promise<boolean>;
  /**
   * Takes the drill's lease when its status is one of `from` and nobody else holds an unexpired
   * lease (the holder may take it again).
   * Returns the record as claimed, or undefined when another invocation has it or it moved on.
   */
  claim(drillId: string, from: readonly DrillStatus[], owner: string, nowMs: number, leaseMs: number): Promise<DrillRecord | undefined>;
  /** Updates fields; when `owner` is given, only while that owner still holds the lease. */
  update(drillId: string, fields: Partial<DrillRecord>, options?: { owner?: string; ifStatus?: DrillStatus }): Promise<boolean>;
  /** Gives the lease back so a retry can take over at once. */
  release(drillId: string, owner: string): Promise<void>;
  /**
   * The value first recorded under `key`: records `value` when the key is new, else returns what
   * an earlier call recorded (e.g. the drill id of a manual invocation Lambda retries).
   */
  firstRecorded(key: string, value: string): Promise<string>;
  /**
   * Takes a restore slot for the drill: the first of slots 0..slots-1 that is free (or already
   * this drill's), by one conditional write each, so two invocations never hold the same slot.
   * Returns its number, or undefined when every slot is held by another drill.
   */
  takeRestoreSlot(drillId: string, slots: number): Promise<number | undefined>;
  /** Frees the slot when this drill still holds it (a slot taken over by another drill is left alone). */
  releaseRestoreSlot(slot: number, drillId: string): Promise<void>;
  /** The holders of slots 0..slots-1, read consistently; free slots are left out. */
  restoreSlotHolders(slots: number): Promise<{ readonly slot: number; readonly drillId: string }[]>;
  recordCanary(canary: CanaryRecord): Promise<void>;
  /** Newest canary written strictly before the given time. */
  latestCanaryBefore(tableName: string, before: Date): Promise<CanaryRecord | undefined>;
}

export const drillKey = (drillId: string) => ({ pk: { S: `DRILL#${drillId}` }, sk: { S: 'DRILL' } });

function toItem(record: DrillRecord) {
  return {
    ...marshall(record, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
    ...drillKey(record.drillId),
    ...(record.status !== 'FINISHED' ? { openMarker: { S: OPEN } } : {}),
  };
}

export function fromItem(item: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>): DrillRecord {
  const { pk: _pk, sk: _sk, openMarker: _open, ...rest } = unmarshall(item);
  return rest as DrillRecord;
}

export const restoreSlotKey = (slot: number) => ({ pk: { S: `SLOT#${slot}` }, sk: { S: 'SLOT' } });

export const firstRecordedKey = (key: string) => ({ pk: { S: `FIRST#${key}` }, sk: { S: 'FIRST' } });

export function createHistoryPort(client: DynamoDBClient, tableName: string): HistoryPort {
  async function conditional<T>(operation: () => Promise<T>): Promise<T | undefined> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async function listByMarker(marker: string): Promise<DrillRecord[]> {
    const records: DrillRecord[] = [];
    let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: HISTORY_INDEX.openDrills,
          KeyConditionExpression: 'openMarker = :open',
          ExpressionAttributeValues: { ':open': { S: marker } },
          ExclusiveStartKey: startKey,
        }),
      );
      records.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  return {
    async create(record) {
      const created = await conditional(() =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem(record),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (created) return { created: true };
      const existing = await this.get(record.drillId);
      if (!existing) throw new Error(`drill ${record.drillId} exists but could not be read back`);
      return { created: false, existing };
    },

    async get(drillId) {
      const output = await client.send(new GetItemCommand({ TableName: tableName, Key: drillKey(drillId), ConsistentRead: true }));
      return output.Item ? fromItem(output.Item) : undefined;
    },

    async findByRestoreJob(restoreJobId) {
      const output = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: HISTORY_INDEX.byRestoreJob,
          KeyConditionExpression: 'restoreJobId = :id',
          ExpressionAttributeValues: { ':id': { S: restoreJobId } },
          Limit: 1,
        }),
      );
      const found = output.Items?.[0];
      // GSIs are eventually consistent: re-read the base record for the current status.
      return found ? this.get(fromItem(found).drillId) : undefined;
    },

    listOpen() {
      return listByMarker(OPEN);
    },

    listDeletionWatches() {
      return listByMarker(AWAITING_DELETION);
    },

    async watchDeletion(drillId, watching) {
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: drillKey(drillId),
            UpdateExpression: watching ? 'SET openMarker = :marker' : 'REMOVE openMarker',
            // Only a FINISHED drill: an open one carries OPEN, which the sweep must keep seeing.
            ConditionExpression: '#status = :finished',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':finished': { S: 'FINISHED' }, ...(watching ? { ':marker': { S: AWAITING_DELETION } } : {}) },
          }),
        ),
      );
    },

    async hasEarlierDrill(drill) {
      let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
      do {
        // The filter drops this drill itself and a table of the same name elsewhere (the index is
        // keyed by name). No Limit: DynamoDB applies it before the filter, so a limited page could
        // hold only this drill; pages are read until one holds another drill.
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: HISTORY_INDEX.byTable,
            KeyConditionExpression: 'sourceTable = :table AND startedAt <= :startedAt',
            FilterExpression: 'drillId <> :self AND sourceTableArn = :arn',
            ExpressionAttributeValues: {
              ':table': { S: drill.sourceTable },
              ':startedAt': { S: drill.startedAt },
              ':self': { S: drill.drillId },
              ':arn': { S: drill.sourceTableArn },
            },
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
          }),
        );
        if ((page.Items ?? []).length > 0) return true;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return false;
    },

    async claim(drillId, from, owner, nowMs, leaseMs) {
      const statusValues = Object.fromEntries(from.map((status, i) => [`:s${i}`, { S: status }]));
      const output = await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: drillKey(drillId),
            UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
            ConditionExpression: `#status IN (${Object.keys(statusValues).join(', ')}) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ...statusValues,
              ':owner': { S: owner },
              ':until': { N: String(nowMs + leaseMs) },
              ':now': { N: String(nowMs) },
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return output?.Attributes ? fromItem(output.Attributes) : undefined;
    },

    async update(drillId, fields, options = {}) {
      const names: Record<string, string> = {};
      const values: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> = {};
      const sets: string[] = [];
      const marshalled = marshall(fields, { removeUndefinedValues: true, convertClassInstanceToMap: true });
      Object.entries(marshalled).forEach(([name, value], i) => {
        names[`#f${i}`] = name;
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      });
      const removes: string[] = [];
      if (fields.status === 'FINISHED') {
        names['#open'] = 'openMarker';
        names['#leaseOwner'] = 'leaseOwner';
        names['#leaseUntil'] = 'leaseUntil';
        removes.push('#open', '#leaseOwner', '#leaseUntil');
      }
      const conditions = ['attribute_exists(pk)'];
      if (options.owner) {
        names['#owner'] = 'leaseOwner';
        values[':owner'] = { S: options.owner };
        conditions.push('#owner = :owner');
      }
      if (options.ifStatus) {
        names['#status'] = 'status';
        values[':ifStatus'] = { S: options.ifStatus };
        conditions.push('#status = :ifStatus');
      }
      const expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
        .filter(Boolean)
        .join(' ');
      const done = await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: drillKey(drillId),
            UpdateExpression: expression,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
          }),
        ),
      );
      return done !== undefined;
    },

    async release(drillId, owner) {
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: drillKey(drillId),
            UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: { ':owner': { S: owner } },
          }),
        ),
      );
    },

    async firstRecorded(key, value) {
      const itemKey = firstRecordedKey(key);
      const put = await conditional(() =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { ...itemKey, value: { S: value } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (put) return value;
      const output = await client.send(new GetItemCommand({ TableName: tableName, Key: itemKey, ConsistentRead: true }));
      const recorded = output.Item?.value?.S;
      if (!recorded) throw new Error(`history key ${key} exists without a value`);
      return recorded;
    },

    async takeRestoreSlot(drillId, slots) {
      for (let slot = 0; slot < slots; slot++) {
        const taken = await conditional(() =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: { ...restoreSlotKey(slot), drillId: { S: drillId } },
              ConditionExpression: 'attribute_not_exists(drillId) OR drillId = :drill',
              ExpressionAttributeValues: { ':drill': { S: drillId } },
            }),
          ),
        );
        if (taken) return slot;
      }
      return undefined;
    },

    async releaseRestoreSlot(slot, drillId) {
      // The slot's item stays, without a holder: the drill may not delete history items (the
      // history is audit evidence), and needs no permission beyond PutItem and UpdateItem.
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: restoreSlotKey(slot),
            UpdateExpression: 'REMOVE drillId',
            ConditionExpression: 'drillId = :drill',
            ExpressionAttributeValues: { ':drill': { S: drillId } },
          }),
        ),
      );
    },

    async restoreSlotHolders(slots) {
      const holders: { slot: number; drillId: string }[] = [];
      for (let slot = 0; slot < slots; slot++) {
        const output = await client.send(new GetItemCommand({ TableName: tableName, Key: restoreSlotKey(slot), ConsistentRead: true }));
        const drillId = output.Item?.drillId?.S;
        if (drillId) holders.push({ slot, drillId });
      }
      return holders;
    },

    async recordCanary(canary) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: `CANARY#${canary.tableName}` },
            sk: { S: canary.writtenAt },
            tableName: { S: canary.tableName },
            canaryId: { S: canary.canaryId },
            writtenAt: { S: canary.writtenAt },
          },
        }),
      );
    },

    async latestCanaryBefore(tableName_, before) {
      const output = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk < :before',
          ExpressionAttributeValues: { ':pk': { S: `CANARY#${tableName_}` }, ':before': { S: before.toISOString() } },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const item = output.Items?.[0];
      return item ? (unmarshall(item) as CanaryRecord) : undefined;
    },
  };
}
