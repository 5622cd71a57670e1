import { sampleCompareCheck } from '../../../lambda/checks/sample-compare';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { type CheckContextOptions, checkResult, checkWorld, RECOVERY_POINT_CREATED_AT, RESTORED_TABLE, runCheck } from './check-context';
import { item, KEY_SCHEMA } from './in-memory-tables';
import { keyPriority, seedHash } from '../../../lambda/checks/bottom-k-sample';
import { splitSharesResult } from './split-shares';

const point = Date.parse(RECOVERY_POINT_CREATED_AT);
const items = (count: number) => Array.from({ length: count }, (_, i) => item(i + 1, { total: { N: String(i) } }));
const keyOf = (found: Item) => ({ pk: found.pk, sk: found.sk });
/** A sequence of random() answers, then 0.99 (out of any reservoir). */
const randoms =
  (...values: number[]) =>
  () =>
    values.shift() ?? 0.99;

describe('sample compare: random restored items fetched from the source by key and compared', () => {
  test('every sampled item equal: PASS, with what the fetch cost', async () => {
    const world = checkWorld({ sourceItems: items(5) });
    expect(await runCheck(sampleCompareCheck, world)).toEqual({
      check: 'sample compare',
      status: 'PASS',
      summary: expect.any(String),
      nextStep: undefined,
      numbers: { sampled: 5, matched: 5, skippedChangedSinceBackup: 0, mismatched: 0, goneFromSource: 0, notFetchedReadBudget: 0 },
      sourceReadUnits: 2.5,
    });
    // Fetched by key only, from the source.
    expect(world.tables.reads).toEqual([
      { operation: 'batchGetItems', tableName: 'orders', keys: expect.arrayContaining(items(5).map(keyOf)) },
    ]);
    expect(sampleCompareCheck).toMatchObject({ name: 'sample compare', needs: 'restored-table' });
  });

  test('equal as DynamoDB sees it: attribute order and number formatting do not matter', async () => {
    const source = [item(1, { total: { N: '1.50' }, note: { S: 'x' } })];
    const restored = [{ note: { S: 'x' }, total: { N: '1.5' }, sk: { S: 'META' }, pk: { S: 'ITEM#1' } }];
    expect(await checkResult(sampleCompareCheck, { sourceItems: source, restoredItems: restored })).toMatchObject({
      status: 'PASS',
      numbers: { matched: 1 },
    });
  });

  test('a sample size of zero turns the check off; one item is a sample', async () => {
    expect(await runCheck(sampleCompareCheck, checkWorld({ targets: { sampleSize: 0 } }))).toBeUndefined();
    expect(await checkResult(sampleCompareCheck, { targets: { sampleSize: 1 } })).toMatchObject({ numbers: { sampled: 1 } });
  });

  test('not without a restored copy', async () => {
    expect(await runCheck(sampleCompareCheck, checkWorld({ restored: 'missing' }))).toBeUndefined();
  });

  test('an empty restored copy: PASS, nothing to sample, nothing read', async () => {
    const world = checkWorld({ restoredItems: [] });
    expect(await runCheck(sampleCompareCheck, world)).toEqual({
      check: 'sample compare',
      status: 'PASS',
      summary: expect.any(String),
      numbers: { sampled: 0 },
    });
    expect(world.tables.reads).toEqual([]);
  });

  test('WARN when the source is gone', async () => {
    expect(await checkResult(sampleCompareCheck, { source: 'missing' })).toEqual({
      check: 'sample compare',
      status: 'WARN',
      summary: expect.any(String),
      nextStep: expect.stringContaining('remove it from the drill settings'),
    });
  });
});

describe('the sample: the sampleSize items of smallest keyed-hash priority, every item equally likely', () => {
  const sampledKeys = async (options: CheckContextOptions) => {
    const world = checkWorld({ sourceItems: items(4), ...options });
    await runCheck(sampleCompareCheck, world);
    return world.tables.reads.flatMap((read) => read.keys ?? []).map((key) => key.pk.S);
  };
  const keyNames = KEY_SCHEMA.map((k) => k.AttributeName ?? '');
  const priorityOf = (pk: string) => {
    const key: Item = { pk: { S: pk }, sk: { S: 'META' } };
    return keyPriority(seedHash(RESTORED_TABLE), (name) => key[name], keyNames);
  };

  test('the items of smallest priority, smallest first, whatever random() says', async () => {
    const byPriority = ['ITEM#1', 'ITEM#2', 'ITEM#3', 'ITEM#4'].sort((a, b) => priorityOf(a) - priorityOf(b));
    expect(await sampledKeys({ targets: { sampleSize: 2 }, random: randoms(0.1, 0.5) })).toEqual(byPriority.slice(0, 2));
    expect(await sampledKeys({ targets: { sampleSize: 2 }, random: randoms(0.5, 0.49) })).toEqual(byPriority.slice(0, 2));
  });

  test('a sample as large as the table holds every item, without asking random()', async () => {
    const random = jest.fn(() => 0);
    expect((await sampledKeys({ targets: { sampleSize: 4 }, random })).sort()).toEqual(['ITEM#1', 'ITEM#2', 'ITEM#3', 'ITEM#4']);
    expect(random).not.toHaveBeenCalled();
  });

  test('priorities spread evenly: of 20,000 keys, each quarter of the range holds about a quarter', () => {
    const quarters = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) {
      const key: Item = { pk: { S: `ITEM#${i}` } };
      quarters[Math.floor(keyPriority(seedHash('seed'), (name) => key[name], ['pk']) / 2 ** 30)] += 1;
    }
    for (const count of quarters) expect(Math.abs(count - 5_000)).toBeLessThan(300);
  });

  test('a sample of exactly 25: one fetch, no empty one after it', async () => {
    const world = checkWorld({ sourceItems: items(25), targets: { sampleSize: 25 } });
    expect(await runCheck(sampleCompareCheck, world)).toMatchObject({ status: 'PASS', numbers: { sampled: 25, matched: 25 } });
    expect(world.tables.reads.map((read) => read.keys?.length)).toEqual([25]);
  });

  test('fetched 25 keys at a time', async () => {
    const world = checkWorld({ sourceItems: items(26), targets: { sampleSize: 30 } });
    expect(await runCheck(sampleCompareCheck, world)).toMatchObject({
      status: 'PASS',
      numbers: { sampled: 26, matched: 26 },
      sourceReadUnits: 13,
    });
    expect(world.tables.reads.map((read) => read.keys?.length)).toEqual([25, 1]);
  });
});

describe('differences', () => {
  const changed = (found: Item, updatedAt?: number) => ({
    ...found,
    total: { N: '999' },
    ...(updatedAt === undefined ? {} : { updatedAt: { S: new Date(updatedAt).toISOString() } }),
  });

  test('without an updated-at attribute a difference cannot be told from a later change: WARN, declare one', async () => {
    const restored = items(3);
    const source = [restored[0], changed(restored[1]), restored[2]];
    const result = await checkResult(sampleCompareCheck, { sourceItems: source, restoredItems: restored });
    expect(result).toEqual({
      check: 'sample compare',
      status: 'WARN',
      summary: expect.any(String),
      nextStep: expect.stringContaining('declare an updatedAtAttribute for this table'),
      numbers: { sampled: 3, matched: 2, skippedChangedSinceBackup: 0, mismatched: 1, goneFromSource: 0, notFetchedReadBudget: 0 },
      sourceReadUnits: 1.5,
    });
  });

  test('with one, a source item updated after the recovery point is skipped; one updated at or before it is a FAIL', async () => {
    const restored = items(4);
    const source = [restored[0], changed(restored[1], point + 1), changed(restored[2], point), changed(restored[3], point - 1)];
    const result = await checkResult(sampleCompareCheck, {
      table: { updatedAtAttribute: 'updatedAt' },
      sourceItems: source,
      restoredItems: restored,
    });
    expect(result).toMatchObject({
      check: 'sample compare',
      status: 'FAIL',
      numbers: { sampled: 4, matched: 1, skippedChangedSinceBackup: 1, mismatched: 2, goneFromSource: 0, notFetchedReadBudget: 0 },
      sourceReadUnits: 2,
    });
    expect(result.nextStep).toContain('restored items differ from the source though updatedAt says they did not change after the backup');
  });

  test('only changes after the recovery point: PASS', async () => {
    const restored = items(2);
    const result = await checkResult(sampleCompareCheck, {
      table: { updatedAtAttribute: 'updatedAt' },
      sourceItems: [restored[0], changed(restored[1], point + 60_000)],
      restoredItems: restored,
    });
    expect(result).toMatchObject({
      status: 'PASS',
      nextStep: undefined,
      numbers: { matched: 1, skippedChangedSinceBackup: 1, mismatched: 0 },
    });
  });

  test('a changed source item without an updated-at value is a FAIL', async () => {
    const restored = items(1);
    expect(
      await checkResult(sampleCompareCheck, {
        table: { updatedAtAttribute: 'updatedAt' },
        sourceItems: [changed(restored[0])],
        restoredItems: restored,
      }),
    ).toMatchObject({ status: 'FAIL', numbers: { mismatched: 1 } });
  });

  test('items deleted from the source since: WARN, expected on a table with deletes', async () => {
    const restored = items(3);
    const result = await checkResult(sampleCompareCheck, { sourceItems: restored.slice(1), restoredItems: restored });
    expect(result).toMatchObject({ status: 'WARN', numbers: { sampled: 3, matched: 2, goneFromSource: 1, mismatched: 0 } });
    expect(result.nextStep).toContain('items deleted from the source after the backup cannot be compared');
  });
});

describe('source reads the meter stops: the items fetched are compared', () => {
  test('the read budget spent after the first 25 keys: WARN, raise the budget', async () => {
    // 25 keys cost 12.5 units; the next key's 0.5 no longer fits 12.9.
    const world = checkWorld({ sourceItems: items(26), targets: { sampleSize: 30, sourceReadBudgetUnits: 12.9 } });
    const result = await runCheck(sampleCompareCheck, world);
    expect(result).toMatchObject({
      status: 'WARN',
      numbers: { sampled: 25, matched: 25, notFetchedReadBudget: 1, goneFromSource: 0 },
      sourceReadUnits: 12.5,
    });
    expect(result?.nextStep).toContain('raise sourceReadBudgetUnits');
    expect(world.tables.reads).toHaveLength(1);
  });

  test('a budget that covers every key exactly fetches them all', async () => {
    expect(
      await checkResult(sampleCompareCheck, { sourceItems: items(26), targets: { sampleSize: 30, sourceReadBudgetUnits: 13.5 } }),
    ).toMatchObject({
      status: 'PASS',
      numbers: { sampled: 26, notFetchedReadBudget: 0 },
    });
  });

  test('no time left: nothing fetched, WARN', async () => {
    expect(await checkResult(sampleCompareCheck, { checkTimeMs: 0 })).toMatchObject({
      status: 'WARN',
      numbers: { sampled: 0, matched: 0, notFetchedReadBudget: 5 },
      sourceReadUnits: 0,
    });
  });

  test('a read that fails otherwise fails the check', async () => {
    const world = checkWorld();
    await world.tables.deleteTable('orders');
    await expect(runCheck(sampleCompareCheck, world)).rejects.toThrow('Table: orders not found');
  });
});

describe('sample compare run split across fan-out workers: the keys carried, the items read again from the restored copy', () => {
  test('the absorbed keys are read again by key from the restored copy, never the source, then compared', async () => {
    const restored = items(4);
    const world = checkWorld({ sourceItems: restored });
    const result = await splitSharesResult(sampleCompareCheck, world, [restored.slice(0, 2), restored.slice(2)]);
    expect(result).toMatchObject({ status: 'PASS', numbers: { sampled: 4, matched: 4 }, sourceReadUnits: 2 });
    const [reread, fetched] = world.tables.reads;
    expect(reread).toEqual({
      operation: 'batchGetItems',
      tableName: RESTORED_TABLE,
      keys: expect.arrayContaining(restored.slice(2).map(keyOf)),
    });
    expect(reread.keys).toHaveLength(2);
    expect(fetched).toMatchObject({ operation: 'batchGetItems', tableName: 'orders' });
    expect(fetched.keys).toHaveLength(4);
  });

  test('a carried key the restored copy no longer holds is left out of the sample', async () => {
    const restored = items(4);
    const world = checkWorld({ sourceItems: restored });
    world.tables.put(world.context.restored!, restored.slice(0, 3));
    const result = await splitSharesResult(sampleCompareCheck, world, [restored.slice(0, 2), restored.slice(2)]);
    expect(result).toMatchObject({ status: 'PASS', numbers: { sampled: 3, matched: 3 } });
  });

  test('a run that observed every sampled item itself reads nothing again', async () => {
    const restored = items(3);
    const world = checkWorld({ sourceItems: restored });
    await splitSharesResult(sampleCompareCheck, world, [restored, []]);
    expect(world.tables.reads.map((read) => read.tableName)).toEqual(['orders']);
  });
});

test('without a declared updated-at attribute no attribute is read as one, not even one named "undefined"', async () => {
  const restored = items(1);
  const source = [{ ...restored[0], total: { N: '999' }, undefined: { S: new Date(point + 60_000).toISOString() } }];
  expect(await checkResult(sampleCompareCheck, { sourceItems: source, restoredItems: restored })).toMatchObject({
    status: 'WARN',
    numbers: { mismatched: 1, skippedChangedSinceBackup: 0 },
  });
});
