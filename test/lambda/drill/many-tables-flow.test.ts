import type { InvocationSummary } from '../../../lambda/handler';
import { throttled } from '../support/aws-errors';
import { runSleepsConcurrently } from '../support/concurrent-sleeps';
import { FlowWorld, orderItems, restoreJobEvent, scheduledEvent } from '../support/flow-world';

/**
 * Many tables, few restore slots: a scheduled run of 60+ tables with maxConcurrentRestores 10
 * never has more than 10 restores running, drills and reports every table exactly once across as
 * many invocations as it takes (each within its time), keeps one table's failure its own, and
 * loses no queued table when an invocation ends. Sleeps run side by side (runSleepsConcurrently),
 * so virtual time is what ten parallel drills would take.
 */

const LIMIT = 10;
const INVOCATION_MS = 15 * 60_000;

let world: FlowWorld;
/** Each invocation's virtual duration against its budget. */
let budgets: { elapsedMs: number; budgetMs: number }[];
/** Restore jobs whose ended-state event was delivered. */
let delivered: Set<string>;

function setUp(tables: number, options: { missingRecoveryPoint?: string } = {}): string[] {
  world = new FlowWorld();
  runSleepsConcurrently(world.clock);
  budgets = [];
  delivered = new Set();
  const names = Array.from({ length: tables }, (_, i) => `t-${String(i).padStart(2, '0')}`);
  for (const name of names) {
    world.addSourceTable({ name, items: orderItems(5) });
    if (name !== options.missingRecoveryPoint) world.addRecoveryPoint({ table: name, ageMinutes: 60 });
  }
  return names;
}

async function invoke(event: unknown, budgetMs = INVOCATION_MS, requestId?: string): Promise<InvocationSummary> {
  const engine = world.engine({ maxConcurrentRestores: LIMIT });
  const startedAt = world.clock.now();
  try {
    return await world.invoke(event, { engine, remainingMs: budgetMs, requestId });
  } finally {
    budgets.push({ elapsedMs: world.clock.now() - startedAt, budgetMs });
  }
}

/** The most restore jobs RUNNING at any one time (from each job's start to its end, as DescribeRestoreJob shows them). */
function mostRestoresAtOnce(): number {
  const spans = world.backup.restoreJobs.map((job) => ({ from: job.createdAt, to: job.ended?.at ?? job.createdAt + job.plan.durationMs }));
  return Math.max(0, ...spans.map(({ from }) => spans.filter((span) => span.from <= from && from < span.to).length));
}

/**
 * EventBridge at work: one Restore Job State Change per ended job, each delivered once, all at
 * once (concurrent invocations racing for the slots), a minute after the last round.
 */
async function deliverEndedRestoreEvents(): Promise<PromiseSettledResult<InvocationSummary>[]> {
  world.clock.advance(60_000);
  const ended = world.backup.restoreJobs.filter(
    (job) => !delivered.has(job.id) && (job.ended || world.clock.now() >= job.createdAt + job.plan.durationMs),
  );
  for (const job of ended) delivered.add(job.id);
  return Promise.allSettled(ended.map((job) => invoke(restoreJobEvent(job.id, 'COMPLETED'))));
}

async function untilNothingOpen(): Promise<void> {
  for (let round = 0; round < 100 && (await world.history.listOpen()).length > 0; round++) await deliverEndedRestoreEvents();
}

function reportsByTable(): Map<string, string[]> {
  const byTable = new Map<string, string[]>();
  for (const report of world.published())
    byTable.set(report.attributes.table, [...(byTable.get(report.attributes.table) ?? []), report.attributes.verdict]);
  return byTable;
}

test('64 tables, 10 slots: never more than 10 restores at once, every table drilled and reported once, each invocation within its time', async () => {
  const names = setUp(64, { missingRecoveryPoint: 't-07' });
  // Seven rounds of 4-minute restores outlast one 15-minute invocation.
  world.nextRestores({ durationMs: 4 * 60_000 });

  const scheduled = await invoke(scheduledEvent());
  // The run recorded all 64; what it could not start in its time waits queued.
  expect(scheduled.drills).toHaveLength(64);
  expect(world.history.calls('create')).toHaveLength(64);
  await untilNothingOpen();

  expect(world.backup.restoreJobs.length).toBe(63);
  expect(mostRestoresAtOnce()).toBe(LIMIT);
  const reports = reportsByTable();
  expect([...reports.keys()].sort()).toEqual(names);
  for (const name of names) expect(reports.get(name)).toEqual([name === 't-07' ? 'FAIL' : 'PASS']);
  const [noPoint] = world.published().filter((r) => r.attributes.table === 't-07');
  expect(noPoint.json.failure).toMatch(/no (COMPLETED )?recovery point/i);
  expect(world.copiesLeft()).toEqual([]);
  // More than one invocation did the work, none past its time.
  expect(scheduled.drills.filter((d) => d.status === 'finished').length).toBeGreaterThanOrEqual(LIMIT);
  expect(scheduled.drills.filter((d) => d.status === 'queued').length).toBeGreaterThan(0);
  expect(budgets.length).toBeGreaterThan(1);
  for (const { elapsedMs, budgetMs } of budgets) expect(elapsedMs).toBeLessThanOrEqual(budgetMs);
  // Every slot is free again.
  expect(await world.history.restoreSlotHolders(LIMIT)).toEqual([]);
});

test("restores longer than the invocation: the run starts 10, queues the rest, and the restores' events drain the queue", async () => {
  const names = setUp(24);
  world.nextRestores({ durationMs: 20 * 60_000 });

  const scheduled = await invoke(scheduledEvent());
  const statuses = scheduled.drills.map((d) => d.status);
  expect(statuses.filter((s) => s === 'waiting')).toHaveLength(LIMIT);
  expect(statuses.filter((s) => s === 'queued')).toHaveLength(14);
  expect(scheduled.drills.find((d) => d.status === 'queued')).toMatchObject({ reason: expect.stringMatching(/maxConcurrentRestores 10/) });
  expect(world.backup.restoreJobs).toHaveLength(LIMIT);
  // The invocation is over; the queued drills are in the history, not in its memory.
  const open = await world.history.listOpen();
  expect(open.filter((d) => d.status === 'STARTED' && d.queuedAt !== undefined && d.restoreSlot === undefined)).toHaveLength(14);

  await untilNothingOpen();
  expect(mostRestoresAtOnce()).toBe(LIMIT);
  expect(world.backup.restoreJobs).toHaveLength(24);
  const reports = reportsByTable();
  for (const name of names) expect(reports.get(name)).toEqual(['PASS']);
  for (const { elapsedMs, budgetMs } of budgets) expect(elapsedMs).toBeLessThanOrEqual(budgetMs);
});

test('the same scheduled event twice (EventBridge delivers at least once) drills each table once', async () => {
  const names = setUp(15);
  world.nextRestores({ durationMs: 20 * 60_000 });
  const event = scheduledEvent();
  await invoke(event);
  await invoke(event);
  await untilNothingOpen();
  expect(world.backup.restoreJobs).toHaveLength(15);
  expect(mostRestoresAtOnce()).toBeLessThanOrEqual(LIMIT);
  for (const name of names) expect(reportsByTable().get(name)).toEqual(['PASS']);
});

test('a table whose drill errors fails the invocation after every other drill ran; the retry of the same event drills it, once', async () => {
  const names = setUp(12);
  const event = scheduledEvent();
  // t-03's DescribeTable is throttled past the SDK's retries: nothing about its backup is known.
  world.dynamodb.failNext('describeTable', throttled(), { when: (table) => table === 't-03' });

  await expect(invoke(event, INVOCATION_MS, 'request-1')).rejects.toThrow(/1 drill\(s\) did not complete: .*t-03/);
  const reports = reportsByTable();
  expect(reports.get('t-03')).toBeUndefined();
  for (const name of names.filter((n) => n !== 't-03')) expect(reports.get(name)).toEqual(['PASS']);

  // Lambda retries the asynchronous invocation with the same event.
  const retry = await invoke(event, INVOCATION_MS, 'request-1');
  expect(retry.drills.find((d) => d.table === 't-03')).toMatchObject({ status: 'finished', verdict: 'PASS' });
  expect(retry.drills.filter((d) => d.status === 'already-finished')).toHaveLength(11);
  expect(world.backup.restoreJobs).toHaveLength(12);
  for (const name of names) expect(reportsByTable().get(name)).toEqual(['PASS']);
});

test('a queued drill that never got a slot before the next scheduled run is reported as not drilled, and the new run drills the table', async () => {
  setUp(3);
  world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
  const engine = () => world.engine({ maxConcurrentRestores: 1 });

  const day1 = await world.invoke(scheduledEvent('2026-11-28T06:00:00Z'), { engine: engine(), remainingMs: INVOCATION_MS });
  expect(day1.drills.map((d) => d.status).sort()).toEqual(['queued', 'queued', 'waiting']);
  const [held] = world.backup.restoreJobs;

  world.clock.advance(24 * 60 * 60_000);
  const day2 = await world.invoke(scheduledEvent('2026-11-29T06:00:00Z'), { engine: engine(), remainingMs: INVOCATION_MS });
  const notDrilled = world.published().filter((r) => r.attributes.verdict === 'FAIL');
  expect(notDrilled.map((r) => r.attributes.table).sort()).toEqual(
    day1.drills
      .filter((d) => d.status === 'queued')
      .map((d) => d.table)
      .sort(),
  );
  for (const report of notDrilled) {
    expect(report.json.failure).toMatch(
      /^not drilled: queued since .* behind maxConcurrentRestores 1, no restore slot freed before the next scheduled run/,
    );
  }
  // Day 2's three drills wait behind day 1's restore, which still holds the one slot.
  expect(day2.drills.filter((d) => d.status === 'queued')).toHaveLength(3);
  expect(world.backup.restoreJobs).toHaveLength(1);

  world.completeRestore(held.id);
  world.nextRestores({ durationMs: 10_000 });
  await world.invoke(restoreJobEvent(held.id, 'COMPLETED'), { engine: engine(), remainingMs: INVOCATION_MS });
  for (let round = 0; round < 20 && (await world.history.listOpen()).length > 0; round++) {
    world.clock.advance(60_000);
    for (const job of world.backup.restoreJobs.filter((j) => !delivered.has(j.id))) {
      delivered.add(job.id);
      await world.invoke(restoreJobEvent(job.id, 'COMPLETED'), { engine: engine(), remainingMs: INVOCATION_MS });
    }
  }
  expect(await world.history.listOpen()).toEqual([]);
  expect(world.backup.restoreJobs).toHaveLength(4);
  expect(mostRestoresAtOnce()).toBe(1);
  // Per table: day 1 PASS or not drilled, day 2 PASS.
  expect([...reportsByTable().values()].map((v) => v.length)).toEqual([2, 2, 2]);
});

test('a manual drill of many tables takes the same slots: the ones beyond the limit come back queued and run when restores end', async () => {
  const names = setUp(12);
  world.nextRestores({ durationMs: 20 * 60_000 });
  const manual = await invoke({ tables: names, idempotencyKey: 'many-tables' });
  expect(manual.drills.filter((d) => d.status === 'waiting')).toHaveLength(LIMIT);
  expect(manual.drills.filter((d) => d.status === 'queued')).toHaveLength(2);
  await untilNothingOpen();
  expect(world.backup.restoreJobs).toHaveLength(12);
  expect(mostRestoresAtOnce()).toBe(LIMIT);
  for (const name of names) expect(reportsByTable().get(name)).toEqual(['PASS']);
});

test('a slot held by a drill that no longer restores (its invocation died) is freed, and the queue moves on', async () => {
  const names = setUp(2);
  // A drill that finished long ago, and one never recorded, still "hold" the only two slots.
  await world.history.takeRestoreSlot('20261120t060000z-0000dead', 2);
  await world.history.takeRestoreSlot('20261120t060000z-0000beef', 2);
  const scheduled = await invoke(scheduledEvent());
  expect(scheduled.drills).toEqual(names.map(() => expect.objectContaining({ status: 'finished', verdict: 'PASS' })));
});

describe('the time left decides how the queue is drained', () => {
  // The reserve is 120 s (invocationReserveSeconds): a drill waits for its restore with 240 s left.
  test('less than twice the reserve: restores are only started, each handed to its event at once', async () => {
    setUp(20);
    world.nextRestores({ durationMs: 20 * 60_000 });
    const scheduled = await invoke(scheduledEvent(), 210_000);
    expect(scheduled.drills.filter((d) => d.status === 'waiting')).toHaveLength(LIMIT);
    expect(world.backup.calls('describeRestoreJob')).toHaveLength(LIMIT);
    expect(budgets[0].elapsedMs).toBeLessThan(210_000);
    await untilNothingOpen();
    expect(world.published()).toHaveLength(20);
  });

  test('less than one and a half reserves, nothing in flight: one restore is started, so its event keeps the queue moving', async () => {
    setUp(20);
    world.nextRestores({ durationMs: 20 * 60_000 });
    const scheduled = await invoke(scheduledEvent(), 150_000);
    expect(scheduled.drills.filter((d) => d.status === 'waiting')).toHaveLength(1);
    expect(scheduled.drills.filter((d) => d.status === 'queued')).toHaveLength(19);
    await untilNothingOpen();
    expect(mostRestoresAtOnce()).toBe(LIMIT);
    expect(world.published()).toHaveLength(20);
    for (const { elapsedMs, budgetMs } of budgets) expect(elapsedMs).toBeLessThanOrEqual(budgetMs);
  });

  test('under half a reserve: nothing is started, every drill stays queued in the history', async () => {
    setUp(3);
    const scheduled = await invoke(scheduledEvent(), 50_000);
    expect(scheduled.drills.map((d) => d.status)).toEqual(['queued', 'queued', 'queued']);
    expect(world.backup.restoreJobs).toEqual([]);
    expect((await world.history.listOpen()).filter((d) => d.queuedAt !== undefined)).toHaveLength(3);
  });
});
