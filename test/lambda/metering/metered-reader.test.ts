import { createMeteredReader, type MeteredReader, SourceReadBudgetSpent, SourceReadStopped } from '../../../lambda/metering/metered-reader';
import { estimatedScanUnits } from '../../../lambda/metering/read-budget';
import type { Item, ScanOptions } from '../../../lambda/ports/dynamodb-port';
import { InMemoryTables, item, tableShape } from '../checks/in-memory-tables';
import { FakeClock } from '../support/fake-clock';

/**
 * The one way checks read DynamoDB: source reads charged to the budget and paced, reads of the
 * restored copy not. The in-memory tables charge 0.5 unit per item; pages of two items cost 1.
 */
const items = (count: number) => Array.from({ length: count }, (_, i) => item(i + 1));

function meter(options: { budgetUnits?: number; unitsPerSecond?: number; timeLeftMs?: number; source?: string | undefined } = {}) {
  const clock = new FakeClock();
  const tables = new InMemoryTables().put(tableShape('source'), items(10)).put(tableShape('copy'), items(10));
  tables.pageSize = 2;
  const endsAt = clock.now() + (options.timeLeftMs ?? 600_000);
  const reader: MeteredReader = createMeteredReader({
    dynamodb: tables,
    sourceTableName: 'source' in options ? options.source : 'source',
    budgetUnits: options.budgetUnits ?? 1_000,
    unitsPerSecond: options.unitsPerSecond ?? 1,
    clock,
    timeLeftMs: () => endsAt - clock.now(),
  });
  return { reader, tables, clock };
}

const scan = (reader: MeteredReader, tableName: string, options: Partial<ScanOptions> = {}) => {
  const seen: Item[] = [];
  return reader.scanItems(tableName, { segments: 1, ...options }, (found) => seen.push(found)).then((summary) => ({ summary, seen }));
};

describe('source scans: charged, paced, stopped by the budget or the time', () => {
  test('a whole scan, its pages spaced to the pace: one unit a second', async () => {
    const { reader, clock } = meter({ timeLeftMs: 10_000_000 });
    const { summary, seen } = await scan(reader, 'source');
    expect(summary).toEqual({ count: 10, consumedUnits: 5, stoppedEarly: false });
    expect(seen).toHaveLength(10);
    // Before each page after the first: the units read so far at 1 unit/s.
    expect(clock.sleeps).toEqual([1_000, 1_000, 1_000, 1_000]);
    // The budget knows what was read: 995 units are left.
    expect(reader.shortfall(995)).toBeUndefined();
    expect(reader.shortfall(996)).toEqual({ reason: 'budget', remainingUnits: 995 });
  });

  test('the budget spent on a page: the scan stops there, stopped by the budget', async () => {
    const { reader } = meter({ budgetUnits: 3 });
    const { summary, seen } = await scan(reader, 'source');
    expect(summary).toEqual({ count: 6, consumedUnits: 3, stoppedEarly: true, stoppedBy: 'budget' });
    expect(seen).toHaveLength(6);
  });

  test('the budget spent on the last page: the scan is complete', async () => {
    const { reader } = meter({ budgetUnits: 5 });
    expect((await scan(reader, 'source')).summary).toEqual({ count: 10, consumedUnits: 5, stoppedEarly: false });
  });

  test('a budget with less than one GetItem left: no scan at all', async () => {
    const { reader, tables } = meter({ budgetUnits: 0.4 });
    expect((await scan(reader, 'source')).summary).toEqual({ count: 0, consumedUnits: 0, stoppedEarly: true, stoppedBy: 'budget' });
    expect(await reader.countItems('source', { segments: 1 })).toEqual({
      count: 0,
      consumedUnits: 0,
      stoppedEarly: true,
      stoppedBy: 'budget',
    });
    expect(tables.reads).toEqual([]);
  });

  test('exactly one GetItem left is enough to start', async () => {
    const { reader } = meter({ budgetUnits: 0.5 });
    expect((await scan(reader, 'source')).summary).toMatchObject({ count: 2, consumedUnits: 1, stoppedBy: 'budget' });
  });

  test('a pause that would run into the time kept for cleanup: stopped by the time, without sleeping', async () => {
    // 1 unit a page at 1 unit/s: the second page waits 1 s; with 0.999 s left it cannot.
    const { reader, clock } = meter({ timeLeftMs: 999 });
    expect((await scan(reader, 'source')).summary).toEqual({ count: 2, consumedUnits: 1, stoppedEarly: true, stoppedBy: 'time' });
    expect(clock.sleeps).toEqual([]);
  });

  test('a pause that fits, leaving no time after it: stopped by the time', async () => {
    const { reader, clock } = meter({ timeLeftMs: 1_000 });
    expect((await scan(reader, 'source')).summary).toEqual({ count: 2, consumedUnits: 1, stoppedEarly: true, stoppedBy: 'time' });
    expect(clock.sleeps).toEqual([1_000]);
  });

  test('no time left once a page is read, even without a pause: stopped by the time', async () => {
    const { reader, tables } = meter({ timeLeftMs: 0 });
    tables.unitsPerItem = 0;
    expect((await scan(reader, 'source')).summary).toEqual({ count: 2, consumedUnits: 0, stoppedEarly: true, stoppedBy: 'time' });
  });

  test("the caller's own onPage still decides, after the meter; a stop of its own names no meter reason", async () => {
    const { reader } = meter();
    const pages: [number, boolean][] = [];
    const { summary } = await scan(reader, 'source', {
      onPage: (units, more) => {
        pages.push([units, more]);
        return pages.length < 2;
      },
    });
    expect(pages).toEqual([
      [1, true],
      [1, true],
    ]);
    expect(summary).toEqual({ count: 4, consumedUnits: 2, stoppedEarly: true });
  });

  test('the first reason a parallel scan stopped is the one given', async () => {
    // Two segments, pages of one unit at 1 unit/s, 2 units and 0.5 s: segment 1's first page spends
    // the budget while segment 0 asks for its pause, which the time then refuses.
    const { reader } = meter({ budgetUnits: 2, timeLeftMs: 500 });
    expect((await scan(reader, 'source', { segments: 2 })).summary).toEqual({
      count: 4,
      consumedUnits: 2,
      stoppedEarly: true,
      stoppedBy: 'budget',
    });
  });

  test('Select COUNT scans of the source are metered alike', async () => {
    const { reader, clock } = meter({ budgetUnits: 3 });
    expect(await reader.countItems('source', { segments: 1 })).toEqual({
      count: 6,
      consumedUnits: 3,
      stoppedEarly: true,
      stoppedBy: 'budget',
    });
    expect(clock.sleeps).toEqual([1_000, 1_000]);
  });
});

describe('reads of other tables: the restored copy is the drill’s own, not charged nor paced', () => {
  test('scans, counts, batch and single gets pass straight through', async () => {
    const { reader, clock } = meter({ budgetUnits: 1 });
    expect((await scan(reader, 'copy')).summary).toEqual({ count: 10, consumedUnits: 5, stoppedEarly: false });
    expect(await reader.countItems('copy', { segments: 1 })).toEqual({ count: 10, consumedUnits: 5, stoppedEarly: false });
    expect((await reader.batchGetItems('copy', [item(1), item(2)])).items).toHaveLength(2);
    expect(await reader.getItem('copy', item(3))).toEqual(item(3));
    expect(clock.sleeps).toEqual([]);
    // Nothing of the source budget was spent.
    expect(reader.shortfall(1)).toBeUndefined();
  });

  test('without a source table (it no longer exists) nothing is metered', async () => {
    const { reader } = meter({ source: undefined, budgetUnits: 0.1 });
    expect((await scan(reader, 'source')).summary).toMatchObject({ count: 10, stoppedEarly: false });
  });

  test('DescribeTable is not metered', async () => {
    const { reader } = meter({ budgetUnits: 0.1 });
    expect(await reader.describeTable('source')).toMatchObject({ name: 'source' });
  });
});

describe('point reads of the source: checked before, charged after', () => {
  test('BatchGetItem: paced, charged what DynamoDB says it consumed', async () => {
    const { reader, clock } = meter({ budgetUnits: 10 });
    expect(await reader.batchGetItems('source', [item(1), item(2), item(99)])).toEqual({ items: [item(1), item(2)], consumedUnits: 1 });
    await reader.batchGetItems('source', [item(3)]);
    expect(clock.sleeps).toEqual([1_000]);
    expect(reader.shortfall(8.5)).toBeUndefined();
    expect(reader.shortfall(8.6)).toMatchObject({ reason: 'budget', remainingUnits: 8.5 });
  });

  test('a BatchGetItem of more keys than the budget covers at half a unit each is refused, naming the budget', async () => {
    const { reader, tables } = meter({ budgetUnits: 1 });
    const refused = reader.batchGetItems('source', [item(1), item(2), item(3)]);
    await expect(refused).rejects.toBeInstanceOf(SourceReadBudgetSpent);
    await expect(refused).rejects.toMatchObject({
      reason: 'budget',
      name: 'SourceReadBudgetSpent',
      message: expect.stringContaining('sourceReadBudgetUnits'),
    });
    await expect(reader.batchGetItems('source', [item(1), item(2)])).resolves.toMatchObject({ consumedUnits: 1 });
    expect(tables.reads).toHaveLength(1);
  });

  test('a point read whose pause would outlast the time: stopped by the time', async () => {
    const { reader } = meter({ timeLeftMs: 1_500 });
    await reader.batchGetItems('source', [item(1), item(2), item(3), item(4)]);
    const stopped = reader.batchGetItems('source', [item(5)]);
    await expect(stopped).rejects.toBeInstanceOf(SourceReadStopped);
    await expect(stopped).rejects.toMatchObject({ reason: 'time' });
  });

  test('a point read with no time left: stopped by the time', async () => {
    const { reader, tables } = meter({ timeLeftMs: 0 });
    await expect(reader.getItem('source', item(1))).rejects.toMatchObject({ reason: 'time' });
    await expect(reader.batchGetItems('source', [item(1)])).rejects.toMatchObject({ reason: 'time' });
    expect(tables.reads).toEqual([]);
  });

  test('GetItem: charged half a unit, refused once the budget is spent', async () => {
    const { reader } = meter({ budgetUnits: 1 });
    expect(await reader.getItem('source', item(1))).toEqual(item(1));
    expect(reader.shortfall(0.5)).toBeUndefined();
    expect(reader.shortfall(0.6)).toEqual({ reason: 'budget', remainingUnits: 0.5 });
    await reader.getItem('source', item(2));
    await expect(reader.getItem('source', item(3))).rejects.toMatchObject({ reason: 'budget' });
  });
});

describe('shortfall: why a read of some size would not finish', () => {
  test('beyond the budget left', () => {
    const { reader } = meter({ budgetUnits: 100 });
    expect(reader.shortfall(100)).toBeUndefined();
    expect(reader.shortfall(100.5)).toEqual({ reason: 'budget', remainingUnits: 100 });
  });

  test('longer at the pace than the time left', () => {
    const { reader } = meter({ unitsPerSecond: 4, timeLeftMs: 10_000 });
    expect(reader.shortfall(40)).toBeUndefined();
    expect(reader.shortfall(41)).toEqual({ reason: 'pace', unitsPerSecond: 4, seconds: 10.25 });
  });

  test('the budget is the first reason given', () => {
    const { reader } = meter({ budgetUnits: 10, unitsPerSecond: 1, timeLeftMs: 1_000 });
    expect(reader.shortfall(20)).toMatchObject({ reason: 'budget' });
  });
});

describe('estimatedScanUnits: an eventually consistent scan costs half a unit per 4 KB', () => {
  test('rounded up to whole 4 KB, at least one', () => {
    expect(estimatedScanUnits(0)).toBe(0.5);
    expect(estimatedScanUnits(4096)).toBe(0.5);
    expect(estimatedScanUnits(4097)).toBe(1);
    expect(estimatedScanUnits(4096 * 100)).toBe(50);
  });
});
