import { showText } from '../../../cli/format';
import type { CheckDefinition } from '../../../lambda/checks/check';
import type { DrillRecord } from '../../../lambda/domain/drill-record';
import { CUSTOM_CHECKS } from '../../../lambda/checks/custom';
import type { FanOutConfig } from '../../../lambda/config';
import type { Engine } from '../../../lambda/drill/engine';
import { fanOutExecutionName } from '../../../lambda/fanout/contract';
import { handleFanOut } from '../../../lambda/fanout/handler';
import { executionArnOf } from '../../../lambda/ports/stepfunctions-port';
import { FakeStepFunctions, STATE_LIMIT_BYTES } from '../support/fakes/fake-step-functions';
import { ACCOUNT, FlowWorld, orderItems, PREFIX, REGION, scheduledEvent } from '../support/flow-world';

/**
 * A copy too large for one invocation, through the handler: the drill hands its scan to the
 * fan-out state machine (the in-memory fake runs it in-process, its tasks the real fan-out handler
 * and the real drill handler), and finishes when the execution ends - whichever way it ends, with
 * the copy deleted and exactly one report.
 */

const STATE_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:restore-drill-fan-out`;
/**
 * One item a second: 1,000 items would take ~17 minutes, more than half the ~13 minutes the
 * checks have, so the drill fans out; 100 items (~2 minutes) stay in the drill's invocation.
 */
const FAN_OUT: FanOutConfig = { stateMachineArn: STATE_MACHINE, maxWorkers: 4, segmentsPerWorker: 2, timeoutHours: 12, itemsPerSecond: 1 };
const LARGE = 1_000;
const EVENT = scheduledEvent('2026-11-28T06:00:00Z', 'fan-out-schedule');

let world: FlowWorld;
let stepFunctions: FakeStepFunctions;
let engine: Engine;

function setUp(items: number, fanOut: Partial<FanOutConfig> = {}, customChecks?: Record<string, CheckDefinition>, tableChecks?: string[]) {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(items), drill: tableChecks ? { customChecks: tableChecks } : undefined });
  world.addRecoveryPoint({ table: 'orders', ageMinutes: 180 });
  stepFunctions = new FakeStepFunctions(world.clock);
  engine = world.engine({ fanOut: { ...FAN_OUT, ...fanOut } }, { stepFunctions, ...(customChecks ? { customChecks } : {}) });
}

/** The state machine's two Lambda tasks: the fan-out function and the drill function, each a fresh invocation. */
const tasks = () => ({
  fanOut: async (payload: Parameters<typeof handleFanOut>[1]) =>
    handleFanOut(engine, payload, { getRemainingTimeInMillis: () => 15 * 60_000 }),
  drill: (payload: unknown) => world.invoke(payload, { engine }),
});

async function handOff() {
  const summary = await world.invoke(EVENT, { engine });
  const [execution] = stepFunctions.running();
  return { summary, execution };
}

describe('a large copy is proved through fan-out', () => {
  test('handed off (CHECKING, the execution recorded), then PASS with the same checks as one invocation, copy deleted, one report', async () => {
    setUp(LARGE, {}, undefined);
    const { summary, execution } = await handOff();
    const drillId = summary.drills[0].drillId;
    expect(summary.drills).toEqual([{ drillId, table: 'orders', status: 'fanned-out', executionArn: execution.executionArn }]);
    expect(execution.executionArn).toBe(executionArnOf(STATE_MACHINE, fanOutExecutionName(drillId)));
    expect(world.historyRecord(drillId)).toMatchObject({
      status: 'CHECKING',
      fanOut: { executionArn: execution.executionArn, workers: 4, segments: 8, estimatedItems: LARGE, itemsPerSecond: 1 },
    });
    expect(world.deletedTables()).toEqual([]);
    expect(world.published()).toEqual([]);

    expect(await stepFunctions.run(execution.executionArn, tasks())).toBe('SUCCEEDED');

    const reports = world.published();
    expect(reports).toHaveLength(1);
    expect(reports[0].json.verdict).toBe('PASS');
    expect(world.deletedTables()).toEqual([`${PREFIX}orders-${drillId}`]);
    expect(world.copiesLeft()).toEqual([]);
    const record = world.historyRecord(drillId);
    expect(record).toMatchObject({ status: 'FINISHED', fanOut: { ended: { status: 'FINISHED' } } });
    expect(record?.outcome?.restoredScan).toEqual({ items: LARGE, readUnits: expect.any(Number) });
    // The report and `restore-drill show` name the execution.
    expect(reports[0].email).toMatch(
      new RegExp(`Fan-out +execution ${execution.executionArn} \\(4 workers at once, 8 segments, ~1,000 items estimated\\)`),
    );
    expect(reports[0].email).toMatch(/reads: restored copy: 1,000 items in a fan-out scan of 8 segments on Step Functions/);
    expect(reports[0].json.fanOut).toMatchObject({
      executionArn: execution.executionArn,
      workers: 4,
      segments: 8,
      ended: { status: 'FINISHED' },
    });
    const deployment = { stackName: 'RestoreDrill', drillFunctionName: 'drill', historyTableName: 'drill-history', tables: [] };
    expect(showText(record as DrillRecord, deployment)).toContain(`fan-out: execution ${execution.executionArn}`);

    // The same drill in one invocation (no state machine): the same checks, the same results.
    const fannedOut = reports[0].json.checks;
    setUp(LARGE);
    const single = world.engine({}, {});
    await world.invoke(EVENT, { engine: single });
    expect(world.published()[0].json.checks).toEqual(fannedOut);
    expect(fannedOut.map((c: { check: string }) => c.check)).toEqual(expect.arrayContaining(['item count', 'sample compare', 'schema']));
  });

  test('a small copy stays in the drill invocation: no execution is started', async () => {
    setUp(100);
    const summary = await world.invoke(EVENT, { engine });
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(stepFunctions.calls('startExecution')).toEqual([]);
    expect(world.historyRecord(summary.drills[0].drillId)?.fanOut).toBeUndefined();
  });

  test('without a state machine (FAN_OUT_STATE_MACHINE_ARN unset) a large copy is scanned in the invocation', async () => {
    setUp(LARGE);
    const summary = await world.invoke(EVENT, { engine: world.engine({}, { stepFunctions }) });
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(stepFunctions.calls('startExecution')).toEqual([]);
  });

  test('StartExecution refused: the drill scans in its own invocation instead, and reports once', async () => {
    setUp(LARGE);
    stepFunctions.failNext('startExecution', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const summary = await world.invoke(EVENT, { engine });
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.published()).toHaveLength(1);
    expect(world.published()[0].email).toContain('ended NOT_STARTED');
    expect(world.historyRecord(summary.drills[0].drillId)?.fanOut?.ended?.detail).toMatch(/could not be started \(.*Rate exceeded/);
  });
});

describe('every way an execution ends: a FAIL naming it, the copy deleted, exactly one report', () => {
  test('a worker that keeps failing: the Catch reports `failed`; the observing checks are not evaluated', async () => {
    setUp(LARGE);
    const { summary, execution } = await handOff();
    const status = await stepFunctions.run(execution.executionArn, tasks(), (payload) => {
      if (payload.action === 'scan') throw Object.assign(new Error('worker crashed'), { name: 'Error' });
    });
    expect(status).toBe('SUCCEEDED');
    const [report] = world.published();
    expect(world.published()).toHaveLength(1);
    expect(report.json.verdict).toBe('FAIL');
    expect(report.email).toContain(`the fan-out execution ${execution.executionArn} failed: Error`);
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: 'item count', status: 'FAIL', summary: expect.stringMatching(/^not evaluated: /) }),
      ]),
    );
    expect(world.deletedTables()).toEqual([`${PREFIX}orders-${summary.drills[0].drillId}`]);
  });

  test.each(['TIMED_OUT', 'ABORTED', 'FAILED'] as const)('%s, told by the status change event (twice): one FAIL report', async (ended) => {
    setUp(LARGE);
    const { summary, execution } = await handOff();
    const event = stepFunctions.endWithoutReport(execution.executionArn, ended);
    const first = await world.invoke(event, { engine });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    const again = await world.invoke(event, { engine });
    expect(again.drills).toEqual([expect.objectContaining({ status: 'ignored', reason: expect.stringContaining('FINISHED') })]);
    expect(world.published()).toHaveLength(1);
    expect(world.published()[0].email).toContain(`ended ${ended} before it reported the scan`);
    expect(world.deletedTables()).toEqual([`${PREFIX}orders-${summary.drills[0].drillId}`]);
  });

  test('finished, then a status event and a repeated `finished` for the same execution: still one report', async () => {
    setUp(LARGE);
    const { execution } = await handOff();
    const payloads: unknown[] = [];
    await stepFunctions.run(execution.executionArn, {
      ...tasks(),
      drill: (payload) => {
        payloads.push(payload);
        return world.invoke(payload, { engine });
      },
    });
    const late = await world.invoke(payloads[0], { engine });
    expect(late.drills).toEqual([expect.objectContaining({ status: 'ignored' })]);
    const event = { ...stepFunctions.endWithoutReport(execution.executionArn, 'FAILED') };
    expect((await world.invoke(event, { engine })).drills).toEqual([expect.objectContaining({ status: 'ignored' })]);
    expect(world.published()).toHaveLength(1);
    expect(world.published()[0].json.verdict).toBe('PASS');
  });

  test('an end that reaches the drill while another invocation holds it fails, to be delivered again; then it finishes', async () => {
    setUp(LARGE);
    const { summary, execution } = await handOff();
    const drillId = summary.drills[0].drillId;
    const payloads: unknown[] = [];
    await stepFunctions.run(execution.executionArn, { ...tasks(), drill: async (payload) => payloads.push(payload) });
    await world.history.claim(drillId, ['CHECKING'], 'the-hand-off', world.clock.now(), 60_000);
    await expect(world.invoke(payloads[0], { engine })).rejects.toThrow(/held by another invocation/);
    expect(world.published()).toEqual([]);
    await world.history.release(drillId, 'the-hand-off');
    expect((await world.invoke(payloads[0], { engine })).drills).toEqual([
      expect.objectContaining({ status: 'finished', verdict: 'PASS' }),
    ]);
    expect(world.published()).toHaveLength(1);
  });

  test('an execution that never reports back: the sweep after its deadline stops it, FAILs the drill and deletes the copy', async () => {
    setUp(LARGE);
    const { summary, execution } = await handOff();
    world.clock.advance(60 * 60_000);
    const early = await world.invoke(scheduledEvent('2026-11-28T07:00:00Z', 'next-hour'), {
      engine: world.engine({ fanOut: FAN_OUT, tables: [] }, { stepFunctions }),
    });
    expect(early.drills).toEqual([expect.objectContaining({ status: 'fanned-out' })]);
    expect(world.published()).toEqual([]);

    world.clock.advance(13 * 60 * 60_000);
    await world.invoke(scheduledEvent('2026-11-28T20:00:00Z', 'after-deadline'), {
      engine: world.engine({ fanOut: FAN_OUT }, { stepFunctions }),
    });
    expect(stepFunctions.calls('stopExecution')).toEqual([[execution.executionArn, expect.stringContaining('did not report back')]]);
    expect(stepFunctions.executions.get(execution.executionArn)?.status).toBe('ABORTED');
    const reports = world.published().filter((r) => r.json.drillId === summary.drills[0].drillId);
    expect(reports).toHaveLength(1);
    expect(reports[0].json.verdict).toBe('FAIL');
    expect(world.deletedTables()).toContain(`${PREFIX}orders-${summary.drills[0].drillId}`);
  });

  test("a status change to SUCCEEDED or RUNNING is left to the execution's own report", async () => {
    setUp(LARGE);
    const { execution } = await handOff();
    for (const status of ['SUCCEEDED', 'RUNNING']) {
      const event = stepFunctions.endWithoutReport(execution.executionArn, 'FAILED');
      const summary = await world.invoke({ ...event, detail: { ...event.detail, status } }, { engine });
      expect(summary).toMatchObject({ trigger: 'fan-out-ended', drills: [], ignored: expect.stringContaining(status) });
    }
    expect(world.published()).toEqual([]);
  });

  test('an event for an unknown drill, or for another execution of a known one, is ignored', async () => {
    setUp(LARGE);
    const { summary, execution } = await handOff();
    const unknown = { fanOut: 'failed', drillId: '20261128t060000z-00000000', executionArn: execution.executionArn, error: { Error: 'X' } };
    expect((await world.invoke(unknown, { engine })).drills).toEqual([expect.objectContaining({ status: 'ignored' })]);
    const other = { fanOut: 'failed', drillId: summary.drills[0].drillId, executionArn: `${execution.executionArn}-other`, error: {} };
    expect((await world.invoke(other, { engine })).drills).toEqual([expect.objectContaining({ status: 'ignored' })]);
    expect(world.historyRecord(summary.drills[0].drillId)?.status).toBe('CHECKING');
    expect(world.published()).toEqual([]);
  });
});

describe('what travels between the tasks', () => {
  test('workers that run short of time hand their positions to a next round; the result is the same PASS', async () => {
    setUp(LARGE);
    // Pages of 20 items in the copy; each worker invocation has time for two pages, then keeps its reserve.
    world.dynamodb.limitPages((table) => table.startsWith(PREFIX), 20);
    const { execution } = await handOff();
    let rounds = 0;
    const status = await stepFunctions.run(execution.executionArn, {
      ...tasks(),
      fanOut: async (payload) => {
        if (payload.action === 'combine') rounds += 1;
        let pages = 0;
        const remaining = () => (payload.action === 'scan' && pages++ >= 2 ? 59_000 : 15 * 60_000);
        return handleFanOut(engine, payload, { getRemainingTimeInMillis: remaining });
      },
    });
    expect(status).toBe('SUCCEEDED');
    expect(rounds).toBeGreaterThan(2);
    const [report] = world.published();
    expect(report.json.verdict).toBe('PASS');
    expect(report.json.reads.restoredScan.items).toBe(LARGE);
    expect(report.json.checks.find((c: { check: string }) => c.check === 'item count').summary).toMatch(/^restored 1,000, source 1,000/);
  });

  test('a custom check that observes items without partial results FAILs as not evaluated, saying what it needs', async () => {
    const unsplittable: CheckDefinition = {
      name: 'counts-notes',
      needs: 'restored-table',
      begin: () => {
        let seen = 0;
        return {
          observeItem: () => {
            seen += 1;
          },
          result: async () => ({ check: 'counts-notes', status: 'PASS', summary: `${seen} items` }),
        };
      },
    };
    setUp(LARGE, {}, { ...CUSTOM_CHECKS, 'counts-notes': unsplittable }, ['counts-notes']);
    const { execution } = await handOff();
    await stepFunctions.run(execution.executionArn, tasks());
    const check = world.published()[0].json.checks.find((c: { check: string }) => c.check === 'counts-notes');
    expect(check).toMatchObject({ status: 'FAIL', summary: expect.stringContaining('cannot combine partial results') });
    expect(check.nextStep).toContain('README "Custom checks"');
  });

  test('a custom check whose begin throws fails alone; the workers and the other checks carry on to a report', async () => {
    const broken: CheckDefinition = {
      name: 'broken-begin',
      needs: 'restored-table',
      begin: () => {
        throw new Error('cannot begin');
      },
    };
    setUp(LARGE, {}, { ...CUSTOM_CHECKS, 'broken-begin': broken }, ['broken-begin']);
    const { execution } = await handOff();
    expect(await stepFunctions.run(execution.executionArn, tasks())).toBe('SUCCEEDED');
    const checks = world.published()[0].json.checks;
    expect(checks.find((c: { check: string }) => c.check === 'broken-begin')).toMatchObject({
      status: 'FAIL',
      summary: expect.stringContaining('cannot begin'),
    });
    expect(checks.find((c: { check: string }) => c.check === 'item count')).toMatchObject({ status: 'PASS' });
  });

  test('the largest sample (10,000) over 40 workers keeps every state under 256 KiB', async () => {
    setUp(LARGE, { maxWorkers: 40, segmentsPerWorker: 1 });
    engine = world.engine(
      { fanOut: { ...FAN_OUT, maxWorkers: 40, segmentsPerWorker: 1 }, targets: { ...world.config().targets, sampleSize: 10_000 } },
      { stepFunctions },
    );
    const { execution } = await handOff();
    expect(JSON.parse(execution.input).groups).toHaveLength(40);
    await stepFunctions.run(execution.executionArn, tasks());
    // Measured: 84,463 bytes at most (the combiner's input: 40 partials, each sample held to ~3.9 KB).
    expect(stepFunctions.largestStateBytes).toBeGreaterThan(20_000);
    expect(stepFunctions.largestStateBytes).toBeLessThan(STATE_LIMIT_BYTES * 0.8);
    const sample = world.published()[0].json.checks.find((c: { check: string }) => c.check === 'sample compare');
    expect(sample).toMatchObject({ status: 'PASS' });
    expect(sample.numbers.sampled).toBeGreaterThan(0);
  });
});
