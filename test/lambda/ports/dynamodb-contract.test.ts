import { type CreateTableCommandInput, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { withoutDrillItemsFilter } from '../../../lambda/checks/drill-items';
import { CANARY_KEY_VALUE } from '../../../lambda/config';
import { fixtureItems } from '../../../lambda/fixture/fixture-items';
import { fixtureMarkerItem } from '../../../lambda/fixture/fixture-marker';
import { createDynamoDbPort, type DynamoDbPort, type Item, type ScanFilter, type TableShape } from '../../../lambda/ports/dynamodb-port';
import { startLocalDynamoDb } from '../../harness/dynamodb/local-dynamodb';
import { fixtureTableInput } from '../../harness/harness-test-support';
import { FakeClock } from '../support/fake-clock';
import { InMemoryDynamoDb } from '../support/fakes/in-memory-dynamodb';
import { ORDERS_SCHEMA } from '../support/flow-world';

/**
 * The DynamoDB port's behaviour the drill relies on, run with the same assertions on the port over
 * AWS's DynamoDB Local (behind the harness front, which adds the CREATING and DELETING states
 * DynamoDB Local skips) and on the in-memory DynamoDB the flow tests run on: descriptions, parallel
 * scans, filters, projections, 1 MB pages and the read units DynamoDB charges, batch reads, and a
 * table's life from CREATING to gone. Request shapes and how the port reads DynamoDB's answers are
 * dynamodb-port.test.ts's.
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
/** How long a new table shows CREATING, and a deleted one DELETING, in both worlds. */
const STATE_MS = 150;

interface Subject {
  readonly port: DynamoDbPort;
  /** Creates the table, waits until it is ACTIVE, writes the items. */
  createTable(input: CreateTableCommandInput, items?: readonly Item[]): Promise<void>;
  /** Creates the table and returns while it is still CREATING. */
  startCreatingTable(input: CreateTableCommandInput): Promise<void>;
  /** Lets the CREATING and DELETING states run out. */
  letStatesSettle(): Promise<void>;
  close(): Promise<void>;
}

async function onDynamoDbLocal(): Promise<Subject> {
  const local = await startLocalDynamoDb({ accountId: ACCOUNT, region: REGION, createTableMs: STATE_MS, deleteTableMs: STATE_MS });
  const client = new DynamoDBClient({ endpoint: local.url, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    port: createDynamoDbPort(client, async () => undefined),
    async createTable(input, items = []) {
      await local.createTable(input);
      await local.putItems(input.TableName!, items);
    },
    async startCreatingTable(input) {
      await local.client.send(new CreateTableCommand(input));
    },
    letStatesSettle: () => new Promise((resolve) => setTimeout(resolve, STATE_MS + 50)),
    async close() {
      client.destroy();
      await local.close();
    },
  };
}

async function inMemory(): Promise<Subject> {
  const clock = new FakeClock();
  const dynamodb = new InMemoryDynamoDb(clock, { account: ACCOUNT, region: REGION, createTableMs: STATE_MS, deleteTableMs: STATE_MS });
  return {
    port: dynamodb,
    async createTable(input, items = []) {
      dynamodb.createTable(input);
      clock.advance(STATE_MS);
      dynamodb.putItems(input.TableName!, items);
    },
    async startCreatingTable(input) {
      dynamodb.createTable(input);
    },
    async letStatesSettle() {
      clock.advance(STATE_MS + 50);
    },
    close: async () => undefined,
  };
}

let sequence = 0;
const uniqueName = (base: string) => `${base}-${++sequence}`;

const ordersInput = (TableName: string): CreateTableCommandInput => ({ TableName, ...ORDERS_SCHEMA });

const orders = (count: number): Item[] =>
  Array.from({ length: count }, (_, i) => ({
    pk: { S: `ORDER#${String(i).padStart(4, '0')}` },
    sk: { S: 'META' },
    customerId: { S: `C${i % 7}` },
    total: { N: String(10 + i * 1.25) },
  }));

const PROPERTIES = 2;
const FIXTURE = fixtureItems(PROPERTIES);
const MARKER = fixtureMarkerItem(PROPERTIES, new Date('2026-11-27T06:00:00Z'));
const CANARY: Item = {
  pk: { S: CANARY_KEY_VALUE },
  sk: { S: CANARY_KEY_VALUE },
  canaryId: { S: 'c1' },
  writtenAt: { S: '2026-11-27T06:00:00.000Z' },
};
/** Five items of about 300 KB: two pages of a Scan, which stops a page at 1 MB. */
const LARGE: Item[] = Array.from({ length: 5 }, (_, i) => ({ pk: { S: `k${i}` }, blob: { S: 'x'.repeat(300_000) } }));
const largeInput = (TableName: string): CreateTableCommandInput => ({
  TableName,
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
});

const keysOf = (items: readonly Item[]) => items.map((item) => `${item.pk.S}|${item.sk?.S ?? ''}`).sort();

describe.each([
  ['the DynamoDB port on DynamoDB Local', onDynamoDbLocal],
  ['the in-memory DynamoDB', inMemory],
])('%s', (_name, start) => {
  let subject: Subject;
  let port: DynamoDbPort;
  const fixtureTable = uniqueName('fixture');
  const largeTable = uniqueName('large');

  beforeAll(async () => {
    subject = await start();
    port = subject.port;
    await subject.createTable(fixtureTableInput(fixtureTable), [...FIXTURE, MARKER, CANARY]);
    await subject.createTable(largeInput(largeTable), LARGE);
  }, 30_000);

  afterAll(() => subject.close());

  describe('describeTable', () => {
    test("a table's shape: keys, attribute definitions, indexes with their projections, counts and settings", async () => {
      const name = uniqueName('orders');
      await subject.createTable(ordersInput(name), orders(12));
      const shape = await port.describeTable(name);
      expect(shape).toEqual({
        name,
        arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`,
        status: 'ACTIVE',
        keySchema: ordersInput(name).KeySchema,
        attributeDefinitions: [
          { name: 'pk', type: 'S' },
          { name: 'sk', type: 'S' },
          { name: 'customerId', type: 'S' },
        ],
        globalSecondaryIndexes: [
          { name: 'byCustomer', keySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }], projection: { ProjectionType: 'ALL' } },
        ],
        localSecondaryIndexes: [],
        itemCount: 12,
        sizeBytes: expect.any(Number),
        billingMode: 'PAY_PER_REQUEST',
        readCapacityUnits: undefined,
        streamEnabled: false,
        deletionProtection: false,
        createdAt: expect.any(Date),
        encryption: undefined,
      } satisfies Record<keyof TableShape, unknown>);
    });

    test('the size DynamoDB reports is the items as DynamoDB sizes them', async () => {
      expect((await port.describeTable(fixtureTable))?.sizeBytes).toBe(FIXTURE_TABLE_BYTES);
      expect((await port.describeTable(largeTable))?.sizeBytes).toBe(LARGE_TABLE_BYTES);
    });

    test('a local secondary index with an INCLUDE projection', async () => {
      expect((await port.describeTable(fixtureTable))?.localSecondaryIndexes).toEqual([
        {
          name: 'byCreatedAt',
          keySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['type'] },
        },
      ]);
    });

    test('a table that does not exist is undefined', async () => {
      expect(await port.describeTable('no-such-table')).toBeUndefined();
    });

    test('settings of a table with none set: no TTL, no point-in-time recovery, no tags, all read', async () => {
      expect(await port.describeSettings((await port.describeTable(fixtureTable))!)).toEqual({
        pointInTimeRecovery: false,
        tagCount: 0,
        unread: [],
      });
    });
  });

  describe('scans', () => {
    test.each([1, 3])('with %i segment(s), every item comes once', async (segments) => {
      const seen: Item[] = [];
      const summary = await port.scanItems(fixtureTable, { segments }, (item) => seen.push(item));
      expect(keysOf(seen)).toEqual(keysOf([...FIXTURE, MARKER, CANARY]));
      expect(summary).toMatchObject({ count: FIXTURE.length + 2, stoppedEarly: false });
    });

    test('items handed over as scanned: the same items, each attribute as the SDK gives it', async () => {
      const seen: Item[] = [];
      const summary = await port.scanScannedItems(fixtureTable, { segments: 2 }, (item) => {
        const whole = item.toItem();
        expect(item.attribute('pk')).toEqual(whole.pk);
        expect(item.attribute('no-such-attribute')).toBeUndefined();
        seen.push(structuredClone(whole));
      });
      expect(keysOf(seen)).toEqual(keysOf([...FIXTURE, MARKER, CANARY]));
      expect(seen.find((item) => item.pk.S === CANARY.pk.S)).toEqual(CANARY);
      expect(summary).toMatchObject({ count: FIXTURE.length + 2, stoppedEarly: false });
    });

    test("the drill's own items (canary, fixture marker) are left out by the filter that says so", async () => {
      const shape = (await port.describeTable(fixtureTable))!;
      const filter = withoutDrillItemsFilter({ fixture: { propertyCount: PROPERTIES, digest: '' } }, shape);
      const seen: Item[] = [];
      const scanned = await port.scanItems(fixtureTable, { segments: 2, filter }, (item) => seen.push(item));
      expect(keysOf(seen)).toEqual(keysOf(FIXTURE));
      expect(scanned.count).toBe(FIXTURE.length);
      expect((await port.countItems(fixtureTable, { segments: 1, filter })).count).toBe(FIXTURE.length);
    });

    test('a projection returns only the attributes it names, present ones only', async () => {
      const seen: Item[] = [];
      const projection = { expression: '#p0, #p1, #p2', names: { '#p0': 'pk', '#p1': 'sk', '#p2': 'createdAt' } };
      await port.scanItems(fixtureTable, { segments: 1, projection }, (item) => seen.push(item));
      const marker = seen.find((item) => item.pk.S === MARKER.pk.S)!;
      const room = seen.find((item) => item.type === undefined && item.pk.S === FIXTURE[0].pk.S && item.sk.S === FIXTURE[0].sk.S)!;
      expect(Object.keys(room).sort()).toEqual(['createdAt', 'pk', 'sk']);
      expect(Object.keys(marker).sort()).toEqual(
        Object.keys(MARKER)
          .filter((name) => ['pk', 'sk', 'createdAt'].includes(name))
          .sort(),
      );
    });

    test.each<[string, ScanFilter, string[]]>([
      [
        '<> is true for a missing attribute and for another type',
        { expression: '#n <> :v', names: { '#n': 'n' }, values: { ':v': { N: '1' } } },
        ['b', 'c'],
      ],
      ['= is false for another type', { expression: '#n = :v', names: { '#n': 'n' }, values: { ':v': { S: '1' } } }, []],
      [
        '< is false for a missing attribute and another type',
        { expression: '#n < :v', names: { '#n': 'n' }, values: { ':v': { N: '5' } } },
        ['a'],
      ],
      ['NOT negates', { expression: 'NOT #n = :v', names: { '#n': 'n' }, values: { ':v': { N: '1' } } }, ['b', 'c']],
      [
        'AND binds tighter than OR',
        {
          expression: '#k = :a OR #k = :b AND #n = :x',
          names: { '#k': 'pk', '#n': 'n' },
          values: { ':a': { S: 'a' }, ':b': { S: 'b' }, ':x': { S: 'x' } },
        },
        ['a'],
      ],
      [
        'attribute_exists and begins_with',
        { expression: 'attribute_exists(#n) AND begins_with(#k, :p)', names: { '#n': 'n', '#k': 'pk' }, values: { ':p': { S: 'c' } } },
        ['c'],
      ],
      ['attribute_not_exists', { expression: 'attribute_not_exists(#n)', names: { '#n': 'n' } }, ['b']],
    ])('filters as DynamoDB does: %s', async (_case, filter, expected) => {
      const name = uniqueName('filtered');
      await subject.createTable(largeInput(name), [
        { pk: { S: 'a' }, n: { N: '1' } },
        { pk: { S: 'b' } },
        { pk: { S: 'c' }, n: { S: 'x' } },
      ]);
      const seen: string[] = [];
      await port.scanItems(name, { segments: 1, filter }, (item) => seen.push(item.pk.S!));
      expect(seen.sort()).toEqual(expected);
    });

    test('pages stop at 1 MB; each page is charged 0.5 unit per 4 KB read, filtered or counted alike', async () => {
      const pages: Array<[number, boolean]> = [];
      const onPage = (units: number, more: boolean) => {
        pages.push([units, more]);
        return true;
      };
      const scanned = await port.scanItems(largeTable, { segments: 1, onPage }, () => undefined);
      expect(pages).toEqual([
        [146.5, true],
        [37, false],
      ]);
      expect(scanned).toEqual({ count: 5, consumedUnits: 183.5, stoppedEarly: false });
      const filter = { expression: '#k = :k', names: { '#k': 'pk' }, values: { ':k': { S: 'k1' } } };
      expect(await port.countItems(largeTable, { segments: 1, filter })).toEqual({ count: 1, consumedUnits: 183.5, stoppedEarly: false });
    });

    test('onPage returning false stops the scan after that page', async () => {
      const seen: Item[] = [];
      const scanned = await port.scanItems(largeTable, { segments: 1, onPage: () => false }, (item) => seen.push(item));
      expect(scanned).toEqual({
        count: 4,
        consumedUnits: 146.5,
        stoppedEarly: true,
        // It resumes after the last item read (LastEvaluatedKey: the table's key attributes).
        resumeAt: [{ segment: 0, totalSegments: 1, startKey: { pk: seen.at(-1)?.pk } }],
      });
      expect(seen).toHaveLength(4);
    });

    test("a fan-out worker's share: from the positions a stopped scan left, exactly the items it had not read", async () => {
      const first: Item[] = [];
      const stopped = await port.scanItems(fixtureTable, { segments: 3, pageItemLimit: 2, onPage: () => false }, (item) =>
        first.push(item),
      );
      expect(stopped.stoppedEarly).toBe(true);
      const positions = stopped.resumeAt ?? [];
      expect(positions.map((p) => p.totalSegments)).toEqual(positions.map(() => 3));
      const rest: Item[] = [];
      const resumed = await port.scanItems(fixtureTable, { segments: 3, positions, pageItemLimit: 2 }, (item) => rest.push(item));
      expect(resumed.stoppedEarly).toBe(false);
      expect(keysOf([...first, ...rest])).toEqual(keysOf([...FIXTURE, MARKER, CANARY]));
    });

    test('small tables: one page per segment, an empty segment or table charged nothing', async () => {
      const pages: Array<[number, boolean]> = [];
      const scanned = await port.scanItems(
        fixtureTable,
        { segments: 1, onPage: (units, more) => pages.push([units, more]) > 0 },
        () => undefined,
      );
      expect(pages).toEqual([[FIXTURE_SCAN_UNITS, false]]);
      expect(scanned.consumedUnits).toBe(FIXTURE_SCAN_UNITS);
      const empty = uniqueName('empty');
      await subject.createTable(largeInput(empty));
      const emptyPages: Array<[number, boolean]> = [];
      expect(await port.countItems(empty, { segments: 3, onPage: (units, more) => emptyPages.push([units, more]) > 0 })).toEqual({
        count: 0,
        consumedUnits: 0,
        stoppedEarly: false,
      });
      expect(emptyPages).toEqual([
        [0, false],
        [0, false],
        [0, false],
      ]);
    });
  });

  describe('item reads and writes', () => {
    test('batch get: the items found, none for keys without one, each item charged on its own', async () => {
      const keys = [{ pk: { S: 'k1' } }, { pk: { S: 'k2' } }, { pk: { S: 'nope' } }];
      const read = await port.batchGetItems(largeTable, keys);
      expect(read.items.map((item) => item.pk.S).sort()).toEqual(['k1', 'k2']);
      expect(read.consumedUnits).toBe(74);
    });

    test('batch get of more keys than one request takes (100)', async () => {
      const name = uniqueName('many');
      await subject.createTable(ordersInput(name), orders(150));
      const read = await port.batchGetItems(
        name,
        orders(150).map((item) => ({ pk: item.pk, sk: item.sk })),
      );
      expect(keysOf(read.items)).toEqual(keysOf(orders(150)));
      expect(read.consumedUnits).toBe(75);
    });

    test('batch get refuses the same key twice', async () => {
      await expect(port.batchGetItems(largeTable, [{ pk: { S: 'k1' } }, { pk: { S: 'k1' } }])).rejects.toMatchObject({
        name: 'ValidationException',
      });
    });

    test('put, then get: the item as written; get of a missing key is undefined', async () => {
      const name = uniqueName('items');
      await subject.createTable(ordersInput(name));
      const [item] = orders(1);
      await port.putItem(name, item);
      expect(await port.getItem(name, { pk: item.pk, sk: item.sk })).toEqual(item);
      await port.putItem(name, { ...item, total: { N: '99' } });
      expect(await port.getItem(name, { pk: item.pk, sk: item.sk })).toEqual({ ...item, total: { N: '99' } });
      expect(await port.getItem(name, { pk: { S: 'missing' }, sk: { S: 'META' } })).toBeUndefined();
    });
  });

  describe("a table's life", () => {
    test('CREATING: described so, item reads and DeleteTable refused; ACTIVE later, then deletable', async () => {
      const name = uniqueName('drill-copy-creating');
      await subject.startCreatingTable(ordersInput(name));
      expect((await port.describeTable(name))?.status).toBe('CREATING');
      await expect(port.scanItems(name, { segments: 1 }, () => undefined)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(port.deleteTable(name)).rejects.toMatchObject({ name: 'ResourceInUseException' });
      expect(await port.listTableNames('drill-copy-creating')).toContain(name);

      await subject.letStatesSettle();
      expect((await port.describeTable(name))?.status).toBe('ACTIVE');
      await port.deleteTable(name);
    });

    test('deleted: DELETING for a while, then gone; neither listed nor readable; a second delete is ResourceNotFoundException', async () => {
      const name = uniqueName('drill-copy-deleted');
      await subject.createTable(ordersInput(name), orders(3));
      await port.deleteTable(name);
      expect((await port.describeTable(name))?.status).toBe('DELETING');
      expect(await port.listTableNames('drill-copy-deleted')).not.toContain(name);
      await expect(port.getItem(name, { pk: { S: 'ORDER#0000' }, sk: { S: 'META' } })).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });

      await subject.letStatesSettle();
      expect(await port.describeTable(name)).toBeUndefined();
      await expect(port.deleteTable(name)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    test('listTableNames: the tables whose name starts with the prefix', async () => {
      const prefix = uniqueName('listed');
      await subject.createTable(largeInput(`${prefix}-a`));
      await subject.createTable(largeInput(`${prefix}-b`));
      await subject.createTable(largeInput(`other-${prefix}`));
      expect((await port.listTableNames(prefix)).sort()).toEqual([`${prefix}-a`, `${prefix}-b`]);
    });
  });
});

// Figures DynamoDB Local reports for these items, which the in-memory DynamoDB must reproduce.
/** The fixture of two properties, its marker and a canary: 4,700 bytes as DynamoDB Local sizes them. */
const FIXTURE_TABLE_BYTES = 4_700;
/** Five items of 300,008 bytes: "pk" (2) + "k0" (2) + "blob" (4) + 300,000. */
const LARGE_TABLE_BYTES = 1_500_040;
/** 4,700 bytes read: two 4 KB blocks at half a unit each. */
const FIXTURE_SCAN_UNITS = 1;
