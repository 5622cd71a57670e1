import type { CheckDefinition } from '../../../lambda/checks/check';
import { CUSTOM_CHECKS } from '../../../lambda/checks/custom';
import { awsError, serverFault } from '../support/aws-errors';
import { FlowWorld, orderItems, PREFIX, scheduledEvent, tableArn, VAULT } from '../support/flow-world';

/**
 * The drill flow's edges: a custom check nothing is registered under, a check that throws as it
 * begins, a scan of the restored copy that fails, a table that carries the drill prefix but that
 * no drill created. Whatever goes wrong in one check, the others still run, the drill FAILs
 * naming it, and the copy goes.
 */

let world: FlowWorld;

/** The one restored copy was deleted by name, and no other table was. */
function expectCopyDeleted() {
  expect(world.deletedTables()).toEqual([expect.stringMatching(new RegExp(`^${PREFIX}orders-`))]);
  expect(world.copiesLeft()).toEqual([]);
}

/** The statuses of the report's checks by name. */
const statuses = (checks: ReadonlyArray<{ check: string; status: string }>) =>
  Object.fromEntries(checks.map(({ check, status }) => [check, status]));

beforeEach(() => {
  world = new FlowWorld();
});

function ordersWithCustomChecks(customChecks: string[]) {
  world.addSourceTable({ name: 'orders', items: orderItems(40), drill: { customChecks } });
  world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
}

describe('custom checks that cannot run', () => {
  test('a custom check nothing is registered under FAILs by its name, saying how to fix it; the rest still run', async () => {
    ordersWithCustomChecks(['not-registered']);
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.json.verdict).toBe('FAIL');
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: .* - not-registered$/);
    expect(report.json.checks).toContainEqual({
      check: 'not-registered',
      status: 'FAIL',
      summary: 'no custom check is registered as "not-registered"',
      nextStep: 'fix the customChecks setting of this table or register the check (README "Custom checks")',
    });
    // Every other check ran and passed: only the unregistered name failed the drill.
    const others = report.json.checks.filter((c: { check: string }) => c.check !== 'not-registered');
    expect(others.length).toBeGreaterThan(3);
    expect(others.every((c: { status: string }) => c.status === 'PASS')).toBe(true);
    expectCopyDeleted();
  });

  test('a registered custom check runs, and one that throws as it begins FAILs by its name without stopping the others', async () => {
    ordersWithCustomChecks(['fine', 'broken']);
    const fine: CheckDefinition = {
      name: 'fine',
      needs: 'restored-table',
      begin: () => ({ result: async () => ({ check: 'fine', status: 'PASS', summary: 'fine' }) }),
    };
    const broken: CheckDefinition = {
      name: 'broken',
      needs: 'restored-table',
      begin: () => {
        throw new Error('cannot begin');
      },
    };
    await world.invoke(scheduledEvent(), { engine: world.engine({}, { customChecks: { ...CUSTOM_CHECKS, fine, broken } }) });
    const [report] = world.published();
    expect(report.json.verdict).toBe('FAIL');
    expect(report.subject).toMatch(/ - broken$/);
    expect(report.json.checks).toContainEqual(expect.objectContaining({ check: 'fine', status: 'PASS', summary: 'fine' }));
    expect(report.json.checks).toContainEqual({
      check: 'broken',
      status: 'FAIL',
      summary: expect.stringMatching(/^the check could not run: .*cannot begin/),
      nextStep: 'see the drill Lambda logs for this drill id',
    });
    const others = report.json.checks.filter((c: { check: string }) => c.check !== 'broken');
    expect(others.every((c: { status: string }) => c.status === 'PASS')).toBe(true);
    expectCopyDeleted();
  });
});

describe('a scan of the restored copy that fails', () => {
  test('the checks that observe its items FAIL with the error; the checks that do not still decide; the copy goes', async () => {
    world.addSourceTable({ name: 'orders', items: orderItems(40) });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    const passed = await world.invoke(scheduledEvent('2026-11-27T06:00:00Z'));
    expect(passed.drills).toEqual([expect.objectContaining({ verdict: 'PASS' })]);
    const [baseline] = world.published();

    world.dynamodb.failNext('scanItems', serverFault('InternalServerError', 'connection reset'), {
      when: (name) => name.startsWith(PREFIX),
    });
    world.clock.advance(24 * 60 * 60_000);
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    await world.invoke(scheduledEvent('2026-11-28T06:00:00Z'));
    const [, report] = world.published();
    expect(report.json.verdict).toBe('FAIL');
    const before = statuses(baseline.json.checks);
    const after = statuses(report.json.checks);
    // The same checks ran; some FAILed for the scan, and only those that say the check could not run.
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    const failed = report.json.checks.filter((c: { status: string }) => c.status === 'FAIL');
    expect(failed.length).toBeGreaterThan(0);
    for (const check of failed) {
      expect(check).toEqual({
        check: check.check,
        status: 'FAIL',
        summary: expect.stringMatching(/^the check could not run: .*connection reset/),
        nextStep: 'see the drill Lambda logs for this drill id',
      });
    }
    // Those that need no scan (the restore itself, RTO, RPO, the schema) still PASS.
    expect(after).toMatchObject({ restored: 'PASS', RTO: 'PASS', RPO: 'PASS', schema: 'PASS' });
    expect(world.copiesLeft()).toEqual([]);
  });
});

describe('the leftover sweep', () => {
  test('a table that carries the drill prefix and a drill id but that no drill recorded is left alone', async () => {
    world.addSourceTable({ name: 'orders', items: orderItems(40) });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    const stranger = `${PREFIX}orders-20261101t060000z-0123abcd`;
    // Not a source table the drill covers: just a table in the account.
    world.dynamodb.createTable(
      {
        TableName: stranger,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
      [{ pk: { S: 'a' } }, { pk: { S: 'b' } }, { pk: { S: 'c' } }],
    );
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'PASS' })]);
    expect(summary).toMatchObject({ leftoverCopies: [] });
    expect(world.deletedTables()).toEqual([expect.stringMatching(new RegExp(`^${PREFIX}orders-2026112`))]);
    expect(world.dynamodb.tableNames()).toContain(stranger);
    expect(world.dynamodb.itemsOf(stranger)).toHaveLength(3);
  });
});

describe('the stale-drill sweep', () => {
  test('a drill whose restore still runs when the next schedule sweeps it is handed over again, not judged, its copy kept', async () => {
    world.addSourceTable({ name: 'orders', items: orderItems(40) });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
    const first = await world.invoke(scheduledEvent('2026-11-28T06:00:00Z'), { remainingMs: 5 * 60_000 });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'waiting', restoreJobId: 'restore-job-1' })]);
    const [{ drillId }] = first.drills;

    // The restore's event was lost; the next schedule finds the drill stale, its restore still running.
    world.clock.advance(24 * 60 * 60_000);
    const next = await world.invoke(scheduledEvent('2026-11-29T06:00:00Z'), { remainingMs: 5 * 60_000 });
    expect(next.drills).toContainEqual(expect.objectContaining({ drillId, status: 'waiting', restoreJobId: 'restore-job-1' }));
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'RESTORING' });
    expect(world.published().filter((report) => report.json.drillId === drillId)).toEqual([]);
    expect(world.copiesLeft()).toContainEqual(expect.stringMatching(new RegExp(`^${PREFIX}orders-${drillId}$`)));

    // Its restore finishes; the sweep after that judges it and deletes its copy.
    world.completeRestore('restore-job-1');
    world.clock.advance(24 * 60 * 60_000);
    const after = await world.invoke(scheduledEvent('2026-11-30T06:00:00Z'), { remainingMs: 5 * 60_000 });
    expect(after.drills).toContainEqual(expect.objectContaining({ drillId, status: 'finished', verdict: expect.any(String) }));
    expect(world.published().filter((report) => report.json.drillId === drillId)).toHaveLength(1);
    expect(world.copiesLeft()).not.toContainEqual(expect.stringMatching(new RegExp(`${drillId}$`)));
  });
});

describe('nothing to restore', () => {
  test('a table in the drill settings that does not exist and has no recovery point: remove it or restore it', async () => {
    const engine = world.engine({ tables: [{ tableName: 'gone', tableArn: tableArn('gone') }] });
    const summary = await world.invoke(scheduledEvent(), { engine });
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'FAIL' })]);
    expect(world.backup.calls('startRestoreJob')).toEqual([]);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill gone: .* - no recovery point$/);
    expect(report.json.failure).toBe(
      `no recovery point: no recovery point of gone in vault ${VAULT}, and the table does not exist — remove it from the drill settings, or restore it`,
    );
  });

  test('one recovery point that never completed, searched in two vaults: both said in the singular and the plural', async () => {
    world.addSourceTable({ name: 'orders', items: orderItems(40) });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60, status: 'PARTIAL' });
    const engine = world.engine({ vaultNames: [VAULT, 'second-vault'] });
    await world.invoke(scheduledEvent(), { engine });
    const [report] = world.published();
    expect(report.json.failure).toBe(
      `no recovery point: 1 recovery point of orders in vaults ${VAULT}, second-vault, none COMPLETED (1 PARTIAL) — backup jobs of this table do not complete; see them in the AWS Backup console (Jobs)`,
    );
  });
});

describe('a lease lost mid-drill', () => {
  beforeEach(() => {
    world.addSourceTable({ name: 'orders', items: orderItems(40) });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  /** The history refuses this invocation's update to `status`, as it does once another invocation holds the drill's lease. */
  function loseLeaseAt(status: string) {
    const update = world.history.update.bind(world.history);
    jest
      .spyOn(world.history, 'update')
      .mockImplementation(async (drillId, fields, options) => (fields.status === status ? false : update(drillId, fields, options)));
  }

  test('while checking: the checks are not recorded, the copy is neither deleted nor reported; the holder finishes it', async () => {
    loseLeaseAt('CLEANING');
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'in-progress-elsewhere' })]);
    const [{ drillId }] = summary.drills;
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'RESTORING' });
    expect(world.historyRecord(drillId)?.checked).toBeUndefined();
    expect(world.deletedTables()).toEqual([]);
    expect(world.copiesLeft()).toHaveLength(1);
    expect(world.notifier.calls('publish')).toEqual([]);
  });

  test('while cleaning up: the copy is deleted, but the verdict is neither recorded nor reported; the holder reports it', async () => {
    loseLeaseAt('REPORTING');
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'in-progress-elsewhere' })]);
    const [{ drillId }] = summary.drills;
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'CLEANING' });
    expect(world.historyRecord(drillId)?.outcome).toBeUndefined();
    expectCopyDeleted();
    expect(world.notifier.calls('publish')).toEqual([]);
  });
});

describe('a FAIL report to two topics', () => {
  const FAILURE_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:drill-failures';
  const topicsPublishedTo = () => world.notifier.calls('publish').map(([topic]) => topic);

  beforeEach(() => {
    // No recovery point: the drill FAILs early, and its report goes to both topics.
    world.addSourceTable({ name: 'orders', items: orderItems(40) });
  });

  test('moved on by another invocation after the first topic: this one stops, the other sends the rest', async () => {
    const update = world.history.update.bind(world.history);
    jest
      .spyOn(world.history, 'update')
      .mockImplementation(async (drillId, fields, options) =>
        fields.publishedTo && fields.status === undefined ? false : update(drillId, fields, options),
      );
    const summary = await world.invoke(scheduledEvent(), { engine: world.engine({ failureTopicArn: FAILURE_TOPIC_ARN }) });
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'in-progress-elsewhere' })]);
    expect(topicsPublishedTo()).toEqual(['reports']);
  });

  test('the failure topic gone from the settings before the retry: the report sent to the report topic stands, the drill finishes', async () => {
    world.notifier.failNext('publish', awsError('InternalErrorException', 'Internal error', 'server'), {
      when: (to) => to === 'failures',
    });
    const event = scheduledEvent();
    await expect(world.invoke(event, { engine: world.engine({ failureTopicArn: FAILURE_TOPIC_ARN }) })).rejects.toThrow(/report not sent/);
    expect(topicsPublishedTo()).toEqual(['reports', 'failures']);

    const retried = await world.invoke(event);
    expect(retried.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(topicsPublishedTo()).toEqual(['reports', 'failures']);
    const [{ drillId }] = retried.drills;
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'FINISHED', publishedTo: ['reports'], reportedAt: expect.any(String) });
  });
});

describe('waiting for the copy to go', () => {
  beforeEach(() => {
    world.addSourceTable({ name: 'orders', items: orderItems(40) });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  /** The DescribeTable calls of the copy after the drill's DeleteTable of it. */
  function describesAfterDelete(): number {
    const calls = world.dynamodb.all();
    const deleteAt = calls.findIndex((call) => call.op === 'deleteTable');
    const copy = calls[deleteAt].args[0];
    return calls.slice(deleteAt + 1).filter((call) => call.op === 'describeTable' && call.args[0] === copy).length;
  }

  test('a copy gone within seconds is reported deleted, confirmed by DescribeTable', async () => {
    world.dynamodb.slowDeletes(12_000);
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.json.cleanup).toEqual({
      result: 'deleted',
      tableName: expect.stringMatching(/^drill-copy-orders-/),
      detail: expect.stringMatching(/^deleted drill-copy-orders-/),
    });
    // Polled every tablePollSeconds (5 s) until gone: at 0, 5 and 10 s DELETING, at 15 s gone.
    expect(describesAfterDelete()).toBe(4);
    expect(world.copiesLeft()).toEqual([]);
  });

  test('a copy still DELETING after 30 s: the drill stops waiting and reports the delete as accepted', async () => {
    world.dynamodb.slowDeletes(10 * 60_000);
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.json.verdict).toBe('PASS');
    expect(report.json.cleanup).toEqual({
      result: 'deleted',
      tableName: expect.stringMatching(/^drill-copy-orders-/),
      detail: expect.stringMatching(/^deleting drill-copy-orders-.* \(DeleteTable accepted, still DELETING\)$/),
    });
    // Polled for the 30 s the confirmation may take, every 5 s, then no more.
    expect(describesAfterDelete()).toBe(6);
  });
});
