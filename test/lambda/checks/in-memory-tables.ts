import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { canonicalValue } from '../../../lambda/digest/canonical-item';
import type {
  DynamoDbPort,
  Item,
  ScanFilter,
  ScanOptions,
  ScanSummary,
  TableSettings,
  TableShape,
} from '../../../lambda/ports/dynamodb-port';
import { ObjectItem, type ScannedItem } from '../../../lambda/ports/scan-wire';

/**
 * DynamoDB tables as plain arrays, behind the engine's DynamoDB port: what a check's unit test
 * reads through (wrapped in the real metered reader by check-context.ts). A scan runs its segments
 * side by side, each page by page, and asks `onPage` after each page, as the real port does: a false
 * answer stops every segment when more pages follow. Each page and each item read costs `unitsPerItem` read units, so the meter has something
 * to charge. Filters are the two forms the engine writes (checks/drill-items.ts): comparisons with
 * `=` and `<>`, NOT and AND, with parentheses.
 */

export const KEY_SCHEMA: readonly KeySchemaElement[] = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
];

/** A table shape: pk (HASH) and sk (RANGE) strings, ACTIVE, no indexes, unless overridden. */
export function tableShape(name: string, overrides: Partial<TableShape> = {}): TableShape {
  return {
    name,
    status: 'ACTIVE',
    keySchema: KEY_SCHEMA,
    attributeDefinitions: [
      { name: 'pk', type: 'S' },
      { name: 'sk', type: 'S' },
    ],
    globalSecondaryIndexes: [],
    localSecondaryIndexes: [],
    streamEnabled: false,
    deletionProtection: false,
    ...overrides,
  };
}

/** An item keyed `pk=ITEM#<n>, sk=META`, with any other attributes given. */
export function item(n: number, attributes: Item = {}): Item {
  return { pk: { S: `ITEM#${n}` }, sk: { S: 'META' }, ...attributes };
}

export interface RecordedRead {
  readonly operation: 'scanItems' | 'countItems' | 'batchGetItems' | 'getItem';
  readonly tableName: string;
  readonly options?: ScanOptions;
  readonly keys?: readonly Item[];
}

export class InMemoryTables implements DynamoDbPort {
  private readonly tables = new Map<string, { shape: TableShape; items: Item[] }>();
  /** Every read, in order, with its options: what a test asserts the check asked for. */
  readonly reads: RecordedRead[] = [];
  /** Items per scan page. */
  pageSize = 100;
  /** Read units each item scanned or fetched costs. */
  unitsPerItem = 0.5;

  put(shape: TableShape, items: readonly Item[]): this {
    this.tables.set(shape.name, { shape, items: [...items] });
    return this;
  }

  items(tableName: string): Item[] {
    return [...(this.tables.get(tableName)?.items ?? [])];
  }

  async describeTable(tableName: string): Promise<TableShape | undefined> {
    return this.tables.get(tableName)?.shape;
  }

  async describeSettings(): Promise<TableSettings> {
    return { pointInTimeRecovery: false, tagCount: 0, unread: [] };
  }

  async scanItems(tableName: string, options: ScanOptions, onItem: (item: Item) => void): Promise<ScanSummary> {
    this.reads.push({ operation: 'scanItems', tableName, options });
    return this.scan(tableName, options, onItem);
  }

  /** The same scan, each item handed over as the port hands over items it already has as objects. */
  async scanScannedItems(tableName: string, options: ScanOptions, onItem: (item: ScannedItem) => void): Promise<ScanSummary> {
    this.reads.push({ operation: 'scanItems', tableName, options });
    return this.scan(tableName, options, (item) => onItem(new ObjectItem(item)));
  }

  async tagTable(): Promise<void> {
    throw new Error('checks do not tag tables (only the cleanup of a kept copy does)');
  }

  async countItems(tableName: string, options: ScanOptions): Promise<ScanSummary> {
    this.reads.push({ operation: 'countItems', tableName, options });
    return this.scan(tableName, options);
  }

  async batchGetItems(tableName: string, keys: readonly Item[]): Promise<{ items: Item[]; consumedUnits: number }> {
    this.reads.push({ operation: 'batchGetItems', tableName, keys });
    const found = keys.map((key) => this.find(tableName, key)).filter((found): found is Item => found !== undefined);
    return { items: found, consumedUnits: found.length * this.unitsPerItem };
  }

  async getItem(tableName: string, key: Item): Promise<Item | undefined> {
    this.reads.push({ operation: 'getItem', tableName, keys: [key] });
    return this.find(tableName, key);
  }

  async putItem(tableName: string, item: Item): Promise<void> {
    const table = this.table(tableName);
    const index = table.items.findIndex((existing) => sameKey(existing, item, table.shape.keySchema));
    if (index >= 0) table.items[index] = item;
    else table.items.push(item);
  }

  async deleteTable(tableName: string): Promise<void> {
    this.tables.delete(tableName);
  }

  async listTableNames(prefix: string): Promise<string[]> {
    return [...this.tables.keys()].filter((name) => name.startsWith(prefix));
  }

  private table(tableName: string) {
    const table = this.tables.get(tableName);
    if (!table)
      throw Object.assign(new Error(`Requested resource not found: Table: ${tableName} not found`), { name: 'ResourceNotFoundException' });
    return table;
  }

  private find(tableName: string, key: Item): Item | undefined {
    const table = this.table(tableName);
    return table.items.find((candidate) => sameKey(candidate, key, table.shape.keySchema));
  }

  /** Segments scan side by side, each page by page, as the real port's parallel scan does; one stop stops them all. */
  private async scan(tableName: string, options: ScanOptions, onItem?: (item: Item) => void): Promise<ScanSummary> {
    const { items } = this.table(tableName);
    const segments = Math.max(1, options.segments);
    let count = 0;
    let consumedUnits = 0;
    let stoppedEarly = false;
    const scanSegment = async (segment: number) => {
      const mine = items.filter((_, i) => i % segments === segment);
      for (let start = 0; !stoppedEarly; start += this.pageSize) {
        await Promise.resolve(); // each page is a call of its own
        const page = mine.slice(start, start + this.pageSize);
        const units = page.length * this.unitsPerItem;
        consumedUnits += units;
        const matching = page.filter((candidate) => !options.filter || matches(candidate, options.filter));
        count += matching.length;
        if (onItem) for (const found of matching) onItem(project(found, options.projection));
        const more = start + this.pageSize < mine.length;
        if (options.onPage && !(await options.onPage(units, more)) && more) stoppedEarly = true;
        if (!more) return;
      }
    };
    await Promise.all(Array.from({ length: segments }, (_, segment) => scanSegment(segment)));
    return { count, consumedUnits, stoppedEarly };
  }
}

function sameKey(a: Item, b: Item, keySchema: readonly KeySchemaElement[]): boolean {
  return keySchema.every(
    ({ AttributeName = '' }) =>
      a[AttributeName] && b[AttributeName] && canonicalValue(a[AttributeName]) === canonicalValue(b[AttributeName]),
  );
}

function project(found: Item, projection: ScanOptions['projection']): Item {
  if (!projection) return found;
  const names = new Set(Object.values(projection.names));
  return Object.fromEntries(Object.entries(found).filter(([name]) => names.has(name)));
}

/** Splits `a AND b AND (c AND d)` at the ANDs outside parentheses. */
function topLevelAnd(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    if (expression[i] === '(') depth += 1;
    else if (expression[i] === ')') depth -= 1;
    else if (depth === 0 && expression.startsWith(' AND ', i)) {
      parts.push(expression.slice(start, i));
      start = i + 5;
    }
  }
  parts.push(expression.slice(start));
  return parts.map((part) => part.trim());
}

function matches(candidate: Item, filter: ScanFilter, expression = filter.expression): boolean {
  return topLevelAnd(expression).every((clause) => {
    const negated = /^NOT \((.*)\)$/.exec(clause);
    if (negated) return !matches(candidate, filter, negated[1]);
    const grouped = /^\((.*)\)$/.exec(clause);
    if (grouped) return matches(candidate, filter, grouped[1]);
    const comparison = /^(#\w+) (=|<>) (:\w+)$/.exec(clause);
    if (!comparison) throw new Error(`in-memory filter cannot evaluate "${clause}"`);
    const [, name, operator, value] = comparison;
    const actual = candidate[filter.names[name]];
    const expected = filter.values?.[value];
    const equal = actual !== undefined && expected !== undefined && canonicalValue(actual) === canonicalValue(expected);
    return operator === '=' ? equal : !equal;
  });
}
