import { throttled } from '../support/aws-errors';
import { FlowWorld, orderItems, restoreJobEvent, scheduledEvent } from '../support/flow-world';

/**
 * The restore queue at its edges, through the handler: how the time left decides what the drain
 * starts (the reserve is 120 s: a drill waits for its restore with 240 s left, only starts it with
 * 180 s, and with less one restore is started when none is in flight and over 60 s are left), a
 * slot lookup that fails, and a queued drill's clock: queued once, started when it gets its slot.
 */

const TABLES = ['a', 'b', 'c'];
let world: FlowWorld;

function setUp(): void {
  world = new FlowWorld();
  for (const name of TABLES) {
    world.addSourceTable({ name, items: orderItems(5) });
    world.addRecoveryPoint({ table: name, ageMinutes: 60 });
  }
}

const engine = (slots: number, tables?: readonly string[]) =>
  world.engine({
    maxConcurrentRestores: slots,
    ...(tables ? { tables: world.config().tables.filter((t) => tables.includes(t.tableName)) } : {}),
  });

describe('the time left, to the millisecond', () => {
  // Restores that outlast the invocation; two slots for three tables.
  async function run(remainingMs: number) {
    setUp();
    world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
    const summary = await world.invoke(scheduledEvent(), { engine: engine(2), remainingMs });
    return {
      statuses: summary.drills.map((d) => d.status),
      restores: world.backup.restoreJobs.length,
      describes: world.backup.calls('describeRestoreJob').length,
    };
  }

  test('240 s: each admitted drill waits for its restore (it polls), 239,999 ms: it only starts it and looks once', async () => {
    const waiting = await run(240_000);
    expect(waiting).toMatchObject({ statuses: ['waiting', 'waiting', 'queued'], restores: 2 });
    expect(waiting.describes).toBeGreaterThan(2);
    expect(await run(239_999)).toEqual({ statuses: ['waiting', 'waiting', 'queued'], restores: 2, describes: 2 });
  });

  test('180 s: restores are still started in both slots; 179,999 ms: the drain stops, one is started to keep the queue moving', async () => {
    expect(await run(180_000)).toEqual({ statuses: ['waiting', 'waiting', 'queued'], restores: 2, describes: 2 });
    expect(await run(179_999)).toEqual({ statuses: ['waiting', 'queued', 'queued'], restores: 1, describes: 1 });
  });

  test('60,001 ms: that one restore is still started; 60,000 ms (half the reserve): nothing is', async () => {
    expect(await run(60_001)).toEqual({ statuses: ['waiting', 'queued', 'queued'], restores: 1, describes: 1 });
    expect(await run(60_000)).toEqual({ statuses: ['queued', 'queued', 'queued'], restores: 0, describes: 0 });
  });

  test("with a restore already in flight, a drain stopped for time starts none: that restore's event moves the queue", async () => {
    setUp();
    world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
    const manual = await world.invoke({ tables: ['a'], idempotencyKey: 'first' }, { engine: engine(2), remainingMs: 200_000 });
    expect(manual.drills).toEqual([expect.objectContaining({ status: 'waiting' })]);
    const scheduled = await world.invoke(scheduledEvent(), { engine: engine(2, ['b', 'c']), remainingMs: 179_999 });
    expect(scheduled.drills.map((d) => d.status)).toEqual(['queued', 'queued']);
    expect(world.backup.restoreJobs).toHaveLength(1);
  });
});

test('the look for abandoned slots fails: the drain goes on with the slots as they are, every drill PASSes', async () => {
  setUp();
  world.history.failNext('restoreSlotHolders', throttled());
  const summary = await world.invoke(scheduledEvent(), { engine: engine(2) });
  expect(summary.drills).toEqual(TABLES.map(() => expect.objectContaining({ status: 'finished', verdict: 'PASS' })));
  expect(await world.history.restoreSlotHolders(2)).toEqual([]);
});

test("a queued drill is queued once and starts when it gets its slot: its recovery point's age counts from then", async () => {
  setUp();
  world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
  const event = scheduledEvent();
  const queuedAt = world.clock.now();
  const first = await world.invoke(event, { engine: engine(1, ['a', 'b']), remainingMs: 200_000, requestId: 'request-1' });
  expect(first.drills.map((d) => d.status)).toEqual(['waiting', 'queued']);
  const b = first.drills[1].drillId;
  expect(world.historyRecord(b)?.queuedAt).toBe(new Date(queuedAt).toISOString());

  // Lambda's retry of the same event, five minutes on: still no slot, still queued since the first time.
  world.clock.advance(5 * 60_000);
  const retry = await world.invoke(event, { engine: engine(1, ['a', 'b']), remainingMs: 200_000, requestId: 'request-1' });
  expect(retry.drills.find((d) => d.drillId === b)?.status).toBe('queued');
  expect(world.historyRecord(b)?.queuedAt).toBe(new Date(queuedAt).toISOString());

  // A's restore ends an hour after the run: its event frees the slot and starts b.
  world.clock.advance(55 * 60_000);
  const [held] = world.backup.restoreJobs;
  world.completeRestore(held.id);
  world.nextRestores({ durationMs: 10_000 });
  const slotFreedAt = world.clock.now();
  await world.invoke(restoreJobEvent(held.id, 'COMPLETED'), { engine: engine(1, ['a', 'b']) });
  const record = world.historyRecord(b);
  expect(record).toMatchObject({ status: 'FINISHED', startedAt: new Date(slotFreedAt).toISOString() });
  // The point was 60 minutes old at the run; the drill started an hour later.
  expect(record?.outcome?.recoveryPointAgeSeconds).toBe(2 * 60 * 60);
});
