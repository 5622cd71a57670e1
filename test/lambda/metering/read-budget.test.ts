import { ReadBudget, sourceReadPace } from '../../../lambda/metering/read-budget';
import { toTableShape } from '../../../lambda/ports/dynamodb-port';
import { FakeClock } from '../support/fake-clock';

describe('ReadBudget', () => {
  test('the total: charges add up, and a spent budget affords nothing', () => {
    const budget = new ReadBudget(10);
    expect(budget.canAfford(10)).toBe(true);
    expect(budget.charge(4)).toBe(true);
    expect(budget.remainingUnits).toBe(6);
    expect(budget.canAfford(7)).toBe(false);
    expect(budget.charge(6)).toBe(false);
    expect(budget.canAfford(0)).toBe(false);
  });

  test('the pace: waits so that consumed units never run ahead of rate x elapsed time', async () => {
    const clock = new FakeClock();
    const budget = new ReadBudget(1_000, { unitsPerSecond: 10, clock, timeLeftMs: () => 60_000 });
    const start = clock.now();
    expect(await budget.pace()).toBe(true); // nothing read yet: no wait
    budget.charge(5);
    expect(await budget.pace()).toBe(true); // 5 units at 10/s: the next read half a second after the first
    expect(clock.now() - start).toBe(500);
    budget.charge(20);
    await budget.pace();
    expect(clock.now() - start).toBe(2_500);
    // Time spent elsewhere counts: no wait when the reads are already slower than the rate.
    clock.advance(10_000);
    budget.charge(1);
    await budget.pace();
    expect(clock.sleeps).toEqual([500, 2_000]);
  });

  test('a wait longer than the time left is refused, not slept: the caller stops reading', async () => {
    const clock = new FakeClock();
    let timeLeftMs = 60_000;
    const budget = new ReadBudget(1_000, { unitsPerSecond: 1, clock, timeLeftMs: () => timeLeftMs });
    budget.charge(128); // one 1 MB page: 128 s at 1 unit/s
    expect(await budget.pace()).toBe(false);
    expect(clock.sleeps).toEqual([]);
    timeLeftMs = 200_000;
    expect(await budget.pace()).toBe(true);
    expect(clock.sleeps).toEqual([128_000]);
  });

  test('wouldOutlast: a read that takes longer at the pace than the time left', () => {
    const budget = new ReadBudget(1_000_000, { unitsPerSecond: 2.5, clock: new FakeClock(), timeLeftMs: () => 780_000 });
    expect(budget.wouldOutlast(1_000)).toBe(false); // 400 s
    expect(budget.wouldOutlast(12_800)).toBe(true); // 5,120 s
    expect(budget.secondsFor(12_800)).toBe(5_120);
    expect(new ReadBudget(10).wouldOutlast(1e9)).toBe(false);
  });

  test('without a rate it never waits', async () => {
    const clock = new FakeClock();
    const budget = new ReadBudget(1_000);
    budget.charge(999);
    await budget.pace();
    expect(clock.sleeps).toEqual([]);
    expect(budget.unitsPerSecond).toBeUndefined();
  });
});

describe('sourceReadPace', () => {
  test('on-demand tables: the configured rate', () => expect(sourceReadPace(200, undefined)).toBe(200));
  test('tables with a read capacity: at most a quarter of it', () => {
    expect(sourceReadPace(200, 100)).toBe(25);
    expect(sourceReadPace(200, 4_000)).toBe(200);
  });

  test("the read capacity comes from DescribeTable: provisioned RCU, or on-demand's maximum read request units", () => {
    const base = { TableName: 't', TableStatus: 'ACTIVE' as const, KeySchema: [], AttributeDefinitions: [] };
    expect(toTableShape({ ...base, ProvisionedThroughput: { ReadCapacityUnits: 40, WriteCapacityUnits: 5 } }).readCapacityUnits).toBe(40);
    const onDemand = {
      ...base,
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' as const },
      ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    };
    expect(toTableShape(onDemand).readCapacityUnits).toBeUndefined();
    expect(toTableShape({ ...onDemand, OnDemandThroughput: { MaxReadRequestUnits: -1 } }).readCapacityUnits).toBeUndefined();
    expect(toTableShape({ ...onDemand, OnDemandThroughput: { MaxReadRequestUnits: 800 } }).readCapacityUnits).toBe(800);
  });
});
