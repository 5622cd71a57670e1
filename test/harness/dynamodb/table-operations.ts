import {
  BatchWriteItemCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  paginateListTables,
  paginateScan,
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

/** BatchWriteItem takes at most 25 requests (DynamoDB limit, enforced by DynamoDB Local too). */
const BATCH_WRITE_LIMIT = 25;

export async function describeTableOrUndefined(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/**
 * Polls DescribeTable until ACTIVE. Not the SDK's waitUntilTableExists: its delays are whole
 * seconds, and local tables turn ACTIVE in a few hundred milliseconds.
 */
export async function waitForTableActive(
  client: DynamoDBClient,
  tableName: string,
  { timeoutMs = 10_000, pollMs = 20, signal }: { timeoutMs?: number; pollMs?: number; signal?: AbortSignal } = {},
): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const table = await describeTableOrUndefined(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return table;
    if (Date.now() > deadline)
      throw new Error(`table ${tableName} not ACTIVE after ${timeoutMs} ms (status ${table?.TableStatus ?? 'absent'})`);
    await sleep(pollMs, signal);
  }
}

/** Waits until DescribeTable says the table is gone (DeleteTable leaves it DELETING for a while). */
export async function waitForTableGone(client: DynamoDBClient, tableName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await describeTableOrUndefined(client, tableName)) {
    if (Date.now() > deadline) throw new Error(`table ${tableName} still present after ${timeoutMs} ms`);
    await sleep(20);
  }
}

export async function scanAllItems(client: DynamoDBClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
    items.push(...((page.Items ?? []) as Item[]));
  }
  return items;
}

export async function listAllTableNames(client: DynamoDBClient): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListTables({ client }, {})) names.push(...(page.TableNames ?? []));
  return names;
}

/** Writes items in batches of 25, resubmitting what DynamoDB reports as unprocessed. */
export async function writeAllItems(
  client: DynamoDBClient,
  tableName: string,
  items: readonly Item[],
  { signal, onBatchWritten }: { signal?: AbortSignal; onBatchWritten?: (written: number) => void } = {},
): Promise<void> {
  let written = 0;
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    signal?.throwIfAborted();
    let pending: WriteRequest[] = items.slice(start, start + BATCH_WRITE_LIMIT).map((item) => ({ PutRequest: { Item: item } }));
    while (pending.length > 0) {
      const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = result.UnprocessedItems?.[tableName] ?? [];
    }
    written = Math.min(items.length, start + BATCH_WRITE_LIMIT);
    onBatchWritten?.(written);
  }
}

/**
 * The CreateTable input that recreates a table's key schema, attribute definitions and
 * secondary indexes (keys and projections), on-demand: what a DynamoDB restore through AWS
 * Backup carries over. Throughput, streams, TTL, PITR, tags and policies are not carried.
 */
export function createTableInputFrom(description: TableDescription, tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: description.AttributeDefinitions,
    KeySchema: description.KeySchema,
    GlobalSecondaryIndexes: description.GlobalSecondaryIndexes?.length
      ? description.GlobalSecondaryIndexes.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }))
      : undefined,
    LocalSecondaryIndexes: description.LocalSecondaryIndexes?.length
      ? description.LocalSecondaryIndexes.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }))
      : undefined,
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
