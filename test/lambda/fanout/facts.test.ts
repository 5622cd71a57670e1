import type { DrillRecord } from '../../../lambda/domain/drill-record';
import { copyFactsOf, toFanOutFacts } from '../../../lambda/fanout/facts';
import type { TableShape } from '../../../lambda/ports/dynamodb-port';

/** The drill's facts travel as JSON (the execution's state, the history record) and come back as the drill held them. */

const table = { tableName: 'orders', tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders', createdAtAttribute: 'createdAt' };
const shape = (name: string): TableShape => ({
  name,
  arn: `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`,
  status: 'ACTIVE',
  keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  attributeDefinitions: [{ name: 'pk', type: 'S' }],
  globalSecondaryIndexes: [
    { name: 'byCustomer', keySchema: [{ AttributeName: 'c', KeyType: 'HASH' }], projection: { ProjectionType: 'ALL' } },
  ],
  localSecondaryIndexes: [],
  itemCount: 40,
  sizeBytes: 4_000,
  billingMode: 'PAY_PER_REQUEST',
  streamEnabled: false,
  deletionProtection: true,
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  encryption: { sseType: 'KMS', status: 'ENABLED', kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k' },
});
const facts = {
  table,
  drill: {
    drillId: '20261128t060000z-0a1b2c3d',
    startedAt: '2026-11-28T06:00:00.000Z',
    restoredTableName: 'drill-copy-orders-x',
  } as DrillRecord,
  recoveryPoint: {
    recoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:rp',
    backupVaultName: 'vault',
    creationDate: '2026-11-28T03:00:00.000Z',
    newestCreationDate: '2026-11-28T04:00:00.000Z',
  },
  restoreJob: {
    restoreJobId: 'job-1',
    status: 'COMPLETED' as const,
    creationDate: new Date('2026-11-28T06:01:00.000Z'),
    completionDate: new Date('2026-11-28T06:21:00.000Z'),
    createdResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/drill-copy-orders-x',
  },
  source: shape('orders'),
  sourceSettings: { ttlAttribute: 'expires', pointInTimeRecovery: true, tagCount: 2, unread: [] },
  restored: shape('drill-copy-orders-x'),
  restoredActiveAt: Date.parse('2026-11-28T06:22:00.000Z'),
  sourceReadUnitsPerSecond: 200,
};

test('to JSON and back: the same facts, dates as dates, the table from the configuration', () => {
  const json = JSON.parse(JSON.stringify(toFanOutFacts(facts, 4_000)));
  expect(json.partialBytes).toBe(4_000);
  const back = copyFactsOf({ tables: [table] }, json);
  expect(back).toEqual({ ...facts, drill: expect.objectContaining(facts.drill) });
  expect(back.restored.createdAt).toBeInstanceOf(Date);
  expect(back.restoreJob.completionDate).toEqual(facts.restoreJob.completionDate);
});

test('a source that no longer exists travels as none', () => {
  const back = copyFactsOf({ tables: [table] }, JSON.parse(JSON.stringify(toFanOutFacts({ ...facts, source: undefined }, 1))));
  expect(back.source).toBeUndefined();
});

test('facts of a table the configuration does not drill are refused', () => {
  expect(() => copyFactsOf({ tables: [] }, toFanOutFacts(facts, 1))).toThrow(/does not drill/);
});
