import type { RestoreTestingConfig } from '../../../lambda/config';
import { orderItems, scheduledEvent, tableArn } from '../support/flow-world';
import { NativeWorld, ownPlan, planArn, restoreTestEvent } from '../support/native-world';

/**
 * Native mode through the handler: AWS Backup's restore testing plan restores a recovery point,
 * its job's "Restore Job State Change" reaches the handler, and the drill checks the copy, reports
 * and tells AWS Backup the verdict. Which plans are taken (own, adopted by ARN or by name), how
 * the report says the point was chosen, and which restore job the drill is.
 */

const OWN = planArn('drill_plan-7a1b2c');
let world: NativeWorld;
let point: string;

beforeEach(() => {
  world = new NativeWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(30) });
  point = world.addRecoveryPoint({ table: 'orders', ageMinutes: 120 });
});

/** The plan's job restores `recoveryPointArn`, ends 10 s later, and its event reaches the handler. */
async function restoreTest(
  restoreTesting: RestoreTestingConfig | undefined,
  plan: string,
  spec: { restoreJobId?: string; recoveryPointArn?: string } = {},
) {
  const job = world.backup.runRestoreTest({
    planArn: plan,
    recoveryPointArn: spec.recoveryPointArn ?? point,
    restoreJobId: spec.restoreJobId,
  });
  world.clock.advance(10_000);
  const summary = await world.invoke(restoreTestEvent({ ...job, recoveryPointArn: spec.recoveryPointArn ?? point }, plan), {
    engine: world.engine({ restoreTesting }),
  });
  return { ...job, summary };
}

describe('which plan the report says chose the point', () => {
  test.each([
    ['latest', 7, 'LATEST_WITHIN_WINDOW, 7 days'],
    ['random', 3, 'RANDOM_WITHIN_WINDOW, 3 days'],
  ] as const)('the own plan (%s, %i days): its name, algorithm and window', async (policy, windowDays, said) => {
    const { summary, restoreJobId } = await restoreTest(ownPlan(OWN, { policy, windowDays }), OWN);
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    const record = world.historyRecord(summary.drills[0].drillId);
    expect(record?.recoveryPoint?.selectedBy).toBe(`restore testing plan drill_plan-7a1b2c (${said})`);
    expect(record?.restoreTest).toMatchObject({ planArn: OWN, validationWindowHours: 4 });
    expect(record?.recoveryPoint).toMatchObject({ recoveryPointArn: point, backupVaultName: 'drill-vault' });
    expect(record?.restoreJobId).toBe(restoreJobId);
    expect(world.published()[0].email).toContain(`chosen by     restore testing plan drill_plan-7a1b2c (${said})`);
  });

  test('a plan adopted by name (ARN prefix ending in "-"): taken, named without an algorithm, no validation window of ours', async () => {
    const adopted = planArn('ops_plan-9z8y7x');
    const { summary } = await restoreTest({ adoptedPlans: [planArn('ops_plan-')] }, adopted);
    const record = world.historyRecord(summary.drills[0].drillId);
    expect(record?.recoveryPoint?.selectedBy).toBe('restore testing plan ops_plan-9z8y7x');
    expect(record?.restoreTest).toEqual({ planArn: adopted, validationWindowHours: undefined, validation: expect.anything() });
  });

  test('a plan adopted by exact ARN: that plan only, not one whose ARN merely starts with it', async () => {
    const adopted = planArn('ops_plan-abc');
    const taken = await restoreTest({ adoptedPlans: [adopted] }, adopted);
    expect(taken.summary.drills).toEqual([expect.objectContaining({ status: 'finished' })]);
    expect(world.historyRecord(taken.summary.drills[0].drillId)?.recoveryPoint?.selectedBy).toBe('restore testing plan ops_plan-abc');

    const longer = await restoreTest({ adoptedPlans: [adopted] }, planArn('ops_plan-abcd'));
    expect(longer.summary).toMatchObject({ drills: [], ignored: `restore testing plan not validated here: ${planArn('ops_plan-abcd')}` });
  });

  test('the own plan listed among adopted ones still reports its algorithm', async () => {
    const { summary } = await restoreTest({ ...ownPlan(OWN), adoptedPlans: [planArn('ops_plan-')] }, OWN);
    expect(world.historyRecord(summary.drills[0].drillId)?.recoveryPoint?.selectedBy).toBe(
      'restore testing plan drill_plan-7a1b2c (LATEST_WITHIN_WINDOW, 7 days)',
    );
  });

  test.each([
    ['another plan than the own and adopted ones', { ...ownPlan(OWN), adoptedPlans: [planArn('ops_plan-')] }],
    ['no restore testing configured (not native mode)', undefined],
  ])('%s: not taken over, no AWS call, nothing sent', async (_, restoreTesting) => {
    const other = planArn('team_plan-1q2w3e');
    const { summary } = await restoreTest(restoreTesting, other);
    expect(summary).toMatchObject({ drills: [], ignored: `restore testing plan not validated here: ${other}` });
    expect(world.backup.calls('describeRestoreJob')).toEqual([]);
    expect(world.backup.calls('putRestoreValidationResult')).toEqual([]);
    expect(world.published()).toEqual([]);
    expect(await world.history.listOpen()).toEqual([]);
  });

  test('a restore test of a table the drill does not cover: ignored after DescribeRestoreJob names its source', async () => {
    world.addSourceTable({ name: 'invoices', items: orderItems(3) });
    const invoices = world.addRecoveryPoint({ table: 'invoices', ageMinutes: 30 });
    const job = world.backup.runRestoreTest({ planArn: OWN, recoveryPointArn: invoices });
    world.clock.advance(10_000);
    const engine = world.engine({ restoreTesting: ownPlan(OWN), tables: [{ tableName: 'orders', tableArn: tableArn('orders') }] });
    const summary = await world.invoke(restoreTestEvent({ ...job, recoveryPointArn: invoices }, OWN, 'COMPLETED', 'invoices'), { engine });
    expect(summary).toMatchObject({ drills: [], ignored: `not a drilled table: ${tableArn('invoices')}` });
    expect(world.backup.calls('putRestoreValidationResult')).toEqual([]);
  });
});

describe('the restore test is one drill per restore job', () => {
  test('its drill id is the job id lower-cased, characters other than a-z, 0-9 and "-" dropped; the copy is the one AWS Backup named', async () => {
    const { summary, copy } = await restoreTest(ownPlan(OWN), OWN, { restoreJobId: 'AB12_CD.34-Ef' });
    expect(summary.drills).toEqual([expect.objectContaining({ drillId: 'restore-test-ab12cd34-ef', status: 'finished' })]);
    expect(world.historyRecord('restore-test-ab12cd34-ef')).toMatchObject({
      trigger: 'restore-test',
      restoredTableName: copy,
      restoreJobId: 'AB12_CD.34-Ef',
      startedAt: '2026-11-28T06:00:00.000Z',
    });
    expect(copy).toMatch(/^awsbackup-restore-test-/);
  });

  test('the same event again: the recorded drill, no second validation or report', async () => {
    const job = world.backup.runRestoreTest({ planArn: OWN, recoveryPointArn: point });
    world.clock.advance(10_000);
    const engine = world.engine({ restoreTesting: ownPlan(OWN) });
    const event = restoreTestEvent({ ...job, recoveryPointArn: point }, OWN);
    await world.invoke(event, { engine });
    const again = await world.invoke(event, { engine });
    expect(again.drills).toEqual([expect.objectContaining({ drillId: expect.stringMatching(/^restore-test-/) })]);
    expect(world.backup.calls('putRestoreValidationResult')).toHaveLength(1);
    expect(world.published()).toHaveLength(1);
  });
});

describe('the newer recovery point', () => {
  test('the plan restored an older point: the record names the newest, and the RPO is that point’s age', async () => {
    const older = world.addRecoveryPoint({ table: 'orders', ageMinutes: 600 });
    const { summary } = await restoreTest(ownPlan(OWN, { policy: 'random' }), OWN, { recoveryPointArn: older });
    const record = world.historyRecord(summary.drills[0].drillId);
    expect(record?.recoveryPoint).toMatchObject({
      recoveryPointArn: older,
      creationDate: '2026-11-27T20:00:00.000Z',
      newestCreationDate: '2026-11-28T04:00:00.000Z',
    });
    expect(world.published()[0].json.recoveryPoint).toMatchObject({ recoveryPointArn: older, ageSeconds: 2 * 3600 });
  });

  test('the plan restored the newest point: no newer one named', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 600 });
    const { summary } = await restoreTest(ownPlan(OWN), OWN);
    const record = world.historyRecord(summary.drills[0].drillId);
    expect(record?.recoveryPoint).toMatchObject({ recoveryPointArn: point, creationDate: '2026-11-28T04:00:00.000Z' });
    expect(record?.recoveryPoint?.newestCreationDate).toBeUndefined();
  });

  test('the recovery points cannot be listed: the restored point stands for the newest, the drill goes on', async () => {
    world.backup.failNext('listRecoveryPoints', Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { summary } = await restoreTest(ownPlan(OWN), OWN);
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.historyRecord(summary.drills[0].drillId)?.recoveryPoint?.newestCreationDate).toBeUndefined();
  });
});

test('the schedule in native mode starts no drill of its own: AWS Backup’s plan restores', async () => {
  const summary = await world.invoke(scheduledEvent(), { engine: world.engine({ restoreTesting: ownPlan(OWN) }) });
  expect(summary.drills).toEqual([]);
  expect(world.backup.calls('startRestoreJob')).toEqual([]);
});
