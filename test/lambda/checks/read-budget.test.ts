import { ReadBudget, sourceReadPace } from '../../../lambda/checks/read-budget';
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
    const budget = new ReadBudget(1_000, { unitsPerSecond: 10, clock });
    const start = clock.now();
    budget.charge(5);
    await budget.pace(); // 5 units at 10/s: allowed half a second after the first read
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
  test('provisioned tables: at most a quarter of the read capacity', () => {
    expect(sourceReadPace(200, 100)).toBe(25);
    expect(sourceReadPace(200, 4_000)).toBe(200);
  });

  test('the provisioned capacity comes from DescribeTable, and only for PROVISIONED tables', () => {
    const base = { TableName: 't', TableStatus: 'ACTIVE' as const, KeySchema: [], AttributeDefinitions: [] };
    expect(toTableShape({ ...base, ProvisionedThroughput: { ReadCapacityUnits: 40, WriteCapacityUnits: 5 } }).provisionedReadUnits).toBe(40);
    expect(
      toTableShape({
        ...base,
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
        ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
      }).provisionedReadUnits,
    ).toBeUndefined();
  });
});
