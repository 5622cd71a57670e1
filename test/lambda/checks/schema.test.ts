import { schemaCheck, schemaDifferences, settingsNotCarried } from '../../../lambda/checks/schema';
import type { IndexShape, TableSettings } from '../../../lambda/ports/dynamodb-port';
import { checkResult, checkWorld } from './check-context';
import { tableShape } from './in-memory-tables';

const byCustomer: IndexShape = {
  name: 'byCustomer',
  keySchema: [
    { AttributeName: 'customer', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['total', 'status'] },
};
const byDate: IndexShape = {
  name: 'byDate',
  keySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'createdAt', KeyType: 'RANGE' },
  ],
  projection: { ProjectionType: 'KEYS_ONLY' },
};
const source = tableShape('orders', {
  attributeDefinitions: [
    { name: 'pk', type: 'S' },
    { name: 'sk', type: 'S' },
    { name: 'customer', type: 'S' },
    { name: 'createdAt', type: 'S' },
  ],
  globalSecondaryIndexes: [byCustomer],
  localSecondaryIndexes: [byDate],
});
const copy = (overrides: Partial<typeof source>) => ({ ...source, name: 'copy', ...overrides });

describe('schemaDifferences', () => {
  test('an exact copy has none, whatever the order of the projected attributes', () => {
    const reordered = { ...byCustomer, projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: ['status', 'total'] } };
    expect(schemaDifferences(source, copy({ globalSecondaryIndexes: [reordered] }))).toEqual([]);
  });

  test('other keys', () => {
    const keySchema = [{ AttributeName: 'pk', KeyType: 'HASH' as const }];
    expect(schemaDifferences(source, copy({ keySchema }))).toEqual(['key schema pk:HASH instead of pk:HASH,sk:RANGE']);
  });

  test('attribute definitions missing, of another type, or unexpected', () => {
    const attributeDefinitions = [
      { name: 'pk', type: 'S' },
      { name: 'sk', type: 'N' },
      { name: 'customer', type: 'S' },
      { name: 'createdAt', type: 'S' },
      { name: 'region', type: 'S' },
    ];
    expect(schemaDifferences(source, copy({ attributeDefinitions }))).toEqual([
      'attribute definition sk:S missing',
      'unexpected attribute definition sk:N',
      'unexpected attribute definition region:S',
    ]);
  });

  test('a global index missing, with other keys, another projection, or unexpected', () => {
    expect(schemaDifferences(source, copy({ globalSecondaryIndexes: [] }))).toEqual(['missing GSI byCustomer']);
    const otherKeys = { ...byCustomer, keySchema: [{ AttributeName: 'customer', KeyType: 'HASH' as const }] };
    expect(schemaDifferences(source, copy({ globalSecondaryIndexes: [otherKeys] }))).toEqual([
      'GSI byCustomer keys customer:HASH instead of customer:HASH,sk:RANGE',
    ]);
    const allProjected = { ...byCustomer, projection: { ProjectionType: 'ALL' as const } };
    expect(schemaDifferences(source, copy({ globalSecondaryIndexes: [allProjected] }))).toEqual([
      'GSI byCustomer projects ALL instead of INCLUDE(status,total)',
    ]);
    const fewerAttributes = { ...byCustomer, projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: ['total'] } };
    expect(schemaDifferences(source, copy({ globalSecondaryIndexes: [fewerAttributes] }))).toEqual([
      'GSI byCustomer projects INCLUDE(total) instead of INCLUDE(status,total)',
    ]);
    const extra = { ...byCustomer, name: 'byStatus' };
    expect(schemaDifferences(source, copy({ globalSecondaryIndexes: [byCustomer, extra] }))).toEqual(['unexpected GSI byStatus']);
  });

  test('a local index, likewise', () => {
    expect(schemaDifferences(source, copy({ localSecondaryIndexes: [] }))).toEqual(['missing LSI byDate']);
    expect(schemaDifferences(source, copy({ localSecondaryIndexes: [byDate, { ...byDate, name: 'byTotal' }] }))).toEqual([
      'unexpected LSI byTotal',
    ]);
  });

  test('a projection without a type is ALL, and an empty attribute list is no list', () => {
    const noType = { ...byCustomer, projection: undefined };
    const allWithEmptyList = { ...byCustomer, projection: { ProjectionType: 'ALL' as const, NonKeyAttributes: [] } };
    expect(schemaDifferences(copy({ globalSecondaryIndexes: [allWithEmptyList] }), copy({ globalSecondaryIndexes: [noType] }))).toEqual([]);
  });

  test('every difference, in order: keys, definitions, global then local indexes', () => {
    const restored = copy({
      keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      attributeDefinitions: [{ name: 'pk', type: 'S' }],
      globalSecondaryIndexes: [],
      localSecondaryIndexes: [],
    });
    expect(schemaDifferences(source, restored)).toEqual([
      'key schema pk:HASH instead of pk:HASH,sk:RANGE',
      'attribute definition sk:S missing',
      'attribute definition customer:S missing',
      'attribute definition createdAt:S missing',
      'missing GSI byCustomer',
      'missing LSI byDate',
    ]);
  });
});

describe('settingsNotCarried: what a restore never brings back', () => {
  const settings = (overrides: Partial<TableSettings> = {}): TableSettings => ({
    pointInTimeRecovery: false,
    tagCount: 0,
    unread: [],
    ...overrides,
  });
  const always = 'auto scaling, resource policy, alarms, contributor insights';

  test('always the settings DynamoDB alone cannot read', () => {
    expect(settingsNotCarried(source, settings())).toEqual([always]);
    expect(settingsNotCarried(source, undefined)).toEqual([always]);
  });

  test('each setting the source has, in order', () => {
    const everything = { ...source, streamEnabled: true, deletionProtection: true };
    expect(
      settingsNotCarried(
        everything,
        settings({
          ttlAttribute: 'expiresAt',
          pointInTimeRecovery: true,
          tagCount: 3,
          unread: ['TTL (AccessDenied)', 'tags (AccessDenied)'],
        }),
      ),
    ).toEqual([
      'TTL (expiresAt)',
      'point-in-time recovery',
      'stream',
      '3 tags',
      'deletion protection',
      always,
      'unread: TTL (AccessDenied), tags (AccessDenied)',
    ]);
  });

  test('one tag is a tag', () => {
    expect(settingsNotCarried(source, settings({ tagCount: 1 }))).toEqual(['1 tag', always]);
  });
});

describe('the schema check', () => {
  test('needs the restored table', async () => {
    expect(schemaCheck).toMatchObject({ name: 'schema', needs: 'restored-table' });
    const run = schemaCheck.begin(checkWorld({ restored: 'missing' }).context);
    await expect(run?.result()).rejects.toThrow();
    // Even when the source is gone too: no WARN about the source stands in for the missing copy.
    const neither = schemaCheck.begin(checkWorld({ restored: 'missing', source: 'missing' }).context);
    await expect(neither?.result()).rejects.toThrow();
  });

  test('PASS: the copy matches, with the counts and what a restore does not carry', async () => {
    const result = await checkResult(schemaCheck, {
      source: { ...source, streamEnabled: true },
      sourceSettings: { pointInTimeRecovery: true, tagCount: 0, unread: [] },
    });
    expect(result).toEqual({
      check: 'schema',
      status: 'PASS',
      summary: expect.any(String),
      numbers: {
        attributeDefinitions: 4,
        globalSecondaryIndexes: 1,
        localSecondaryIndexes: 1,
        notCarriedByRestore: 'point-in-time recovery; stream; auto scaling, resource policy, alarms, contributor insights',
      },
    });
  });

  test('FAIL: the differences, and what to re-create after a recovery', async () => {
    const result = await checkResult(schemaCheck, {
      source,
      restored: { ...source, globalSecondaryIndexes: [] },
    });
    expect(result).toMatchObject({
      check: 'schema',
      status: 'FAIL',
      summary: 'missing GSI byCustomer',
      numbers: { attributeDefinitions: 4, globalSecondaryIndexes: 1, localSecondaryIndexes: 1 },
    });
    expect(result.nextStep).toContain('re-create the missing parts after restoring');
  });

  test('WARN when the source is gone: nothing to compare with', async () => {
    const result = await checkResult(schemaCheck, { source: 'missing' });
    expect(result).toMatchObject({ check: 'schema', status: 'WARN' });
    expect(result.nextStep).toContain('remove it from the drill settings');
    expect(result.numbers).toBeUndefined();
  });
});
