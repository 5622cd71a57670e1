import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { canonicalItem } from '../../lambda/digest/canonical-item';

/**
 * The shared scan's per-item work as it was before issue 14 (main at 90e836d), kept here as the
 * benchmark's baseline: every item unmarshalled by the SDK (the port with readScanPagesFromWire
 * off), the drill-item predicate on objects, and the checks' observers - the content digest
 * hashing canonicalItem with a Hash object per item, the item count, the sample reservoir.
 */

type Item = Record<string, AttributeValue>;

export class MainPathDigest {
  private readonly lanes = new Float64Array(8);
  private count = 0;
  add(item: Item): void {
    const hash = createHash('sha256').update(canonicalItem(item)).digest();
    for (let lane = 0; lane < 8; lane++) this.lanes[lane] += hash.readUInt32BE(lane * 4);
    this.count += 1;
  }
  get itemCount(): number {
    return this.count;
  }
}

export function mainPathObserver(sampleSize: number, random: () => number): { observe: (item: Item) => void; digest: MainPathDigest } {
  const digest = new MainPathDigest();
  const reservoir: Item[] = [];
  let seen = 0;
  let total = 0;
  // drill-items.ts at 90e836d: isCanaryItemFor(shape)(item) || isFixtureMarker(item)
  const isDrillItem = (item: Item) =>
    item.pk?.S === 'restore-drill#canary' || (item.pk?.S === 'restore-drill#fixture' && item.sk?.S === 'VERSION');
  return {
    digest,
    observe(item) {
      if (isDrillItem(item)) return;
      digest.add(item); // content digest
      total += 1; // item count
      seen += 1; // sample compare
      if (reservoir.length < sampleSize) reservoir.push(item);
      else {
        const slot = Math.floor(random() * seen);
        if (slot < sampleSize) reservoir[slot] = item;
      }
      void total;
    },
  };
}
