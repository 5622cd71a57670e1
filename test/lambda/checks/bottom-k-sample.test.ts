import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { BottomKSample, keyPriority, type SampleEntry, seedHash } from '../../../lambda/checks/bottom-k-sample';
import { keyId } from '../../../lambda/checks/item-keys';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { ObjectItem } from '../../../lambda/ports/scan-wire';
import { item, KEY_SCHEMA } from './in-memory-tables';

const SEED = 'seed';
const PK_ONLY: readonly KeySchemaElement[] = [{ AttributeName: 'pk', KeyType: 'HASH' }];
const pk = (value: string): Item => ({ pk: { S: value } });
const items = (count: number) => Array.from({ length: count }, (_, i) => item(i + 1, { total: { N: String(i) } }));

/** Two partition keys whose priorities under SEED are equal (found by search): only the key id orders them. */
const TIED = { first: '1joey041', second: 'zg6ftq14', priority: 3636103107 };

const priorityOf = (key: Item, names: readonly string[] = ['pk', 'sk']) => keyPriority(seedHash(SEED), (name) => key[name], names);

/** The definition: the k items of smallest (priority, key id), smallest first. */
function bottomK(all: readonly Item[], k: number, schema = KEY_SCHEMA): { priority: number; id: string }[] {
  const names = schema.map((element) => element.AttributeName ?? '');
  return all
    .map((found) => ({ priority: priorityOf(found, names), id: keyId(found, schema) }))
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}

function sampleOf(all: readonly Item[], k: number, schema = KEY_SCHEMA): BottomKSample {
  const sample = new BottomKSample(k, SEED, schema);
  for (const found of all) sample.observe(new ObjectItem(found));
  return sample;
}

const ranked = (entries: readonly SampleEntry[]) => entries.map(({ priority, id }) => ({ priority, id }));

describe('keyPriority and seedHash: a keyed hash of the key, the same wherever it is computed', () => {
  test('seedHash is FNV-1a over the seed text (its published vectors)', () => {
    expect(seedHash('') >>> 0).toBe(0x811c9dc5);
    expect(seedHash('a') >>> 0).toBe(0xe40c292c);
  });

  test('known answers: a priority in [0, 2^32) from the seed and the key values in order', () => {
    expect(priorityOf(pk('a'), ['pk'])).toBe(929759220);
    expect(priorityOf(item(1))).toBe(4181831872);
    expect(keyPriority(seedHash(SEED), () => undefined, [])).toBe(3652268984);
  });

  test('another seed, another priority', () => {
    expect(keyPriority(seedHash('other'), (name) => item(1)[name], ['pk', 'sk'])).not.toBe(priorityOf(item(1)));
  });

  test('S and N are read as their text, B as base64, a missing value as empty text', () => {
    const of = (value: Item['pk'] | undefined) => keyPriority(seedHash(SEED), () => value, ['pk']);
    expect(of({ N: '42' })).toBe(of({ S: '42' }));
    expect(of({ B: Buffer.from('abc') })).toBe(of({ S: 'YWJj' }));
    expect(of(undefined)).toBe(of({ S: '' }));
    expect(of({ S: 'a' })).not.toBe(of({ S: '' }));
  });

  test('each value is closed off: moving text from one attribute to the next changes the priority', () => {
    const split = (a: string, b: string) => priorityOf({ pk: { S: a }, sk: { S: b } });
    expect(split('ab', '')).not.toBe(split('a', 'b'));
  });
});

describe('BottomKSample.observe: the k items of smallest priority, whatever the order they come in', () => {
  const all = items(300);

  test.each([
    ['in table order', all],
    ['in reverse', [...all].reverse()],
    ['interleaved', [...all.filter((_, i) => i % 2 === 0), ...all.filter((_, i) => i % 2 === 1).reverse()]],
  ])('k = 10, items %s', (_, order) => {
    const sample = sampleOf(order, 10);
    expect(sample.size).toBe(10);
    expect(sample.capacity).toBe(10);
    expect(ranked(sample.entries())).toEqual(bottomK(all, 10));
  });

  test.each([1, 2, 3, 7, 64])('k = %i', (k) => {
    expect(ranked(sampleOf(all, k).entries())).toEqual(bottomK(all, k));
  });

  test('entries carry the key attributes as the key, and the whole item this run read', () => {
    const [first] = sampleOf(all, 1).entries();
    const n = Number(first.key.pk.S?.slice('ITEM#'.length));
    expect(first.key).toEqual({ pk: { S: `ITEM#${n}` }, sk: { S: 'META' } });
    expect(first.item).toEqual(item(n, { total: { N: String(n - 1) } }));
    expect(first.priority).toBe(priorityOf(first.key));
  });

  test('fewer items than k: all of them, smallest first', () => {
    const sample = sampleOf(items(4), 10);
    expect(sample.size).toBe(4);
    expect(sample.capacity).toBe(10);
    expect(ranked(sample.entries())).toEqual(bottomK(items(4), 4));
  });

  test('the same key seen twice is sampled once', () => {
    const sample = sampleOf([item(1), item(2), item(1, { total: { N: '9' } }), item(2)], 3);
    expect(sample.size).toBe(2);
    expect(ranked(sample.entries())).toEqual(bottomK(items(2), 2));
  });

  test('a key element without a name (the SDK types it `string | undefined`) reads the attribute named "" (as keyId does)', () => {
    const nameless: KeySchemaElement[] = [{ AttributeName: undefined, KeyType: 'HASH' }];
    const keys = [{ '': { S: 'a' } }, { '': { S: 'b' } }];
    const entries = sampleOf(keys, 2, nameless).entries();
    expect(entries.map((entry) => entry.key).sort((a, b) => (a[''].S ?? '').localeCompare(b[''].S ?? ''))).toEqual(keys);
    expect(entries.map((entry) => entry.priority).sort()).toEqual(keys.map((key) => priorityOf(key, [''])).sort());
  });

  test('a sample of size zero samples nothing', () => {
    const sample = sampleOf(items(5), 0);
    expect(sample.size).toBe(0);
    expect(sample.entries()).toEqual([]);
  });

  test('equal priorities are ordered by key id, whichever comes first', () => {
    const first = pk(TIED.first);
    const second = pk(TIED.second);
    expect(priorityOf(first, ['pk'])).toBe(TIED.priority);
    expect(priorityOf(second, ['pk'])).toBe(TIED.priority);
    for (const order of [
      [first, second],
      [second, first],
    ]) {
      expect(
        sampleOf(order, 1, PK_ONLY)
          .entries()
          .map((entry) => entry.key),
      ).toEqual([first]);
      expect(
        sampleOf(order, 2, PK_ONLY)
          .entries()
          .map((entry) => entry.key),
      ).toEqual([first, second]);
    }
  });
});

describe('BottomKSample.partial: keys and priorities, smallest first, within a byte budget', () => {
  test('without a budget: every entry as [priority, key as JSON], and the capacity', () => {
    const sample = sampleOf(items(3), 5);
    const expected = bottomK(items(3), 3);
    const partial = sample.partial();
    expect(partial.k).toBe(5);
    expect(partial.s.map(([priority]) => priority)).toEqual(expected.map((entry) => entry.priority));
    expect(partial.s.map(([, key]) => keyId(key as Item, KEY_SCHEMA))).toEqual(expected.map((entry) => entry.id));
  });

  test('binary keys travel as base64', () => {
    const schema: KeySchemaElement[] = [{ AttributeName: 'id', KeyType: 'HASH' }];
    const sample = sampleOf([{ id: { B: Buffer.from('abc') } }], 1, schema);
    expect(sample.partial().s).toEqual([[keyPriority(seedHash(SEED), () => ({ S: 'YWJj' }), ['id']), { id: { B: 'YWJj' } }]]);
  });

  test('16 bytes for the envelope and each pair with its comma: as many as fit, and the capacity they make', () => {
    const sample = sampleOf(items(50), 5);
    const full = sample.partial();
    const size = (count: number) => 16 + full.s.slice(0, count).reduce((bytes, pair) => bytes + JSON.stringify(pair).length + 1, 0);
    expect(sample.partial(size(5))).toEqual(full);
    expect(sample.partial(size(2))).toEqual({ k: 2, s: full.s.slice(0, 2) });
    expect(sample.partial(size(2) - 1)).toEqual({ k: 1, s: full.s.slice(0, 1) });
    expect(sample.partial(size(1) - 1)).toEqual({ k: 0, s: [] });
  });
});

describe('BottomKSample.absorb: samples of shares merge into the sample of the whole', () => {
  const all = items(120);
  const shares = [0, 1, 2].map((share) => all.filter((_, i) => i % 3 === share));

  test('merged in any order, the same entries as one sample of the whole table', () => {
    const whole = bottomK(all, 8);
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
    ]) {
      const merged = sampleOf(shares[order[0]], 8);
      for (const share of order.slice(1)) merged.absorb(sampleOf(shares[share], 8).partial());
      expect(ranked(merged.entries())).toEqual(whole);
      expect(merged.capacity).toBe(8);
    }
  });

  test('an empty sample absorbing partials holds keys without items', () => {
    const merged = new BottomKSample(4, SEED, KEY_SCHEMA);
    for (const share of shares) merged.absorb(sampleOf(share, 4).partial());
    const entries = merged.entries();
    expect(ranked(entries)).toEqual(bottomK(all, 4));
    expect(entries.every((entry) => entry.item === undefined)).toBe(true);
  });

  test('items this run read keep their item after the merge', () => {
    const merged = sampleOf(all, 8);
    merged.absorb(sampleOf(shares[1], 8).partial());
    expect(merged.entries().every((entry) => entry.item !== undefined)).toBe(true);
  });

  test('a partial cut to m entries by its budget makes the merge the bottom-m of the whole', () => {
    const merged = sampleOf(shares[0], 8);
    const cut = sampleOf(shares[1], 8).partial(16 + 3 * 60);
    expect(cut.k).toBe(3);
    merged.absorb(cut);
    merged.absorb(sampleOf(shares[2], 8).partial());
    expect(merged.capacity).toBe(cut.k);
    expect(merged.size).toBe(cut.k);
    expect(ranked(merged.entries())).toEqual(bottomK(all, cut.k));
  });

  test('a partial that could carry nothing leaves an empty sample of capacity zero', () => {
    const merged = sampleOf(shares[0], 8);
    merged.absorb({ k: 0, s: [] });
    expect(merged.capacity).toBe(0);
    expect(merged.entries()).toEqual([]);
    merged.observe(new ObjectItem(all[0]));
    expect(merged.size).toBe(0);
  });

  test('a sample of size zero stays empty whatever it absorbs', () => {
    const merged = new BottomKSample(0, SEED, KEY_SCHEMA);
    merged.absorb(sampleOf(all, 5).partial());
    expect(merged.capacity).toBe(0);
    expect(merged.size).toBe(0);
  });

  test('a larger partial does not raise the capacity', () => {
    const merged = sampleOf(shares[0], 3);
    merged.absorb(sampleOf(shares[1], 8).partial());
    expect(merged.capacity).toBe(3);
    expect(ranked(merged.entries())).toEqual(bottomK([...shares[0], ...shares[1]], 3));
  });

  test('absorbing the same keys again, or its own partial, adds nothing', () => {
    const merged = sampleOf(shares[0], 6);
    const other = sampleOf(shares[1], 6).partial();
    merged.absorb(other);
    merged.absorb(other);
    merged.absorb(merged.partial());
    expect(ranked(merged.entries())).toEqual(bottomK([...shares[0], ...shares[1]], 6));

    const fewer = sampleOf(items(2), 6);
    fewer.absorb(fewer.partial());
    expect(fewer.size).toBe(2);
  });

  test('binary keys come back from base64 with the priority they had', () => {
    const schema: KeySchemaElement[] = [{ AttributeName: 'id', KeyType: 'HASH' }];
    const keys = ['abc', 'def', 'ghi'].map((text) => ({ id: { B: Buffer.from(text) } }));
    const merged = new BottomKSample(3, SEED, schema);
    merged.absorb(sampleOf(keys, 3, schema).partial());
    expect(merged.entries().map((entry) => Buffer.from(entry.key.id.B ?? []).toString())).toEqual(
      sampleOf(keys, 3, schema)
        .entries()
        .map((entry) => Buffer.from(entry.key.id.B ?? []).toString()),
    );
    expect(merged.size).toBe(3);
  });

  test('equal priorities across partials: the smaller key id is kept', () => {
    const [first, second] = [pk(TIED.first), pk(TIED.second)];
    for (const [mine, theirs] of [
      [first, second],
      [second, first],
    ]) {
      const merged = sampleOf([mine], 1, PK_ONLY);
      merged.absorb(sampleOf([theirs], 1, PK_ONLY).partial());
      expect(merged.entries().map((entry) => entry.key)).toEqual([first]);
    }
  });

  test('a priority that is not its key’s is refused', () => {
    const partial = sampleOf(items(2), 2).partial();
    const [[priority, key]] = partial.s;
    const merged = new BottomKSample(2, SEED, KEY_SCHEMA);
    expect(() => merged.absorb({ k: 2, s: [[priority + 1, key]] })).toThrow('a sample partial with a priority its key does not have');
    // Another drill's seed gives its keys other priorities.
    expect(() => new BottomKSample(2, 'another drill', KEY_SCHEMA).absorb(partial)).toThrow();
  });
});
