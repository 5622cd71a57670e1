import type { CheckDefinition, CheckRun } from '../../../lambda/checks/check';
import {
  absorbTotals,
  DEADLINE_MARGIN_MS,
  fanOutPlan,
  fanOutRecord,
  firstState,
  PARTIALS_BUDGET_BYTES,
  withoutScan,
} from '../../../lambda/drill/fan-out-plan';
import type { FanOutFacts, PartialScan } from '../../../lambda/fanout/contract';
import { EMPTY_PARTIAL } from '../../../lambda/fanout/scan-worker';
import { copyShape as shape, FAN_OUT } from './fan-out-plan-fixtures';

/**
 * The fan-out plan's arithmetic at its edges (the estimate's rounding, the workers' floor, the
 * partials' share of the state) and what it hands over: the execution's first state, the record
 * with its deadline, and how the observing checks take the workers' totals or learn they have none.
 */

/** Any copy with an item fans out when the checks have no time at all. */
const NO_TIME = 0;

describe('fanOutPlan edges', () => {
  test('a copy of nothing (no count, no size) never fans out, even with no time', () => {
    expect(fanOutPlan(FAN_OUT, { restored: shape({}) }, NO_TIME)).toBeUndefined();
    expect(fanOutPlan(FAN_OUT, { source: shape({}), restored: shape({ itemCount: 0, sizeBytes: 0 }) }, NO_TIME)).toBeUndefined();
  });

  test('the size counts in whole 1 KB items, rounded up: 1,025 bytes are 2 items, 1,024 are 1', () => {
    expect(fanOutPlan(FAN_OUT, { restored: shape({ itemCount: 1, sizeBytes: 1025 }) }, NO_TIME)?.estimatedItems).toBe(2);
    expect(fanOutPlan(FAN_OUT, { restored: shape({ itemCount: 1, sizeBytes: 1024 }) }, NO_TIME)?.estimatedItems).toBe(1);
    expect(fanOutPlan(FAN_OUT, { restored: shape({ sizeBytes: 3 * 1024 }) }, NO_TIME)?.estimatedItems).toBe(3);
  });

  test('the larger of source and copy, whichever is larger and by count or by size', () => {
    const source = shape({ itemCount: 5, sizeBytes: 10 * 1024 });
    expect(fanOutPlan(FAN_OUT, { source, restored: shape({ itemCount: 7 }) }, NO_TIME)?.estimatedItems).toBe(10);
    expect(fanOutPlan(FAN_OUT, { source, restored: shape({ itemCount: 12, sizeBytes: 1024 }) }, NO_TIME)?.estimatedItems).toBe(12);
  });

  test('the switch at half the time: 2 seconds of items against 4 seconds stays, one item over fans out', () => {
    const fanOut = { ...FAN_OUT, itemsPerSecond: 10 };
    expect(fanOutPlan(fanOut, { restored: shape({ itemCount: 19 }) }, 4_000)).toBeUndefined();
    expect(fanOutPlan(fanOut, { restored: shape({ itemCount: 20 }) }, 4_000)).toBeUndefined();
    expect(fanOutPlan(fanOut, { restored: shape({ itemCount: 21 }) }, 4_000)?.estimatedItems).toBe(21);
  });

  test("workers: whole workers the copy's reads serve, rounded down, the setting the cap", () => {
    const large = { itemCount: 1e9 };
    // 7,500 units x 8 items = 60,000 items/s: two workers exactly; 7,499 units: one.
    expect(fanOutPlan(FAN_OUT, { restored: shape({ ...large, readCapacityUnits: 7_500 }) }, NO_TIME)?.workers).toBe(2);
    expect(fanOutPlan(FAN_OUT, { restored: shape({ ...large, readCapacityUnits: 7_499 }) }, NO_TIME)?.workers).toBe(1);
    // 30,000 units serve 8 workers; the setting of 8 is reached exactly, and 7 holds it to 7.
    expect(fanOutPlan(FAN_OUT, { restored: shape({ ...large, readCapacityUnits: 30_000 }) }, NO_TIME)?.workers).toBe(8);
    expect(fanOutPlan({ ...FAN_OUT, maxWorkers: 7 }, { restored: shape({ ...large, readCapacityUnits: 30_000 }) }, NO_TIME)?.workers).toBe(
      7,
    );
    // A copy that serves less than one worker's rate still gets one.
    expect(fanOutPlan(FAN_OUT, { restored: shape({ ...large, readCapacityUnits: 1 }) }, NO_TIME)?.workers).toBe(1);
  });

  test("each partial's share of the state: the budget over the workers and the combiner's totals, rounded down", () => {
    const plan = fanOutPlan(FAN_OUT, { restored: shape({ itemCount: 1e9, readCapacityUnits: 7_500 }) }, NO_TIME);
    expect(plan).toEqual({ estimatedItems: 1e9, workers: 2, segmentsPerWorker: 4, partialBytes: Math.floor(PARTIALS_BUDGET_BYTES / 3) });
    expect(plan?.partialBytes).toBe(53_333);
  });
});

const FACTS = { drillId: 'd-1', restoredTableName: 'restore-drill-orders-d-1' } as FanOutFacts;
const PLAN = { estimatedItems: 5_000_000, workers: 3, segmentsPerWorker: 2, partialBytes: 40_000 };

describe('what the drill hands over', () => {
  test("the first state: every segment of the copy from its start, the plan's workers at once, empty totals", () => {
    const state = firstState('d-1', FACTS, PLAN, 25);
    expect(state).toEqual({
      drillId: 'd-1',
      facts: FACTS,
      tableName: 'restore-drill-orders-d-1',
      groups: [0, 2, 4].map((first) => ({
        tableName: 'restore-drill-orders-d-1',
        positions: [
          { segment: first, totalSegments: 6 },
          { segment: first + 1, totalSegments: 6 },
        ],
        pageItemLimit: 25,
      })),
      segmentsPerWorker: 2,
      maxConcurrency: 3,
      pageItemLimit: 25,
      totals: { ...EMPTY_PARTIAL, observers: {} },
      done: false,
    });
    expect(firstState('d-1', FACTS, PLAN).pageItemLimit).toBe(0);
  });

  test("the record: workers, segments, the estimate and rate, and the deadline an hour past the state machine's timeout", () => {
    const record = fanOutRecord({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:fan-out:d-1',
      startedAt: '2026-11-28T06:00:00.000Z',
      plan: PLAN,
      facts: FACTS,
      fanOut: { ...FAN_OUT, timeoutHours: 2 },
    });
    expect(DEADLINE_MARGIN_MS).toBe(3_600_000);
    expect(record).toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:fan-out:d-1',
      startedAt: '2026-11-28T06:00:00.000Z',
      workers: 3,
      segments: 6,
      estimatedItems: 5_000_000,
      itemsPerSecond: 30_000,
      deadline: '2026-11-28T09:00:00.000Z',
      facts: FACTS,
    });
  });
});

/** A check run that keeps what it absorbs. */
function observingRun(splits: boolean): CheckRun & { absorbed: unknown[] } {
  const absorbed: unknown[] = [];
  return {
    absorbed,
    observeItem: () => undefined,
    ...(splits ? { partial: () => ({}), absorb: (partial: unknown) => void absorbed.push(partial) } : {}),
    result: async () => ({ check: 'x', status: 'PASS', summary: '' }),
  };
}
const definition = (name: string): CheckDefinition => ({ name, needs: 'restored-table', begin: () => undefined });

describe("the observing checks take the workers' totals", () => {
  const TOTALS: PartialScan = { ...EMPTY_PARTIAL, items: 1_234, readUnits: 56.5, observers: { counted: { n: 7 }, nothing: null } };
  const ARN = 'arn:aws:states:us-east-1:123456789012:execution:fan-out:d-1';

  test("a splittable check absorbs its partial and is evaluated; the scan's items and read units are the totals'", async () => {
    const counted = definition('counted');
    const run = observingRun(true);
    const observed = await absorbTotals(TOTALS, ARN)([[counted, run]], {} as never);
    expect(run.absorbed).toEqual([{ n: 7 }]);
    expect(observed.restoredScan).toEqual({ items: 1_234, readUnits: 56.5 });
    expect(observed.unobserved(counted)).toBeUndefined();
  });

  test('a check with no partial, or a null one, absorbs nothing and FAILs as not evaluated, with the items scanned', async () => {
    const [missing, nothing] = [definition('missing'), definition('nothing')];
    const [missingRun, nothingRun] = [observingRun(true), observingRun(true)];
    const observed = await absorbTotals(TOTALS, ARN)(
      [
        [missing, missingRun],
        [nothing, nothingRun],
      ],
      {} as never,
    );
    expect([missingRun.absorbed, nothingRun.absorbed]).toEqual([[], []]);
    for (const name of ['missing', 'nothing']) {
      expect(observed.unobserved(definition(name))).toMatchObject({
        check: name,
        status: 'FAIL',
        summary: expect.stringContaining(ARN),
        numbers: { scannedItems: 1_234 },
      });
    }
  });

  test('a check that cannot split FAILs even when a partial came back under its name, and absorbs nothing', async () => {
    const counted = definition('counted');
    const run = observingRun(false);
    const observed = await absorbTotals(TOTALS, ARN)([[counted, run]], {} as never);
    expect(run.absorbed).toEqual([]);
    expect(observed.unobserved(counted)).toMatchObject({ check: 'counted', status: 'FAIL' });
    expect(observed.unobserved(counted)?.numbers).toBeUndefined();
  });

  test('without a scan every observing check FAILs as not evaluated, saying why, with no numbers', async () => {
    const observed = await withoutScan('the execution timed out')([], {} as never);
    expect(observed.restoredScan).toBeUndefined();
    const result = observed.unobserved(definition('counted'));
    expect(result).toMatchObject({ check: 'counted', status: 'FAIL', summary: expect.stringContaining('the execution timed out') });
    expect(result?.numbers).toBeUndefined();
  });
});
