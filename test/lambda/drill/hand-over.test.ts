import { FlowWorld, orderItems, scheduledEvent } from '../support/flow-world';

/**
 * When an invocation leaves a restore to its Restore Job State Change event, and when it does
 * not: a restore still running as the time runs short is handed over with the job as last seen
 * recorded; a restore that FAILED near the deadline is judged at once (a failed restore has no
 * copy to check, so it needs no time); a StartRestoreJob that returned its job id needs no
 * listing of the restore jobs.
 */

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
  world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
});

test('still running as the time runs short: handed over, the job as last seen recorded, nothing judged', async () => {
  world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
  const summary = await world.invoke(scheduledEvent(), { remainingMs: 5 * 60_000 });
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'waiting', restoreJobId: 'restore-job-1' })]);
  const [{ drillId }] = summary.drills;
  expect(world.historyRecord(drillId)).toMatchObject({
    status: 'RESTORING',
    restoreJob: { restoreJobId: 'restore-job-1', status: 'RUNNING' },
  });
  expect(world.historyRecord(drillId)?.checked).toBeUndefined();
  // The job id came back from StartRestoreJob: no need to look it up.
  expect(world.backup.calls('listRestoreJobs')).toEqual([]);
});

test('FAILED close to the deadline: judged at once, not handed over', async () => {
  // Ends after about a minute of polling, with under twice the 2-minute reserve left.
  world.nextRestores({ durationMs: 60_000, outcome: 'FAILED', statusMessage: 'Access denied to the KMS key' });
  const summary = await world.invoke(scheduledEvent(), { remainingMs: 4.5 * 60_000 });
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
  const [report] = world.published();
  expect(report.json.restoreJob).toMatchObject({ restoreJobId: 'restore-job-1', status: 'FAILED' });
});
