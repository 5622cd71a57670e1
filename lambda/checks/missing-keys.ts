import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import type { Item, ScannedItem, TableShape } from '../ports/dynamodb-port';
import type { CheckContext } from './check';
import { withoutDrillItemsFilter } from './drill-items';
import { describeKeys, keyId, keyOf } from './item-keys';

/**
 * Example keys of items the source holds and the restore lacks, for an item count that comes up
 * short: the report names them so a person can look them up in both tables. The restored keys are
 * remembered during the shared scan as 32-bit hashes (a few tens of MB for millions of items); a
 * hash collision can only hide a missing key, never name a present one. The source keys come from
 * a scan the count already made (exact mode), or from a keys-only scan through the metered reader
 * that stops as soon as enough examples are found, or when the read budget or the time runs out.
 */

/** Keys named per report: enough to start looking, short enough for a glance. */
export const EXAMPLE_KEYS = 5;
/** Restored items whose keys are remembered; beyond this, no examples (memory stays bounded). */
export const MAX_REMEMBERED_KEYS = 2_000_000;

/** FNV-1a, 32 bits: cheap and well spread for short strings. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Hashes a fan-out partial carries, at most: a worker's share of a large table has far more, and
 * every partial of a round must fit in one Step Functions state, so beyond this the keys are not
 * carried and the split run names no examples (saying why).
 */
export const KEYS_IN_PARTIAL = 64;

/** RestoredKeys as JSON: how many were remembered, and their hashes when few enough to carry. */
export interface RestoredKeysPartial {
  readonly n: number;
  readonly h?: number[];
}

export class RestoredKeys {
  private readonly hashes = new Set<number>();
  private remembered = 0;
  private overflowed = false;
  /** Set when keys were dropped because a fan-out partial could not carry them. */
  private notCarried = false;

  constructor(
    private readonly keySchema: readonly KeySchemaElement[],
    private readonly limit = MAX_REMEMBERED_KEYS,
  ) {}

  /** A restored item as the shared scan hands it over (its key attributes only are read), or as objects. */
  remember(item: ScannedItem | Item): void {
    if (this.overflowed) return;
    // Counted per item, not per hash: colliding keys must not let the set grow past the limit unnoticed.
    if (++this.remembered > this.limit) {
      this.overflowed = true;
      this.hashes.clear();
      return;
    }
    const keys = isScanned(item)
      ? Object.fromEntries(this.keySchema.map(({ AttributeName = '' }) => [AttributeName, item.attribute(AttributeName)]))
      : item;
    this.hashes.add(hash(keyId(keys as Item, this.keySchema)));
  }

  get limitText(): string {
    return this.limit.toLocaleString('en-US');
  }

  /** Why no example keys can be named, when incomplete. */
  get incompleteText(): string {
    return this.notCarried
      ? 'the restored keys of a table scanned by fan-out workers are not carried between them'
      : `more than ${this.limitText} restored items to remember`;
  }

  partial(): RestoredKeysPartial {
    const carried = this.complete && this.remembered <= KEYS_IN_PARTIAL;
    return carried ? { n: this.remembered, h: [...this.hashes] } : { n: this.remembered };
  }

  absorb(partial: RestoredKeysPartial): void {
    this.remembered += partial.n;
    if (this.overflowed) return;
    if (partial.h === undefined || this.remembered > this.limit) {
      this.notCarried ||= partial.h === undefined && this.remembered <= this.limit;
      this.overflowed = true;
      this.hashes.clear();
      return;
    }
    for (const h of partial.h) this.hashes.add(h);
  }

  /** False when too many items were restored to remember their keys. */
  get complete(): boolean {
    return !this.overflowed;
  }

  /** Certainly not in the restore (a hash collision could only make a missing key look present). */
  lacks(item: Item): boolean {
    return this.complete && !this.hashes.has(hash(keyId(item, this.keySchema)));
  }
}

const isScanned = (item: ScannedItem | Item): item is ScannedItem => typeof (item as ScannedItem).attribute === 'function';

/** Collects up to EXAMPLE_KEYS keys of source items the restore lacks. */
export class MissingKeyExamples {
  readonly keys: Item[] = [];

  constructor(
    private readonly restored: RestoredKeys,
    private readonly keySchema: readonly KeySchemaElement[],
  ) {}

  get full(): boolean {
    return this.keys.length >= EXAMPLE_KEYS;
  }

  consider(sourceItem: Item): void {
    if (!this.full && this.restored.lacks(sourceItem)) this.keys.push(keyOf(sourceItem, this.keySchema));
  }

  describe(): string {
    return describeKeys(this.keys, this.keySchema, EXAMPLE_KEYS);
  }
}

/**
 * A keys-only scan of the source for examples, through the metered reader (charged to the read
 * budget, paced), stopped once EXAMPLE_KEYS are found.
 */
export async function findMissingKeys(
  context: CheckContext,
  source: TableShape,
  restored: RestoredKeys,
): Promise<{ readonly examples: MissingKeyExamples; readonly consumedUnits: number; readonly stoppedShort: boolean }> {
  const examples = new MissingKeyExamples(restored, source.keySchema);
  if (!restored.complete) return { examples, consumedUnits: 0, stoppedShort: true };
  const keyNames = source.keySchema.map((k) => k.AttributeName ?? '');
  const names = Object.fromEntries(keyNames.map((name, i) => [`#k${i}`, name]));
  const summary = await context.dynamodb.scanItems(
    source.name,
    {
      segments: 1,
      filter: withoutDrillItemsFilter(context.table, source),
      projection: { expression: Object.keys(names).join(', '), names },
      onPage: () => !examples.full,
    },
    (item) => {
      if (!context.isDrillItem(item)) examples.consider(item);
    },
  );
  return { examples, consumedUnits: summary.consumedUnits, stoppedShort: summary.stoppedEarly && !examples.full };
}

/** The words a report adds to a shortfall: the example keys, or why there are none. */
export function missingKeysText(examples: MissingKeyExamples, restored: RestoredKeys, searchStopped: boolean): string {
  if (examples.keys.length > 0) return `; missing keys, e.g. ${examples.describe()}`;
  if (!restored.complete) return `; no example keys (${restored.incompleteText})`;
  return searchStopped ? '; no missing key found within the read budget and time' : '';
}
