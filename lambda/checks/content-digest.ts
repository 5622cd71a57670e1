import { createHash } from 'node:crypto';
import { canonicalItem } from '../digest/canonical-item';
import { TableDigest } from '../digest/table-digest';
import { fixtureItems } from '../fixture/fixture-items';
import type { Item } from '../ports/dynamodb-port';
import { formatCount } from '../report/format';
import type { CheckContext, CheckDefinition, CheckResult } from './check';
import { describeKeys, keyId, keyOf } from './item-keys';
import { step } from '../report/failure-advice';

/**
 * For the fixture test table, whose content is known at deploy time: an order-independent
 * digest of every restored item (computed during the shared parallel scan, constant memory)
 * must equal the digest of the seeded items. Equal items digest equal whatever their attribute
 * order or number formatting. When the digests differ, a second pass against the regenerated
 * fixture counts the missing, extra and changed items and names the first few by key.
 */
export const contentDigestCheck: CheckDefinition = {
  name: 'content digest',
  needs: 'restored-table',
  begin: (context) => {
    const fixture = context.table.fixture;
    if (!fixture || !context.restored) return undefined;
    const digest = new TableDigest();
    return {
      observeItem: (item) => digest.add(item),
      async result(): Promise<CheckResult> {
        const actual = digest.toString();
        const numbers = { expectedDigest: fixture.digest, restoredDigest: actual, restoredItems: digest.itemCount };
        if (actual === fixture.digest) {
          return {
            check: 'content digest',
            status: 'PASS',
            summary: `all ${formatCount(digest.itemCount)} items equal the seeded fixture (digest ${actual.slice(-12)})`,
            numbers,
          };
        }
        const diff = await diffAgainstFixture(context, fixture.propertyCount);
        return {
          check: 'content digest',
          status: 'FAIL',
          summary: `restored content differs from the fixture: ${diff.missing} missing, ${diff.extra} extra, ${diff.changed} changed${
            diff.examples ? ` (${diff.examples})` : ''
          }`,
          nextStep: 'the backup or the restore altered data: keep this recovery point, compare it item by item, and open an AWS support case',
          numbers: { ...numbers, missing: diff.missing, extra: diff.extra, changed: diff.changed, comparisonScanReadUnits: diff.readUnits },
        };
      },
    };
  },
};

const hashOf = (item: Item) => createHash('sha256').update(canonicalItem(item)).digest('base64');

const EXAMPLES = 3;

/**
 * Memory: one entry per fixture item (the fixture is small by design) and the keys of the first
 * few differences; never the restored table, however wrong or large it came back.
 */
async function diffAgainstFixture(context: CheckContext, propertyCount: number) {
  const keySchema = context.restored!.keySchema;
  const expected = new Map<string, { item: Item; hash: string }>();
  for (const item of fixtureItems(propertyCount)) expected.set(keyId(item, keySchema), { item, hash: hashOf(item) });
  const extra = { count: 0, keys: [] as Item[] };
  const changed = { count: 0, keys: [] as Item[] };
  const note = (found: typeof extra, item: Item) => {
    found.count += 1;
    if (found.keys.length < EXAMPLES) found.keys.push(keyOf(item, keySchema));
  };
  const scan = await step('Scan', () =>
    context.dynamodb.scanItems(context.restoredTableName, { segments: context.targets.scanSegments, onPage: () => context.hasTime() }, (item) => {
      if (context.isCanaryItem(item)) return;
      const id = keyId(item, keySchema);
      const want = expected.get(id);
      if (!want) note(extra, item);
      else {
        if (want.hash !== hashOf(item)) note(changed, item);
        expected.delete(id);
      }
    }),
  );
  const missing = [...expected.values()].map((entry) => entry.item);
  const examples = [
    // Out of time part-way: the counts are of what was read, and "missing" is an upper bound.
    scan.stoppedEarly ? 'counts incomplete: the comparison stopped to leave time for cleanup' : '',
    missing.length ? `missing ${describeKeys(missing, keySchema, EXAMPLES)}` : '',
    extra.count ? `extra ${describeKeys(extra.keys, keySchema, EXAMPLES, extra.count)}` : '',
    changed.count ? `changed ${describeKeys(changed.keys, keySchema, EXAMPLES, changed.count)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return { missing: missing.length, extra: extra.count, changed: changed.count, examples, readUnits: scan.consumedUnits };
}
