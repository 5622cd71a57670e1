import type { CheckDefinition } from '../../../lambda/checks/check';
import { CUSTOM_CHECKS } from '../../../lambda/checks/custom';
import { TableDigest } from '../../../lambda/digest/table-digest';
import { FIXTURE_SCHEMA, fixtureItems } from '../../../lambda/fixture/fixture-items';
import { FIXTURE_GENERATOR_VERSION, fixtureMarkerItem } from '../../../lambda/fixture/fixture-marker';
import { CANARY_KEY_VALUE } from '../../../lambda/ports/canary-port';
import { fixtureTableInput } from '../../harness/harness-test-support';
import type { ReadRecord } from '../support/fakes/in-memory-dynamodb';
import { FlowWorld, type Item, orderItems, PREFIX, scheduledEvent } from '../support/flow-world';

/**
 * The data-level checks (content digest, sample compare, exact item count, canary, custom
 * checks, read budget) through the handler, on the spatial fixture table, in the flow world (the
 * real engine over in-memory port fakes). What each check concludes from a given copy is its unit
 * test's; these prove the flow hands the checks the right tables, budget and pace. (Moved from
 * test/lambda/data-checks.test.ts, which ran on aws-sdk-client-mock over DynamoDB Local.)
 */

const PROPERTIES = 4;
const FIXTURE = fixtureItems(PROPERTIES);
/** What the seeder writes: the fixture items and the version marker, seeded a day before the drills. */
const SEEDED_AT = new Date('2026-11-27T06:00:00Z');
const SEEDED = [...FIXTURE, fixtureMarkerItem(PROPERTIES, SEEDED_AT)];
const FIXTURE_TABLE = 'RestoreDrill-fixture';

/** The fixture's schema (GSI byScan, LSI byCreatedAt), as the harness tests create it. */
const { TableName: _name, ...fixtureSchema } = fixtureTableInput(FIXTURE_TABLE);

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({
    name: FIXTURE_TABLE,
    items: SEEDED,
    schema: fixtureSchema,
    drill: {
      fixture: { propertyCount: PROPERTIES, digest: TableDigest.of(FIXTURE).toString() },
      canary: true,
      createdAtAttribute: FIXTURE_SCHEMA.createdAtAttribute,
      updatedAtAttribute: FIXTURE_SCHEMA.updatedAtAttribute,
      customChecks: ['polygon-closes'],
    },
  });
  world.addRecoveryPoint({ table: FIXTURE_TABLE, ageMinutes: 120 });
});

/**
 * Runs one drill with every item sampled (the sample compare then sees each change).
 * `deployedPropertyCount`: the fixture settings deployed now, when they differ from the seeded ones.
 */
async function drill(
  overrides: { sampleSize?: number; sourceReadBudgetUnits?: number; sourceReadUnitsPerSecond?: number } = {},
  deployedPropertyCount?: number,
) {
  const targets = { ...world.config().targets, sampleSize: 1_000, ...overrides };
  const tables = world.config().tables.map((table) =>
    table.fixture && deployedPropertyCount !== undefined
      ? {
          ...table,
          fixture: { propertyCount: deployedPropertyCount, digest: TableDigest.of(fixtureItems(deployedPropertyCount)).toString() },
        }
      : table,
  );
  await world.invoke(scheduledEvent(), { engine: world.engine({ targets, tables }) });
  const reports = world.published();
  const report = reports[reports.length - 1];
  const check = (name: string) => report.json.checks.find((c: { check: string }) => c.check === name);
  return { report, check };
}

const roomIndex = FIXTURE.findIndex((item) => item.type.S === 'room');
const roomKey = `{pk=${FIXTURE[roomIndex].pk.S}, sk=${FIXTURE[roomIndex].sk.S}}`;

test('an exact restore passes every data check', async () => {
  const { report, check } = await drill();
  expect(report.attributes.verdict).toBe('PASS');
  expect(check('content digest')).toMatchObject({ status: 'PASS', numbers: { restoredItems: FIXTURE.length } });
  // The version marker, like the canary, is the drill's own item: counted and compared on neither side.
  expect(check('item count')).toMatchObject({
    status: 'PASS',
    numbers: { mode: 'exact', restoredItems: FIXTURE.length, sourceItems: FIXTURE.length },
  });
  expect(check('sample compare')).toMatchObject({ status: 'PASS', numbers: { sampled: FIXTURE.length, matched: FIXTURE.length } });
  expect(check('polygon-closes')).toMatchObject({
    status: 'PASS',
    summary: expect.stringMatching(/^\d+ items: every room polygon is a closed ring$/),
  });
  // First drill: no canary older than this recovery point exists yet.
  expect(check('canary')).toMatchObject({ status: 'WARN' });
  expect(check('item count').sourceReadUnits).toBeGreaterThan(0);
  expect(world.copiesLeft()).toEqual([]);
});

test("the content digest of today's fixture uses the digest computed at synth", async () => {
  const { check } = await drill();
  expect(check('content digest')).toMatchObject({
    status: 'PASS',
    summary: expect.stringMatching(/^all 40 items equal the seeded fixture \(digest [0-9a-f]{12}\)$/),
    numbers: {
      expectedDigest: TableDigest.of(FIXTURE).toString(),
      fixturePropertyCount: PROPERTIES,
      fixtureGeneratorVersion: FIXTURE_GENERATOR_VERSION,
    },
  });
});

describe('fixture settings changed after the recovery point was taken', () => {
  /** What the seeder does on an Update: the new fixture and marker written, what lies beyond it deleted. */
  function reseedSource(propertyCount: number) {
    const items = fixtureItems(propertyCount);
    world.dynamodb.putItems(FIXTURE_TABLE, [...items, fixtureMarkerItem(propertyCount, new Date(world.clock.now() - 3600_000))]);
    for (const item of FIXTURE.slice(items.length)) world.dynamodb.deleteItem(FIXTURE_TABLE, { pk: item.pk, sk: item.sk });
  }

  test('more properties since: the restore is compared with the fixture in force when it was taken, and PASSes', async () => {
    reseedSource(6);
    const { report, check } = await drill({}, 6);
    expect(check('content digest')).toMatchObject({
      status: 'PASS',
      summary: expect.stringMatching(
        /^all 40 items equal the fixture in force when the recovery point was taken \(4 properties, seeded 2026-11-27 06:00:00 UTC\) \(digest [0-9a-f]{12}\); the source has since been reseeded with 6 properties$/,
      ),
      numbers: expect.objectContaining({ expectedDigest: TableDigest.of(FIXTURE).toString(), fixturePropertyCount: 4 }),
    });
    // The generated items' creation times are synthetic: counting the reseeded source would find 20 "missing".
    expect(check('item count')).toMatchObject({
      status: 'PASS',
      summary:
        'restored 40, the fixture in force when the recovery point was taken (4 properties) holds 40; the source has since been reseeded (6 properties), so it is not counted',
      numbers: { mode: 'fixture', restoredItems: 40, expectedItems: 40, fixturePropertyCount: 4 },
    });
    expect(check('sample compare').status).toBe('PASS');
    expect(report.attributes.verdict).toBe('PASS');
    expect(world.copiesLeft()).toEqual([]);
  });

  test('fewer properties since: PASS; the sampled items no longer in the source are a WARN, as on any table with deletes', async () => {
    reseedSource(2);
    const { report, check } = await drill({}, 2);
    expect(check('content digest')).toMatchObject({ status: 'PASS', numbers: expect.objectContaining({ fixturePropertyCount: 4 }) });
    expect(check('item count')).toMatchObject({ status: 'PASS', numbers: expect.objectContaining({ mode: 'fixture', expectedItems: 40 }) });
    expect(check('sample compare')).toMatchObject({
      status: 'WARN',
      numbers: expect.objectContaining({ goneFromSource: 20, mismatched: 0 }),
    });
    expect(report.attributes.verdict).toBe('PASS');
  });

  test('an item lost by the backup still FAILs against the fixture in force then', async () => {
    reseedSource(6);
    world.nextRestores({ mutateItems: (items) => items.filter((_, i) => i !== roomIndex) });
    const { report, check } = await drill({}, 6);
    expect(check('content digest')).toMatchObject({
      status: 'FAIL',
      summary: `restored content differs from the fixture in force when the recovery point was taken (4 properties, seeded 2026-11-27 06:00:00 UTC): 1 missing, 0 extra, 0 changed (missing ${roomKey})`,
    });
    expect(check('item count')).toMatchObject({ status: 'FAIL', summary: expect.stringMatching(/: 1 missing$/) });
    expect(report.subject).toMatch(/ - item count, content digest$/);
  });

  test('a marker written by a generator version this engine does not know: WARN, the content cannot be compared', async () => {
    const olderGenerator = { ...fixtureMarkerItem(PROPERTIES, SEEDED_AT), generatorVersion: { N: String(FIXTURE_GENERATOR_VERSION + 1) } };
    world.addRecoveryPoint({ table: FIXTURE_TABLE, ageMinutes: 60, items: [...FIXTURE, olderGenerator] });
    // The source was reseeded by today's generator after that backup.
    world.dynamodb.putItems(FIXTURE_TABLE, [fixtureMarkerItem(PROPERTIES, new Date(world.clock.now() - 30 * 60_000))]);
    const { report, check } = await drill();
    expect(check('content digest')).toMatchObject({
      status: 'WARN',
      summary: `the content cannot be compared: this recovery point holds a fixture written by generator version ${FIXTURE_GENERATOR_VERSION + 1}, and this engine regenerates only version ${FIXTURE_GENERATOR_VERSION} (40 items restored)`,
    });
    expect(check('item count')).toMatchObject({ status: 'WARN', numbers: expect.objectContaining({ mode: 'fixture' }) });
    expect(report.attributes.verdict).toBe('PASS');
  });
});

describe('a backup taken before the upgrade that added the version marker', () => {
  // The seeder of the upgrade wrote the marker into the source; the recovery point predates it.
  beforeEach(() => {
    world.addRecoveryPoint({ table: FIXTURE_TABLE, ageMinutes: 60, items: FIXTURE });
  });

  test("content equal to today's fixture: item count and content digest PASS, the digest saying the backup predates markers", async () => {
    const { report, check } = await drill();
    expect(check('item count')).toMatchObject({
      status: 'PASS',
      summary: 'restored 40, source 40 items created before the recovery point',
      numbers: expect.objectContaining({ mode: 'exact', restoredItems: 40, sourceItems: 40 }),
    });
    expect(check('content digest')).toMatchObject({
      status: 'PASS',
      summary: expect.stringMatching(
        /^all 40 items equal the fixture deployed now \(4 properties, digest [0-9a-f]{12}\); the backup predates version markers, so it was compared with today's fixture$/,
      ),
      numbers: expect.objectContaining({ expectedDigest: TableDigest.of(FIXTURE).toString(), marker: 'missing' }),
    });
    expect(check('sample compare')).toMatchObject({ status: 'PASS', numbers: expect.objectContaining({ sampled: 40, matched: 40 }) });
    expect(report.attributes.verdict).toBe('PASS');
    expect(report.subject).toMatch(/^\[PASS\] restore drill RestoreDrill-fixture: /);
    expect(report.email).toMatch(/PASS\s+item count\s+restored 40, source 40 items created before the recovery point/);
    expect(report.email).toMatch(
      /PASS\s+content digest\s+all 40 items equal the fixture deployed now .*the backup predates version markers/,
    );
    expect(world.copiesLeft()).toEqual([]);
  });

  test('counted without a created-at attribute, the Select COUNT of the source leaves the marker out as well', async () => {
    const tables = world.config().tables.map((table) => ({ ...table, createdAtAttribute: undefined }));
    await world.invoke(scheduledEvent(), { engine: world.engine({ tables }) });
    const [report] = world.published();
    const count = report.json.checks.find((c: { check: string }) => c.check === 'item count');
    expect(count).toMatchObject({ status: 'PASS', summary: 'restored 40, source 40 (+0.00%, tolerance 0.00%)' });
    // A count (Select COUNT, port test) of the source whose filter leaves the marker out.
    expect(world.dynamodb.calls('countItems')).toContainEqual([
      FIXTURE_TABLE,
      expect.objectContaining({ filter: expect.objectContaining({ expression: expect.stringContaining('NOT (#markerPk = :markerPk') }) }),
    ]);
  });

  test("content that differs from today's fixture: still FAIL, saying which fixture it holds is unknown", async () => {
    world.nextRestores({ mutateItems: (items) => items.filter((_, i) => i !== roomIndex) });
    const { report, check } = await drill();
    expect(check('content digest')).toMatchObject({
      status: 'FAIL',
      summary:
        'the restore holds no fixture version marker, so which fixture this recovery point holds is unknown; its 39 items differ from the fixture deployed now (4 properties)',
      nextStep: expect.stringContaining('the next backup carries it'),
      numbers: expect.objectContaining({ marker: 'missing' }),
    });
    expect(check('item count')).toMatchObject({
      status: 'FAIL',
      summary: 'restored 39, source 40 items created before the recovery point: 1 missing',
    });
    expect(report.attributes.verdict).toBe('FAIL');
  });
});

test('one item deleted: digest counts it missing, exact item count fails', async () => {
  world.nextRestores({ mutateItems: (items) => items.filter((_, i) => i !== roomIndex) });
  const { report, check } = await drill();
  expect(report.attributes.verdict).toBe('FAIL');
  expect(check('content digest')).toMatchObject({
    status: 'FAIL',
    summary: `restored content differs from the fixture: 1 missing, 0 extra, 0 changed (missing ${roomKey})`,
    numbers: expect.objectContaining({ missing: 1, extra: 0, changed: 0 }),
  });
  expect(check('item count')).toMatchObject({ status: 'FAIL', summary: expect.stringMatching(/: 1 missing$/) });
  expect(world.copiesLeft()).toEqual([]);
});

test('one attribute changed: digest counts it changed, sample compare names its key only', async () => {
  world.nextRestores({
    mutateItems: (items) => {
      items[roomIndex].areaM2 = { N: '999.5' };
      return items;
    },
  });
  const { report, check } = await drill();
  expect(report.attributes.verdict).toBe('FAIL');
  expect(report.subject).toMatch(/ - sample compare, content digest$/);
  expect(check('content digest')).toMatchObject({ status: 'FAIL', numbers: expect.objectContaining({ missing: 0, extra: 0, changed: 1 }) });
  const sample = check('sample compare');
  expect(sample).toMatchObject({ status: 'FAIL', numbers: expect.objectContaining({ mismatched: 1 }) });
  expect(sample.summary).toContain(`1 differ: ${roomKey}`);
  // Keys only: the changed value never reaches the report.
  expect(JSON.stringify(world.published())).not.toContain('999.5');
});

test('one extra item: digest counts it extra (FAIL); the exact count WARNs "more in the restore"', async () => {
  world.nextRestores({
    mutateItems: (items) => [
      ...items,
      { pk: { S: 'PROPERTY#P9999' }, sk: { S: 'META' }, type: { S: 'property' }, createdAt: { S: '2026-01-01T00:00:00.000Z' } },
    ],
  });
  const { report, check } = await drill();
  expect(report.attributes.verdict).toBe('FAIL');
  expect(report.subject).toMatch(/ - content digest$/);
  expect(check('content digest')).toMatchObject({
    status: 'FAIL',
    summary: 'restored content differs from the fixture: 0 missing, 1 extra, 0 changed (extra {pk=PROPERTY#P9999, sk=META})',
  });
  expect(check('item count')).toMatchObject({ status: 'WARN', summary: expect.stringMatching(/: 1 more in the restore$/) });
});

test('many differences: every one counted, the first three named by key, the comparison scan reported', async () => {
  world.nextRestores({
    mutateItems: (items) => [
      ...items,
      ...Array.from({ length: 10 }, (_, i) => ({
        pk: { S: `PROPERTY#P99${String(i).padStart(2, '0')}` },
        sk: { S: 'META' },
        type: { S: 'property' },
        secret: { S: 'do-not-report' },
      })),
    ],
  });
  const { check } = await drill();
  const digest = check('content digest');
  expect(digest).toMatchObject({ status: 'FAIL', numbers: expect.objectContaining({ missing: 0, extra: 10, changed: 0 }) });
  expect(digest.summary).toMatch(
    /\(extra \{pk=PROPERTY#P99\d\d, sk=META\} \{pk=PROPERTY#P99\d\d, sk=META\} \{pk=PROPERTY#P99\d\d, sk=META\} and 7 more\)$/,
  );
  expect(digest.numbers.comparisonScanReadUnits).toBeGreaterThan(0);
  expect(JSON.stringify(world.published())).not.toContain('do-not-report');
});

/**
 * Each source read came only once the units before it had been paid for at `rate` units/s since
 * the first read. Returns the units all the reads consumed.
 */
function expectReadsKeptPace(reads: ReadonlyArray<{ at: number; units: number }>, rate: number): number {
  let consumedBefore = 0;
  for (const read of reads) {
    expect(consumedBefore).toBeLessThanOrEqual((rate * (read.at - reads[0].at)) / 1000 + 1e-9);
    consumedBefore += read.units;
  }
  return consumedBefore;
}

/** Rewrites what DynamoDB returns for the restored copy, as another client or encoder might. */
function rewriteRestoredScans(rewrite: (item: Item) => Item) {
  world.dynamodb.rewriteScans((tableName) => tableName.startsWith(PREFIX), rewrite);
}

function rewriteNumbers(value: any): any {
  if (value && typeof value === 'object') {
    if (typeof value.N === 'string') return { N: `${value.N}${value.N.includes('.') ? '00' : '.000'}` };
    if (Array.isArray(value)) return value.map(rewriteNumbers);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteNumbers(v)]));
  }
  return value;
}

test('an item deleted from the source after the backup: the exact count WARNs, nothing FAILs', async () => {
  world.dynamodb.deleteItem(FIXTURE_TABLE, { pk: FIXTURE[roomIndex].pk, sk: FIXTURE[roomIndex].sk });
  const { report, check } = await drill();
  expect(check('item count')).toMatchObject({
    status: 'WARN',
    numbers: expect.objectContaining({ restoredItems: FIXTURE.length, sourceItems: FIXTURE.length - 1 }),
  });
  expect(check('content digest').status).toBe('PASS');
  expect(report.attributes.verdict).toBe('PASS');
});

describe('sample compare and later changes to the source', () => {
  const changedAtSource = (updatedAt: string) =>
    world.dynamodb.putItems(FIXTURE_TABLE, [{ ...FIXTURE[roomIndex], areaM2: { N: '999.5' }, updatedAt: { S: updatedAt } }]);

  test('an item changed in the source after the recovery point (updatedAt later) is skipped, not failed', async () => {
    changedAtSource(new Date(world.clock.now()).toISOString());
    const { report, check } = await drill();
    expect(check('sample compare')).toMatchObject({
      status: 'PASS',
      summary: expect.stringContaining('1 skipped (changed after the recovery point)'),
      numbers: expect.objectContaining({
        sampled: FIXTURE.length,
        matched: FIXTURE.length - 1,
        skippedChangedSinceBackup: 1,
        mismatched: 0,
      }),
    });
    // The restored copy itself is intact.
    expect(check('content digest').status).toBe('PASS');
    expect(report.attributes.verdict).toBe('PASS');
  });

  test('a difference whose updatedAt predates the recovery point is a FAIL naming the key', async () => {
    changedAtSource(new Date(world.clock.now() - 24 * 3600_000).toISOString());
    const { report, check } = await drill();
    expect(check('sample compare')).toMatchObject({
      status: 'FAIL',
      summary: expect.stringContaining(`1 differ: ${roomKey}`),
      numbers: expect.objectContaining({ skippedChangedSinceBackup: 0, mismatched: 1 }),
    });
    expect(report.attributes.verdict).toBe('FAIL');
    expect(JSON.stringify(world.published())).not.toContain('999.5');
  });

  test('without an updatedAt attribute a difference cannot be told from a later change: WARN, not FAIL', async () => {
    world.addSourceTable({ name: 'plain-orders', items: orderItems(10) });
    world.addRecoveryPoint({ table: 'plain-orders', ageMinutes: 60 });
    world.dynamodb.putItems('plain-orders', [{ ...orderItems(1)[0], total: { N: '1' } }]);
    await world.invoke(
      { tables: ['plain-orders'] },
      { engine: world.engine({ targets: { ...world.config().targets, sampleSize: 1_000 } }) },
    );
    const report = world.published().at(-1)!;
    const sample = report.json.checks.find((c: { check: string }) => c.check === 'sample compare');
    expect(sample).toMatchObject({
      status: 'WARN',
      summary: expect.stringContaining('1 differ: {pk=ORDER#0000, sk=META}'),
      nextStep: expect.stringContaining('declare an updatedAtAttribute'),
      numbers: expect.objectContaining({ sampled: 10, matched: 9, mismatched: 1 }),
    });
    expect(report.attributes).toEqual({ verdict: 'PASS', table: 'plain-orders', drillId: report.json.drillId });
  });
});

test('numbers written differently but equal (1.5 as 1.500) pass', async () => {
  rewriteRestoredScans((item) => rewriteNumbers(item));
  const { report, check } = await drill();
  expect(check('content digest').status).toBe('PASS');
  expect(check('sample compare').status).toBe('PASS');
  expect(report.attributes.verdict).toBe('PASS');
});

test('attribute order shuffled passes', async () => {
  rewriteRestoredScans((item) => Object.fromEntries(Object.entries(item).reverse()));
  const { report, check } = await drill();
  expect(check('content digest').status).toBe('PASS');
  expect(check('sample compare').status).toBe('PASS');
  expect(report.attributes.verdict).toBe('PASS');
});

test('a broken polygon fails the registered custom check', async () => {
  world.nextRestores({
    mutateItems: (items) => {
      items[roomIndex].polygon.L!.pop();
      return items;
    },
  });
  const { check } = await drill();
  expect(check('polygon-closes')).toMatchObject({
    status: 'FAIL',
    summary: `1 of ${FIXTURE.filter((i) => i.type.S === 'room').length} items break the rule (1 with an open ring): ${roomKey}`,
  });
});

describe('canary', () => {
  async function firstDrillWritesCanary() {
    await drill();
    expect(world.dynamodb.calls('putItem')).toContainEqual([
      FIXTURE_TABLE,
      expect.objectContaining({ pk: { S: CANARY_KEY_VALUE }, sk: { S: CANARY_KEY_VALUE } }),
    ]);
    world.clock.advance(24 * 3600_000);
  }

  test('the restore holds the canary written before the backup: PASS', async () => {
    await firstDrillWritesCanary();
    world.addRecoveryPoint({ table: FIXTURE_TABLE, ageMinutes: 60, items: world.dynamodb.itemsOf(FIXTURE_TABLE) });
    const { report, check } = await drill();
    expect(check('canary')).toMatchObject({ status: 'PASS' });
    // The canary never counts as content: digest and exact count still match the fixture.
    expect(check('content digest').status).toBe('PASS');
    expect(check('item count').status).toBe('PASS');
    expect(report.attributes.verdict).toBe('PASS');
  });

  test('a backup that missed the canary fails it', async () => {
    await firstDrillWritesCanary();
    const withoutCanary = world.dynamodb.itemsOf(FIXTURE_TABLE).filter((item) => item.pk.S !== CANARY_KEY_VALUE);
    world.addRecoveryPoint({ table: FIXTURE_TABLE, ageMinutes: 60, items: withoutCanary });
    const { report, check } = await drill();
    expect(check('canary')).toMatchObject({ status: 'FAIL', summary: expect.stringMatching(/is missing from the restore$/) });
    expect(report.attributes.verdict).toBe('FAIL');
  });
});

/** Scans and counts of the source table asked of DynamoDB. */
const sourceScans = () =>
  [...world.dynamodb.calls('scanItems'), ...world.dynamodb.calls('countItems')].filter(([tableName]) => tableName === FIXTURE_TABLE);
/** Every page and BatchGetItem read from the source, with when and what it consumed. */
const sourceReads = () => world.dynamodb.reads.filter((read) => read.tableName === FIXTURE_TABLE);

describe('read budget', () => {
  test('with no budget for the source, checks degrade to WARN instead of reading it', async () => {
    const { report, check } = await drill({ sourceReadBudgetUnits: 0 });
    expect(check('item count')).toMatchObject({ status: 'WARN', summary: expect.stringContaining('the source was not counted') });
    expect(check('sample compare')).toMatchObject({
      status: 'WARN',
      numbers: expect.objectContaining({ notFetchedReadBudget: FIXTURE.length }),
    });
    expect(world.dynamodb.calls('batchGetItems')).toEqual([]);
    expect(sourceScans()).toEqual([]);
    expect(report.attributes.verdict).toBe('PASS');
  });

  test('source reads keep to the pace: before each read, at most rate x seconds since the first read', async () => {
    // Small pages, so the source count takes many reads to pace.
    world.dynamodb.limitPages((tableName) => tableName === FIXTURE_TABLE, 8);
    const rate = 0.5;
    const { report, check } = await drill({ sourceReadUnitsPerSecond: rate });
    const reads = sourceReads();
    expect(reads.length).toBeGreaterThan(5);
    const consumedBefore = expectReadsKeptPace(reads, rate);
    // ...and no slower than that: the last read came as soon as the rate allowed it.
    const beforeLast = consumedBefore - reads[reads.length - 1].units;
    expect((reads[reads.length - 1].at - reads[0].at) / 1000).toBeCloseTo(beforeLast / rate, 3);
    // It waited rather than skipped: every check still read what it needed.
    expect(check('item count')).toMatchObject({ status: 'PASS', numbers: expect.objectContaining({ mode: 'exact' }) });
    expect(check('sample compare')).toMatchObject({ status: 'PASS', numbers: expect.objectContaining({ matched: FIXTURE.length }) });
    expect(report.json.reads.sourceReadUnitsPerSecond).toBe(rate);
    expect(report.attributes.verdict).toBe('PASS');
  });

  test('a source count that would outlast the invocation at the pace is not started: WARN with the estimate, not FAIL', async () => {
    // Even the smallest count (0.5 unit) takes 5,000 s at 0.0001 units/s; the invocation has 13 minutes.
    const { report, check } = await drill({ sourceReadUnitsPerSecond: 0.0001 });
    expect(sourceScans()).toEqual([]);
    expect(check('item count')).toMatchObject({
      status: 'WARN',
      summary: expect.stringMatching(
        /the source was not counted: ~\d+ read units at 0 units\/s would take ~[\d,]+ s, more than this invocation has left$/,
      ),
      nextStep: expect.stringContaining('raise sourceReadUnitsPerSecond'),
    });
    // The sample compare reads its first chunk, then stops rather than sleep past the reserve.
    expect(world.dynamodb.calls('batchGetItems')).toHaveLength(1);
    expect(check('sample compare')).toMatchObject({
      status: 'WARN',
      numbers: expect.objectContaining({ notFetchedReadBudget: FIXTURE.length - 25 }),
    });
    expect(report.attributes.verdict).toBe('PASS');
    expect(world.copiesLeft()).toEqual([]);
  });

  test('every source read is reported with the capacity it consumed', async () => {
    const { report, check } = await drill();
    const count = check('item count').sourceReadUnits;
    const sample = check('sample compare').sourceReadUnits;
    expect(count).toBeGreaterThan(0);
    expect(sample).toBeGreaterThan(0);
    expect(report.json.reads.sourceReadUnits).toBeCloseTo(count + sample, 5);
    // What DynamoDB charged for them, to the unit.
    expect(count + sample).toBeCloseTo(
      sourceReads().reduce((sum, read) => sum + read.units, 0),
      5,
    );
    expect(report.email).toMatch(/PASS\s+item count\s+.* \[[\d.,]+ source read units\]/);
  });
});

describe('custom checks are held to the read budget and pace', () => {
  /** A hand-written check that reads the source table as greedily as it likes. */
  const greedy: CheckDefinition = {
    name: 'greedy',
    needs: 'restored-table',
    begin: (context) => ({
      async result() {
        const scan = await context.dynamodb.scanItems(context.source!.name, { segments: 1 }, () => undefined);
        const keys = FIXTURE.slice(0, 100).map((item) => ({ pk: item.pk, sk: item.sk }));
        await context.dynamodb.batchGetItems(context.source!.name, keys);
        return { check: 'greedy', status: 'PASS', summary: `scanned ${scan.count}`, numbers: { stoppedEarly: scan.stoppedEarly } };
      },
    }),
  };

  /** The greedy check's scan: the source, all attributes, no filter (the item count filters, and projects or counts). */
  const isGreedyScan = (tableName: string, options: { filter?: unknown; projection?: unknown }) =>
    tableName === FIXTURE_TABLE && !options.filter && !options.projection;
  const greedyPages = () =>
    world.dynamodb.reads.filter((read) => read.op === 'scanItems' && isGreedyScan(read.tableName, read.options ?? {}));

  async function drillWithGreedy(targets: { sourceReadBudgetUnits: number; sourceReadUnitsPerSecond?: number }) {
    const config = world.config();
    const engine = world.engine(
      {
        tables: config.tables.map((table) => (table.tableName === FIXTURE_TABLE ? { ...table, customChecks: ['greedy'] } : table)),
        targets: { ...config.targets, sampleSize: 0, ...targets },
      },
      { customChecks: { ...CUSTOM_CHECKS, greedy } },
    );
    await world.invoke(scheduledEvent(), { engine });
    const report = world.published().at(-1)!;
    return report.json.checks.find((c: { check: string }) => c.check === 'greedy');
  }

  test('a source scan stops when the budget is spent; a read it cannot afford FAILs the check, naming the budget', async () => {
    // Small pages, so the budget runs out part-way through the scan.
    world.dynamodb.limitPages(isGreedyScan, 5);
    const check = await drillWithGreedy({ sourceReadBudgetUnits: 2 });
    expect(check).toMatchObject({
      status: 'FAIL',
      summary: expect.stringContaining('read budget of 2 units for source table RestoreDrill-fixture is spent'),
    });
    expect(world.dynamodb.calls('batchGetItems')).toEqual([]);
    const scannedPages = greedyPages();
    expect(scannedPages.length).toBeGreaterThan(0);
    expect(scannedPages.length).toBeLessThan(Math.ceil(SEEDED.length / 5));
    expect(world.copiesLeft()).toEqual([]);
  });

  test('with budget to spare, its reads are paced like the built-in checks', async () => {
    world.dynamodb.limitPages(isGreedyScan, 10);
    const rate = 0.5;
    const check = await drillWithGreedy({ sourceReadBudgetUnits: 10_000, sourceReadUnitsPerSecond: rate });
    expect(check).toMatchObject({ status: 'PASS', numbers: { stoppedEarly: false } });
    const reads: ReadRecord[] = [...greedyPages(), ...sourceReads().filter((read) => read.op === 'batchGetItems')];
    expect(reads.length).toBeGreaterThan(3);
    expect(expectReadsKeptPace(reads, rate)).toBeGreaterThan(1);
  });
});
