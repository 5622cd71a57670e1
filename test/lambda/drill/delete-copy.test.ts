import type { DrillRecord } from '../../../lambda/domain/drill-record';
import { deleteRestoredCopy } from '../../../lambda/drill/cleanup';
import { TimeBudget } from '../../../lambda/drill/time-budget';
import { denied } from '../support/aws-errors';
import { FlowWorld, ORDERS_SCHEMA, orderItems, PREFIX, tableArn } from '../support/flow-world';

/**
 * deleteRestoredCopy after DeleteTable: how long it watches the copy go when the invocation is
 * short (within its time less the last seconds), a copy already DELETING, and a failed
 * DescribeTable - on the in-memory DynamoDB and the virtual clock. The safety rules are
 * cleanup-rules.test.ts's; the whole drill's watch is drill-flow-edges.test.ts's.
 */

const second = 1_000;
const COPY = `${PREFIX}orders-20261128t060000z-1a2b3c4d`;

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(3) });
  world.dynamodb.createTable({ ...ORDERS_SCHEMA, TableName: COPY }, orderItems(3));
});

const drill: DrillRecord = {
  drillId: 'drill-1',
  sourceTable: 'orders',
  sourceTableArn: tableArn('orders'),
  trigger: 'schedule',
  startedAt: '2026-11-28T06:00:00.000Z',
  status: 'CLEANING',
  restoredTableName: COPY,
  restoreJobId: 'restore-job-1',
  restoreJob: { restoreJobId: 'restore-job-1', status: 'COMPLETED', createdResourceArn: tableArn(COPY) },
};

/** The cleanup, with `remainingMs` of the invocation left; the tables it described after its DeleteTable. */
async function cleanUp(remainingMs: number) {
  const outcome = await deleteRestoredCopy({
    config: world.config(),
    dynamodb: world.dynamodb,
    clock: world.clock,
    time: TimeBudget.of(world.clock, remainingMs, 120 * second),
    drill,
  });
  const calls = world.dynamodb.calls('describeTable').length;
  return { outcome, describedAfterDelete: calls - 1 };
}

test('watches at most as long as the invocation has left beyond its last 10 seconds; the delete still counts', async () => {
  world.dynamodb.slowDeletes(10 * 60_000);
  const started = world.clock.now();
  // 20 s left: 10 s to watch (polls at 0 and 5 s), none at 10 s.
  const { outcome, describedAfterDelete } = await cleanUp(20 * second);
  expect(outcome).toMatchObject({ result: 'deleted', tableName: COPY });
  expect(describedAfterDelete).toBe(2);
  expect(world.clock.now()).toBe(started + 10 * second);
  expect(world.dynamodb.calls('deleteTable')).toEqual([[COPY]]);
});

test('no time to watch: DeleteTable, and no DescribeTable after it', async () => {
  world.dynamodb.slowDeletes(10 * 60_000);
  const { outcome, describedAfterDelete } = await cleanUp(10 * second);
  expect(outcome).toMatchObject({ result: 'deleted', tableName: COPY });
  expect(describedAfterDelete).toBe(0);
});

test('a copy already DELETING is deleted: no second DeleteTable', async () => {
  world.dynamodb.slowDeletes(60 * second);
  await world.dynamodb.deleteTable(COPY);
  const { outcome } = await cleanUp(15 * 60_000);
  expect(outcome).toMatchObject({ result: 'deleted', tableName: COPY });
  expect(world.dynamodb.calls('deleteTable')).toHaveLength(1);
});

test('a DescribeTable the role may not make fails the cleanup, naming that call', async () => {
  world.dynamodb.failNext('describeTable', denied('dynamodb:DescribeTable'));
  const { outcome } = await cleanUp(15 * 60_000);
  expect(outcome).toMatchObject({
    result: 'failed',
    tableName: COPY,
    detail: expect.stringContaining('DescribeTable AccessDeniedException'),
  });
  expect(world.dynamodb.calls('deleteTable')).toEqual([]);
  expect(world.dynamodb.tableNames()).toContain(COPY);
});

test('a DescribeTable that fails while watching the copy go fails the cleanup, naming that call', async () => {
  world.dynamodb.slowDeletes(60 * second);
  world.dynamodb.failNext('describeTable', denied('dynamodb:DescribeTable'), {
    when: () => world.dynamodb.calls('deleteTable').length > 0,
  });
  const { outcome } = await cleanUp(15 * 60_000);
  expect(outcome).toMatchObject({ result: 'failed', detail: expect.stringContaining('DescribeTable AccessDeniedException') });
});
