import { createHash } from 'node:crypto';
import type { CreateTableCommandInput, KeySchemaElement, TableDescription } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../../../lambda/ports/clock';
import {
  type SegmentPosition,
  type DynamoDbPort,
  type Item,
  type ScanOptions,
  type ScanSummary,
  type TableSettings,
  type TableShape,
  toTableShape,
} from '../../../../lambda/ports/dynamodb-port';
import { ObjectItem, type ScannedItem } from '../../../../lambda/ports/scan-wire';
import { awsError } from '../aws-errors';
import { compileFilter } from './filter-expression';
import { itemSizeBytes, readUnits, SCAN_PAGE_BYTES } from './item-size';
import { PortCalls } from './port-calls';

/**
 * The DynamoDB port, in memory, on the engine's clock. It behaves as the port does on DynamoDB
 * where the drill relies on it - and test/lambda/ports/dynamodb-contract.test.ts runs the same
 * assertions on both: parallel scans whose segments each see every item once, DynamoDB's
 * FilterExpression (filter-expression.ts) and ProjectionExpression, 1 MB pages, read units by
 * DynamoDB's arithmetic (item-size.ts), BatchGetItem, tables CREATING for a while after they are
 * created (item reads refused, DeleteTable refused) and DELETING for a while after DeleteTable.
 * Descriptions go through the port's own toTableShape, from a TableDescription shaped as
 * DynamoDB's. Numbers are kept as written (DynamoDB would trim "1.500" to "1.5"); the drill
 * compares them canonically either way.
 *
 * Test setup (createTable, putItems, deleteItem, ...) is not the port: it is what the table's
 * other writers, or AWS Backup's restore, do.
 */

export interface TableOptions {
  /** When DynamoDB created the table, epoch ms (default: now). */
  readonly createdAt?: number;
  /** How long it stays CREATING (default: the instance's createTableMs); Infinity until activate(). */
  readonly creatingMs?: number;
  /** SSEDescription as DescribeTable reports it (absent: the AWS owned key). */
  readonly encryption?: TableDescription['SSEDescription'];
  /** What DescribeTimeToLive, DescribeContinuousBackups and ListTagsOfResource would say. */
  readonly settings?: { readonly ttlAttribute?: string; readonly pointInTimeRecovery?: boolean; readonly tagCount?: number };
}

/** One page a scan read, or one BatchGetItem: what DynamoDB was asked, when, and what it charged. */
export interface ReadRecord {
  readonly op: 'scanItems' | 'countItems' | 'batchGetItems';
  readonly tableName: string;
  readonly at: number;
  readonly items: number;
  readonly units: number;
  readonly options?: ScanOptions;
}

interface StoredTable {
  readonly definition: CreateTableCommandInput & { TableName: string };
  readonly arn: string;
  readonly createdAt: number;
  activeAt: number;
  deletingUntil?: number;
  readonly items: Map<string, Item>;
  options: TableOptions;
  tags?: Record<string, string>;
}

type TableMatch = (tableName: string) => boolean;
/** Which scans: by table, and by what is asked of it (a filter, a projection). */
type ScanMatch = (tableName: string, options: ScanOptions) => boolean;

export class InMemoryDynamoDb extends PortCalls<DynamoDbPort> implements DynamoDbPort {
  /** Every scan page and BatchGetItem read, in order. */
  readonly reads: ReadRecord[] = [];
  private readonly tables = new Map<string, StoredTable>();
  private readonly pageLimits: Array<{ readonly match: ScanMatch; readonly items: number }> = [];
  private readonly pageDelays: Array<{ readonly match: TableMatch; readonly ms: number }> = [];
  private readonly scanRewrites: Array<{ readonly match: TableMatch; readonly rewrite: (item: Item) => Item }> = [];
  /** How long a deleted table stays DELETING, once set by slowDeletes (else the instance's deleteTableMs). */
  private deletingMs?: number;

  constructor(
    private readonly clock: Clock & { advance?(ms: number): void },
    private readonly env: {
      readonly account: string;
      readonly region: string;
      readonly createTableMs?: number;
      readonly deleteTableMs?: number;
    },
  ) {
    super();
  }

  // --- test setup: the table's other writers, AWS Backup's restore ---

  createTable(input: CreateTableCommandInput, items: readonly Item[] = [], options: TableOptions = {}): void {
    const name = input.TableName;
    if (!name || !input.KeySchema?.length) throw new Error('createTable needs a TableName and a KeySchema');
    const existing = this.tables.get(name);
    if (existing && this.statusOf(existing) !== undefined) {
      throw awsError('ResourceInUseException', `Table already exists: ${name}`);
    }
    const now = this.clock.now();
    const table: StoredTable = {
      definition: { ...structuredClone(input), TableName: name },
      arn: `arn:aws:dynamodb:${this.env.region}:${this.env.account}:table/${name}`,
      createdAt: options.createdAt ?? now,
      activeAt: now + (options.creatingMs ?? this.env.createTableMs ?? 0),
      items: new Map(),
      options,
    };
    this.tables.set(name, table);
    this.write(table, items);
  }

  /** A table left CREATING becomes ACTIVE now (or at `at`, epoch ms of the engine's clock). */
  activate(tableName: string, at = this.clock.now()): void {
    this.stored(tableName).activeAt = at;
  }

  /** What DescribeTable and friends report of the table from now on (its creation time, encryption, settings). */
  describeAs(tableName: string, options: TableOptions): void {
    this.stored(tableName).options = { ...this.stored(tableName).options, ...options };
  }

  /** Writes (or replaces) items, as another client of the table would. */
  putItems(tableName: string, items: readonly Item[]): void {
    this.write(this.stored(tableName), items);
  }

  deleteItem(tableName: string, key: Item): void {
    const table = this.stored(tableName);
    table.items.delete(keyId(table.definition.KeySchema ?? [], key));
  }

  /** The items a table holds now, as stored. */
  itemsOf(tableName: string): Item[] {
    return [...this.stored(tableName).items.values()].map((item) => structuredClone(item));
  }

  /** Names of the tables that exist now (CREATING and ACTIVE). */
  tableNames(): string[] {
    return [...this.tables.values()]
      .filter((t) => this.statusOf(t) !== undefined && t.deletingUntil === undefined)
      .map((t) => t.definition.TableName);
  }

  /** The table's CreateTable input, as given (a restore re-creates a table from it). */
  definitionOf(tableName: string): CreateTableCommandInput {
    return structuredClone(this.stored(tableName).definition);
  }

  /** Pages of matching scans hold at most `items` items, as a Scan with Limit does (a full page says more may follow). */
  limitPages(match: ScanMatch, items: number): void {
    this.pageLimits.push({ match, items });
  }

  /** Each scan page of a matching table takes `ms` of the engine's clock: a table too large for the time left. */
  slowPages(match: TableMatch, ms: number): void {
    this.pageDelays.push({ match, ms });
  }

  /** Tables deleted from now on stay DELETING for `ms` of the engine's clock. */
  slowDeletes(ms: number): void {
    this.deletingMs = ms;
  }

  /** Items scans return from matching tables pass through `rewrite`: equal values in another form, as another encoder writes them. */
  rewriteScans(match: TableMatch, rewrite: (item: Item) => Item): void {
    this.scanRewrites.push({ match, rewrite });
  }

  // --- the port ---

  async describeTable(tableName: string): Promise<TableShape | undefined> {
    await this.enter('describeTable', [tableName]);
    const table = this.tables.get(tableName);
    const status = table && this.statusOf(table);
    return table && status ? toTableShape(this.description(table, status)) : undefined;
  }

  async describeSettings(table: TableShape): Promise<TableSettings> {
    await this.enter('describeSettings', [table]);
    const stored = this.tables.get(table.name);
    if (!stored || this.statusOf(stored) === undefined) {
      return {
        pointInTimeRecovery: false,
        tagCount: 0,
        unread: ['TTL (ResourceNotFoundException)', 'point-in-time recovery (TableNotFoundException)', 'tags (ResourceNotFoundException)'],
      };
    }
    const settings = stored.options.settings ?? {};
    return {
      ttlAttribute: settings.ttlAttribute,
      pointInTimeRecovery: settings.pointInTimeRecovery ?? false,
      tagCount: settings.tagCount ?? 0,
      unread: [],
    };
  }

  async scanItems(tableName: string, options: ScanOptions, onItem: (item: Item) => void): Promise<ScanSummary> {
    await this.enter('scanItems', [tableName, options, onItem]);
    return this.scan(tableName, options, 'scanItems', onItem);
  }

  /**
   * The port's scan handing items over as read from the wire; here each item is already an
   * object, so it comes as the port's ObjectItem. Faults and the reads log treat it as the same
   * scan as scanItems (the same Scan requests on AWS).
   */
  async scanScannedItems(tableName: string, options: ScanOptions, onItem: (item: ScannedItem) => void): Promise<ScanSummary> {
    await this.enter('scanItems', [tableName, options, onItem]);
    return this.scan(tableName, options, 'scanItems', (item) => onItem(new ObjectItem(item)));
  }

  async countItems(tableName: string, options: ScanOptions): Promise<ScanSummary> {
    await this.enter('countItems', [tableName, options]);
    return this.scan(tableName, options, 'countItems');
  }

  async batchGetItems(tableName: string, keys: readonly Item[]): Promise<{ items: Item[]; consumedUnits: number }> {
    await this.enter('batchGetItems', [tableName, keys]);
    const table = this.readable(tableName);
    const schema = table.definition.KeySchema ?? [];
    const ids = keys.map((key) => keyId(schema, key));
    if (new Set(ids).size !== ids.length) throw awsError('ValidationException', 'Provided list of item keys contains duplicates');
    const items = ids.flatMap((id) => {
      const item = table.items.get(id);
      return item ? [structuredClone(item)] : [];
    });
    // Each item is rounded up to 4 KB on its own; a key with no item costs nothing (as DynamoDB Local charges).
    const consumedUnits = items.reduce((sum, item) => sum + readUnits(itemSizeBytes(item)), 0);
    this.reads.push({ op: 'batchGetItems', tableName, at: this.clock.now(), items: items.length, units: consumedUnits });
    return { items, consumedUnits };
  }

  async getItem(tableName: string, key: Item): Promise<Item | undefined> {
    await this.enter('getItem', [tableName, key]);
    const table = this.readable(tableName);
    const item = table.items.get(keyId(table.definition.KeySchema ?? [], key));
    return item && structuredClone(item);
  }

  async putItem(tableName: string, item: Item): Promise<void> {
    await this.enter('putItem', [tableName, item]);
    this.write(this.readable(tableName), [item]);
  }

  async deleteTable(tableName: string): Promise<void> {
    await this.enter('deleteTable', [tableName]);
    const table = this.tables.get(tableName);
    const status = table && this.statusOf(table);
    if (!table || !status || status === 'DELETING')
      throw awsError('ResourceNotFoundException', `Requested resource not found: Table: ${tableName} not found`);
    if (status === 'CREATING') {
      throw awsError('ResourceInUseException', `Attempt to change a resource which is still in use: Table is being created: ${tableName}`);
    }
    table.deletingUntil = this.clock.now() + (this.deletingMs ?? this.env.deleteTableMs ?? 0);
  }

  async tagTable(tableArn: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.enter('tagTable', [tableArn, tags]);
    const table = [...this.tables.values()].find((t) => t.arn === tableArn && this.statusOf(t) !== undefined);
    if (!table) throw awsError('ResourceNotFoundException', `Requested resource not found: ${tableArn}`);
    table.tags = { ...table.tags, ...tags };
  }

  /** The tags TagResource put on a table. */
  tagsOf(tableName: string): Readonly<Record<string, string>> {
    return this.stored(tableName).tags ?? {};
  }

  async listTableNames(prefix: string): Promise<string[]> {
    await this.enter('listTableNames', [prefix]);
    return this.tableNames().filter((name) => name.startsWith(prefix));
  }

  // --- inside ---

  private stored(tableName: string): StoredTable {
    const table = this.tables.get(tableName);
    if (!table || this.statusOf(table) === undefined) throw new Error(`no table ${tableName} in the in-memory DynamoDB`);
    return table;
  }

  /** Undefined once the table is gone. */
  private statusOf(table: StoredTable): 'CREATING' | 'ACTIVE' | 'DELETING' | undefined {
    const now = this.clock.now();
    if (table.deletingUntil !== undefined) return now < table.deletingUntil ? 'DELETING' : undefined;
    return now < table.activeAt ? 'CREATING' : 'ACTIVE';
  }

  /** Item operations need an ACTIVE table: DynamoDB answers ResourceNotFoundException for one CREATING, DELETING or gone. */
  private readable(tableName: string): StoredTable {
    const table = this.tables.get(tableName);
    if (!table || this.statusOf(table) !== 'ACTIVE') throw awsError('ResourceNotFoundException', 'Requested resource not found');
    return table;
  }

  private write(table: StoredTable, items: readonly Item[]): void {
    const schema = table.definition.KeySchema ?? [];
    for (const item of items) table.items.set(keyId(schema, item), structuredClone(item));
  }

  private description(table: StoredTable, status: 'CREATING' | 'ACTIVE' | 'DELETING'): TableDescription {
    const { definition, options } = table;
    const items = [...table.items.values()];
    const onDemand = definition.BillingMode === 'PAY_PER_REQUEST';
    return {
      TableName: definition.TableName,
      TableArn: table.arn,
      TableStatus: status,
      KeySchema: definition.KeySchema,
      AttributeDefinitions: definition.AttributeDefinitions,
      GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes?.map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: index.Projection,
        IndexStatus: status === 'CREATING' ? 'CREATING' : 'ACTIVE',
      })),
      LocalSecondaryIndexes: definition.LocalSecondaryIndexes?.map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: index.Projection,
      })),
      ItemCount: items.length,
      TableSizeBytes: items.reduce((sum, item) => sum + itemSizeBytes(item), 0),
      BillingModeSummary: onDemand ? { BillingMode: 'PAY_PER_REQUEST' } : undefined,
      ProvisionedThroughput: onDemand
        ? { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 }
        : { ...definition.ProvisionedThroughput, NumberOfDecreasesToday: 0 },
      OnDemandThroughput: onDemand ? definition.OnDemandThroughput : undefined,
      StreamSpecification: definition.StreamSpecification,
      DeletionProtectionEnabled: definition.DeletionProtectionEnabled ?? false,
      CreationDateTime: new Date(options.createdAt ?? table.createdAt),
      SSEDescription: options.encryption,
    };
  }

  /** The port's parallel scan, page by page as the port reads DynamoDB's (ports/dynamodb-port.ts, scanSegments). */
  private async scan(
    tableName: string,
    options: ScanOptions,
    op: 'scanItems' | 'countItems',
    onItem?: (item: Item) => void,
  ): Promise<ScanSummary> {
    const table = this.readable(tableName);
    const matches = options.filter ? compileFilter(options.filter) : () => true;
    const project = op === 'scanItems' && options.projection ? projector(options.projection) : (item: Item) => item;
    const rewrites = this.scanRewrites.filter((r) => r.match(tableName)).map((r) => r.rewrite);
    const limit = this.pageLimits.find((l) => l.match(tableName, options))?.items ?? options.pageItemLimit;
    const delay = this.pageDelays.find((d) => d.match(tableName))?.ms;
    // A fan-out worker's share: these segments of a larger parallel scan, each from its start key.
    const segments = Math.max(1, options.positions?.[0]?.totalSegments ?? options.segments);
    const schema = table.definition.KeySchema ?? [];
    const bySegment = Array.from({ length: segments }, () => [] as Item[]);
    for (const item of table.items.values()) bySegment[segments > 1 ? segmentOf(schema, item, segments) : 0].push(item);

    let count = 0;
    let consumedUnits = 0;
    let stoppedEarly = false;
    // Where each unfinished segment resumes, as the port reports it: the key of the last item
    // read (DynamoDB's LastEvaluatedKey holds the table's key attributes), none before a page.
    const resumeAt: SegmentPosition[] = [];
    const keyOf = (item: Item): Item => Object.fromEntries(schema.map(({ AttributeName = '' }) => [AttributeName, item[AttributeName]]));
    const scanSegment = async (items: readonly Item[], segment: number, from?: Item) => {
      // After the start key's item (DynamoDB's ExclusiveStartKey), in the segment's order.
      let position = from ? items.findIndex((item) => keyId(schema, item) === keyId(schema, from)) + 1 : 0;
      let more: boolean;
      let startKey: Item | undefined = from;
      do {
        if (stoppedEarly) {
          resumeAt.push({ segment, totalSegments: segments, startKey });
          return;
        }
        await Promise.resolve();
        if (delay) this.clock.advance?.(delay);
        const page = nextPage(items, position, limit);
        position += page.length;
        if (page.length > 0) startKey = keyOf(page[page.length - 1]);
        more = position < items.length || (limit !== undefined && page.length === limit);
        const units = readUnits(page.reduce((sum, item) => sum + itemSizeBytes(item), 0));
        const kept = page.filter(matches);
        this.reads.push({ op, tableName, at: this.clock.now(), items: page.length, units, options });
        count += kept.length;
        consumedUnits += units;
        if (onItem) for (const item of kept) onItem(rewrites.reduce((it, rewrite) => rewrite(it), project(structuredClone(item))));
        if (options.onPage && !(await options.onPage(units, more)) && more) {
          stoppedEarly = true;
          resumeAt.push({ segment, totalSegments: segments, startKey });
          return;
        }
      } while (more && !stoppedEarly);
    };
    const starts = options.positions ?? bySegment.map((_, segment) => ({ segment, totalSegments: segments, startKey: undefined }));
    await Promise.all(starts.map((start) => scanSegment(bySegment[start.segment], start.segment, start.startKey)));
    return stoppedEarly ? { count, consumedUnits, stoppedEarly, resumeAt } : { count, consumedUnits, stoppedEarly };
  }
}

function keyId(schema: readonly KeySchemaElement[], item: Item): string {
  return JSON.stringify(
    schema.map((element) => {
      const value = item[element.AttributeName ?? ''];
      if (!value) throw awsError('ValidationException', `One of the required keys was not given a value: ${element.AttributeName}`);
      return value;
    }),
  );
}

/** DynamoDB spreads items over segments by their partition key's hash. */
function segmentOf(schema: readonly KeySchemaElement[], item: Item, segments: number): number {
  const partitionKey = schema.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
  return createHash('md5').update(JSON.stringify(item[partitionKey])).digest().readUInt32BE(0) % segments;
}

/** Items from `position` up to 1 MB read (the item crossing it included), or up to `limit`. */
function nextPage(items: readonly Item[], position: number, limit: number | undefined): Item[] {
  const page: Item[] = [];
  let bytes = 0;
  for (let i = position; i < items.length && bytes < SCAN_PAGE_BYTES && (limit === undefined || page.length < limit); i++) {
    page.push(items[i]);
    bytes += itemSizeBytes(items[i]);
  }
  return page;
}

/** A ProjectionExpression of top-level names ("#p0, #p1"), as the drill writes them. */
function projector(projection: NonNullable<ScanOptions['projection']>): (item: Item) => Item {
  const names = projection.expression.split(',').map((part) => {
    const token = part.trim();
    if (!/^#?[A-Za-z_][A-Za-z0-9_]*$/.test(token)) throw new Error(`the in-memory DynamoDB cannot project "${projection.expression}"`);
    return token.startsWith('#') ? projection.names[token] : token;
  });
  return (item) => Object.fromEntries(names.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]));
}
