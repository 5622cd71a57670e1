import { awsError, serverFault, throttled } from '../support/aws-errors';
import { FlowWorld, orderItems, restoreJobEvent, scheduledEvent } from '../support/flow-world';
import { expectCopyDeleted, expectNoCopyLeft } from '../support/flow-expectations';

/**
 * The drill flow across invocations: restores that outlast one, events delivered twice,
 * invocations racing, killed or retried by Lambda. Whatever happens, one restore, one report
 * (or, where the window cannot be closed, the same report again) and no copy left. (Moved from
 * handler.test.ts.)
 */

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
  world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
});

const publishCalls = () => world.notifier.calls('publish');

describe('long restores and duplicates', () => {
  test('out of invocation time: hands over, then the Restore Job State Change event finishes the drill once', async () => {
    world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
    const first = await world.invoke(scheduledEvent(), { remainingMs: 5 * 60_000 });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'waiting', restoreJobId: 'restore-job-1' })]);
    expect(publishCalls()).toEqual([]);
    // The restored copy exists (the restore is writing it) and must survive the hand-over.
    expect(world.copiesLeft()).toHaveLength(1);

    world.clock.advance(40 * 60_000);
    world.completeRestore('restore-job-1');
    const resumed = await world.invoke(restoreJobEvent('restore-job-1', 'COMPLETED'));
    expect(resumed.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expect(publishCalls()).toHaveLength(1);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[PASS\] restore drill orders: RTO \d+m\d*s?, RPO /);
    expect(report.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId: report.json.drillId });
    expect(report.json).toMatchObject({
      drillId: first.drills[0].drillId,
      restoreJob: { restoreJobId: 'restore-job-1', status: 'COMPLETED' },
      cleanup: { result: 'deleted' },
    });
    // The restore took the hand-over's 40 minutes and more; RTO says so, to the second.
    expect(report.json.checks).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'RTO', status: 'PASS' })]));
    const [job] = world.backup.restoreJobs;
    expect(report.json.restoreJob.durationSeconds).toBeGreaterThanOrEqual(40 * 60);
    expect(report.json.restoreJob.durationSeconds).toBe((job.ended!.at - job.createdAt) / 1000);
    expectCopyDeleted(world);

    // A second delivery of the same restore event finds the drill finished.
    const again = await world.invoke(restoreJobEvent('restore-job-1', 'COMPLETED'));
    expect(again.drills).toEqual([expect.objectContaining({ status: 'already-finished', verdict: 'PASS' })]);
    expect(publishCalls()).toHaveLength(1);
    expectCopyDeleted(world);
    expectNoCopyLeft(world);
  });

  test('the waiting invocation polls with backoff, not in a tight loop', async () => {
    world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
    await world.invoke(scheduledEvent(), { remainingMs: 15 * 60_000 });
    const polls = world.backup.calls('describeRestoreJob').length;
    // 13 minutes of waiting with 15 s minimum gaps and 8% growth: far fewer than 52 polls.
    expect(polls).toBeGreaterThan(5);
    expect(polls).toBeLessThan(35);
    expect(Math.min(...world.clock.sleeps.filter((ms) => ms >= 10_000))).toBeGreaterThanOrEqual(15_000);
  });

  test('the same scheduled event delivered twice in a row: one restore, one report', async () => {
    const event = scheduledEvent();
    await world.invoke(event);
    const second = await world.invoke(event);
    expect(second.drills).toEqual([expect.objectContaining({ status: 'already-finished', verdict: 'PASS' })]);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expect(publishCalls()).toHaveLength(1);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[PASS\] restore drill orders: /);
    expect(report.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId: report.json.drillId });
    expect(report.json.drillId).toBe(second.drills[0].drillId);
    expectCopyDeleted(world);
    expectNoCopyLeft(world);
  });

  test('the same event handled by two racing invocations: one restore job, one report', async () => {
    const event = scheduledEvent();
    const results = await Promise.all([world.invoke(event, { requestId: 'racer-a' }), world.invoke(event, { requestId: 'racer-b' })]);
    const statuses = results.flatMap((r) => r.drills.map((d) => d.status)).sort();
    expect(statuses).toContain('finished');
    expect(statuses.filter((s) => s === 'finished')).toHaveLength(1);
    expect(world.backup.restoreJobs).toHaveLength(1);
    expect(publishCalls()).toHaveLength(1);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[PASS\] restore drill orders: /);
    expect(report.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId: report.json.drillId });
    expectCopyDeleted(world);
    expectNoCopyLeft(world);
  });
});

describe('interrupted and racing invocations', () => {
  test('dies after deleting the copy, before recording the verdict: the retry reports the checks it recorded', async () => {
    world.history.failNext('update', serverFault('InternalServerError', 'connection reset'), {
      when: (_drillId, fields) => fields.status === 'REPORTING',
    });
    const event = scheduledEvent();
    await expect(world.invoke(event)).rejects.toThrow(/did not complete/);
    expect(world.copiesLeft()).toEqual([]);
    expect(publishCalls()).toEqual([]);

    world.clock.advance(20 * 60_000); // Lambda's retry comes after the lease has run out
    const retry = await world.invoke(event);
    // The retry's sweep finishes the drill; its own start of the same drill then finds it done.
    expect(retry.drills.map((d) => d.status)).toEqual(['finished', 'already-finished']);
    expect(retry.drills[0]).toMatchObject({ verdict: 'PASS' });
    const [report] = world.published();
    expect(report.json.checks.every((c: { status: string }) => c.status === 'PASS')).toBe(true);
    expect(report.json.cleanup).toMatchObject({ result: 'absent' });
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expectNoCopyLeft(world);
  });

  test('killed mid-check: a retry within the lease stands back, one after it finishes the drill once', async () => {
    // The first invocation hangs on its source count, as a Lambda does when it runs out of time.
    world.dynamodb.hangNext('countItems', { when: (tableName) => tableName === 'orders' });
    const event = scheduledEvent();
    void world.invoke(event, { remainingMs: 15 * 60_000, requestId: 'killed' });
    for (let i = 0; i < 200 && !world.dynamodb.calls('countItems').some(([tableName]) => tableName === 'orders'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(world.dynamodb.calls('countItems')).toContainEqual(['orders', expect.anything()]);
    const early = await world.invoke(event, { requestId: 'retry-1' });
    expect(early.drills).toEqual([expect.objectContaining({ status: 'in-progress-elsewhere' })]);

    world.clock.advance(16 * 60_000);
    const late = await world.invoke(event, { requestId: 'retry-2' });
    expect(late.drills.map((d) => d.status)).toEqual(['finished', 'already-finished']);
    expect(late.drills[0]).toMatchObject({ verdict: 'PASS' });
    expect(publishCalls()).toHaveLength(1);
    expectNoCopyLeft(world);
  });

  test('racing twins: only one starts the restore, so a throttled second StartRestoreJob cannot FAIL the drill', async () => {
    world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
    // A second StartRestoreJob, were one sent, would be throttled.
    world.backup.failNext('startRestoreJob', throttled(), { when: () => world.backup.calls('startRestoreJob').length === 2 });
    const event = scheduledEvent();
    const results = await Promise.all([
      world.invoke(event, { requestId: 'twin-a', remainingMs: 5 * 60_000 }),
      world.invoke(event, { requestId: 'twin-b', remainingMs: 5 * 60_000 }),
    ]);
    expect(results.flatMap((r) => r.drills.map((d) => d.status)).sort()).toEqual(['in-progress-elsewhere', 'waiting']);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expect(publishCalls()).toEqual([]);

    world.completeRestore('restore-job-1');
    world.clock.advance(40 * 60_000);
    await world.invoke(restoreJobEvent('restore-job-1', 'COMPLETED'));
    expect(world.published().map((r) => r.attributes.verdict)).toEqual(['PASS']);
    expectNoCopyLeft(world);
  });

  test('a restore that ends with too little time left to check it is left to its event', async () => {
    // Done after about a minute of polling, with under twice the 2-minute reserve left.
    world.nextRestores({ durationMs: 60_000 });
    const first = await world.invoke(scheduledEvent(), { remainingMs: 4.5 * 60_000 });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'waiting' })]);
    const resumed = await world.invoke(restoreJobEvent('restore-job-1', 'COMPLETED'));
    expect(resumed.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expectNoCopyLeft(world);
  });

  test('a lost Restore Job State Change event: the next scheduled run finishes the drill first thing', async () => {
    world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
    const first = await world.invoke(scheduledEvent('2026-11-28T06:00:00Z'), { remainingMs: 5 * 60_000 });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'waiting' })]);
    world.completeRestore('restore-job-1');
    world.clock.advance(24 * 3600_000);
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.nextRestores({});
    const next = await world.invoke(scheduledEvent('2026-11-29T06:00:00Z'));
    expect(next.drills.map((d) => [d.drillId, d.status])).toEqual([
      [first.drills[0].drillId, 'finished'],
      [expect.not.stringMatching(first.drills[0].drillId), 'finished'],
    ]);
    expect(publishCalls()).toHaveLength(2);
    expectNoCopyLeft(world);
  });

  test('a manual invocation retried by Lambda (same request id, later time) continues the same drill', async () => {
    world.notifier.failNext('publish', awsError('InternalErrorException', 'Internal error', 'server'));
    await expect(world.invoke({ tables: ['orders'] }, { requestId: 'manual-1' })).rejects.toThrow(/report not sent/);
    world.clock.advance(2 * 60_000);
    const retry = await world.invoke({ tables: ['orders'] }, { requestId: 'manual-1' });
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expect(publishCalls()).toHaveLength(2);
    expectNoCopyLeft(world);
  });
});
