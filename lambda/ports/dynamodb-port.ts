import {
  type AttributeValue,
  BatchGetItemCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  GetItemCommand,
  type KeySchemaElement,
  ListTagsOfResourceCommand,
  type Projection,
  PutItemCommand,
  ResourceNotFoundException,
  ScanCommand,
  type TableDescription,
  TagResourceCommand,
  paginateListTables,
} from '@aws-sdk/client-dynamodb';
import { ObjectItem, type ScannedItem, WireItem, readScanPageFromWire, type WirePage } from './scan-wire';

export type { ScannedItem } from './scan-wire';

/** The DynamoDB operations the drill uses, in the engine's terms. Checks read through {@link DynamoDbReader}. */

export type Item = Record<string, AttributeValue>;

export interface IndexShape {
  readonly name: string;
  readonly keySchema: readonly KeySchemaElement[];
  readonly projection?: Projection;
}

export interface TableShape {
  readonly name: string;
  readonly arn?: string;
  readonly status: string;
  readonly keySchema: readonly KeySchemaElement[];
  readonly attributeDefinitions: ReadonlyArray<{ name: string; type: string }>;
  readonly globalSecondaryIndexes: readonly IndexShape[];
  readonly localSecondaryIndexes: readonly IndexShape[];
  /** DynamoDB's estimate, refreshed about every six hours. */
  readonly itemCount?: number;
  readonly sizeBytes?: number;
  readonly billingMode?: string;
  /**
   * The table's read capacity per second where it has one: the provisioned read capacity units,
   * or an on-demand table's maximum read request units; undefined when unlimited.
   */
  readonly readCapacityUnits?: number;
  readonly streamEnabled: boolean;
  readonly deletionProtection: boolean;
  /** When DynamoDB created the table. */
  readonly createdAt?: Date;
  /**
   * SSEDescription: absent for the AWS owned key (DynamoDB Developer Guide, "Encryption at rest
   * usage notes": in the API the encryption type is KMS for the AWS managed key and for a
   * customer-managed key; without one, the AWS owned key encrypts the table).
   */
  readonly encryption?: { readonly sseType?: string; readonly status?: string; readonly kmsKeyArn?: string };
}

/** Settings a restore does not carry over; read from the source so the report can list them. */
export interface TableSettings {
  readonly ttlAttribute?: string;
  readonly pointInTimeRecovery: boolean;
  readonly tagCount: number;
  /** Settings that could not be read (e.g. missing permission), named with the error. */
  readonly unread: readonly string[];
}

/** An expression that narrows a scan or count (DynamoDB FilterExpression syntax). */
export interface ScanFilter {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values?: Item;
}

/** Where one segment of a parallel scan starts (or resumes: the LastEvaluatedKey it stopped at). */
export interface SegmentPosition {
  readonly segment: number;
  readonly totalSegments: number;
  readonly startKey?: Item;
}

export interface ScanOptions {
  readonly segments: number;
  /**
   * Scan these segments of a larger parallel scan, from these keys, instead of segments
   * 0..segments-1 from the start (a fan-out worker's share, or a continuation).
   */
  readonly positions?: readonly SegmentPosition[];
  /** At most this many items per page (Scan Limit); DynamoDB's 1 MB page when absent. */
  readonly pageItemLimit?: number;
  readonly filter?: ScanFilter;
  /**
   * Called with the read capacity each page consumed and whether more pages follow; return
   * false to stop scanning.
   */
  readonly onPage?: (consumedUnits: number, more: boolean) => boolean | Promise<boolean>;
  /** Attributes to return (ProjectionExpression with its names); all when absent. */
  readonly projection?: { readonly expression: string; readonly names: Record<string, string> };
}

export interface ScanSummary {
  readonly count: number;
  readonly consumedUnits: number;
  /** True when onPage stopped the scan before the end of the table. */
  readonly stoppedEarly: boolean;
  /** When stopped early: where each unfinished segment would resume. */
  readonly resumeAt?: readonly SegmentPosition[];
}

export interface DynamoDbPort {
  describeTable(tableName: string): Promise<TableShape | undefined>;
  describeSettings(table: TableShape): Promise<TableSettings>;
  /** Parallel scan; each item is handed to onItem as it arrives (memory stays bounded by the pages in flight). */
  scanItems(tableName: string, options: ScanOptions, onItem: (item: Item) => void): Promise<ScanSummary>;
  /**
   * The same scan, each item handed over as read from the response (scan-wire.ts): what a check
   * that does not need every item as objects reads. The item is valid only during the call.
   */
  scanScannedItems(tableName: string, options: ScanOptions, onItem: (item: ScannedItem) => void): Promise<ScanSummary>;
  /** Parallel scan with Select COUNT: counts without transferring items. */
  countItems(tableName: string, options: ScanOptions): Promise<ScanSummary>;
  /** BatchGetItem in chunks of 100, retrying unprocessed keys. */
  batchGetItems(tableName: string, keys: readonly Item[]): Promise<{ items: Item[]; consumedUnits: number }>;
  getItem(tableName: string, key: Item): Promise<Item | undefined>;
  putItem(tableName: string, item: Item): Promise<void>;
  deleteTable(tableName: string): Promise<void>;
  /** TagResource: adds or replaces these tags on a table (by ARN). */
  tagTable(tableArn: string, tags: Readonly<Record<string, string>>): Promise<void>;
  listTableNames(prefix: string): Promise<string[]>;
}

function readCapacityOf(table: TableDescription): number | undefined {
  const positive = (value: number | undefined) => (value !== undefined && value > 0 ? value : undefined);
  if (table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST') return positive(table.OnDemandThroughput?.MaxReadRequestUnits);
  return positive(table.ProvisionedThroughput?.ReadCapacityUnits);
}

/** The read-only part of the port: all a check (built-in or custom) is given. */
export type DynamoDbReader = Pick<
  DynamoDbPort,
  'describeTable' | 'scanItems' | 'scanScannedItems' | 'countItems' | 'batchGetItems' | 'getItem'
>;

export function toTableShape(table: TableDescription): TableShape {
  const index = (i: { IndexName?: string; KeySchema?: KeySchemaElement[]; Projection?: Projection }) => ({
    name: i.IndexName ?? '',
    keySchema: i.KeySchema ?? [],
    projection: i.Projection,
  });
  return {
    name: table.TableName ?? '',
    arn: table.TableArn,
    status: table.TableStatus ?? 'UNKNOWN',
    keySchema: table.KeySchema ?? [],
    attributeDefinitions: (table.AttributeDefinitions ?? []).map((a) => ({
      name: a.AttributeName ?? '',
      type: a.AttributeType ?? '',
    })),
    globalSecondaryIndexes: (table.GlobalSecondaryIndexes ?? []).map(index),
    localSecondaryIndexes: (table.LocalSecondaryIndexes ?? []).map(index),
    itemCount: table.ItemCount,
    sizeBytes: table.TableSizeBytes,
    billingMode: table.BillingModeSummary?.BillingMode,
    readCapacityUnits: readCapacityOf(table),
    streamEnabled: table.StreamSpecification?.StreamEnabled ?? false,
    deletionProtection: table.DeletionProtectionEnabled ?? false,
    createdAt: table.CreationDateTime,
    encryption: table.SSEDescription && {
      sseType: table.SSEDescription.SSEType,
      status: table.SSEDescription.Status,
      kmsKeyArn: table.SSEDescription.KMSMasterKeyArn,
    },
  };
}

const BATCH_GET_LIMIT = 100;

/**
 * The Scan request, by DynamoDB's rules for Select (API reference, Scan, "Select"): a count is
 * `Select: COUNT` with no ProjectionExpression; an item scan with a projection is
 * `SPECIFIC_ATTRIBUTES` (the only value allowed beside one), without one Select is left out
 * (all attributes). ExpressionAttributeNames holds only names an expression of this request
 * uses: DynamoDB refuses unused ones.
 */
export function scanRequest(tableName: string, options: Pick<ScanOptions, 'filter' | 'projection'>, mode: 'count' | 'items') {
  const projection = mode === 'items' ? options.projection : undefined;
  const names = { ...options.filter?.names, ...projection?.names };
  return {
    TableName: tableName,
    Select: mode === 'count' ? ('COUNT' as const) : projection ? ('SPECIFIC_ATTRIBUTES' as const) : undefined,
    ProjectionExpression: projection?.expression,
    FilterExpression: options.filter?.expression,
    ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
    ExpressionAttributeValues: options.filter?.values,
    ReturnConsumedCapacity: 'TOTAL' as const,
  };
}

export interface DynamoDbPortOptions {
  /**
   * Read Scan pages' items from the response bytes instead of the SDK's objects (scan-wire.ts);
   * on by default. Off, every item is unmarshalled by the SDK, as before issue 14.
   */
  readonly readScanPagesFromWire?: boolean;
}

export function createDynamoDbPort(
  client: DynamoDBClient,
  sleep: (ms: number) => Promise<void>,
  portOptions: DynamoDbPortOptions = {},
): DynamoDbPort {
  const fromWire = portOptions.readScanPagesFromWire ?? true;

  async function scanSegments(
    tableName: string,
    options: ScanOptions,
    mode: 'count' | 'items',
    onItem?: (item: ScannedItem) => void,
  ): Promise<ScanSummary> {
    let count = 0;
    let consumedUnits = 0;
    let stoppedEarly = false;
    const request = scanRequest(tableName, options, mode);
    const resumeAt: SegmentPosition[] = [];
    const scanSegment = async ({ segment, totalSegments, startKey: from }: SegmentPosition) => {
      let startKey = from;
      // One reader per segment, moved from item to item: nothing is allocated per item.
      const wireItem = new WireItem();
      do {
        if (stoppedEarly) {
          resumeAt.push({ segment, totalSegments, startKey });
          return;
        }
        const command = new ScanCommand({
          ...request,
          Segment: totalSegments > 1 ? segment : undefined,
          TotalSegments: totalSegments > 1 ? totalSegments : undefined,
          ExclusiveStartKey: startKey,
          Limit: options.pageItemLimit,
        });
        const wire: { page?: WirePage } = {};
        if (onItem && fromWire) readScanPageFromWire(command, wire);
        const page = await client.send(command);
        count += page.Count ?? 0;
        const units = page.ConsumedCapacity?.CapacityUnits ?? 0;
        consumedUnits += units;
        if (onItem && wire.page) {
          const page = wire.page;
          for (let k = 0; k < page.itemCount; k++) onItem(wireItem.moveToPageItem(page, k));
        } else if (onItem) for (const item of page.Items ?? []) onItem(new ObjectItem(item));
        startKey = page.LastEvaluatedKey;
        if (options.onPage && !(await options.onPage(units, startKey !== undefined)) && startKey) {
          stoppedEarly = true;
          resumeAt.push({ segment, totalSegments, startKey });
          return;
        }
      } while (startKey);
    };
    const totalSegments = Math.max(1, options.segments);
    const positions = options.positions ?? Array.from({ length: totalSegments }, (_, segment) => ({ segment, totalSegments }));
    await Promise.all(positions.map(scanSegment));
    return stoppedEarly ? { count, consumedUnits, stoppedEarly, resumeAt } : { count, consumedUnits, stoppedEarly };
  }

  return {
    async describeTable(tableName) {
      try {
        const output = await client.send(new DescribeTableCommand({ TableName: tableName }));
        return output.Table ? toTableShape(output.Table) : undefined;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },

    async describeSettings(table) {
      // Informational only: a setting that cannot be read is reported as unread, not a failed drill.
      const [ttl, backups, tags] = await Promise.allSettled([
        client.send(new DescribeTimeToLiveCommand({ TableName: table.name })),
        client.send(new DescribeContinuousBackupsCommand({ TableName: table.name })),
        table.arn ? client.send(new ListTagsOfResourceCommand({ ResourceArn: table.arn })) : Promise.resolve(undefined),
      ]);
      const unread = (name: string, result: PromiseSettledResult<unknown>) =>
        result.status === 'rejected' ? [`${name} (${(result.reason as Error)?.name ?? 'error'})`] : [];
      const ttlDescription = ttl.status === 'fulfilled' ? ttl.value.TimeToLiveDescription : undefined;
      const pitr =
        backups.status === 'fulfilled'
          ? backups.value.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus
          : undefined;
      return {
        ttlAttribute: ttlDescription?.TimeToLiveStatus === 'ENABLED' ? ttlDescription.AttributeName : undefined,
        pointInTimeRecovery: pitr === 'ENABLED',
        tagCount: tags.status === 'fulfilled' ? (tags.value?.Tags?.length ?? 0) : 0,
        unread: [...unread('TTL', ttl), ...unread('point-in-time recovery', backups), ...unread('tags', tags)],
      };
    },

    scanItems: (tableName, options, onItem) => scanSegments(tableName, options, 'items', (item) => onItem(item.toItem())),

    scanScannedItems: (tableName, options, onItem) => scanSegments(tableName, options, 'items', onItem),

    countItems: (tableName, options) => scanSegments(tableName, options, 'count'),

    async batchGetItems(tableName, keys) {
      const items: Item[] = [];
      let consumedUnits = 0;
      for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
        let pending: Item[] = keys.slice(start, start + BATCH_GET_LIMIT);
        // Unprocessed keys mean the table throttled part of the batch: back off, ask again.
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 0) await sleep(Math.min(5_000, 100 * 2 ** attempt));
          if (attempt > 8) throw new Error(`BatchGetItem on ${tableName}: keys still unprocessed after ${attempt} attempts`);
          const output = await client.send(
            new BatchGetItemCommand({
              RequestItems: { [tableName]: { Keys: pending, ConsistentRead: false } },
              ReturnConsumedCapacity: 'TOTAL',
            }),
          );
          items.push(...(output.Responses?.[tableName] ?? []));
          consumedUnits += (output.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
          pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
        }
      }
      return { items, consumedUnits };
    },

    async getItem(tableName, key) {
      const output = await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      return output.Item;
    },

    async putItem(tableName, item) {
      await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    },

    async deleteTable(tableName) {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    },

    async tagTable(tableArn, tags) {
      await client.send(
        new TagResourceCommand({ ResourceArn: tableArn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }),
      );
    },

    async listTableNames(prefix) {
      const names: string[] = [];
      for await (const page of paginateListTables({ client }, {})) {
        names.push(...(page.TableNames ?? []).filter((name) => name.startsWith(prefix)));
      }
      return names;
    },
  };
}
