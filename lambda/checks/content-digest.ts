import { createHash } from 'node:crypto';
import { canonicalItem } from '../digest/canonical-item';
import { TableDigest } from '../digest/table-digest';
import { fixtureItems } from '../fixture/fixture-items';
import { FIXTURE_GENERATOR_VERSION, type FixtureMarker, isFixtureMarker, readFixtureMarker } from '../fixture/fixture-marker';
import type { Item, TableShape } from '../ports/dynamodb-port';
import { formatCount, formatTime } from '../report/format';
import type { CheckResult } from '../domain/check-result';
import type { CheckContext, CheckDefinition } from './check';
import { describeKeys, keyId, keyOf } from './item-keys';
import { step } from '../errors/drill-step';
import type { Json } from '../fanout/contract';

/**
 * For the fixture test table, whose content is known: an order-independent digest of every
 * restored item (computed during the shared parallel scan, constant memory) must equal the
 * digest of the fixture in force when the recovery point was taken. Equal items digest equal
 * whatever their attribute order or number formatting. When the digests differ, a second pass
 * against the regenerated fixture counts the missing, extra and changed items and names the
 * first few by key.
 *
 * Which fixture was in force is read from the restore itself: the seeder's version marker
 * (fixture-marker.ts), which like the canary is the drill's own item and not part of the digest.
 * A marker naming the fixture deployed now is compared with the digest computed at synth; one
 * naming other settings of this generator is compared with that fixture, regenerated; a marker of
 * another generator version cannot be compared (WARN, said plainly). A recovery point taken
 * before markers existed has none: whatever fixture it holds, content equal to the fixture
 * deployed now is proof enough (PASS, saying so); anything else, or a marker that cannot be read,
 * is a FAIL.
 */
export const contentDigestCheck: CheckDefinition = {
  name: 'content digest',
  needs: 'restored-table',
  begin: (context) => {
    const fixture = context.table.fixture;
    if (!fixture || !context.restored) return undefined;
    const { keySchema } = context.restored;
    const digest = new TableDigest();
    let marker: FixtureMarker | 'malformed' | undefined;
    return {
      observeDrillItem: (item) => {
        if (isFixtureMarker(item)) marker = readFixtureMarker(item);
      },
      observeScannedItem: (item) => digest.addScanned(item),
      partial: () => ({ d: digest.toString(), m: (marker ?? null) as Json }),
      absorb(json) {
        const partial = json as { d: string; m: FixtureMarker | 'malformed' | null };
        digest.merge(TableDigest.parse(partial.d));
        marker ??= partial.m ?? undefined;
      },
      async result(): Promise<CheckResult> {
        const actual = digest.toString();
        const items = formatCount(digest.itemCount);
        const matchesDeployed = actual === fixture.digest;
        if (marker === undefined && matchesDeployed) {
          return {
            check: 'content digest',
            status: 'PASS',
            summary: `all ${items} items equal the fixture deployed now (${fixture.propertyCount} properties, digest ${actual.slice(-12)}); the backup predates version markers, so it was compared with today's fixture`,
            numbers: { expectedDigest: fixture.digest, restoredDigest: actual, restoredItems: digest.itemCount, marker: 'missing' },
          };
        }
        if (marker === undefined || marker === 'malformed') {
          return {
            check: 'content digest',
            status: 'FAIL',
            summary: `${marker === 'malformed' ? 'the fixture version marker in the restore is unreadable' : 'the restore holds no fixture version marker'}, so which fixture this recovery point holds is unknown; its ${items} items ${
              matchesDeployed ? 'equal' : 'differ from'
            } the fixture deployed now (${fixture.propertyCount} properties)`,
            nextStep:
              marker === undefined
                ? 'a backup taken before version markers existed (the seeder writes one at deploy; the next backup carries it) may hold an earlier fixture, which this drill cannot name; otherwise the backup lost or altered data: keep this recovery point and compare it with the source'
                : 'the backup or the restore altered the marker item: keep this recovery point and compare it with the source',
            numbers: {
              expectedDigest: fixture.digest,
              restoredDigest: actual,
              restoredItems: digest.itemCount,
              marker: marker ?? 'missing',
            },
          };
        }
        const seeded = marker.seededAt ? `, seeded ${formatTime(marker.seededAt)}` : '';
        const inForce = `the fixture in force when the recovery point was taken (${marker.propertyCount} properties${seeded})`;
        const markerNumbers = { fixturePropertyCount: marker.propertyCount, fixtureGeneratorVersion: marker.generatorVersion };
        if (marker.generatorVersion !== FIXTURE_GENERATOR_VERSION) {
          return {
            check: 'content digest',
            status: 'WARN',
            summary: `the content cannot be compared: this recovery point holds a fixture written by generator version ${marker.generatorVersion}, and this engine regenerates only version ${FIXTURE_GENERATOR_VERSION} (${items} items restored)`,
            nextStep:
              'expected for backups taken before an upgrade that changed the fixture generator; backups taken after the upgrade are compared again',
            numbers: { restoredDigest: actual, restoredItems: digest.itemCount, ...markerNumbers },
          };
        }
        const reseeded = marker.propertyCount !== fixture.propertyCount;
        // Today's case, the fixture deployed now, uses the digest computed at synth.
        const expected = reseeded ? TableDigest.of(fixtureItems(marker.propertyCount)).toString() : fixture.digest;
        const numbers = { expectedDigest: expected, restoredDigest: actual, restoredItems: digest.itemCount, ...markerNumbers };
        const since = reseeded ? `; the source has since been reseeded with ${fixture.propertyCount} properties` : '';
        if (actual === expected) {
          return {
            check: 'content digest',
            status: 'PASS',
            summary: `all ${items} items equal ${reseeded ? inForce : 'the seeded fixture'} (digest ${actual.slice(-12)})${since}`,
            numbers,
          };
        }
        const diff = await diffAgainstFixture(context, keySchema, marker.propertyCount);
        return {
          check: 'content digest',
          status: 'FAIL',
          summary: `restored content differs from ${reseeded ? inForce : 'the fixture'}: ${diff.missing} missing, ${diff.extra} extra, ${diff.changed} changed${
            diff.examples ? ` (${diff.examples})` : ''
          }`,
          nextStep:
            'the backup or the restore altered data: keep this recovery point, compare it item by item, and open an AWS support case',
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
async function diffAgainstFixture(context: CheckContext, keySchema: TableShape['keySchema'], propertyCount: number) {
  const expected = new Map<string, { item: Item; hash: string }>();
  for (const item of fixtureItems(propertyCount)) expected.set(keyId(item, keySchema), { item, hash: hashOf(item) });
  const extra = { count: 0, keys: [] as Item[] };
  const changed = { count: 0, keys: [] as Item[] };
  const note = (found: typeof extra, item: Item) => {
    found.count += 1;
    if (found.keys.length < EXAMPLES) found.keys.push(keyOf(item, keySchema));
  };
  const scan = await step('Scan', () =>
    context.dynamodb.scanItems(
      context.restoredTableName,
      { segments: context.targets.scanSegments, onPage: () => context.hasTime() },
      (item) => {
        if (context.isDrillItem(item)) return;
        const id = keyId(item, keySchema);
        const want = expected.get(id);
        if (!want) note(extra, item);
        else {
          if (want.hash !== hashOf(item)) note(changed, item);
          expected.delete(id);
        }
      },
    ),
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
