import type { Logger } from '@aws-lambda-powertools/logger';
import { awsError } from '../support/aws-errors';
import { orderItems, scheduledEvent } from '../support/flow-world';
import { NativeWorld, ownPlan, planArn, restoreTestEvent } from '../support/native-world';

/**
 * After a restore test's report, AWS Backup deletes its copy and says so only through
 * DescribeRestoreJob's DeletionStatus (DELETING | FAILED | SUCCESSFUL; no event reports it). The
 * drill watches it briefly after the report, then every scheduled run looks once until it is
 * final; a FAILED deletion is one FAIL message naming the copy, to the report and failure topics.
 */

const PLAN = planArn('drill_plan-7a1b2c');
const FAILURE_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:drill-failures';
let world: NativeWorld;

beforeEach(() => {
  world = new NativeWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(30) });
});

const engine = () => world.engine({ restoreTesting: ownPlan(PLAN), failureTopicArn: FAILURE_TOPIC_ARN });

/** A restore test checked, validated and reported; returns its job, copy and drill id. */
async function reportedRestoreTest() {
  const point = world.addRecoveryPoint({ table: 'orders', ageMinutes: 120 });
  const job = world.backup.runRestoreTest({ planArn: PLAN, recoveryPointArn: point });
  world.clock.advance(10_000);
  const summary = await world.invoke(restoreTestEvent({ ...job, recoveryPointArn: point }, PLAN), { engine: engine() });
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
  return { ...job, drillId: summary.drills[0].drillId };
}

const watched = async () => (await world.history.listDeletionWatches()).map((d) => d.drillId);

test('deleted while the run watches: recorded SUCCESSFUL, watched no more, logged by the drill’s logger', async () => {
  world.backup.deleteCopiesAfterValidation(5_000);
  const drills = engine();
  const infos: unknown[][] = [];
  const createChild = drills.logger.createChild.bind(drills.logger);
  jest.spyOn(drills.logger, 'createChild').mockImplementation((options) => {
    const child = createChild(options) as Logger;
    jest.spyOn(child, 'info').mockImplementation((...args: unknown[]) => void infos.push(args));
    return child;
  });
  const point = world.addRecoveryPoint({ table: 'orders', ageMinutes: 120 });
  const job = world.backup.runRestoreTest({ planArn: PLAN, recoveryPointArn: point });
  world.clock.advance(10_000);
  const summary = await world.invoke(restoreTestEvent({ ...job, recoveryPointArn: point }, PLAN), { engine: drills });
  const { drillId } = summary.drills[0];
  expect(world.historyRecord(drillId)?.restoreTest?.deletion).toEqual({ status: 'SUCCESSFUL', message: undefined, at: expect.any(String) });
  expect(world.backup.calls('describeRestoreJob').length).toBeGreaterThan(2);
  expect(await watched()).toEqual([]);
  expect(infos).toContainEqual(['AWS Backup deleted the restore test copy', { restoreJobId: job.restoreJobId, copy: job.copy }]);
  expect(drills.logger.createChild).toHaveBeenCalledWith({ persistentKeys: { drillId, table: 'orders' } });
  expect(world.published()).toHaveLength(1);
});

test('not deleted within the watch: left to the scheduled runs, which record DELETING and then SUCCESSFUL', async () => {
  const { restoreJobId, copy, drillId } = await reportedRestoreTest();
  expect(world.historyRecord(drillId)?.restoreTest?.deletion).toBeUndefined();
  expect(await watched()).toEqual([drillId]);

  world.backup.setDeletionStatus(restoreJobId, 'DELETING');
  world.clock.advance(3_600_000);
  expect((await world.invoke(scheduledEvent(), { engine: engine() })).awaitingDeletion).toEqual([copy]);
  expect(world.historyRecord(drillId)?.restoreTest?.deletion).toEqual({ status: 'DELETING', at: '2026-11-28T07:01:10.000Z' });
  expect(await watched()).toEqual([drillId]);

  world.backup.setDeletionStatus(restoreJobId, 'SUCCESSFUL');
  expect((await world.invoke(scheduledEvent(), { engine: engine() })).awaitingDeletion).toEqual([copy]);
  expect(world.historyRecord(drillId)?.restoreTest?.deletion).toMatchObject({ status: 'SUCCESSFUL' });
  expect(await watched()).toEqual([]);
  expect((await world.invoke(scheduledEvent(), { engine: engine() })).awaitingDeletion).toEqual([]);
  expect(world.published()).toHaveLength(1);
});

test('deletion FAILED: one FAIL message naming the copy, to the report and failure topics, sent once', async () => {
  const { restoreJobId, copy, drillId } = await reportedRestoreTest();
  world.backup.setDeletionStatus(restoreJobId, 'FAILED', 'Table is protected from deletion');
  await world.invoke(scheduledEvent(), { engine: engine() });
  const notices = world.published().slice(1);
  expect(notices.map((n) => n.topic)).toEqual(['reports', 'failures']);
  expect(notices[0].email).toContain(copy);
  expect(world.historyRecord(drillId)?.restoreTest?.deletion).toMatchObject({
    status: 'FAILED',
    message: 'Table is protected from deletion',
  });
  expect(await watched()).toEqual([]);
  await world.invoke(scheduledEvent(), { engine: engine() });
  expect(world.published()).toHaveLength(3);
});

test('DescribeRestoreJob fails in a scheduled run: the run goes on, and the next one looks again', async () => {
  const { restoreJobId, drillId } = await reportedRestoreTest();
  world.backup.setDeletionStatus(restoreJobId, 'SUCCESSFUL');
  world.backup.failNext('describeRestoreJob', awsError('ThrottlingException', 'Rate exceeded'));
  const first = await world.invoke(scheduledEvent(), { engine: engine() });
  expect(first.awaitingDeletion).toHaveLength(1);
  expect(await watched()).toEqual([drillId]);
  await world.invoke(scheduledEvent(), { engine: engine() });
  expect(await watched()).toEqual([]);
});
