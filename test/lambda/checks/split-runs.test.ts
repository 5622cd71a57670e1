import fc from 'fast-check';
import type { CheckDefinition, CheckRun } from '../../../lambda/checks/check';
import { contentDigestCheck } from '../../../lambda/checks/content-digest';
import { itemRuleCheck } from '../../../lambda/checks/custom/item-rule';
import { itemCountCheck } from '../../../lambda/checks/item-count';
import { sampleCompareCheck } from '../../../lambda/checks/sample-compare';
import { TableDigest } from '../../../lambda/digest/table-digest';
import { fixtureItems } from '../../../lambda/fixture/fixture-items';
import { fixtureMarkerItem } from '../../../lambda/fixture/fixture-marker';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { type CheckContextOptions, type CheckWorld, checkWorld, runCheck } from './check-context';
import { item } from './in-memory-tables';
import { partialViaJson, runOverShare } from './split-shares';

/**
 * Every observing check run split, as fan-out workers run it: the restored items cut into random
 * groups, each fed to its own run, each run's partial() carried as JSON and absorbed - in random
 * order, some first merged among themselves as a combiner does - into one run. Its result must be
 * the result of one run over all items.
 */

const positiveTotals = itemRuleCheck({
  name: 'positive-totals',
  description: 'every order total is positive',
  check: (found) => (Number(found.total?.N ?? '0') > 0 ? undefined : found.total ? 'with a total of zero or less' : 'without a total'),
  nextStep: 'compare these orders with the source',
});

/** Runs `definition` split into `groups` (item indexes to group numbers), merging in `order`. */
async function splitResult(definition: CheckDefinition, world: CheckWorld, groupOf: number[], order: number[], nest: boolean) {
  const { context, tables } = world;
  const items = tables.items(context.restoredTableName);
  const groups = Math.max(1, ...groupOf.map((g) => g + 1));
  const shares = Array.from({ length: groups }, (_, g) => items.filter((_, i) => groupOf[i] % groups === g));
  const partials = shares.map((share) => partialViaJson(runOverShare(definition, context, share)));
  const ordered = order.filter((i) => i < groups).concat(partials.map((_, i) => i).filter((i) => !order.includes(i)));
  const final = definition.begin(context) as CheckRun;
  if (nest && ordered.length > 1) {
    // A combiner: half merged into one run, whose partial the final run absorbs with the rest.
    const middle = definition.begin(context) as CheckRun;
    const half = ordered.slice(0, Math.ceil(ordered.length / 2));
    for (const i of half) middle.absorb?.(partials[i]);
    final.absorb?.(partialViaJson(middle));
    for (const i of ordered.slice(half.length)) final.absorb?.(partials[i]);
  } else {
    for (const i of ordered) final.absorb?.(partials[i]);
  }
  return final.result();
}

const cases: [string, CheckDefinition, CheckContextOptions][] = [
  ['item count (tolerance)', itemCountCheck, {}],
  ['item count (created-at cut-off)', itemCountCheck, { table: { createdAtAttribute: 'createdAt' } }],
  ['sample compare', sampleCompareCheck, { targets: { sampleSize: 7 }, table: { updatedAtAttribute: 'updatedAt' } }],
  ['positive-totals (itemRuleCheck)', positiveTotals, {}],
];

const arbitraryItem = (n: number) =>
  fc
    .record({
      total: fc.option(fc.integer({ min: -5, max: 50 }), { nil: undefined }),
      createdAt: fc.option(fc.constantFrom('2026-11-27T00:00:00Z', '2026-11-28T05:00:00Z', '1764300000'), { nil: undefined }),
    })
    .map(({ total, createdAt }): Item => {
      const attributes: Item = {};
      if (total !== undefined) attributes.total = { N: String(total) };
      if (createdAt !== undefined) attributes.createdAt = createdAt.includes('T') ? { S: createdAt } : { N: createdAt };
      return item(n, attributes);
    });

const table = fc
  .integer({ min: 0, max: 40 })
  .chain((count) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: count }, (_, i) => arbitraryItem(i + 1))),
      fc.integer({ min: 0, max: count }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: count, maxLength: count }),
      fc.shuffledSubarray([0, 1, 2, 3, 4, 5]),
      fc.boolean(),
    ),
  );

describe('split runs of every observing check merge to the result of one run', () => {
  test.each(cases)('%s: random items, random groups, random merge order', async (_, definition, options) => {
    await fc.assert(
      fc.asyncProperty(table, async ([sourceItems, lost, groupOf, order, nest]) => {
        // The restore lacks `lost` of the source's items, and changes one total: shortfalls and differences too.
        const restoredItems = sourceItems.slice(lost).map((found, i) => (i === 0 ? { ...found, total: { N: '999' } } : found));
        const world = () => checkWorld({ ...options, sourceItems, restoredItems });
        const whole = await runCheck(definition, world());
        expect(await splitResult(definition, world(), groupOf, order, nest)).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });

  test('content digest of the fixture, its version marker read by whichever share holds it', async () => {
    const items = [...fixtureItems(2), fixtureMarkerItem(2, new Date('2026-11-27T06:00:00Z'))];
    const deployed = { fixture: { propertyCount: 2, digest: TableDigest.of(fixtureItems(2)).toString() } };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: items.length, maxLength: items.length }),
        fc.shuffledSubarray([0, 1, 2, 3]),
        fc.boolean(),
        fc.boolean(),
        async (groupOf, order, nest, corrupt) => {
          const restoredItems = corrupt ? items.slice(1) : items;
          const world = () => checkWorld({ table: deployed, sourceItems: fixtureItems(2), restoredItems });
          const whole = await runCheck(contentDigestCheck, world());
          expect(whole?.status).toBe(corrupt ? 'FAIL' : 'PASS');
          expect(await splitResult(contentDigestCheck, world(), groupOf, order, nest)).toEqual(whole);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('a sample kept to a byte budget merges to the head of the whole sample, fewer items', async () => {
    const sourceItems = Array.from({ length: 60 }, (_, i) => item(i + 1, { total: { N: String(i) } }));
    const whole = checkWorld({ sourceItems, targets: { sampleSize: 40 } });
    const world = checkWorld({ sourceItems, targets: { sampleSize: 40 } });
    const budgeted = { ...world, context: { ...world.context, partialBytes: 600 } };
    const split = await splitResult(
      sampleCompareCheck,
      budgeted,
      [...sourceItems.keys()].map((i) => i % 3),
      [2, 0, 1],
      false,
    );
    const one = await runCheck(sampleCompareCheck, whole);
    expect(one?.numbers?.sampled).toBe(40);
    expect(split.numbers?.sampled).toBeGreaterThan(0);
    expect(split.numbers?.sampled).toBeLessThan(40);
    // The split sample is the head of the whole one: the same items of smallest priority.
    const sourceKeys = (w: CheckWorld) => w.tables.reads.filter((r) => r.tableName === 'orders').flatMap((r) => r.keys ?? []);
    const m = split.numbers?.sampled as number;
    expect(sourceKeys(world)).toEqual(sourceKeys(whole).slice(0, m));
  });
});
