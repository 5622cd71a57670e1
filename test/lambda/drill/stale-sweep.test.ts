import type { DrillRecord } from '../../../lambda/domain/drill-record';
import { restoreMetadata } from '../../../lambda/drill/restore-metadata';
import { FlowWorld, orderItems, PREFIX, RESTORE_ROLE_ARN, scheduledEvent, tableArn } from '../support/flow-world';

/**
 * Which open drills a scheduled run's sweep takes up (resumeStaleDrills): those started more than
 * 16 minutes ago (longer than any invocation lives) whose lease, if any, has run out. One just
 * inside either line is left to whoever may still hold it. A stale drill waiting for its report
 * shows it: the sweep sends the report, and the run's summary lists the drill. A stale restore
 * still running is looked at once and left to its event, never waited for: the sweep runs before
 * the run's own drills.
 */

const minute = 60_000;
const STALE_AFTER_MS = 16 * minute;

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
});

/** A drill whose verdict is recorded (REPORTING) but whose report was never sent, started `ageMs` ago. */
async function unreportedDrill(drillId: string, ageMs: number, lease?: { owner: string; until: number }): Promise<void> {
  const now = world.clock.now();
  const record: DrillRecord = {
    drillId,
    sourceTable: 'orders',
    sourceTableArn: tableArn('orders'),
    trigger: 'schedule',
    startedAt: new Date(now - ageMs).toISOString(),
    status: 'REPORTING',
    restoredTableName: `${PREFIX}orders-${drillId}`,
    outcome: {
      verdict: 'PASS',
      checks: [{ check: 'restored', status: 'PASS', summary: 'restore job COMPLETED' }],
      cleanup: { result: 'deleted', tableName: `${PREFIX}orders-${drillId}`, detail: 'deleted' },
      finishedAt: new Date(now - ageMs + 10 * minute).toISOString(),
    },
    ...(lease ? { leaseOwner: lease.owner, leaseUntil: lease.until } : {}),
  };
  await world.history.create(record);
}

/** A run with no table to drill: only the sweeps work. */
const sweep = () => world.invoke(scheduledEvent(), { engine: world.engine({ tables: [] }) });
const reportedDrills = () => world.published().map((report) => report.json.drillId);

test('a drill started more than 16 minutes ago is taken up; one started exactly 16 minutes ago is not yet', async () => {
  await unreportedDrill('20261128t054400z-stale', STALE_AFTER_MS + 1);
  await unreportedDrill('20261128t054400z-recent', STALE_AFTER_MS);
  const summary = await sweep();
  expect(summary.drills).toEqual([expect.objectContaining({ drillId: '20261128t054400z-stale', status: 'finished', verdict: 'PASS' })]);
  expect(reportedDrills()).toEqual(['20261128t054400z-stale']);
  expect(world.historyRecord('20261128t054400z-recent')).toMatchObject({ status: 'REPORTING' });
});

test('a stale drill whose lease runs out only now, or later, is left to its holder; one whose lease ran out is taken up', async () => {
  const now = world.clock.now();
  await unreportedDrill('20261128t050000z-expired', 60 * minute, { owner: 'request-gone', until: now - 1 });
  await unreportedDrill('20261128t050000z-ending', 60 * minute, { owner: 'request-busy', until: now });
  await unreportedDrill('20261128t050000z-held', 60 * minute, { owner: 'request-busy', until: now + 5 * minute });
  const summary = await sweep();
  expect(summary.drills).toEqual([expect.objectContaining({ drillId: '20261128t050000z-expired', status: 'finished' })]);
  expect(reportedDrills()).toEqual(['20261128t050000z-expired']);
  expect(world.historyRecord('20261128t050000z-ending')).toMatchObject({ status: 'REPORTING', leaseOwner: 'request-busy' });
  expect(world.historyRecord('20261128t050000z-held')).toMatchObject({ status: 'REPORTING', leaseOwner: 'request-busy' });
});

test('a stale drill whose restore still runs: looked at once, no wait and no lease, handed over with the job as seen', async () => {
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
  const point = world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
  const drillId = '20261128t050000z-restoring';
  const restoredTableName = `${PREFIX}orders-${drillId}`;
  const restoreJobId = (await world.backup.startRestoreJob({
    recoveryPointArn: point,
    metadata: restoreMetadata(restoredTableName),
    iamRoleArn: RESTORE_ROLE_ARN,
    idempotencyToken: drillId,
  }))!;
  // The invocation that started it died before it handed the drill over: no job facts recorded.
  await world.history.create({
    drillId,
    sourceTable: 'orders',
    sourceTableArn: tableArn('orders'),
    trigger: 'schedule',
    startedAt: new Date(world.clock.now() - 60 * minute).toISOString(),
    status: 'RESTORING',
    restoredTableName,
    restoreJobId,
    restoreStartedAt: new Date(world.clock.now() - 60 * minute).toISOString(),
  });
  const started = world.clock.now();
  const summary = await sweep();
  expect(summary.drills).toEqual([{ drillId, table: 'orders', status: 'waiting', restoreJobId }]);
  expect(world.backup.calls('describeRestoreJob')).toEqual([[restoreJobId]]);
  expect(world.clock.now()).toBe(started);
  expect(world.history.calls('claim')).toEqual([]);
  expect(world.historyRecord(drillId)).toMatchObject({ status: 'RESTORING', restoreJob: { restoreJobId, status: 'RUNNING' } });
  expect(world.published()).toEqual([]);
});
