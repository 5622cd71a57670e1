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

// The engine's logger is the module's one: its spies go with each test.
afterEach(() => jest.restoreAllMocks());

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

/** Every line the drills' loggers (the engine logger's children) write, by level. */
function captureLogs(drills: ReturnType<typeof engine>) {
  const lines: Array<{ level: 'info' | 'warn' | 'error'; message: string; extra: unknown }> = [];
  const createChild = drills.logger.createChild.bind(drills.logger);
  jest.spyOn(drills.logger, 'createChild').mockImplementation((options) => {
    const child = createChild(options) as Logger;
    for (const level of ['info', 'warn', 'error'] as const) {
      jest.spyOn(child, level).mockImplementation((message: unknown, ...extra: unknown[]) => {
        lines.push({ level, message: String(message), extra: extra[0] });
      });
    }
    return child;
  });
  return lines;
}

const watched = async () => (await world.history.listDeletionWatches()).map((d) => d.drillId);

test('deleted while the run watches: recorded SUCCESSFUL, watched no more, logged by the drill’s logger', async () => {
  world.backup.deleteCopiesAfterValidation(5_000);
  const drills = engine();
  const lines = captureLogs(drills);
  const point = world.addRecoveryPoint({ table: 'orders', ageMinutes: 120 });
  const job = world.backup.runRestoreTest({ planArn: PLAN, recoveryPointArn: point });
  world.clock.advance(10_000);
  const summary = await world.invoke(restoreTestEvent({ ...job, recoveryPointArn: point }, PLAN), { engine: drills });
  const { drillId } = summary.drills[0];
  expect(world.historyRecord(drillId)?.restoreTest?.deletion).toEqual({ status: 'SUCCESSFUL', message: undefined, at: expect.any(String) });
  expect(world.backup.calls('describeRestoreJob').length).toBeGreaterThan(2);
  expect(await watched()).toEqual([]);
  expect(lines).toContainEqual({
    level: 'info',
    message: 'AWS Backup deleted the restore test copy',
    extra: { restoreJobId: job.restoreJobId, copy: job.copy },
  });
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

describe('what a run that cannot look logs (the next run looks again)', () => {
  test('DescribeRestoreJob fails while the run watches: a warning naming the call; still watched', async () => {
    world.backup.deleteCopiesAfterValidation(5_000);
    const drills = engine();
    const lines = captureLogs(drills);
    const point = world.addRecoveryPoint({ table: 'orders', ageMinutes: 120 });
    const job = world.backup.runRestoreTest({ planArn: PLAN, recoveryPointArn: point });
    let afterValidation = 0;
    // The watch's second look (its first poll) fails.
    world.backup.failNext('describeRestoreJob', awsError('ServiceUnavailableException', 'Service unavailable'), {
      when: () => world.backup.restoreTests.get(job.restoreJobId)?.validation !== undefined && ++afterValidation === 2,
    });
    world.clock.advance(10_000);
    const summary = await world.invoke(restoreTestEvent({ ...job, recoveryPointArn: point }, PLAN), { engine: drills });
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'could not check the restore test copy deletion; the next scheduled run looks again',
        extra: { error: expect.stringMatching(/^DescribeRestoreJob ServiceUnavailableException/) },
      },
    ]);
    expect(await watched()).toEqual([summary.drills[0].drillId]);
  });

  test('the scheduled run’s look fails: a warning naming DescribeRestoreJob', async () => {
    await reportedRestoreTest();
    const drills = engine();
    const lines = captureLogs(drills);
    world.backup.failNext('describeRestoreJob', awsError('ThrottlingException', 'Rate exceeded'));
    await world.invoke(scheduledEvent(), { engine: drills });
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.extra)).toEqual([
      { error: expect.stringMatching(/^DescribeRestoreJob ThrottlingException/) },
    ]);
  });

  test('the FAILED deletion’s message cannot be published: a warning naming Publish, and the next run sends it', async () => {
    const { restoreJobId, drillId } = await reportedRestoreTest();
    world.backup.setDeletionStatus(restoreJobId, 'FAILED', 'Table is protected from deletion');
    const drills = engine();
    const lines = captureLogs(drills);
    world.notifier.failNext('publish', awsError('InternalErrorException', 'Internal error'));
    await world.invoke(scheduledEvent(), { engine: drills });
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.extra)).toEqual([
      { error: expect.stringMatching(/^Publish InternalErrorException/) },
    ]);
    expect(world.historyRecord(drillId)?.restoreTest?.deletion).toBeUndefined();
    await world.invoke(scheduledEvent(), { engine: engine() });
    expect(
      world
        .published()
        .slice(1)
        .map((n) => n.topic),
    ).toEqual(['reports', 'failures']);
  });

  test('a run died after recording the FAILED deletion but before ending the watch: the next run ends it, sends nothing, logs no deletion', async () => {
    const { restoreJobId, drillId } = await reportedRestoreTest();
    world.backup.setDeletionStatus(restoreJobId, 'FAILED', 'Table is protected from deletion');
    await world.invoke(scheduledEvent(), { engine: engine() });
    await world.history.watchDeletion(drillId, true);
    const drills = engine();
    const lines = captureLogs(drills);
    expect((await world.invoke(scheduledEvent(), { engine: drills })).awaitingDeletion).toHaveLength(1);
    expect(world.published()).toHaveLength(3);
    expect(lines.map((l) => l.message)).not.toContain('AWS Backup deleted the restore test copy');
    expect(lines.filter((l) => l.level !== 'info')).toEqual([]);
    expect(await watched()).toEqual([]);
  });
});
