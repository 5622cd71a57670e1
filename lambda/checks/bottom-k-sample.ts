import type { AttributeValue, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import type { JsonKey } from '../fanout/contract';
import { keyFromJson, keyToJson } from '../fanout/json-key';
import type { Item, ScannedItem } from '../ports/dynamodb-port';
import { keyId } from './item-keys';

/**
 * A uniform random sample that merges: every item gets a priority from a keyed hash of its key
 * (seeded per drill), and the sample is the k items of smallest priority (bottom-k sampling).
 * Every item is equally likely whatever the table's size, and since an item's priority does not
 * depend on who reads it or when, samples of shares of the table merge in any order into exactly
 * the sample of the whole table: how sample compare runs split across fan-out workers.
 *
 * A share's sample carries keys and priorities only (a partial travels in a Step Functions state);
 * the items it needs are read again by key from the copy. One that could not keep all k under a
 * byte budget keeps fewer: merged, the sample is then the bottom-m of the whole, m the smallest kept.
 */

export interface SampleEntry {
  readonly priority: number;
  readonly id: string;
  readonly key: Item;
  /** The item itself, when this run read it (a merged-in entry has only its key). */
  readonly item?: Item;
}

/** [priority, key] per entry, and how many the sample may hold. */
export interface SamplePartial {
  readonly k: number;
  readonly s: [number, JsonKey][];
}

/**
 * FNV-1a over the seed and the key's values (S and N as text, B as base64, each closed by a unit
 * separator), then murmur3's finalizer to spread the bits: a priority in [0, 2^32). It reads the
 * values as the wire gives them, without building the key's id, so the ~96% of items that fall
 * outside the sample cost one hash (npm run bench:cpu).
 */
export function keyPriority(seed: number, key: (name: string) => AttributeValue | undefined, keyNames: readonly string[]): number {
  let h = seed;
  for (const name of keyNames) {
    const value = key(name);
    const text = value?.S ?? value?.N ?? (value?.B ? Buffer.from(value.B).toString('base64') : '');
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The FNV-1a state after the seed text: where every key's hash starts. */
export function seedHash(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** Orders by priority, ties by key id: a total order, so every merge keeps the same entries. */
const before = (a: SampleEntry, b: SampleEntry) => a.priority < b.priority || (a.priority === b.priority && a.id < b.id);

export class BottomKSample {
  /** A max-heap on (priority, id): the root is the entry the next smaller one replaces. */
  private readonly heap: SampleEntry[] = [];
  private readonly ids = new Set<string>();
  private readonly seed: number;
  private readonly keyNames: readonly string[];

  constructor(
    private k: number,
    seed: string,
    private readonly keySchema: readonly KeySchemaElement[],
  ) {
    this.seed = seedHash(seed);
    this.keyNames = keySchema.map(({ AttributeName = '' }) => AttributeName);
  }

  get size(): number {
    return this.heap.length;
  }

  /** The sample's capacity: the setting, or less after merging a partial that kept fewer. */
  get capacity(): number {
    return this.k;
  }

  observe(scanned: ScannedItem): void {
    if (this.k <= 0) return;
    const priority = keyPriority(this.seed, (name) => scanned.attribute(name), this.keyNames);
    // Most items: out at once, on the priority alone.
    if (this.heap.length >= this.k && priority > this.heap[0].priority) return;
    const key = Object.fromEntries(this.keyNames.map((name) => [name, scanned.attribute(name)])) as Item;
    const entry = { priority, id: keyId(key, this.keySchema), key };
    if ((this.heap.length >= this.k && !before(entry, this.heap[0])) || this.ids.has(entry.id)) return;
    // Only a sampled item becomes objects: the scanned one is gone after this call.
    this.offer({ ...entry, item: scanned.toItem() });
  }

  /** Entries by priority, the smallest first. */
  entries(): SampleEntry[] {
    return [...this.heap].sort((a, b) => (before(a, b) ? -1 : 1));
  }

  /** The smallest entries, as many as fit in `maxBytes` of JSON (all k without a budget). */
  partial(maxBytes = Number.POSITIVE_INFINITY): SamplePartial {
    const s: [number, JsonKey][] = [];
    let bytes = 16;
    for (const entry of this.entries()) {
      const pair: [number, JsonKey] = [entry.priority, keyToJson(entry.key)];
      bytes += JSON.stringify(pair).length + 1;
      if (bytes > maxBytes) return { k: s.length, s };
      s.push(pair);
    }
    return { k: this.k, s };
  }

  absorb(partial: SamplePartial): void {
    this.k = Math.min(this.k, partial.k);
    for (const [priority, json] of partial.s) {
      const key = keyFromJson(json);
      // Recomputed, not trusted: a partial's priority must be the one this key has.
      if (keyPriority(this.seed, (name) => key[name], this.keyNames) !== priority)
        throw new Error('a sample partial with a priority its key does not have');
      const entry = { priority, id: keyId(key, this.keySchema), key };
      if (this.heap.length < this.k || (this.heap.length > 0 && before(entry, this.heap[0]))) this.offer(entry);
    }
    while (this.heap.length > this.k) this.pop();
  }

  private offer(entry: SampleEntry): void {
    if (this.ids.has(entry.id)) return;
    this.ids.add(entry.id);
    this.heap.push(entry);
    this.siftUp(this.heap.length - 1);
    if (this.heap.length > this.k) this.pop();
  }

  private pop(): void {
    const root = this.heap[0];
    const last = this.heap.pop() as SampleEntry;
    this.ids.delete(root.id);
    if (this.heap.length === 0) return;
    this.heap[0] = last;
    this.siftDown(0);
  }

  private siftUp(i: number): void {
    const { heap } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[parent], heap[i])) return;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const { heap } = this;
    for (;;) {
      const left = 2 * i + 1;
      let largest = i;
      if (left < heap.length && before(heap[largest], heap[left])) largest = left;
      if (left + 1 < heap.length && before(heap[largest], heap[left + 1])) largest = left + 1;
      if (largest === i) return;
      [heap[largest], heap[i]] = [heap[i], heap[largest]];
      i = largest;
    }
  }
}
