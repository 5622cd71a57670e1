import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { withoutDrillItemsFilter } from '../../../lambda/checks/drill-items';
import {
  EXAMPLE_KEYS,
  findMissingKeys,
  KEYS_IN_PARTIAL,
  MAX_REMEMBERED_KEYS,
  MissingKeyExamples,
  missingKeysText,
  RestoredKeys,
} from '../../../lambda/checks/missing-keys';
import { CANARY_KEY_VALUE } from '../../../lambda/config';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { ObjectItem } from '../../../lambda/ports/scan-wire';
import { checkWorld, SOURCE_TABLE } from './check-context';
import { item, KEY_SCHEMA } from './in-memory-tables';

const PK_ONLY: readonly KeySchemaElement[] = [{ AttributeName: 'pk', KeyType: 'HASH' }];
const pk = (value: string): Item => ({ pk: { S: value } });
const items = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => item(from + i, { total: { N: String(i) } }));

/** Restored keys remembered from `restored` (as plain items), with a limit. */
function remembering(restored: readonly Item[], limit?: number, schema = KEY_SCHEMA): RestoredKeys {
  const keys = new RestoredKeys(schema, limit);
  for (const found of restored) keys.remember(found);
  return keys;
}

describe('RestoredKeys: which keys the restore holds', () => {
  test('a remembered key is not lacking; any other key is, whichever attribute differs', () => {
    const restored = remembering([item(1), item(2)]);
    expect(restored.complete).toBe(true);
    expect(restored.lacks(item(1))).toBe(false);
    expect(restored.lacks(item(2, { total: { N: '7' } }))).toBe(false);
    expect(restored.lacks(item(3))).toBe(true);
    expect(restored.lacks({ pk: { S: 'ITEM#1' }, sk: { S: 'OTHER' } })).toBe(true);
  });

  test('items as the shared scan hands them over are remembered by their key attributes only', () => {
    const restored = new RestoredKeys(KEY_SCHEMA);
    restored.remember(new ObjectItem(item(1, { total: { N: '10' } })));
    restored.remember(new ObjectItem(item(2)));
    expect(restored.lacks(item(1))).toBe(false);
    expect(restored.lacks(item(2))).toBe(false);
    expect(restored.lacks(item(3))).toBe(true);
  });

  test('exactly at the limit it is complete; one item over, nothing is lacking any more (no false examples)', () => {
    const restored = remembering([pk('1'), pk('2'), pk('3')], 3, PK_ONLY);
    expect(restored.complete).toBe(true);
    expect(restored.lacks(pk('4'))).toBe(true);
    restored.remember(pk('4'));
    expect(restored.complete).toBe(false);
    expect(restored.lacks(pk('never restored'))).toBe(false);
    expect(restored.incompleteText).toBe('more than 3 restored items to remember');
  });

  test('a key element without a name (the SDK types it `string | undefined`) reads the attribute named "", from scanned items as from objects (as keyId does)', () => {
    const nameless: readonly KeySchemaElement[] = [{ AttributeName: undefined, KeyType: 'HASH' }];
    const restored = new RestoredKeys(nameless);
    restored.remember(new ObjectItem({ '': { S: 'a' } }));
    expect(restored.lacks({ '': { S: 'a' } })).toBe(false);
    expect(restored.lacks({ '': { S: 'b' } })).toBe(true);
  });

  test('counted per item, not per distinct key: the same key remembered over the limit overflows', () => {
    const restored = remembering([pk('a'), pk('a'), pk('a')], 2, PK_ONLY);
    expect(restored.complete).toBe(false);
  });

  test('remembering stops counting at the first item over the limit', () => {
    const restored = remembering([pk('1'), pk('2'), pk('3'), pk('4'), pk('5')], 2, PK_ONLY);
    expect(restored.partial()).toEqual({ n: 3 });
  });

  test('the default limit is MAX_REMEMBERED_KEYS, written out for people', () => {
    const restored = new RestoredKeys(PK_ONLY);
    expect(restored.limitText).toBe('2,000,000');
    expect(MAX_REMEMBERED_KEYS).toBe(2_000_000);
  });
});

describe('RestoredKeys partials: what a fan-out worker carries and the merge absorbs', () => {
  test("a partial carries the count and each key's 32-bit FNV-1a hash of its key id", () => {
    const restored = remembering([pk('a'), pk('b'), pk('a')], undefined, PK_ONLY);
    const partial = restored.partial();
    expect(partial.n).toBe(3);
    // FNV-1a of `S"a"` and `S"b"` (keyId's text): every worker hashes a key the same way.
    expect([...(partial.h ?? [])].sort()).toEqual([2109914435, 3821378668]);
  });

  test(`up to ${KEYS_IN_PARTIAL} keys are carried; one more and only the count is`, () => {
    const keys = Array.from({ length: KEYS_IN_PARTIAL + 1 }, (_, i) => pk(String(i)));
    const atLimit = remembering(keys.slice(0, KEYS_IN_PARTIAL), undefined, PK_ONLY).partial();
    expect(atLimit.n).toBe(KEYS_IN_PARTIAL);
    expect(atLimit.h).toHaveLength(KEYS_IN_PARTIAL);
    expect(remembering(keys, undefined, PK_ONLY).partial()).toEqual({ n: KEYS_IN_PARTIAL + 1 });
  });

  test('an incomplete share carries no keys, however few it remembered', () => {
    expect(remembering([pk('1'), pk('2')], 1, PK_ONLY).partial()).toEqual({ n: 2 });
  });

  test('an empty share carries an empty list of keys', () => {
    expect(new RestoredKeys(PK_ONLY).partial()).toEqual({ n: 0, h: [] });
  });

  test('merged partials know every share’s keys, and count them all', () => {
    const merged = remembering([pk('a')], undefined, PK_ONLY);
    merged.absorb(remembering([pk('b'), pk('c')], undefined, PK_ONLY).partial());
    merged.absorb(remembering([], undefined, PK_ONLY).partial());
    expect(merged.complete).toBe(true);
    for (const key of ['a', 'b', 'c']) expect(merged.lacks(pk(key))).toBe(false);
    expect(merged.lacks(pk('d'))).toBe(true);
    expect(merged.partial().n).toBe(3);
  });

  test('merged up to the limit exactly it stays complete; one over, it is not, and says too many', () => {
    const atLimit = remembering([pk('a')], 3, PK_ONLY);
    atLimit.absorb(remembering([pk('b'), pk('c')], undefined, PK_ONLY).partial());
    expect(atLimit.complete).toBe(true);
    expect(atLimit.lacks(pk('d'))).toBe(true);

    const over = remembering([pk('a'), pk('b')], 3, PK_ONLY);
    over.absorb(remembering([pk('c'), pk('d')], undefined, PK_ONLY).partial());
    expect(over.complete).toBe(false);
    expect(over.lacks(pk('e'))).toBe(false);
    expect(over.incompleteText).toBe('more than 3 restored items to remember');
  });

  test('a share whose keys were not carried leaves the merge without examples, saying why', () => {
    const merged = remembering([pk('a')], 3, PK_ONLY);
    // Two items, then three in all: exactly at the limit, so only the missing keys are to blame.
    merged.absorb({ n: 2 });
    expect(merged.complete).toBe(false);
    expect(merged.lacks(pk('d'))).toBe(false);
    expect(merged.incompleteText).toBe('the restored keys of a table scanned by fan-out workers are not carried between them');
    expect(merged.partial()).toEqual({ n: 3 });
  });

  test('a share without keys that also takes the count over the limit: too many is the reason', () => {
    const merged = remembering([pk('a')], 3, PK_ONLY);
    merged.absorb({ n: 3 });
    expect(merged.complete).toBe(false);
    expect(merged.incompleteText).toBe('more than 3 restored items to remember');
  });

  test('once too many, a later share that was not carried does not change the reason', () => {
    const merged = remembering([pk('a'), pk('b')], 1, PK_ONLY);
    merged.absorb({ n: 0 });
    expect(merged.incompleteText).toBe('more than 1 restored items to remember');
  });

  test('once incomplete, later shares still count but bring no keys back', () => {
    const merged = remembering([pk('a')], 10, PK_ONLY);
    merged.absorb({ n: 1 });
    merged.absorb({ n: 1, h: remembering([pk('z')], undefined, PK_ONLY).partial().h });
    expect(merged.complete).toBe(false);
    expect(merged.lacks(pk('y'))).toBe(false);
    expect(merged.partial()).toEqual({ n: 3 });
    expect(merged.incompleteText).toBe('the restored keys of a table scanned by fan-out workers are not carried between them');
  });
});

describe('MissingKeyExamples: up to EXAMPLE_KEYS keys of source items the restore lacks', () => {
  test('only lacking items, by key only (no other attribute), in the order considered', () => {
    const restored = remembering([item(1), item(3)]);
    const examples = new MissingKeyExamples(restored, KEY_SCHEMA);
    for (const source of items(1, 4)) examples.consider(source);
    expect(examples.keys).toEqual([
      { pk: { S: 'ITEM#2' }, sk: { S: 'META' } },
      { pk: { S: 'ITEM#4' }, sk: { S: 'META' } },
    ]);
    expect(examples.full).toBe(false);
    expect(examples.describe()).toBe('{pk=ITEM#2, sk=META} {pk=ITEM#4, sk=META}');
  });

  test(`full at exactly ${EXAMPLE_KEYS} keys: later ones are not kept`, () => {
    const examples = new MissingKeyExamples(remembering([]), KEY_SCHEMA);
    for (const source of items(1, EXAMPLE_KEYS - 1)) examples.consider(source);
    expect(examples.full).toBe(false);
    examples.consider(item(EXAMPLE_KEYS));
    expect(examples.full).toBe(true);
    examples.consider(item(EXAMPLE_KEYS + 1));
    expect(examples.keys.map((key) => key.pk.S)).toEqual(['ITEM#1', 'ITEM#2', 'ITEM#3', 'ITEM#4', 'ITEM#5']);
  });
});

describe('missingKeysText: the words a shortfall adds', () => {
  test('the example keys when there are some, whatever else', () => {
    const restored = remembering([pk('a')], undefined, PK_ONLY);
    const examples = new MissingKeyExamples(restored, PK_ONLY);
    examples.consider(pk('b'));
    expect(missingKeysText(examples, restored, true)).toBe('; missing keys, e.g. {pk=b}');
    expect(missingKeysText(examples, restored, false)).toBe('; missing keys, e.g. {pk=b}');
  });

  test('why there are none when the restored keys are incomplete, whether or not the search stopped', () => {
    const restored = remembering([pk('a'), pk('b')], 1, PK_ONLY);
    const examples = new MissingKeyExamples(restored, PK_ONLY);
    expect(missingKeysText(examples, restored, false)).toBe('; no example keys (more than 1 restored items to remember)');
    expect(missingKeysText(examples, restored, true)).toBe('; no example keys (more than 1 restored items to remember)');
  });

  test('a search that stopped short says so; a finished one that found none adds nothing', () => {
    const restored = remembering([pk('a')], undefined, PK_ONLY);
    const examples = new MissingKeyExamples(restored, PK_ONLY);
    expect(missingKeysText(examples, restored, true)).toBe('; no missing key found within the read budget and time');
    expect(missingKeysText(examples, restored, false)).toBe('');
  });
});

describe('findMissingKeys: a keys-only scan of the source, stopped once enough are found', () => {
  test('names the source keys the restore lacks, reading key attributes only, one segment, drill items filtered out', async () => {
    const world = checkWorld({ sourceItems: items(1, 6) });
    const restored = remembering([item(1), item(3), item(4), item(6)]);
    const { source } = world.context;
    if (!source) throw new Error('the world has a source');

    const search = await findMissingKeys(world.context, source, restored);

    expect(search.examples.keys).toEqual([
      { pk: { S: 'ITEM#2' }, sk: { S: 'META' } },
      { pk: { S: 'ITEM#5' }, sk: { S: 'META' } },
    ]);
    expect(search.stoppedShort).toBe(false);
    expect(search.consumedUnits).toBe(3);
    expect(world.tables.reads).toEqual([
      {
        operation: 'scanItems',
        tableName: SOURCE_TABLE,
        options: expect.objectContaining({
          segments: 1,
          filter: withoutDrillItemsFilter(world.context.table, source),
          projection: { expression: '#k0, #k1', names: { '#k0': 'pk', '#k1': 'sk' } },
        }),
      },
    ]);
  });

  test('stops at the first page that fills the examples: not stopped short, the rest unread', async () => {
    const world = checkWorld({ sourceItems: items(1, 20) });
    world.tables.pageSize = 2;
    const { source } = world.context;
    if (!source) throw new Error('the world has a source');

    const search = await findMissingKeys(world.context, source, remembering([item(2)]));

    // Pages {1,2} {3,4} {5,6}: ITEM#1, 3, 4, 5, 6 are missing; six items read at 0.5 units each.
    expect(search.examples.keys.map((key) => key.pk.S)).toEqual(['ITEM#1', 'ITEM#3', 'ITEM#4', 'ITEM#5', 'ITEM#6']);
    expect(search.consumedUnits).toBe(3);
    expect(search.stoppedShort).toBe(false);
  });

  test('the read budget spent before enough were found: stopped short, with what was found', async () => {
    const world = checkWorld({ sourceItems: items(1, 20), targets: { sourceReadBudgetUnits: 2 } });
    world.tables.pageSize = 2;
    const { source } = world.context;
    if (!source) throw new Error('the world has a source');

    const search = await findMissingKeys(world.context, source, remembering(items(2, 20)));

    expect(search.examples.keys.map((key) => key.pk.S)).toEqual(['ITEM#1']);
    expect(search.examples.full).toBe(false);
    expect(search.stoppedShort).toBe(true);
  });

  test('restored keys incomplete: no read at all, and the search counts as stopped short', async () => {
    const world = checkWorld({ sourceItems: items(1, 3) });
    const { source } = world.context;
    if (!source) throw new Error('the world has a source');

    const search = await findMissingKeys(world.context, source, remembering([item(1), item(2)], 1));

    expect(search.examples.keys).toEqual([]);
    expect(search).toMatchObject({ consumedUnits: 0, stoppedShort: true });
    expect(world.tables.reads).toEqual([]);
  });

  test('a key element without a name is projected and named as the attribute ""', async () => {
    const nameless: readonly KeySchemaElement[] = [{ AttributeName: undefined, KeyType: 'HASH' }];
    const world = checkWorld({ source: { keySchema: nameless }, sourceItems: [{ '': { S: 'a' } }, { '': { S: 'b' } }] });
    const { source } = world.context;
    if (!source) throw new Error('the world has a source');
    const restored = remembering([{ '': { S: 'a' } }], undefined, nameless);

    const search = await findMissingKeys(world.context, source, restored);

    expect(search.examples.keys).toEqual([{ '': { S: 'b' } }]);
  });

  test('the canary is never named, even when the scan filter lets it through', async () => {
    const canary = { pk: { S: CANARY_KEY_VALUE }, sk: { S: 'META' } };
    const world = checkWorld({ sourceItems: [canary, item(1)] });
    const { source } = world.context;
    if (!source) throw new Error('the world has a source');
    // Without the partition key's type the scan cannot filter the canary out; the predicate still does.
    const unfiltered = { ...source, attributeDefinitions: [] };

    const search = await findMissingKeys(world.context, unfiltered, remembering([]));

    expect(search.examples.keys).toEqual([{ pk: { S: 'ITEM#1' }, sk: { S: 'META' } }]);
  });
});
