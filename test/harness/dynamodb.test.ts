import {
  BatchGetItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { canonicalItem } from '../../lambda/digest/canonical-item';
import { rewriteItemNumbers } from './dynamodb/item-rewrites';
import {
  FAST_OPTIONS,
  createFixtureTable,
  fixtureTableInput,
  keyOf,
  keyTexts,
  startHarnessUnderTest,
  type HarnessUnderTest,
} from './harness-test-support';
import { startLocalAws } from './local-aws';

/**
 * Proof that AWS's DynamoDB Local, behind the harness front, answers the DynamoDB calls the drill makes, through
 * the real SDK client configured only by the environment.
 */
describe('local DynamoDB (AWS DynamoDB Local behind the harness front)', () => {
  let harness: HarnessUnderTest;
  beforeAll(async () => {
    harness = await startHarnessUnderTest();
  });
  afterAll(() => harness.stop());

  it('creates a table with a GSI and an LSI that is CREATING, then ACTIVE after createTableMs', async () => {
    const created = await harness.dynamodb.send(new CreateTableCommand(fixtureTableInput('created-slowly')));
    expect(created.TableDescription?.TableStatus).toBe('CREATING');
    expect(created.TableDescription?.GlobalSecondaryIndexes?.[0].IndexStatus).toBe('CREATING');

    const active = await harness.local.dynamodb.waitForTableActive('created-slowly');
    expect(active.TableArn).toBe(`arn:aws:dynamodb:us-east-1:${harness.local.accountId}:table/created-slowly`);
    expect(active.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(active.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.Projection?.ProjectionType])).toEqual([['byScan', 'ALL']]);
    expect(active.LocalSecondaryIndexes?.map((index) => [index.IndexName, index.Projection])).toEqual([
      ['byCreatedAt', { ProjectionType: 'INCLUDE', NonKeyAttributes: ['type'] }],
    ]);
  });

  it('refuses writes to a table that is still CREATING, as DynamoDB does', async () => {
    await harness.dynamodb.send(new CreateTableCommand(fixtureTableInput('not-yet-active')));
    await expect(
      harness.dynamodb.send(new PutItemCommand({ TableName: 'not-yet-active', Item: { pk: { S: 'a' }, sk: { S: 'b' } } })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await harness.local.dynamodb.waitForTableActive('not-yet-active');
  });

  it('scans in parallel segments that together return every item exactly once, with consumed capacity', async () => {
    const items = await createFixtureTable(harness.local, 'segmented', 3);
    const segments = await Promise.all(
      [0, 1, 2].map((segment) =>
        harness.dynamodb.send(
          new ScanCommand({ TableName: 'segmented', Segment: segment, TotalSegments: 3, ReturnConsumedCapacity: 'TOTAL' }),
        ),
      ),
    );
    const scanned = segments.flatMap((page) => page.Items ?? []);
    expect(keyTexts(scanned)).toEqual(keyTexts(items));
    expect(segments.every((page) => page.ConsumedCapacity?.TableName === 'segmented')).toBe(true);
    expect(segments.filter((page) => (page.Items ?? []).length > 0).length).toBeGreaterThan(1);
  });

  it('answers BatchGetItem and Query on the table, the GSI and the LSI', async () => {
    const items = await createFixtureTable(harness.local, 'queried');
    const wanted = items.slice(0, 3).map(keyOf);
    const batch = await harness.dynamodb.send(
      new BatchGetItemCommand({ RequestItems: { queried: { Keys: wanted } }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    expect(keyTexts(batch.Responses?.queried ?? [])).toEqual(keyTexts(items.slice(0, 3)));
    expect(batch.ConsumedCapacity?.[0]?.TableName).toBe('queried');

    const scanId = items.find((item) => item.scanId)!.scanId.S!;
    const byScan = await harness.dynamodb.send(
      new QueryCommand({
        TableName: 'queried',
        IndexName: 'byScan',
        KeyConditionExpression: 'scanId = :s',
        ExpressionAttributeValues: { ':s': { S: scanId } },
      }),
    );
    expect(byScan.Items?.length).toBe(items.filter((item) => item.scanId?.S === scanId).length);

    const pk = items[0].pk;
    const byCreated = await harness.dynamodb.send(
      new QueryCommand({
        TableName: 'queried',
        IndexName: 'byCreatedAt',
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': pk },
      }),
    );
    const createdAts = byCreated.Items!.map((item) => item.createdAt.S!);
    expect(createdAts).toEqual([...createdAts].sort());
  });

  it('lists tables, tags them, deletes them (DELETING, then gone)', async () => {
    const table = await harness.local.dynamodb.createTable(fixtureTableInput('short-lived'));
    await harness.dynamodb.send(new TagResourceCommand({ ResourceArn: table.TableArn, Tags: [{ Key: 'team', Value: 'spatial' }] }));
    expect((await harness.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn }))).Tags).toEqual([
      { Key: 'team', Value: 'spatial' },
    ]);
    expect((await harness.dynamodb.send(new ListTablesCommand({}))).TableNames).toContain('short-lived');

    const deleted = await harness.dynamodb.send(new DeleteTableCommand({ TableName: 'short-lived' }));
    expect(deleted.TableDescription?.TableStatus).toBe('DELETING');
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(harness.dynamodb.send(new DescribeTableCommand({ TableName: 'short-lived' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('accepts a table ARN where DynamoDB takes TableName (the front passes the name on)', async () => {
    const table = await harness.local.dynamodb.createTable(fixtureTableInput('by-arn'));
    const described = await harness.dynamodb.send(new DescribeTableCommand({ TableName: table.TableArn }));
    expect(described.Table?.TableName).toBe('by-arn');
  });

  it('keeps TTL and point-in-time recovery settings per table (PITR is served by the front: DynamoDB Local lacks it)', async () => {
    await harness.local.dynamodb.createTable(fixtureTableInput('with-settings'));
    expect((await harness.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'with-settings' }))).TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'DISABLED',
    });
    const pitrOff = await harness.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: 'with-settings' }));
    expect(pitrOff.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('DISABLED');

    await harness.dynamodb.send(
      new UpdateTimeToLiveCommand({ TableName: 'with-settings', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }),
    );
    await harness.dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: 'with-settings',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    expect((await harness.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'with-settings' }))).TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiresAt',
    });
    const pitrOn = await harness.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: 'with-settings' }));
    expect(pitrOn.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('ENABLED');
    expect(pitrOn.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.EarliestRestorableDateTime).toBeInstanceOf(Date);

    await expect(harness.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: 'no-such-table' }))).rejects.toMatchObject({
      name: 'TableNotFoundException',
    });
  });

  it('reports the stream, encryption, deletion protection and table class settings (encryption and table class kept by the front: DynamoDB Local drops them)', async () => {
    const plain = await harness.local.dynamodb.createTable(fixtureTableInput('plain-settings'));
    expect(plain.DeletionProtectionEnabled).toBe(false);
    expect(plain.StreamSpecification).toBeUndefined();
    expect(plain.SSEDescription).toBeUndefined();

    const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await harness.dynamodb.send(
      new CreateTableCommand({
        ...fixtureTableInput('full-settings'),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
        DeletionProtectionEnabled: true,
        TableClass: 'STANDARD_INFREQUENT_ACCESS',
      }),
    );
    const table = await harness.local.dynamodb.waitForTableActive('full-settings');
    expect(table).toMatchObject({
      DeletionProtectionEnabled: true,
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: keyArn },
      TableClassSummary: { TableClass: 'STANDARD_INFREQUENT_ACCESS' },
    });
    expect(table.LatestStreamArn).toBe(`${table.TableArn}/stream/${table.LatestStreamLabel}`);
  });

  it('refuses to delete a deletion-protected table until protection is turned off (ValidationException)', async () => {
    await harness.dynamodb.send(new CreateTableCommand({ ...fixtureTableInput('protected'), DeletionProtectionEnabled: true }));
    await harness.local.dynamodb.waitForTableActive('protected');
    await expect(harness.dynamodb.send(new DeleteTableCommand({ TableName: 'protected' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('protected against deletion'),
    });
    await harness.dynamodb.send(new UpdateTableCommand({ TableName: 'protected', DeletionProtectionEnabled: false }));
    await harness.local.dynamodb.waitForTableActive('protected');
    await expect(harness.dynamodb.send(new DeleteTableCommand({ TableName: 'protected' }))).resolves.toBeDefined();
  });

  it('normalises numbers on write, as DynamoDB does ("1.50" is read back as "1.5")', async () => {
    await harness.local.dynamodb.createTable(fixtureTableInput('numbers'));
    const key = { pk: { S: 'n' }, sk: { S: 'n' } };
    await harness.dynamodb.send(new PutItemCommand({ TableName: 'numbers', Item: { ...key, area: { N: '1.50' }, count: { N: '0010' } } }));
    const read = await harness.dynamodb.send(new GetItemCommand({ TableName: 'numbers', Key: key }));
    expect(read.Item).toMatchObject({ area: { N: '1.5' }, count: { N: '10' } });
  });

  it('rewrites items read from a marked table (CRC32 recomputed, so the SDK accepts the answer)', async () => {
    const items = await createFixtureTable(harness.local, 'rewritten', 1);
    harness.local.dynamodb.setReadRewrite('rewritten', rewriteItemNumbers);
    const room = items.find((item) => item.areaM2)!;
    const read = await harness.dynamodb.send(new GetItemCommand({ TableName: 'rewritten', Key: keyOf(room) }));
    expect(read.Item!.areaM2.N).not.toBe(room.areaM2.N);
    expect(canonicalItem(read.Item!)).toBe(canonicalItem(room));
    const scanned = await harness.dynamodb.send(new ScanCommand({ TableName: 'rewritten' }));
    expect(scanned.Items!.some((item) => item.areaM2?.N?.endsWith('0'))).toBe(true);
  });

  it('adds a fixed latency to every request of an operation from the code under test', async () => {
    await createFixtureTable(harness.local, 'slow-pages', 1);
    harness.local.dynamodb.setLatency('Scan', 120);
    try {
      const started = Date.now();
      await harness.dynamodb.send(new ScanCommand({ TableName: 'slow-pages', Limit: 5 }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(115);
      // The harness's own reads stay fast.
      const own = Date.now();
      await harness.local.dynamodb.scanItems('slow-pages');
      expect(Date.now() - own).toBeLessThan(115);
    } finally {
      harness.local.dynamodb.setLatency('Scan', undefined);
    }
  });

  it('throttles the next requests of an operation; the SDK retries through it', async () => {
    await createFixtureTable(harness.local, 'throttled', 1);
    harness.local.dynamodb.failures.failNext('Scan', 1, { code: 'ProvisionedThroughputExceededException', httpStatus: 400 });
    const page = await harness.dynamodb.send(new ScanCommand({ TableName: 'throttled' }));
    expect(page.Items?.length).toBeGreaterThan(0);
    expect(page.$metadata.attempts).toBe(2);
    expect(harness.local.dynamodb.failures.servedCount('Scan')).toBe(1);
  });

  it('is AWS DynamoDB Local: it refuses requests DynamoDB refuses (a projection with Select ALL_ATTRIBUTES)', async () => {
    await createFixtureTable(harness.local, 'strict', 1);
    await expect(
      harness.dynamodb.send(new ScanCommand({ TableName: 'strict', Select: 'ALL_ATTRIBUTES', ProjectionExpression: 'pk' })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES',
    });
    await expect(
      harness.dynamodb.send(
        new ScanCommand({ TableName: 'strict', ProjectionExpression: 'pk', ExpressionAttributeNames: { '#unused': 'sk' } }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(harness.dynamodb.send(new DescribeTableCommand({ TableName: 'xy' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('reports an on-demand table’s maximum throughput, which DynamoDB Local refuses at CreateTable', async () => {
    await harness.dynamodb.send(
      new CreateTableCommand({ ...fixtureTableInput('capped'), OnDemandThroughput: { MaxReadRequestUnits: 800 } }),
    );
    const table = await harness.local.dynamodb.waitForTableActive('capped');
    expect(table.OnDemandThroughput).toEqual({ MaxReadRequestUnits: 800 });
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('gives every harness instance a database of its own in the one DynamoDB Local process', async () => {
    const other = await startLocalAws(FAST_OPTIONS);
    try {
      expect(await other.dynamodb.tableNames()).toEqual([]);
      await other.dynamodb.createTable(fixtureTableInput('only-in-other'));
      expect(await harness.local.dynamodb.tableNames()).not.toContain('only-in-other');
    } finally {
      await other.close();
    }
  });

  it('does not spend injected failures on the harness’s own client', async () => {
    harness.local.dynamodb.failures.failNext('DescribeTable', 1, { code: 'ThrottlingException', httpStatus: 400 });
    await harness.local.dynamodb.describeTable('throttled');
    expect(harness.local.dynamodb.failures.pending('DescribeTable')).toBe(1);
    harness.local.dynamodb.failures.clear();
  });
});
