import { canonicalItem, canonicalNumber, canonicalValue, itemsEqual } from '../../../lambda/digest/canonical-item';
import { TableDigest } from '../../../lambda/digest/table-digest';
import { fixtureItems } from '../../../lambda/fixture/fixture-items';

describe('canonicalNumber', () => {
  test.each([
    ['1.5', '1.5'],
    ['1.50', '1.5'],
    ['15E-1', '1.5'],
    ['0.0015e3', '1.5'],
    ['+007.00', '7'],
    ['100', '100'],
    ['1e2', '100'],
    ['-0.5', '-0.5'],
    ['-.5', '-0.5'],
    ['1.25e-3', '0.00125'],
    ['-12.3400E+2', '-1234'],
    ['-0', '0'],
    ['0.000', '0'],
    // Exponents of more than one digit; zeros inside the digits stay, only trailing ones go.
    ['1e10', '10000000000'],
    ['15E-12', '0.000000000015'],
    ['1.050', '1.05'],
    ['100.0', '100'],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
  ])('%s -> %s', (text, canonical) => {
    expect(canonicalNumber(text)).toBe(canonical);
  });

  test('rejects text that is not a number', () => {
    expect(() => canonicalNumber('1.2.3')).toThrow('not a DynamoDB number: "1.2.3"');
    expect(() => canonicalNumber('')).toThrow();
  });
});

describe('canonicalValue: one tagged form per attribute type', () => {
  test.each([
    [{ S: 'a"b' }, 'S"a\\"b"'],
    [{ N: '1.50' }, 'N1.5'],
    [{ B: Uint8Array.from([1, 2, 3]) }, 'BAQID'],
    [{ BOOL: true }, 'T'],
    [{ BOOL: false }, 'F'],
    [{ NULL: true }, 'Z'],
    [{ SS: ['b', 'a'] }, 'SS["a","b"]'],
    [{ NS: ['10', '2.0'] }, 'NS[10,2]'],
    [{ BS: [Uint8Array.from([2]), Uint8Array.from([1])] }, 'BS[AQ==,Ag==]'],
    [{ L: [{ N: '2' }, { S: 'x' }] }, 'L[N2,S"x"]'],
    [{ M: { b: { N: '1' }, a: { NULL: true } } }, 'M{"a":Z,"b":N1}'],
  ])('%j -> %s', (value, canonical) => {
    expect(canonicalValue(value as Parameters<typeof canonicalValue>[0])).toBe(canonical);
  });

  test('a binary is not the number its base64 spells', () => {
    // base64 "N100" is three bytes; without the B tag they would encode like the number 100.
    expect(itemsEqual({ a: { B: Buffer.from('N100', 'base64') } }, { a: { N: '100' } })).toBe(false);
  });

  test('a binary set compares by bytes in any order', () => {
    expect(
      itemsEqual({ a: { BS: [Uint8Array.from([1]), Uint8Array.from([2])] } }, { a: { BS: ['Ag==', 'AQ=='] as unknown as Uint8Array[] } }),
    ).toBe(true);
    expect(itemsEqual({ a: { BS: [Uint8Array.from([1])] } }, { a: { BS: [Uint8Array.from([2])] } })).toBe(false);
  });

  test('an unknown attribute type is refused, naming it', () => {
    expect(() => canonicalValue({ X: 1 } as unknown as Parameters<typeof canonicalValue>[0])).toThrow(
      'unsupported attribute value type: X',
    );
  });
});

describe('canonicalItem', () => {
  test('attribute names sorted, each with its value, comma-separated', () => {
    expect(canonicalItem({ b: { N: '1' }, a: { S: 'x' } })).toBe('{"a":S"x","b":N1}');
  });

  test('attribute order, map key order, set order and number text do not matter', () => {
    const a = { id: { S: 'x' }, n: { N: '1.5' }, m: { M: { b: { N: '2' }, a: { SS: ['q', 'p'] } } }, ns: { NS: ['10', '2.0'] } };
    const b = { ns: { NS: ['2', '1e1'] }, m: { M: { a: { SS: ['p', 'q'] }, b: { N: '2.000' } } }, n: { N: '15E-1' }, id: { S: 'x' } };
    expect(canonicalItem(a)).toBe(canonicalItem(b));
    expect(itemsEqual(a, b)).toBe(true);
  });

  test('list order, types and values do matter', () => {
    const base = { id: { S: 'x' }, l: { L: [{ N: '1' }, { N: '2' }] } };
    expect(itemsEqual(base, { id: { S: 'x' }, l: { L: [{ N: '2' }, { N: '1' }] } })).toBe(false);
    expect(itemsEqual(base, { id: { N: '0' }, l: base.l })).toBe(false);
    expect(itemsEqual({ a: { S: '1' } }, { a: { N: '1' } })).toBe(false);
    expect(itemsEqual({ a: { BOOL: true } }, { a: { BOOL: false } })).toBe(false);
    expect(itemsEqual({ a: { NULL: true } }, {})).toBe(false);
  });

  test('binary compares by bytes whether given as bytes or base64', () => {
    expect(itemsEqual({ b: { B: Uint8Array.from([1, 2, 3]) } }, { b: { B: 'AQID' as unknown as Uint8Array } })).toBe(true);
  });

  test('strings that look alike stay distinct', () => {
    expect(itemsEqual({ a: { S: 'a,b' } }, { a: { SS: ['a', 'b'] } })).toBe(false);
    expect(itemsEqual({ 'a"': { S: '' } }, { a: { S: '"' } })).toBe(false);
  });
});

describe('TableDigest', () => {
  const items = fixtureItems(3);

  test('is independent of item order and of how the items are split across segments', () => {
    const whole = TableDigest.of(items).toString();
    const reversed = TableDigest.of([...items].reverse()).toString();
    const left = TableDigest.of(items.filter((_, i) => i % 3 === 0));
    const right = TableDigest.of(items.filter((_, i) => i % 3 !== 0));
    right.merge(left);
    expect(reversed).toBe(whole);
    expect(right.toString()).toBe(whole);
    expect(whole).toMatch(/^\d+:[0-9a-f]{64}$/);
  });

  test('a deleted, changed or extra item changes the digest', () => {
    const whole = TableDigest.of(items).toString();
    expect(TableDigest.of(items.slice(1)).toString()).not.toBe(whole);
    const changed = structuredClone(items);
    changed[5].name = { S: 'garage' };
    expect(TableDigest.of(changed).toString()).not.toBe(whole);
    expect(TableDigest.of([...items, { pk: { S: 'extra' }, sk: { S: 'x' } }]).toString()).not.toBe(whole);
  });

  test('the digest of nothing: no items, 64 zeros (each 32-bit lane written as 8 hex digits)', () => {
    expect(TableDigest.of([]).toString()).toBe(`0:${'0'.repeat(64)}`);
    expect(TableDigest.of([]).itemCount).toBe(0);
    expect(TableDigest.of(items).itemCount).toBe(items.length);
  });

  test('two swapped values between items change the digest (not a per-attribute sum)', () => {
    const a = [
      { id: { S: '1' }, v: { N: '1' } },
      { id: { S: '2' }, v: { N: '2' } },
    ];
    const b = [
      { id: { S: '1' }, v: { N: '2' } },
      { id: { S: '2' }, v: { N: '1' } },
    ];
    expect(TableDigest.of(a).toString()).not.toBe(TableDigest.of(b).toString());
  });
});

describe('fixture', () => {
  test('is deterministic and a few hundred items', () => {
    expect(fixtureItems()).toEqual(fixtureItems());
    expect(fixtureItems().length).toBeGreaterThanOrEqual(200);
    expect(fixtureItems().length).toBeLessThanOrEqual(1000);
    // Adding properties never changes the existing ones.
    expect(fixtureItems(5).slice(0, fixtureItems(3).length)).toEqual(fixtureItems(3));
  });
});

describe('TableDigest arithmetic', () => {
  test('equals the sum of the SHA-256 values modulo 2^256, carries included', () => {
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const { canonicalItem: encode } =
      require('../../../lambda/digest/canonical-item') as typeof import('../../../lambda/digest/canonical-item');
    const items = fixtureItems(6);
    let sum = 0n;
    for (const item of items) sum = (sum + BigInt(`0x${createHash('sha256').update(encode(item)).digest('hex')}`)) % (1n << 256n);
    expect(TableDigest.of(items).toString()).toBe(`${items.length}:${sum.toString(16).padStart(64, '0')}`);
  });
});
