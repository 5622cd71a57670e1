import type { FanOutConfig } from '../../../lambda/config';
import type { Engine } from '../../../lambda/drill/engine';
import { handleFanOut } from '../../../lambda/fanout/handler';
import { FakeStepFunctions } from '../support/fakes/fake-step-functions';
import { ACCOUNT, FlowWorld, orderItems, PREFIX, REGION, scheduledEvent } from '../support/flow-world';

/**
 * Fan-out meets the restore queue and the deadline: a drill handed to Step Functions gives its
 * restore slot back at once (its restore has ended), so the next queued drill starts in the same
 * invocation; an execution is waited for up to its deadline exactly and given up one millisecond
 * later; however it ends, the drill records how, with the recovery point's age and the restore's
 * duration as one invocation would.
 */

const STATE_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:restore-drill-fan-out`;
/** One item a second against ~13 minutes of checks: 1,000 items fan out (see fan-out-flow.test.ts). */
const FAN_OUT: FanOutConfig = { stateMachineArn: STATE_MACHINE, maxWorkers: 2, segmentsPerWorker: 1, timeoutHours: 12, itemsPerSecond: 1 };
const LARGE = 1_000;

let world: FlowWorld;
let stepFunctions: FakeStepFunctions;

function setUp(tables: string[]): void {
  world = new FlowWorld();
  for (const name of tables) {
    world.addSourceTable({ name, items: orderItems(LARGE) });
    world.addRecoveryPoint({ table: name, ageMinutes: 180 });
  }
  stepFunctions = new FakeStepFunctions(world.clock);
}

const engineWith = (overrides: Parameters<FlowWorld['engine']>[0] = {}): Engine =>
  world.engine({ fanOut: FAN_OUT, ...overrides }, { stepFunctions });

const tasks = (engine: Engine) => ({
  fanOut: async (payload: Parameters<typeof handleFanOut>[1]) =>
    handleFanOut(engine, payload, { getRemainingTimeInMillis: () => 15 * 60_000 }),
  drill: (payload: unknown) => world.invoke(payload, { engine }),
});

describe('a hand-off frees its restore slot', () => {
  test('one slot, two large tables: the first hands off, its slot goes to the second in the same invocation', async () => {
    setUp(['alpha', 'beta']);
    const engine = engineWith({ maxConcurrentRestores: 1 });
    const summary = await world.invoke(scheduledEvent(), { engine });

    expect(summary.drills.map((d) => d.status)).toEqual(['fanned-out', 'fanned-out']);
    expect(stepFunctions.calls('startExecution')).toHaveLength(2);
    // One restore at a time: the second was asked for only after the first had ended.
    const [first, second] = world.backup.restoreJobs;
    expect(first.createdAt + first.plan.durationMs).toBeLessThanOrEqual(second.createdAt);
    // Each drill took slot 0 and gave it back at its hand-off, while still CHECKING.
    expect(world.history.calls('takeRestoreSlot').filter(([, slots]) => slots === 1)).toHaveLength(2);
    expect(world.history.calls('releaseRestoreSlot').map(([slot, drillId]) => [slot, drillId])).toEqual(
      summary.drills.map((d) => [0, d.drillId]),
    );
    for (const drill of summary.drills) expect(world.historyRecord(drill.drillId)?.status).toBe('CHECKING');
    expect(await world.history.restoreSlotHolders(1)).toEqual([]);
  });

  test('StartExecution refused: the drill keeps its slot while it scans itself, and frees it once the restore is checked', async () => {
    setUp(['alpha']);
    stepFunctions.failNext('startExecution', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const summary = await world.invoke(scheduledEvent(), { engine: engineWith({ maxConcurrentRestores: 1 }) });
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    const record = world.historyRecord(summary.drills[0].drillId);
    expect(record?.fanOut?.ended).toMatchObject({ status: 'NOT_STARTED', detail: expect.stringContaining('Rate exceeded') });
    expect(world.history.calls('releaseRestoreSlot')).toEqual([[0, summary.drills[0].drillId]]);
    expect(await world.history.restoreSlotHolders(1)).toEqual([]);
  });
});

describe('the deadline, to the millisecond', () => {
  async function handedOff() {
    setUp(['orders']);
    const summary = await world.invoke(scheduledEvent(), { engine: engineWith() });
    const drillId = summary.drills[0].drillId;
    const deadline = Date.parse(world.historyRecord(drillId)?.fanOut?.deadline ?? '');
    return { drillId, deadline };
  }
  /** The sweep of a scheduled run that drills no table: it only looks at open drills. */
  const sweep = () =>
    world.invoke(scheduledEvent('2026-11-28T20:00:00Z', `sweep-${world.clock.now()}`), { engine: engineWith({ tables: [] }) });

  test('the deadline is the hand-off time, the 12-hour timeout and an hour', async () => {
    const { drillId, deadline } = await handedOff();
    expect(deadline - Date.parse(world.historyRecord(drillId)?.fanOut?.startedAt ?? '')).toBe(13 * 3_600_000);
  });

  test('at the deadline the sweep still waits; a millisecond past it stops the execution and FAILs the drill, once', async () => {
    const { drillId, deadline } = await handedOff();
    world.clock.advance(deadline - world.clock.now());
    expect((await sweep()).drills).toEqual([expect.objectContaining({ drillId, status: 'fanned-out' })]);
    expect(stepFunctions.calls('stopExecution')).toEqual([]);

    world.clock.advance(deadline + 1 - world.clock.now());
    const swept = await sweep();
    expect(swept.drills).toEqual([expect.objectContaining({ drillId, status: 'finished', verdict: 'FAIL' })]);
    const record = world.historyRecord(drillId);
    expect(stepFunctions.calls('stopExecution')).toEqual([[record?.fanOut?.executionArn, expect.any(String)]]);
    expect(record?.fanOut?.ended).toMatchObject({ status: 'OVERDUE', at: new Date(deadline + 1).toISOString() });
    expect(world.published()).toHaveLength(1);
    expect(world.copiesLeft()).toEqual([]);
  });

  test('past the deadline while another invocation holds the drill: the sweep leaves it to that one', async () => {
    const { drillId, deadline } = await handedOff();
    world.clock.advance(deadline + 1 - world.clock.now());
    await world.history.claim(drillId, ['CHECKING'], 'the-execution-end', world.clock.now(), 60_000);
    expect((await sweep()).drills).toEqual([]);
    expect(stepFunctions.calls('stopExecution')).toEqual([]);
    expect(world.historyRecord(drillId)?.status).toBe('CHECKING');
    expect(world.published()).toEqual([]);
  });

  test('an overdue execution that cannot be stopped: the drill is FAILed and its copy deleted all the same', async () => {
    const { drillId, deadline } = await handedOff();
    world.clock.advance(deadline + 60_000 - world.clock.now());
    stepFunctions.failNext('stopExecution', Object.assign(new Error('Access denied'), { name: 'AccessDeniedException' }));
    expect((await sweep()).drills).toEqual([expect.objectContaining({ drillId, status: 'finished', verdict: 'FAIL' })]);
    expect(world.historyRecord(drillId)?.fanOut?.ended?.status).toBe('OVERDUE');
    expect(world.deletedTables()).toEqual([`${PREFIX}orders-${drillId}`]);
    expect(world.published()).toHaveLength(1);
  });
});

describe('how the execution ended, as recorded', () => {
  test("failed: FAILED with the worker's error and cause; the report's numbers as one invocation's", async () => {
    setUp(['orders']);
    const engine = engineWith();
    const summary = await world.invoke(scheduledEvent(), { engine });
    const drillId = summary.drills[0].drillId;
    const [execution] = stepFunctions.running();
    await stepFunctions.run(execution.executionArn, tasks(engine), (payload) => {
      if (payload.action === 'scan') throw Object.assign(new Error('worker crashed'), { name: 'Error' });
    });
    const record = world.historyRecord(drillId);
    expect(record?.fanOut?.ended).toMatchObject({ status: 'FAILED', detail: expect.stringContaining('worker crashed') });
    expect(world.published().map((r) => r.json.verdict)).toEqual(['FAIL']);
    // The recovery point was 180 minutes old when the drill started; the fake's restore took its 10 s.
    expect(record?.outcome).toMatchObject({ recoveryPointAgeSeconds: 180 * 60, restoreDurationSeconds: 10 });
  });

  test.each(['TIMED_OUT', 'ABORTED'] as const)('%s, told by the status change event: recorded with that status', async (status) => {
    setUp(['orders']);
    const engine = engineWith();
    const summary = await world.invoke(scheduledEvent(), { engine });
    const [execution] = stepFunctions.running();
    await world.invoke(stepFunctions.endWithoutReport(execution.executionArn, status), { engine });
    expect(world.historyRecord(summary.drills[0].drillId)?.fanOut?.ended?.status).toBe(status);
  });
});
