import type { DrillRecord } from '../../../lambda/domain/drill-record';
import { drillIdFor } from '../../../lambda/drill/drill-id';
import { serverFault } from '../support/aws-errors';
import { FlowWorld, orderItems, scheduledEvent, tableArn } from '../support/flow-world';

/**
 * Recording a publish SNS has accepted (publishReport's recordPublished): three attempts, one,
 * then two seconds apart, before the invocation gives up and gives the lease back; and a record
 * another invocation has finished meanwhile is not written over. An early FAIL (no recovery
 * point) keeps the clock still but for these pauses, and sends its report to both topics.
 */

const FAILURE_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:drill-failures';
const connectionReset = () => serverFault('InternalServerError', 'connection reset');
const recordingPublished = { when: (_drillId: string, fields: Partial<DrillRecord>) => fields.publishedTo !== undefined };

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
});

const drillIdOf = (event: ReturnType<typeof scheduledEvent>) => drillIdFor(new Date(event.time), event.id, tableArn('orders'));

test('the record of a publish fails twice: written at the third attempt, after pauses of 1 and 2 seconds; sent once', async () => {
  world.history.failNext('update', connectionReset(), { ...recordingPublished, times: 2 });
  const event = scheduledEvent();
  const summary = await world.invoke(event);
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
  expect(world.clock.sleeps).toEqual([1_000, 2_000]);
  expect(world.notifier.calls('publish')).toHaveLength(1);
  expect(world.historyRecord(drillIdOf(event))).toMatchObject({ status: 'FINISHED', publishedTo: ['reports'] });
});

test('it fails three times: the invocation gives up, the lease goes back, and the drill stays REPORTING for the retry', async () => {
  world.history.failNext('update', connectionReset(), { ...recordingPublished, times: 3 });
  const event = scheduledEvent();
  await expect(world.invoke(event)).rejects.toThrow(/did not complete/);
  expect(world.clock.sleeps).toEqual([1_000, 2_000]);
  expect(world.history.calls('update').filter(([, fields]) => fields.publishedTo !== undefined)).toHaveLength(3);
  const record = world.historyRecord(drillIdOf(event))!;
  expect(record).toMatchObject({ status: 'REPORTING', outcome: { verdict: 'FAIL' } });
  expect(record.publishedTo).toBeUndefined();
  expect(record.leaseOwner).toBeUndefined();
});

test('another invocation finished the drill while this one published: its record stands, and this one stops', async () => {
  const realUpdate = world.history.update.bind(world.history);
  const finishedByTwin = {
    status: 'FINISHED' as const,
    publishedTo: ['reports' as const, 'failures' as const],
    reportedAt: '2026-11-28T06:00:30.000Z',
  };
  jest.spyOn(world.history, 'update').mockImplementation(async (drillId, fields, options) => {
    if (fields.publishedTo !== undefined && world.historyRecord(drillId)?.status === 'REPORTING') await realUpdate(drillId, finishedByTwin);
    return realUpdate(drillId, fields, options);
  });
  const event = scheduledEvent();
  const summary = await world.invoke(event, { engine: world.engine({ failureTopicArn: FAILURE_TOPIC_ARN }) });
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'in-progress-elsewhere' })]);
  expect(world.notifier.calls('publish').map(([topic]) => topic)).toEqual(['reports']);
  expect(world.historyRecord(drillIdOf(event))).toMatchObject(finishedByTwin);
});
