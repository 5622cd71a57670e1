import { contentDigestCheck } from '../../../lambda/checks/content-digest';
import { CANARY_KEY_VALUE } from '../../../lambda/config';
import { TableDigest } from '../../../lambda/digest/table-digest';
import { itemObserver } from '../../../lambda/drill/item-observers';
import { fixtureItems } from '../../../lambda/fixture/fixture-items';
import { FIXTURE_GENERATOR_VERSION, fixtureMarkerItem } from '../../../lambda/fixture/fixture-marker';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { ObjectItem } from '../../../lambda/ports/scan-wire';
import { type CheckContextOptions, checkResult, checkWorld, runCheck } from './check-context';
import { splitSharesResult } from './split-shares';

const seededAt = new Date('2026-11-27T06:00:00Z');
const digestOf = (items: Item[]) => TableDigest.of(items).toString();
const ONE = fixtureItems(1);
const TWO = fixtureItems(2);
/** The fixture table as deployed now. */
const deployed = (propertyCount: number) => ({ fixture: { propertyCount, digest: digestOf(fixtureItems(propertyCount)) } });
const marker = (propertyCount: number) => fixtureMarkerItem(propertyCount, seededAt);
const digestCheck = (options: CheckContextOptions) => checkResult(contentDigestCheck, { sourceItems: ONE, ...options });

describe('content digest: the restore holds exactly the fixture in force when the recovery point was taken', () => {
  test('only for the fixture table, with a restored copy', async () => {
    expect(contentDigestCheck).toMatchObject({ name: 'content digest', needs: 'restored-table' });
    expect(await runCheck(contentDigestCheck, checkWorld())).toBeUndefined();
    expect(await runCheck(contentDigestCheck, checkWorld({ table: deployed(1), restored: 'missing' }))).toBeUndefined();
  });

  test("PASS: today's fixture, compared with the digest computed at synth", async () => {
    const result = await digestCheck({ table: deployed(1), restoredItems: [...ONE, marker(1)] });
    expect(result).toEqual({
      check: 'content digest',
      status: 'PASS',
      summary: expect.any(String),
      numbers: {
        expectedDigest: digestOf(ONE),
        restoredDigest: digestOf(ONE),
        restoredItems: 9,
        fixturePropertyCount: 1,
        fixtureGeneratorVersion: FIXTURE_GENERATOR_VERSION,
      },
    });
  });

  test("the drill's canary in the restore is not read as the marker", async () => {
    const canary = {
      pk: { S: CANARY_KEY_VALUE },
      sk: { S: CANARY_KEY_VALUE },
      canaryId: { S: 'c-1' },
      writtenAt: { S: '2026-11-28T02:00:00.000Z' },
    };
    const result = await digestCheck({ table: { ...deployed(1), canary: true }, restoredItems: [...ONE, marker(1), canary] });
    expect(result).toMatchObject({ check: 'content digest', status: 'PASS', numbers: { restoredDigest: digestOf(ONE) } });
  });

  test('the digest at synth is what counts for the fixture deployed now', async () => {
    // A synth digest that does not match its own fixture: the check trusts the synth digest.
    const result = await digestCheck({
      table: { fixture: { propertyCount: 1, digest: 'synth-digest' } },
      restoredItems: [...ONE, marker(1)],
    });
    expect(result).toMatchObject({
      check: 'content digest',
      status: 'FAIL',
      numbers: { expectedDigest: 'synth-digest', missing: 0, extra: 0, changed: 0 },
    });
  });

  test('PASS: an earlier fixture the marker names, regenerated, the source since reseeded', async () => {
    const result = await digestCheck({ table: deployed(2), restoredItems: [...ONE, marker(1)] });
    expect(result).toMatchObject({
      status: 'PASS',
      numbers: { expectedDigest: digestOf(ONE), restoredDigest: digestOf(ONE), fixturePropertyCount: 1 },
    });
  });

  test('a backup from before version markers, equal to the fixture deployed now: PASS, saying so', async () => {
    expect(await digestCheck({ table: deployed(1), restoredItems: ONE })).toEqual({
      check: 'content digest',
      status: 'PASS',
      summary: expect.any(String),
      numbers: { expectedDigest: digestOf(ONE), restoredDigest: digestOf(ONE), restoredItems: 9, marker: 'missing' },
    });
  });

  test('a backup from before version markers holding anything else: FAIL, which fixture it holds is unknown', async () => {
    const result = await digestCheck({ table: deployed(2), restoredItems: ONE });
    expect(result).toMatchObject({
      status: 'FAIL',
      numbers: { expectedDigest: digestOf(TWO), restoredDigest: digestOf(ONE), restoredItems: 9, marker: 'missing' },
    });
    expect(result.nextStep).toContain('a backup taken before version markers existed');
  });

  test('an unreadable marker: FAIL, even when the content equals the fixture', async () => {
    const unreadable = { ...marker(1), propertyCount: { N: '0' } };
    const result = await digestCheck({ table: deployed(1), restoredItems: [...ONE, unreadable] });
    expect(result).toMatchObject({
      check: 'content digest',
      status: 'FAIL',
      numbers: { marker: 'malformed', restoredDigest: digestOf(ONE) },
    });
    expect(result.nextStep).toContain('the backup or the restore altered the marker item');
  });

  test('a marker of another generator version: WARN, cannot be compared', async () => {
    const other = { ...marker(1), generatorVersion: { N: String(FIXTURE_GENERATOR_VERSION + 1) } };
    const result = await digestCheck({ table: deployed(1), restoredItems: [...ONE, other] });
    expect(result).toEqual({
      check: 'content digest',
      status: 'WARN',
      summary: expect.any(String),
      nextStep: expect.stringContaining('expected for backups taken before an upgrade that changed the fixture generator'),
      numbers: {
        restoredDigest: digestOf(ONE),
        restoredItems: 9,
        fixturePropertyCount: 1,
        fixtureGeneratorVersion: FIXTURE_GENERATOR_VERSION + 1,
      },
    });
  });
});

describe('content digest differences: a second pass against the regenerated fixture counts and names them', () => {
  const room = ONE.findIndex((found) => found.type.S === 'room');
  const changedRoom: Item = { ...ONE[room], areaM2: { N: '1' } };
  const extraItem: Item = { pk: { S: 'PROPERTY#P9999' }, sk: { S: 'META' }, type: { S: 'property' } };

  test('missing, extra and changed items: FAIL, counted, the keys named, what the scan read', async () => {
    const restored = [...ONE.slice(1).map((found, i) => (i + 1 === room ? changedRoom : found)), extraItem, marker(1)];
    const world = checkWorld({ table: deployed(1), sourceItems: ONE, restoredItems: restored, targets: { scanSegments: 3 } });
    const result = await runCheck(contentDigestCheck, world);
    expect(result).toMatchObject({
      check: 'content digest',
      status: 'FAIL',
      numbers: {
        expectedDigest: digestOf(ONE),
        restoredDigest: digestOf(restored.slice(0, -1)),
        restoredItems: 9,
        missing: 1,
        extra: 1,
        changed: 1,
        comparisonScanReadUnits: 5,
      },
    });
    expect(result?.summary).toContain(`missing {pk=${ONE[0].pk.S}, sk=${ONE[0].sk.S}}`);
    expect(result?.summary).toContain('extra {pk=PROPERTY#P9999, sk=META}');
    expect(result?.summary).toContain(`changed {pk=${changedRoom.pk.S}, sk=${changedRoom.sk.S}}`);
    expect(result?.nextStep).toContain('open an AWS support case');
    // The second pass scans the restored copy (never the source), with the drill's scan segments.
    expect(world.tables.reads).toEqual([
      expect.objectContaining({
        operation: 'scanItems',
        tableName: world.context.restoredTableName,
        options: expect.objectContaining({ segments: 3 }),
      }),
    ]);
  });

  test('against the fixture the marker names', async () => {
    const result = await digestCheck({ table: deployed(2), restoredItems: [...ONE.slice(1), marker(1)] });
    expect(result).toMatchObject({
      check: 'content digest',
      status: 'FAIL',
      numbers: { expectedDigest: digestOf(ONE), missing: 1, extra: 0, changed: 0 },
    });
  });

  test('the first three examples of each kind, and how many more', async () => {
    const extras = Array.from({ length: 5 }, (_, i) => ({ ...extraItem, pk: { S: `PROPERTY#X${i}` } }));
    const result = await digestCheck({ table: deployed(1), restoredItems: [...ONE, ...extras, marker(1)], targets: { scanSegments: 1 } });
    expect(result).toMatchObject({ numbers: { extra: 5, missing: 0, changed: 0 } });
    expect(result.summary).toContain('extra {pk=PROPERTY#X0, sk=META} {pk=PROPERTY#X1, sk=META} {pk=PROPERTY#X2, sk=META} and 2 more');
    expect(result.summary).not.toContain('missing {');
    expect(result.summary).not.toContain('changed {');
  });

  test('a comparison stopped to leave time for cleanup says its counts are incomplete', async () => {
    const world = checkWorld({
      table: deployed(1),
      restoredItems: [...ONE.slice(1), marker(1)],
      checkTimeMs: 0,
      targets: { scanSegments: 1 },
    });
    world.tables.pageSize = 4;
    const result = await runCheck(contentDigestCheck, world);
    // The digest saw every item (the shared scan); the second pass stopped after its first page.
    expect(result).toMatchObject({
      status: 'FAIL',
      numbers: { restoredItems: 8, missing: 5, extra: 0, changed: 0, comparisonScanReadUnits: 2 },
    });
    expect(result?.summary).toContain('counts incomplete');
  });

  test('a failed comparison scan fails the check, naming the scan', async () => {
    const world = checkWorld({ table: deployed(1), restoredItems: [...ONE.slice(1), marker(1)] });
    const run = contentDigestCheck.begin(world.context)!;
    // The restored items as the engine hands them over (drill/item-observers.ts), then the copy goes.
    const observe = itemObserver([run], world.context.isScannedDrillItem);
    for (const found of world.tables.items(world.context.restoredTableName)) observe(new ObjectItem(found));
    await world.tables.deleteTable(world.context.restoredTableName);
    await expect(run.result()).rejects.toMatchObject({ name: 'DrillStepError', operation: 'Scan' });
  });
});

describe('content digest differences: the examples, in order, each kind only when there is one', () => {
  const extraItem: Item = { pk: { S: 'PROPERTY#P9999' }, sk: { S: 'META' }, type: { S: 'property' } };
  const room = ONE.findIndex((found) => found.type.S === 'room');
  const key = (found: Item) => `{pk=${found.pk.S}, sk=${found.sk.S}}`;

  test('missing, then extra, then changed, separated by semicolons', async () => {
    const changedRoom: Item = { ...ONE[room], areaM2: { N: '1' } };
    const restored = [...ONE.slice(1).map((found, i) => (i + 1 === room ? changedRoom : found)), extraItem, marker(1)];
    const result = await digestCheck({ table: deployed(1), restoredItems: restored, targets: { scanSegments: 1 } });
    expect(result.summary).toContain(`(missing ${key(ONE[0])}; extra ${key(extraItem)}; changed ${key(changedRoom)})`);
  });

  test('only missing items: the examples name them alone', async () => {
    const result = await digestCheck({ table: deployed(1), restoredItems: [...ONE.slice(2), marker(1)], targets: { scanSegments: 1 } });
    expect(result).toMatchObject({ status: 'FAIL', numbers: { missing: 2, extra: 0, changed: 0 } });
    expect(result.summary).toMatch(new RegExp(`\\(missing \\{pk=${ONE[0].pk.S}, sk=META\\} \\{pk=${ONE[1].pk.S}, sk=[^}]+\\}\\)$`));
  });

  test('only extra items: the examples name them alone', async () => {
    const result = await digestCheck({ table: deployed(1), restoredItems: [...ONE, extraItem, marker(1)] });
    expect(result).toMatchObject({ status: 'FAIL', numbers: { missing: 0, extra: 1, changed: 0 } });
    expect(result.summary).toMatch(/\(extra \{pk=PROPERTY#P9999, sk=META\}\)$/);
  });

  test('only changed items, the first three named of four', async () => {
    const rooms = ONE.map((found, i) => [found, i] as const).filter(([found]) => found.type.S === 'room');
    expect(rooms.length).toBeGreaterThanOrEqual(4);
    const changedAt = new Set(rooms.slice(0, 4).map(([, i]) => i));
    const restored = ONE.map((found, i) => (changedAt.has(i) ? { ...found, areaM2: { N: '1' } } : found));
    const result = await digestCheck({ table: deployed(1), restoredItems: [...restored, marker(1)], targets: { scanSegments: 1 } });
    expect(result).toMatchObject({ status: 'FAIL', numbers: { missing: 0, extra: 0, changed: 4 } });
    const named = rooms.slice(0, 3).map(([found]) => key(found));
    expect(result.summary).toContain(`(changed ${named.join(' ')} and 1 more)`);
  });

  test('the second pass reads every page while there is time', async () => {
    const world = checkWorld({
      table: deployed(1),
      sourceItems: ONE,
      restoredItems: [...ONE.slice(1), marker(1)],
      targets: { scanSegments: 1 },
    });
    world.tables.pageSize = 2;
    const result = await runCheck(contentDigestCheck, world);
    expect(result).toMatchObject({ status: 'FAIL', numbers: { missing: 1, extra: 0, changed: 0, comparisonScanReadUnits: 4.5 } });
    expect(result?.summary).not.toContain('counts incomplete');
  });
});

describe('content digest run split across fan-out workers', () => {
  test('the marker in a share the final run absorbs is read', async () => {
    const world = checkWorld({ table: deployed(1), sourceItems: ONE, restoredItems: [...ONE, marker(1)] });
    const result = await splitSharesResult(contentDigestCheck, world, [ONE.slice(0, 4), [...ONE.slice(4), marker(1)]]);
    expect(result).toEqual(
      await runCheck(contentDigestCheck, checkWorld({ table: deployed(1), sourceItems: ONE, restoredItems: [...ONE, marker(1)] })),
    );
    expect(result).toMatchObject({ status: 'PASS', numbers: { restoredItems: 9, fixturePropertyCount: 1 } });
  });

  test('the marker the final run read itself is kept when it absorbs shares without one', async () => {
    const world = checkWorld({ table: deployed(1), sourceItems: ONE, restoredItems: [...ONE, marker(1)] });
    const result = await splitSharesResult(contentDigestCheck, world, [[marker(1), ...ONE.slice(0, 4)], ONE.slice(4)]);
    expect(result).toMatchObject({ status: 'PASS', numbers: { restoredItems: 9, fixturePropertyCount: 1 } });
  });

  test('no share holds a marker: PASS compared with the fixture deployed now, the marker missing', async () => {
    const world = checkWorld({ table: deployed(1), sourceItems: ONE, restoredItems: ONE });
    const result = await splitSharesResult(contentDigestCheck, world, [ONE.slice(0, 4), ONE.slice(4)]);
    expect(result).toMatchObject({ status: 'PASS', numbers: { restoredItems: 9, marker: 'missing' } });
  });

  test('an unreadable marker travels in a partial as such', async () => {
    const unreadable = { ...marker(1), propertyCount: { N: '0' } };
    const world = checkWorld({ table: deployed(1), sourceItems: ONE, restoredItems: [...ONE, unreadable] });
    const result = await splitSharesResult(contentDigestCheck, world, [ONE, [unreadable]]);
    expect(result).toMatchObject({ status: 'FAIL', numbers: { marker: 'malformed', restoredItems: 9 } });
  });
});
