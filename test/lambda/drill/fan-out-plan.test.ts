import { fanOutPlan, PARTIALS_BUDGET_BYTES } from '../../../lambda/drill/fan-out-plan';
import { copyShape as shape, FAN_OUT } from './fan-out-plan-fixtures';

/** The drill's switch to fan-out: the copy's size at the measured rate against the time the checks have. */

const THIRTEEN_MINUTES = 13 * 60_000;

describe('fanOutPlan', () => {
  test('no state machine, or no copy: never', () => {
    expect(fanOutPlan(undefined, { restored: shape({ itemCount: 1e9 }) }, THIRTEEN_MINUTES)).toBeUndefined();
    expect(fanOutPlan(FAN_OUT, { source: shape({ itemCount: 1e9 }) }, THIRTEEN_MINUTES)).toBeUndefined();
  });

  test('at 30,000 items/s and 13 minutes, the line is half the time: 11.7 million 1 KB items', () => {
    expect(fanOutPlan(FAN_OUT, { restored: shape({ itemCount: 11_700_000 }) }, THIRTEEN_MINUTES)).toBeUndefined();
    expect(fanOutPlan(FAN_OUT, { restored: shape({ itemCount: 11_700_001 }) }, THIRTEEN_MINUTES)).toMatchObject({
      estimatedItems: 11_700_001,
    });
  });

  test('counted in 1 KB items: the size / 1 KB when more than the count, the larger of source and copy', () => {
    const big = 20_000_000 * 1024;
    expect(fanOutPlan(FAN_OUT, { restored: shape({ itemCount: 1_000, sizeBytes: big }) }, THIRTEEN_MINUTES)?.estimatedItems).toBe(
      20_000_000,
    );
    expect(
      fanOutPlan(FAN_OUT, { source: shape({ itemCount: 50_000_000 }), restored: shape({ itemCount: 0 }) }, THIRTEEN_MINUTES)
        ?.estimatedItems,
    ).toBe(50_000_000);
  });

  test("workers: the setting, held to the copy's reads (an on-demand copy: 12,000 units x 8 items / 30,000 per worker = 3)", () => {
    const large = { itemCount: 1e9 };
    expect(fanOutPlan(FAN_OUT, { restored: shape(large) }, THIRTEEN_MINUTES)).toEqual({
      estimatedItems: 1e9,
      workers: 3,
      segmentsPerWorker: 4,
      partialBytes: Math.floor(PARTIALS_BUDGET_BYTES / 4),
    });
    // A provisioned copy of 100,000 read units serves 800,000 items/s: the setting binds.
    expect(fanOutPlan(FAN_OUT, { restored: shape({ ...large, readCapacityUnits: 100_000 }) }, THIRTEEN_MINUTES)?.workers).toBe(8);
    // A small provisioned copy still gets one worker.
    expect(fanOutPlan(FAN_OUT, { restored: shape({ ...large, readCapacityUnits: 100 }) }, THIRTEEN_MINUTES)?.workers).toBe(1);
  });
});
