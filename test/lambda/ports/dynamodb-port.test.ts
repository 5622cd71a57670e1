import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbPort, scanRequest, type DynamoDbPort, type Item } from '../../../lambda/ports/dynamodb-port';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../harness/dynamodb/local-dynamodb';
import { PK_SK_SCHEMA } from '../../harness/dynamodb/pk-sk-schema';

/**
 * The DynamoDB port against AWS's DynamoDB Local, which refuses what DynamoDB refuses: every
 * request shape the port builds is accepted by the real engine. (dynalite accepted a Scan with
 * Select ALL_ATTRIBUTES and a ProjectionExpression, which DynamoDB refuses: the item count's
 * source scan failed on AWS on every drill.)
 */
let local: LocalDynamoDb;
let port: DynamoDbPort;
let client: DynamoDBClient;

const items: Item[] = Array.from({ length: 30 }, (_, i) => ({
  pk: { S: `P#${i}` },
  sk: { S: 'META' },
  createdAt: { S: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z` },
  size: { N: String(i) },
}));

beforeAll(async () => {
  local = await startLocalDynamoDb({ accountId: '123456789012', region: 'us-east-1', createTableMs: 0, deleteTableMs: 0 });
  client = new DynamoDBClient({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  port = createDynamoDbPort(client, async () => undefined);
  await client.send(
    new CreateTableCommand({
      TableName: 'orders',
      ...PK_SK_SCHEMA,
    }),
  );
  await local.putItems('orders', items);
});

afterAll(async () => {
  client.destroy();
  await local.close();
});

const notCanary = { expression: '#k <> :canary', names: { '#k': 'pk' }, values: { ':canary': { S: 'restore-drill#canary' } } };
const keysAndCreatedAt = { expression: '#p0, #p1, #p2', names: { '#p0': 'pk', '#p1': 'sk', '#p2': 'createdAt' } };

describe('scan request shapes (DynamoDB API reference, Scan: Select and ProjectionExpression)', () => {
  test('an item scan with a projection asks for SPECIFIC_ATTRIBUTES and gets only those attributes', async () => {
    const seen: Item[] = [];
    const summary = await port.scanItems('orders', { segments: 2, projection: keysAndCreatedAt, filter: notCanary }, (item) =>
      seen.push(item),
    );
    expect(summary).toMatchObject({ count: 30, stoppedEarly: false });
    expect(seen).toHaveLength(30);
    expect(seen.every((item) => Object.keys(item).sort().join() === 'createdAt,pk,sk')).toBe(true);
    expect(scanRequest('orders', { projection: keysAndCreatedAt }, 'items')).toMatchObject({ Select: 'SPECIFIC_ATTRIBUTES' });
  });

  test('an item scan without a projection leaves Select out and gets whole items', async () => {
    const seen: Item[] = [];
    await port.scanItems('orders', { segments: 3 }, (item) => seen.push(item));
    expect(seen).toHaveLength(30);
    expect(seen.every((item) => item.size !== undefined)).toBe(true);
    expect(scanRequest('orders', {}, 'items')).not.toHaveProperty('Select', expect.anything());
  });

  test('a count sends Select COUNT without the projection, and only the names its filter uses', async () => {
    const counted = await port.countItems('orders', { segments: 1, filter: notCanary, projection: keysAndCreatedAt });
    expect(counted).toMatchObject({ count: 30, stoppedEarly: false });
    const request = scanRequest('orders', { filter: notCanary, projection: keysAndCreatedAt }, 'count');
    expect(request).toMatchObject({ Select: 'COUNT', ExpressionAttributeNames: { '#k': 'pk' } });
    expect(request.ProjectionExpression).toBeUndefined();
  });

  test('DynamoDB itself refuses the shape the port used to send', async () => {
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    await expect(
      client.send(
        new ScanCommand({
          TableName: 'orders',
          Select: 'ALL_ATTRIBUTES',
          ProjectionExpression: '#p',
          ExpressionAttributeNames: { '#p': 'pk' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('ProjectionExpression') });
  });
});

describe('Scan pages read from the wire (scan-wire.ts)', () => {
  const byKey = (list: Item[]) => [...list].sort((a, b) => (a.pk.S! < b.pk.S! ? -1 : 1));

  test('items are read in place from the HTTP response, and equal what the SDK unmarshals', async () => {
    const readers = new Set<string>();
    const fromWire: Item[] = [];
    await port.scanScannedItems('orders', { segments: 2 }, (item) => {
      readers.add(item.constructor.name);
      fromWire.push(item.toItem());
    });
    const fromSdk: Item[] = [];
    await createDynamoDbPort(client, async () => undefined, { readScanPagesFromWire: false }).scanItems('orders', { segments: 2 }, (item) =>
      fromSdk.push(item),
    );
    expect([...readers]).toEqual(['WireItem']);
    expect(byKey(fromWire)).toEqual(byKey(fromSdk));
  });

  test('a scan stopped early says where each segment resumes, and resuming there reads the rest exactly once', async () => {
    const first: string[] = [];
    const pageOf = { segments: 3 };
    const stopped = await createDynamoDbPort(client, async () => undefined).scanScannedItems(
      'orders',
      { ...pageOf, onPage: () => false },
      (item) => first.push(item.attribute('pk')!.S!),
    );
    // 30 small items fit one page per segment, so a segment with a page left over is what resumes.
    expect(stopped.stoppedEarly).toBe(stopped.resumeAt !== undefined);
    const rest: string[] = [];
    if (stopped.resumeAt)
      await port.scanScannedItems('orders', { segments: 3, positions: stopped.resumeAt }, (item) => rest.push(item.attribute('pk')!.S!));
    expect([...first, ...rest].sort()).toEqual(items.map((item) => item.pk.S!).sort());
  });
});
