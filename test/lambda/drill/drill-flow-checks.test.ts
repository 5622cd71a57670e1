import { FlowWorld, orderItems, PREFIX, scheduledEvent } from '../support/flow-world';
import { expectCopyDeleted, expectNoCopyLeft } from '../support/flow-expectations';

/**
 * The drill flow when the copy is not what was backed up (a lost index, lost items), when it is
 * too large to read in one invocation, and when its timestamps are written every which way. The
 * checks' own cases are their unit tests'; these prove the flow reports, FAILs and cleans up.
 * (Moved from handler.test.ts.)
 */

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
});

describe('check failures', () => {
  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  const withTolerance = (itemCountTolerancePercent: number) =>
    world.engine({ targets: { ...world.config().targets, itemCountTolerancePercent } });

  test('schema mismatch: a restore missing the GSI fails the schema check', async () => {
    world.nextRestores({ dropGlobalIndexes: true });
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: .* - schema$/);
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'schema',
          status: 'FAIL',
          summary: 'attribute definition customerId:S missing; missing GSI byCustomer',
        }),
      ]),
    );
    expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: report.json.drillId });
    expect(report.json.cleanup.result).toBe('deleted');
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expectCopyDeleted(world);
    expectNoCopyLeft(world);
  });

  test('item count outside the tolerance fails with both counts', async () => {
    world.nextRestores({ mutateItems: (items) => items.slice(0, 37) });
    await world.invoke(scheduledEvent(), { engine: withTolerance(5) });
    const [report] = world.published();
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'item count',
          status: 'FAIL',
          // The three keys the restore lacks, in the order the scan returns them.
          summary: expect.stringMatching(
            /^restored 37, source 40 \(-7\.50%, tolerance 5\.00%\); missing keys, e\.g\.( \{pk=ORDER#003[789], sk=META\}){3}$/,
          ),
          numbers: expect.objectContaining({ restoredItems: 37, sourceItems: 40 }),
        }),
      ]),
    );
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: .* - item count/);
    expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: report.json.drillId });
    expect(report.json.cleanup.result).toBe('deleted');
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expectCopyDeleted(world);
    expectNoCopyLeft(world);
  });

  test('item count inside the tolerance passes', async () => {
    world.nextRestores({ mutateItems: (items) => items.slice(0, 39) });
    await world.invoke(scheduledEvent(), { engine: withTolerance(5) });
    expect(world.published()[0].json.checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ check: 'item count', status: 'PASS' })]),
    );
    expectNoCopyLeft(world);
  });
});

describe('tables too large for one invocation', () => {
  test('the scan stops in time: item checks FAIL "not evaluated", the copy is still deleted and reported', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    // Pages of two items, each taking a simulated minute to read; the invocation has five.
    const isCopy = (tableName: string) => tableName.startsWith(PREFIX);
    world.dynamodb.limitPages(isCopy, 2);
    world.dynamodb.slowPages(isCopy, 60_000);
    const summary = await world.invoke(scheduledEvent(), { remainingMs: 5 * 60_000 });
    // A drill that could not look at the data does not pass.
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    const [report] = world.published();
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'item count',
          status: 'FAIL',
          summary: expect.stringMatching(/^not evaluated: the scan of the restored copy stopped after \d+ items/),
        }),
        expect.objectContaining({ check: 'sample compare', status: 'FAIL' }),
        expect.objectContaining({ check: 'schema', status: 'PASS' }),
      ]),
    );
    const scanned = world.dynamodb.reads.filter((read) => isCopy(read.tableName)).reduce((sum, read) => sum + read.items, 0);
    expect(report.json.reads.restoredScan.items).toBeLessThan(40);
    expect(report.json.reads.restoredScan.items).toBe(scanned);
    expectNoCopyLeft(world);
  });
});

describe('exact item count over mixed timestamp encodings', () => {
  test('ISO text with an offset, fractions, epoch seconds and milliseconds count alike on both sides', async () => {
    const now = world.clock.now();
    const encodings = [
      (ms: number) => ({ S: new Date(ms).toISOString().replace('Z', '+00:00') }),
      (ms: number) => ({ S: new Date(ms + 2 * 3600_000).toISOString().replace('.000Z', '.123+02:00') }),
      (ms: number) => ({ N: String(Math.floor(ms / 1000)) }),
      (ms: number) => ({ N: String(ms) }),
    ];
    // Half the items before the recovery point (created 2 h ago), half after (30 min ago).
    const items = orderItems(40, (i) => ({ createdAt: encodings[i % 4](now - (i % 2 === 0 ? 2 * 3600_000 : 30 * 60_000)) }));
    world.addSourceTable({ name: 'events', items, drill: { createdAtAttribute: 'createdAt' } });
    world.addRecoveryPoint({ table: 'events', ageMinutes: 60, items: items.filter((_, i) => i % 2 === 0) });
    await world.invoke({ tables: ['events'] });
    const [report] = world.published();
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'item count',
          status: 'PASS',
          numbers: expect.objectContaining({ mode: 'exact', restoredItems: 20, sourceItems: 20 }),
        }),
      ]),
    );
  });
});
