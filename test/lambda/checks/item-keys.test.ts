import { describeKey, describeKeys, keyId, keyOf } from '../../../lambda/checks/item-keys';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { item, KEY_SCHEMA } from './in-memory-tables';

const keys = (count: number) => Array.from({ length: count }, (_, i) => item(i + 1));

describe('item keys', () => {
  test('keyOf: the key attributes only, those the item has', () => {
    expect(keyOf(item(1, { total: { N: '3' } }), KEY_SCHEMA)).toStrictEqual({ pk: { S: 'ITEM#1' }, sk: { S: 'META' } });
    // An attribute the item lacks is left out, not set to undefined.
    expect(keyOf({ pk: { S: 'a' } }, KEY_SCHEMA)).toStrictEqual({ pk: { S: 'a' } });
    expect(keyOf(item(1), [{ AttributeName: undefined, KeyType: 'HASH' }])).toStrictEqual({});
  });

  test('keyId: equal for keys DynamoDB considers equal, distinct otherwise', () => {
    const schema = [{ AttributeName: 'id', KeyType: 'HASH' as const }];
    expect(keyId({ id: { N: '1.50' }, x: { S: 'a' } }, schema)).toBe(keyId({ id: { N: '1.5' } }, schema));
    expect(keyId(item(1), KEY_SCHEMA)).toBe('S"ITEM#1"|S"META"');
    expect(keyId({ pk: { S: 'a' } }, KEY_SCHEMA)).toBe('S"a"|Z');
    expect(keyId(item(1), [{ AttributeName: undefined, KeyType: 'HASH' }])).toBe('Z');
  });

  test('describeKey: names and values of the key, never other attributes', () => {
    expect(describeKey(item(1, { secret: { S: 'x' } }), KEY_SCHEMA)).toBe('pk=ITEM#1, sk=META');
    const schema = [
      { AttributeName: 'n', KeyType: 'HASH' as const },
      { AttributeName: 'b', KeyType: 'RANGE' as const },
    ];
    expect(describeKey({ n: { N: '7' }, b: { B: new Uint8Array(3) } }, schema)).toBe('n=7, b=<3 bytes>');
    expect(describeKey({}, schema)).toBe('n=?, b=?');
    expect(describeKey({ x: { S: 'v' } }, [{ AttributeName: undefined, KeyType: 'HASH' }])).toBe('=?');
  });

  test('describeKeys: the first five, and how many more', () => {
    expect(describeKeys([], KEY_SCHEMA)).toBe('');
    expect(describeKeys(keys(2), KEY_SCHEMA)).toBe('{pk=ITEM#1, sk=META} {pk=ITEM#2, sk=META}');
    expect(describeKeys(keys(5), KEY_SCHEMA)).not.toContain('more');
    expect(describeKeys(keys(6), KEY_SCHEMA)).toBe(
      '{pk=ITEM#1, sk=META} {pk=ITEM#2, sk=META} {pk=ITEM#3, sk=META} {pk=ITEM#4, sk=META} {pk=ITEM#5, sk=META} and 1 more',
    );
  });

  test('describeKeys: a limit, and a total larger than the items kept', () => {
    const three: Item[] = keys(3);
    expect(describeKeys(three, KEY_SCHEMA, 2)).toBe('{pk=ITEM#1, sk=META} {pk=ITEM#2, sk=META} and 1 more');
    expect(describeKeys(three, KEY_SCHEMA, 3, 10)).toBe('{pk=ITEM#1, sk=META} {pk=ITEM#2, sk=META} {pk=ITEM#3, sk=META} and 7 more');
    expect(describeKeys(three, KEY_SCHEMA, 3, 3)).not.toContain('more');
  });
});
