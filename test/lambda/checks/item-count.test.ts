import type { CheckRun } from '../../../lambda/checks/check';
import { itemCountCheck } from '../../../lambda/checks/item-count';
import { withoutDrillItemsFilter } from '../../../lambda/checks/drill-items';
import { CANARY_KEY_VALUE } from '../../../lambda/config';
import { fixtureItems } from '../../../lambda/fixture/fixture-items';
import { FIXTURE_GENERATOR_VERSION, fixtureMarkerItem } from '../../../lambda/fixture/fixture-marker';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { type CheckContextOptions, checkResult, checkWorld, RECOVERY_POINT_CREATED_AT, runCheck } from './check-context';
import { splitSharesResult } from './split-shares';
import { wireItemOf, wireJson } from '../digest/wire-items';
import { item } from './in-memory-tables';

const items = (count: number, from = 1) => Array.from({ length: count }, (_, i) => item(from + i));
const point = Date.parse(RECOVERY_POINT_CREATED_AT);
/** An item created `ms` milliseconds before the recovery point (negative: after it). */
const createdBefore = (n: number, ms: number): Item => item(n, { createdAt: { S: new Date(point - ms).toISOString() } });
const canary: Item = { pk: { S: CANARY_KEY_VALUE }, sk: { S: CANARY_KEY_VALUE }, writtenAt: { S: '2026-11-28T02:00:00.000Z' } };

describe('item count, tolerance mode: restored vs the whole source, within a percentage', () => {
  const count = (restored: number, options: CheckContextOptions = {}) =>
    checkResult(itemCountCheck, { sourceItems: items(20), restoredItems: items(restored), ...options });

  test('an exact copy: PASS, the source counted with Select COUNT, one segment, its read units charged', async () => {
    const world = checkWorld({ sourceItems: items(20) });
    expect(await runCheck(itemCountCheck, world)).toEqual({
      check: 'item count',
      status: 'PASS',
      summary: expect.any(String),
      numbers: { mode: 'tolerance', restoredItems: 20, sourceItems: 20, differencePercent: 0, tolerancePercent: 5 },
      sourceReadUnits: 10,
    });
    expect(world.tables.reads).toEqual([
      expect.objectContaining({ operation: 'countItems', tableName: 'orders', options: expect.objectContaining({ segments: 1 }) }),
    ]);
    expect(itemCountCheck).toMatchObject({ name: 'item count', needs: 'restored-table' });
  });

  test('exactly at the tolerance, either way: PASS', async () => {
    expect(await count(19)).toMatchObject({ check: 'item count', status: 'PASS', numbers: { differencePercent: -5 } });
    expect(await count(21)).toMatchObject({ check: 'item count', status: 'PASS', numbers: { differencePercent: 5 } });
  });

  test('just over the tolerance, either way: FAIL', async () => {
    const fewer = await count(19, { targets: { itemCountTolerancePercent: 4.99 } });
    expect(fewer).toMatchObject({
      status: 'FAIL',
      numbers: { restoredItems: 19, sourceItems: 20, differencePercent: -5, tolerancePercent: 4.99 },
    });
    expect(fewer.nextStep).toContain('the restore differs from the source by more than the tolerance');
    expect(await count(21, { targets: { itemCountTolerancePercent: 4.99 } })).toMatchObject({
      status: 'FAIL',
      numbers: { differencePercent: 5 },
    });
  });

  test('well inside the tolerance: PASS', async () => {
    expect(await count(20, { targets: { itemCountTolerancePercent: 0 } })).toMatchObject({ check: 'item count', status: 'PASS' });
    expect(await count(19, { targets: { itemCountTolerancePercent: 10 } })).toMatchObject({ check: 'item count', status: 'PASS' });
  });

  test("the table's own tolerance overrides the target's, even when it is zero", async () => {
    expect(await count(18, { table: { itemCountTolerancePercent: 10 } })).toMatchObject({
      status: 'PASS',
      numbers: { tolerancePercent: 10 },
    });
    expect(await count(19, { table: { itemCountTolerancePercent: 0 } })).toMatchObject({
      status: 'FAIL',
      numbers: { tolerancePercent: 0 },
    });
  });

  test('the difference is a percentage of the source, to three decimals', async () => {
    const result = await checkResult(itemCountCheck, {
      sourceItems: items(3),
      restoredItems: items(2),
      targets: { itemCountTolerancePercent: 50 },
    });
    expect(result.numbers).toMatchObject({ differencePercent: -33.333 });
  });

  test('an empty source: an empty restore is 0 % off, any item 100 %', async () => {
    expect(await checkResult(itemCountCheck, { sourceItems: [], restoredItems: [] })).toMatchObject({
      status: 'PASS',
      numbers: { sourceItems: 0, restoredItems: 0, differencePercent: 0 },
    });
    expect(
      await checkResult(itemCountCheck, { sourceItems: [], restoredItems: items(1), targets: { itemCountTolerancePercent: 99 } }),
    ).toMatchObject({
      status: 'FAIL',
      numbers: { differencePercent: 100 },
    });
  });

  test("the drill's own items are left out on both sides: the canary of the source is not counted", async () => {
    const sourceItems = [...items(20), canary];
    const world = checkWorld({ table: { canary: true }, sourceItems, restoredItems: items(20) });
    expect(await runCheck(itemCountCheck, world)).toMatchObject({
      check: 'item count',
      status: 'PASS',
      numbers: { sourceItems: 20, restoredItems: 20 },
    });
    const source = world.context.source!;
    expect(world.tables.reads[0].options).toEqual({
      segments: 1,
      filter: withoutDrillItemsFilter(world.context.table, source),
      onPage: expect.any(Function),
    });
  });

  test('WARN when the source is gone, nothing counted', async () => {
    const result = await checkResult(itemCountCheck, { source: 'missing' });
    expect(result).toEqual({
      check: 'item count',
      status: 'WARN',
      summary: expect.any(String),
      nextStep: expect.stringContaining('remove it from the drill settings'),
    });
  });
});

describe("item count when the source cannot be counted: DynamoDB's estimate stands in", () => {
  /** A source of 20 items DynamoDB says take 400 KB: a count would cost ~50 read units. */
  const large = { sourceItems: items(20), source: { sizeBytes: 4096 * 100, itemCount: 20 } };

  test('a count the budget cannot cover is not started: the estimate, and a match is a PASS', async () => {
    const world = checkWorld({ ...large, targets: { sourceReadBudgetUnits: 49 } });
    expect(await runCheck(itemCountCheck, world)).toMatchObject({
      status: 'PASS',
      numbers: { mode: 'estimate', sourceItems: 20, restoredItems: 20 },
      sourceReadUnits: 0,
    });
    expect(world.tables.reads).toEqual([]);
  });

  test('a count costing exactly the budget is made', async () => {
    expect(await checkResult(itemCountCheck, { ...large, targets: { sourceReadBudgetUnits: 50 } })).toMatchObject({
      numbers: { mode: 'tolerance' },
      sourceReadUnits: 10,
    });
  });

  test('off by more than the tolerance against the estimate: WARN, not FAIL, and raise the budget', async () => {
    const result = await checkResult(itemCountCheck, { ...large, restoredItems: items(10), targets: { sourceReadBudgetUnits: 49 } });
    expect(result).toMatchObject({
      status: 'WARN',
      numbers: { mode: 'estimate', sourceItems: 20, restoredItems: 10, differencePercent: -50 },
    });
    expect(result.nextStep).toContain('raise sourceReadBudgetUnits to count the source exactly');
  });

  test('a count that would outlast the time left at the read pace: the estimate, and raise the pace', async () => {
    // ~50 units at 1 unit/s: 50 s.
    const atPace = { ...large, sourceReadUnitsPerSecond: 1 };
    expect(await checkResult(itemCountCheck, { ...atPace, checkTimeMs: 50_000 })).toMatchObject({ numbers: { mode: 'tolerance' } });
    const result = await checkResult(itemCountCheck, { ...atPace, checkTimeMs: 49_999, restoredItems: items(10) });
    expect(result).toMatchObject({ check: 'item count', status: 'WARN', numbers: { mode: 'estimate' }, sourceReadUnits: 0 });
    expect(result.nextStep).toContain('cannot be counted at sourceReadUnitsPerSecond in one invocation');
  });

  test('a count the budget stops part-way: the estimate, with what the partial count cost', async () => {
    const world = checkWorld({ sourceItems: items(20), restoredItems: items(10), targets: { sourceReadBudgetUnits: 1 } });
    world.tables.pageSize = 2;
    const result = await runCheck(itemCountCheck, world);
    expect(result).toMatchObject({
      check: 'item count',
      status: 'WARN',
      numbers: { mode: 'estimate', sourceItems: 20 },
      sourceReadUnits: 1,
    });
    expect(result?.nextStep).toContain('raise sourceReadBudgetUnits to count the source exactly');
  });

  test('no estimate either, the budget too small: WARN naming the budget', async () => {
    const result = await checkResult(itemCountCheck, {
      ...large,
      source: { sizeBytes: 4096 * 100, itemCount: undefined },
      targets: { sourceReadBudgetUnits: 49 },
    });
    expect(result).toEqual({
      check: 'item count',
      status: 'WARN',
      summary: expect.any(String),
      nextStep: expect.stringContaining('raise sourceReadBudgetUnits for this table to count it exactly'),
      numbers: { restoredItems: 20, sourceReadBudgetUnits: 49 },
      sourceReadUnits: 0,
    });
  });

  test('no estimate either, the pace too slow: WARN naming the read units and the pace', async () => {
    const result = await checkResult(itemCountCheck, {
      sourceItems: items(20),
      source: { sizeBytes: 4096 * 99 + 1, itemCount: undefined },
      sourceReadUnitsPerSecond: 0.5,
      checkTimeMs: 60_000,
    });
    expect(result).toEqual({
      check: 'item count',
      status: 'WARN',
      summary: expect.any(String),
      nextStep: expect.stringContaining('raise sourceReadUnitsPerSecond'),
      numbers: { restoredItems: 20, estimatedReadUnits: 50, sourceReadUnitsPerSecond: 0.5 },
      sourceReadUnits: 0,
    });
  });
});

describe('item count stopped by the time left: not evaluated, a FAIL that says so', () => {
  test('tolerance mode', async () => {
    // 1 unit a page at 1 unit/s with 1.5 s left: the second page would wait past the time.
    const world = checkWorld({ sourceItems: items(20), sourceReadUnitsPerSecond: 1, checkTimeMs: 1_500 });
    world.tables.pageSize = 2;
    expect(await runCheck(itemCountCheck, world)).toEqual({
      check: 'item count',
      status: 'FAIL',
      summary: expect.any(String),
      nextStep: expect.stringContaining('the source is too large to count in the time left'),
      numbers: { restoredItems: 20 },
      sourceReadUnits: 2,
    });
  });

  test('exact mode', async () => {
    const sourceItems = Array.from({ length: 20 }, (_, i) => createdBefore(i + 1, 60_000));
    const world = checkWorld({ table: { createdAtAttribute: 'createdAt' }, sourceItems, sourceReadUnitsPerSecond: 1, checkTimeMs: 1_500 });
    world.tables.pageSize = 2;
    expect(await runCheck(itemCountCheck, world)).toMatchObject({
      check: 'item count',
      status: 'FAIL',
      numbers: { restoredItems: 20 },
      sourceReadUnits: 2,
    });
  });
});

describe('item count, exact mode: both sides count the items created before the recovery point', () => {
  const exact = (sourceItems: Item[], restoredItems: Item[] = sourceItems) =>
    checkResult(itemCountCheck, { table: { createdAtAttribute: 'createdAt' }, sourceItems, restoredItems });
  const before = [createdBefore(1, 3_600_000), createdBefore(2, 60_000), createdBefore(3, 1)];

  test('equal: PASS, with the cut-off and what the count read', async () => {
    expect(await exact(before)).toEqual({
      check: 'item count',
      status: 'PASS',
      summary: expect.any(String),
      numbers: {
        mode: 'exact',
        createdBefore: RECOVERY_POINT_CREATED_AT,
        restoredItems: 3,
        sourceItems: 3,
        restoredItemsWithoutTimestamp: 0,
        sourceItemsWithoutTimestamp: 0,
      },
      sourceReadUnits: 1.5,
    });
  });

  test('items created in the source after the recovery point are not missing from the restore', async () => {
    expect(await exact([...before, createdBefore(4, -1), createdBefore(5, -3_600_000)], before)).toMatchObject({
      status: 'PASS',
      numbers: { sourceItems: 3, restoredItems: 3 },
    });
  });

  test('the cut-off is strict: an item created at the very millisecond of the recovery point is counted on neither side', async () => {
    // In the source only (a FAIL if the source counted it)...
    expect(await exact([...before, createdBefore(4, 0)], before)).toMatchObject({
      check: 'item count',
      status: 'PASS',
      numbers: { sourceItems: 3 },
    });
    // ...in the restore only (a WARN if the restore counted it).
    expect(await exact(before, [...before, createdBefore(4, 0)])).toMatchObject({
      check: 'item count',
      status: 'PASS',
      numbers: { restoredItems: 3 },
    });
  });

  test('fewer in the restore: FAIL, the backup lost them', async () => {
    const result = await exact(before, before.slice(1));
    expect(result).toMatchObject({
      check: 'item count',
      status: 'FAIL',
      numbers: { sourceItems: 3, restoredItems: 2 },
      sourceReadUnits: 1.5,
    });
    expect(result.nextStep).toContain('the backup lost them');
  });

  test('more in the restore: WARN, items deleted from the source since', async () => {
    const result = await exact(before.slice(1), before);
    expect(result).toMatchObject({
      check: 'item count',
      status: 'WARN',
      numbers: { sourceItems: 2, restoredItems: 3 },
      sourceReadUnits: 1,
    });
    expect(result.nextStep).toContain('check that createdAt is set at creation and never rewritten');
  });

  test('items without a readable timestamp are counted apart, on each side', async () => {
    const undated = [item(7), item(8, { createdAt: { S: 'yesterday' } })];
    expect(await exact([...before, ...undated], [...before, undated[0]])).toMatchObject({
      status: 'PASS',
      numbers: { sourceItems: 3, restoredItems: 3, sourceItemsWithoutTimestamp: 2, restoredItemsWithoutTimestamp: 1 },
    });
  });

  test("the source scan reads only the key and the timestamp, and leaves the drill's own items out", async () => {
    const world = checkWorld({
      table: { createdAtAttribute: 'createdAt', canary: true },
      sourceItems: [...before, { ...canary, createdAt: { S: '2026-01-01T00:00:00Z' } }],
      restoredItems: before,
    });
    expect(await runCheck(itemCountCheck, world)).toMatchObject({ check: 'item count', status: 'PASS', numbers: { sourceItems: 3 } });
    expect(world.tables.reads).toEqual([
      expect.objectContaining({
        operation: 'scanItems',
        tableName: 'orders',
        options: expect.objectContaining({
          segments: 1,
          projection: { expression: '#p0, #p1, #p2', names: { '#p0': 'pk', '#p1': 'sk', '#p2': 'createdAt' } },
        }),
      }),
    ]);
  });

  test('a timestamp that is a key attribute is read once', async () => {
    const keySchema = [
      { AttributeName: 'pk', KeyType: 'HASH' as const },
      { AttributeName: 'createdAt', KeyType: 'RANGE' as const },
    ];
    const world = checkWorld({ table: { createdAtAttribute: 'createdAt' }, source: { keySchema }, sourceItems: before });
    await runCheck(itemCountCheck, world);
    expect(world.tables.reads[0].options?.projection).toEqual({ expression: '#p0, #p1', names: { '#p0': 'pk', '#p1': 'createdAt' } });
  });

  test('a count the budget rules out: WARN, not counted', async () => {
    const result = await checkResult(itemCountCheck, {
      table: { createdAtAttribute: 'createdAt' },
      sourceItems: before,
      source: { sizeBytes: 4096 * 100 },
      targets: { sourceReadBudgetUnits: 49 },
    });
    expect(result).toMatchObject({
      check: 'item count',
      status: 'WARN',
      numbers: { restoredItems: 3, sourceReadBudgetUnits: 49 },
      sourceReadUnits: 0,
    });
  });

  test('a count the budget stops part-way: WARN, with what it cost', async () => {
    const world = checkWorld({
      table: { createdAtAttribute: 'createdAt' },
      sourceItems: [...before, ...before.map((found, i) => ({ ...found, pk: { S: `MORE#${i}` } }))],
      targets: { sourceReadBudgetUnits: 1 },
    });
    world.tables.pageSize = 2;
    expect(await runCheck(itemCountCheck, world)).toMatchObject({
      status: 'WARN',
      numbers: { sourceReadBudgetUnits: 1 },
      sourceReadUnits: 1,
    });
  });

  test('WARN when the source is gone', async () => {
    expect(
      await checkResult(itemCountCheck, { table: { createdAtAttribute: 'createdAt' }, source: 'missing', restoredItems: before }),
    ).toMatchObject({
      status: 'WARN',
      nextStep: expect.stringContaining('remove it from the drill settings'),
    });
  });
});

describe('item count of a fixture table reseeded since the recovery point: the restore against the fixture its marker names', () => {
  const seededAt = new Date('2026-11-27T06:00:00Z');
  const fixtureTable = (propertyCount: number) => ({ fixture: { propertyCount, digest: 'deployed-digest' } });
  const restoredFixture = (propertyCount: number, items = fixtureItems(propertyCount)) => [
    ...items,
    fixtureMarkerItem(propertyCount, seededAt),
  ];

  test('the restore holds the fixture in force then: PASS, the source not counted', async () => {
    const world = checkWorld({ table: fixtureTable(2), sourceItems: fixtureItems(2), restoredItems: restoredFixture(1) });
    expect(await runCheck(itemCountCheck, world)).toEqual({
      check: 'item count',
      status: 'PASS',
      summary: expect.any(String),
      numbers: { mode: 'fixture', restoredItems: 9, expectedItems: 9, fixturePropertyCount: 1 },
    });
    expect(world.tables.reads).toEqual([]);
  });

  test("the drill's canary in the restore is not read as the marker", async () => {
    const canary = {
      pk: { S: CANARY_KEY_VALUE },
      sk: { S: CANARY_KEY_VALUE },
      canaryId: { S: 'c-1' },
      writtenAt: { S: '2026-11-28T02:00:00.000Z' },
    };
    const world = checkWorld({
      table: { ...fixtureTable(2), canary: true },
      sourceItems: fixtureItems(2),
      restoredItems: [...restoredFixture(1), canary],
    });
    expect(await runCheck(itemCountCheck, world)).toMatchObject({
      check: 'item count',
      status: 'PASS',
      numbers: { mode: 'fixture', restoredItems: 9, expectedItems: 9, fixturePropertyCount: 1 },
    });
  });

  test('items missing from it: FAIL, see the content digest', async () => {
    const result = await checkResult(itemCountCheck, {
      table: fixtureTable(2),
      restoredItems: restoredFixture(1, fixtureItems(1).slice(1)),
    });
    expect(result).toMatchObject({ check: 'item count', status: 'FAIL', numbers: { mode: 'fixture', restoredItems: 8, expectedItems: 9 } });
    expect(result.nextStep).toContain('see the content digest');
  });

  test('a marker of another generator version: WARN, cannot be counted', async () => {
    const marker = { ...fixtureMarkerItem(1, seededAt), generatorVersion: { N: String(FIXTURE_GENERATOR_VERSION + 1) } };
    const result = await checkResult(itemCountCheck, { table: fixtureTable(1), restoredItems: [...fixtureItems(1), marker] });
    expect(result).toMatchObject({
      check: 'item count',
      status: 'WARN',
      numbers: { mode: 'fixture', restoredItems: 9, fixtureGeneratorVersion: FIXTURE_GENERATOR_VERSION + 1 },
    });
    expect(result.nextStep).toContain('expected for backups taken before an upgrade');
  });

  test('a marker naming the fixture deployed now, none, or an unreadable one: the source is counted as for any table', async () => {
    const counted = { numbers: expect.objectContaining({ mode: 'tolerance', sourceItems: 9 }) };
    expect(
      await checkResult(itemCountCheck, { table: fixtureTable(1), sourceItems: fixtureItems(1), restoredItems: restoredFixture(1) }),
    ).toMatchObject(counted);
    expect(
      await checkResult(itemCountCheck, { table: fixtureTable(2), sourceItems: fixtureItems(1), restoredItems: fixtureItems(1) }),
    ).toMatchObject(counted);
    const unreadable = { ...fixtureMarkerItem(1, seededAt), propertyCount: { S: 'one' } };
    expect(
      await checkResult(itemCountCheck, {
        table: fixtureTable(2),
        sourceItems: fixtureItems(1),
        restoredItems: [...fixtureItems(1), unreadable],
      }),
    ).toMatchObject(counted);
  });

  test('a table without a fixture ignores what looks like a marker', async () => {
    const result = await checkResult(itemCountCheck, { sourceItems: fixtureItems(1), restoredItems: restoredFixture(2) });
    expect(result).toMatchObject({ numbers: { mode: 'tolerance', restoredItems: 21, sourceItems: 9 } });
  });
});

describe('item count beyond the tolerance: example keys are looked for only for a counted shortfall', () => {
  test('a counted shortfall: the source keys scanned for examples, their read units added to the count', async () => {
    const world = checkWorld({ sourceItems: items(20), restoredItems: items(19), targets: { itemCountTolerancePercent: 4.99 } });
    const result = await runCheck(itemCountCheck, world);
    // The count (20 items, 10 units), then the keys-only scan (10 units more).
    expect(result).toMatchObject({
      status: 'FAIL',
      numbers: { mode: 'tolerance', sourceItems: 20, restoredItems: 19 },
      sourceReadUnits: 20,
    });
    expect(result?.summary).toContain('{pk=ITEM#20, sk=META}');
    expect(world.tables.reads.map((read) => read.operation)).toEqual(['countItems', 'scanItems']);
  });

  test('more in the restore: FAIL, no search for missing keys, nothing appended', async () => {
    const world = checkWorld({ sourceItems: items(20), restoredItems: items(21), targets: { itemCountTolerancePercent: 4.99 } });
    const result = await runCheck(itemCountCheck, world);
    expect(result).toMatchObject({ status: 'FAIL', numbers: { restoredItems: 21, sourceItems: 20 }, sourceReadUnits: 10 });
    expect(result?.summary).toMatch(/\)$/);
    expect(world.tables.reads.map((read) => read.operation)).toEqual(['countItems']);
  });

  test("a shortfall against DynamoDB's estimate: WARN, no source read at all", async () => {
    const world = checkWorld({
      sourceItems: items(20),
      restoredItems: items(10),
      source: { sizeBytes: 4096 * 100, itemCount: 20 },
      targets: { sourceReadBudgetUnits: 49 },
    });
    expect(await runCheck(itemCountCheck, world)).toMatchObject({ status: 'WARN', numbers: { mode: 'estimate' }, sourceReadUnits: 0 });
    expect(world.tables.reads).toEqual([]);
  });
});

describe('item count run split across fan-out workers: the fixture marker read by whichever share holds it', () => {
  const seededAt = new Date('2026-11-27T06:00:00Z');
  const reseeded = { table: { fixture: { propertyCount: 2, digest: 'deployed-digest' } }, sourceItems: fixtureItems(2) };

  test('the marker in an absorbed share: counted against the fixture it names', async () => {
    const restored = fixtureItems(1);
    const result = await splitSharesResult(itemCountCheck, checkWorld(reseeded), [
      restored.slice(0, 4),
      [...restored.slice(4), fixtureMarkerItem(1, seededAt)],
    ]);
    expect(result).toMatchObject({ status: 'PASS', numbers: { mode: 'fixture', restoredItems: 9, expectedItems: 9 } });
  });

  test('the marker the final run read itself is kept when it absorbs shares without one', async () => {
    const restored = fixtureItems(1);
    const result = await splitSharesResult(itemCountCheck, checkWorld(reseeded), [
      [fixtureMarkerItem(1, seededAt), ...restored.slice(0, 4)],
      restored.slice(4),
    ]);
    expect(result).toMatchObject({ status: 'PASS', numbers: { mode: 'fixture', restoredItems: 9, expectedItems: 9 } });
  });

  test('no share holds a marker: the source is counted as for any table', async () => {
    const restored = fixtureItems(2);
    const result = await splitSharesResult(itemCountCheck, checkWorld(reseeded), [restored.slice(0, 10), restored.slice(10)]);
    expect(result).toMatchObject({ status: 'PASS', numbers: { mode: 'tolerance', restoredItems: 20, sourceItems: 20 } });
  });

  test('exact mode: the counts before the cut-off and without a timestamp add up across shares', async () => {
    const before = [createdBefore(1, 60_000), createdBefore(2, 1)];
    const restored = [...before, createdBefore(3, -1), item(4)];
    const world = checkWorld({ table: { createdAtAttribute: 'createdAt' }, sourceItems: restored });
    const result = await splitSharesResult(itemCountCheck, world, [
      [restored[0], restored[2]],
      [restored[1], restored[3]],
    ]);
    expect(result).toMatchObject({
      status: 'PASS',
      numbers: { mode: 'exact', restoredItems: 2, sourceItems: 2, restoredItemsWithoutTimestamp: 1, sourceItemsWithoutTimestamp: 1 },
    });
  });
});

describe('item count over the items as the shared scan reads them off the wire', () => {
  /** The check run as the engine runs it, each restored item read in place from its wire JSON. */
  async function overTheWire(options: CheckContextOptions) {
    const world = checkWorld(options);
    const run = itemCountCheck.begin(world.context) as CheckRun;
    for (const found of world.tables.items(world.context.restoredTableName)) run.observeScannedItem?.(wireItemOf(wireJson(found)));
    return run.result();
  }

  test('tolerance mode reads no timestamp: an exact copy is a PASS', async () => {
    expect(await overTheWire({ sourceItems: items(3) })).toMatchObject({
      status: 'PASS',
      numbers: { mode: 'tolerance', restoredItems: 3 },
    });
  });

  test('exact mode reads the created-at attribute of each item', async () => {
    const before = [createdBefore(1, 60_000), createdBefore(2, 1), createdBefore(3, -1), item(4)];
    expect(await overTheWire({ table: { createdAtAttribute: 'createdAt' }, sourceItems: before })).toMatchObject({
      status: 'PASS',
      numbers: { mode: 'exact', restoredItems: 2, restoredItemsWithoutTimestamp: 1 },
    });
  });
});

test('item count begun without a restored copy names missing keys by the source key schema', async () => {
  const result = await checkResult(itemCountCheck, { sourceItems: items(2), restored: 'missing' });
  expect(result).toMatchObject({ status: 'FAIL', numbers: { restoredItems: 0, sourceItems: 2 } });
  expect(result.summary).toContain('{pk=ITEM#1, sk=META} {pk=ITEM#2, sk=META}');
  expect(await checkResult(itemCountCheck, { source: 'missing', restored: 'missing' })).toMatchObject({ status: 'WARN' });
});
