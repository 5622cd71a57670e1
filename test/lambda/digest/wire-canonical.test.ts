import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { canonicalItem } from '../../../lambda/digest/canonical-item';
import { TableDigest } from '../../../lambda/digest/table-digest';
import { compareUtf16Order, NotOnFastPath, WireCanonicalEncoder } from '../../../lambda/digest/wire-canonical';
import { fixtureItems } from '../../../lambda/fixture/fixture-items';
import { ObjectItem, WireItem } from '../../../lambda/ports/scan-wire';
import { wireJson, wireItemOf, wireValue, arbitraryItem, type Item } from './wire-items';

/**
 * The digest read from the wire equals the digest of the same items read through the SDK's
 * objects (canonical-item.ts), item by item and as a whole: on the fixture, on random items of
 * every attribute type, and whatever order, number form or escapes DynamoDB might send.
 */

const encoder = new WireCanonicalEncoder();
const wireEncoding = (json: string) => Buffer.from(encoder.encode(wireItemOf(json))).toString('utf8');
const digestOfWire = (jsons: readonly string[]) => {
  const digest = new TableDigest();
  for (const json of jsons) digest.addScanned(wireItemOf(json));
  return digest.toString();
};

describe('wire canonical encoding', () => {
  test('the fixture: every item encodes byte for byte as canonicalItem, and the digests are equal', () => {
    const items = fixtureItems(12);
    const jsons = items.map((item) => wireJson(item));
    for (const [k, json] of jsons.entries()) expect(wireEncoding(json)).toBe(canonicalItem(items[k]));
    expect(digestOfWire(jsons)).toBe(TableDigest.of(items).toString());
  });

  test('random items: the wire encoding is canonicalItem, or the item is left to the object path', () => {
    let fast = 0;
    let runs = 0;
    fc.assert(
      fc.property(arbitraryItem, fc.integer(), (item, seed) => {
        const json = wireJson(item, seed);
        let encoded: string | undefined;
        try {
          encoded = wireEncoding(json);
        } catch (error) {
          if (!(error instanceof NotOnFastPath)) throw error;
        }
        runs += 1;
        // Only escapes send an item to the object path: without a backslash it must stay on the fast path.
        if (!json.includes('\\')) expect(encoded).toBeDefined();
        if (encoded !== undefined) {
          fast += 1;
          expect(encoded).toBe(canonicalItem(item));
        }
        const digest = new TableDigest();
        digest.addScanned(wireItemOf(json));
        expect(digest.toString()).toBe(TableDigest.of([item]).toString());
      }),
      { numRuns: 1500 },
    );
    // Most random items take the fast path (the rest hold escapes JSON.stringify writes otherwise).
    expect(fast / runs).toBeGreaterThan(0.5);
  });

  test('random tables: one digest from the wire equals the digest of the objects, in any order', () => {
    fc.assert(
      fc.property(fc.array(arbitraryItem, { maxLength: 30 }), fc.integer(), (items, seed) => {
        const jsons = items.map((item, k) => wireJson(item, seed + k)).reverse();
        expect(digestOfWire(jsons)).toBe(TableDigest.of(items).toString());
      }),
      { numRuns: 150 },
    );
  });

  test.each([
    ['attribute order', '{"b":{"N":"2"},"a":{"S":"x"}}', '{"a":{"S":"x"},"b":{"N":"2"}}'],
    ['number forms 1.0, 1, 1e0', '{"n":{"NS":["1.0","20e-1"]},"m":{"N":"1e0"}}', '{"m":{"N":"1"},"n":{"NS":["2","1"]}}'],
    ['map key order', '{"m":{"M":{"y":{"N":"1"},"x":{"BOOL":true}}}}', '{"m":{"M":{"x":{"BOOL":true},"y":{"N":"1.00"}}}}'],
    ['set order', '{"s":{"SS":["b","a","é"]}}', '{"s":{"SS":["é","a","b"]}}'],
    ['escapes JSON.stringify writes otherwise', '{"s":{"S":"\\u00e9\\/"}}', '{"s":{"S":"é/"}}'],
    ['an escape in an attribute sent before one written first', '{"b":{"S":"\\/"},"a":{"S":"x"}}', '{"a":{"S":"x"},"b":{"S":"/"}}'],
    ['whitespace', '{ "a" : { "L" : [ { "NULL" : true } , { "B" : "AQID" } ] } }', '{"a":{"L":[{"NULL":true},{"B":"AQID"}]}}'],
    ['binary padding', '{"b":{"BS":["AQ==","Ag=="]}}', '{"b":{"BS":["Ag==","AQ=="]}}'],
  ])('equal items digest equal: %s', (_, a, b) => {
    expect(digestOfWire([a])).toBe(digestOfWire([b]));
    expect(digestOfWire([a])).toBe(TableDigest.of([new WireItem().moveTo(Buffer.from(b), 0, Buffer.byteLength(b)).toItem()]).toString());
  });

  test('different items digest differently: list order, type, value', () => {
    const digests = [
      '{"l":{"L":[{"N":"1"},{"N":"2"}]}}',
      '{"l":{"L":[{"N":"2"},{"N":"1"}]}}',
      '{"l":{"S":"1"}}',
      '{"l":{"N":"1"}}',
      '{"l":{"BOOL":false}}',
      '{"l":{"BOOL":true}}',
    ].map((json) => digestOfWire([json]));
    expect(new Set(digests).size).toBe(digests.length);
  });

  test('an item the SDK already unmarshalled digests as from the wire', () => {
    const item: Item = { pk: { S: 'a' }, b: { B: Uint8Array.from([1, 2]) } };
    const digest = new TableDigest();
    digest.addScanned(new ObjectItem(item));
    expect(digest.toString()).toBe(digestOfWire([wireJson(item)]));
  });
});

describe('compareUtf16Order', () => {
  test('orders UTF-8 bytes as the default sort orders the strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const x = Buffer.from(a);
        const y = Buffer.from(b);
        const expected = a === b ? 0 : [a, b].sort()[0] === a ? -1 : 1;
        expect(Math.sign(compareUtf16Order(x, 0, x.length, y, 0, y.length))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    // The one place UTF-8 and UTF-16 orders part: U+E000-U+FFFF against supplementary characters.
    const [bmp, astral] = [Buffer.from('\uffff'), Buffer.from('\u{1f600}')];
    expect(compareUtf16Order(bmp, 0, bmp.length, astral, 0, astral.length)).toBeGreaterThan(0);
  });
});

describe('WireItem', () => {
  test('reads one attribute, and the whole item, as the SDK gives them', () => {
    const item: Item = { pk: { S: 'p' }, bin: { B: Uint8Array.from([7]) }, l: { L: [{ BS: [Uint8Array.from([1])] }] } };
    const wire = wireItemOf(wireJson(item));
    expect(wire.attribute('pk')).toEqual({ S: 'p' });
    expect(wire.attribute('missing')).toBeUndefined();
    expect(wire.toItem()).toEqual({ pk: { S: 'p' }, bin: { B: Buffer.from([7]) }, l: { L: [{ BS: [Buffer.from([1])] }] } });
  });

  test('finds an attribute whose name DynamoDB sent escaped', () => {
    expect(wireItemOf('{"\\u0070k":{"S":"p"}}').attribute('pk')).toEqual({ S: 'p' });
  });

  test('wireValue writes B as base64', () => {
    expect(wireValue({ B: Uint8Array.from([1, 2, 3]) } as AttributeValue)).toEqual({ B: 'AQID' });
  });
});
