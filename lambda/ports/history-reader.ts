import { type AttributeValue, type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { HISTORY_INDEX } from '../config';
import type { DrillRecord } from '../domain/drill-record';
import { drillKey, firstRecordedKey, fromItem } from './history-port';

/**
 * Reads the drill history for people and scripts (the `restore-drill` CLI): the same layout the
 * engine's history port writes, read only. Nothing here writes.
 */
export interface HistoryReader {
  get(drillId: string): Promise<DrillRecord | undefined>;
  /** What `firstRecorded` recorded under `key` (e.g. the drill a manual invocation started), if anything yet. */
  recordedFirst(key: string): Promise<string | undefined>;
  /** Drills of a source table, newest first; `since` (ISO) keeps those started at or after it. */
  listByTable(sourceTable: string, options?: { since?: string; limit?: number }): Promise<DrillRecord[]>;
}

export function createHistoryReader(client: DynamoDBClient, tableName: string): HistoryReader {
  return {
    async get(drillId) {
      const output = await client.send(new GetItemCommand({ TableName: tableName, Key: drillKey(drillId), ConsistentRead: true }));
      return output.Item ? fromItem(output.Item) : undefined;
    },

    async recordedFirst(key) {
      const output = await client.send(new GetItemCommand({ TableName: tableName, Key: firstRecordedKey(key), ConsistentRead: true }));
      return output.Item?.value?.S;
    },

    async listByTable(sourceTable, options = {}) {
      const records: DrillRecord[] = [];
      let startKey: Record<string, AttributeValue> | undefined;
      const values: Record<string, AttributeValue> = { ':table': { S: sourceTable } };
      if (options.since !== undefined) values[':since'] = { S: options.since };
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: HISTORY_INDEX.byTable,
            KeyConditionExpression: options.since !== undefined ? 'sourceTable = :table AND startedAt >= :since' : 'sourceTable = :table',
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
          }),
        );
        records.push(...(page.Items ?? []).map(fromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey && (options.limit === undefined || records.length < options.limit));
      return options.limit === undefined ? records : records.slice(0, options.limit);
    },
  };
}
