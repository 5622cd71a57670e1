import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { canonicalItem } from '../../../lambda/digest/canonical-item';
import { TableDigest } from '../../../lambda/digest/table-digest';
import { compareUtf16Order, NotOnFastPath, WireCanonicalEncoder } from '../../../lambda/digest/wire-canonical';
import { fixtureItems } from '../../../lambda/fixture/fixture-items';
import { ObjectItem, WireItem } from '../../../lambda/ports/scan-wire';
import { wireJson, wireItemOf, wireValue, arbitraryItem, encodingText, objectEncodingOf, type Item } from './wire-items';

/**
 * The digest read from the wire equals the digest of the same items read through the SDK's
 * objects (canonical-item.ts), item by item and as a whole: on the fixture, on random items of
 * every attribute type, and whatever order, number form or escapes DynamoDB might send.
 */

const encoder = new WireCanonicalEncoder();
/** The item's canonical encoding as text, by the given encoder (its buffers persist from item to item). */
const textOf = (item: WireItem, by = encoder) => encodingText(item, by);
const wireEncoding = (json: string) => textOf(wireItemOf(json));
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

/** The item `{"a":<value>}` encoded on the fast path, as text; throws NotOnFastPath where the path refuses it. */
const fastEncodingOf = (value: string) => wireEncoding(`{"a":${value}}`);

describe('escapes in a string: copied as sent only when JSON.stringify writes them the same way', () => {
  // JSON.stringify escapes ", \ and the control characters: \b \t \n \f \r short, the rest as lowercase \u00XX.
  test.each([
    '\\"',
    '\\\\',
    '\\b',
    '\\f',
    '\\n',
    '\\r',
    '\\t',
    '\\u0000',
    '\\u0007',
    '\\u000b',
    '\\u000e',
    '\\u0019',
    '\\u001a',
    '\\u001f',
  ])('x%sy stays on the fast path, encoded as canonicalItem', (sequence) => {
    const value = `{"S":"x${sequence}y"}`;
    expect(fastEncodingOf(value)).toBe(objectEncodingOf(value));
  });

  test.each([
    ['\\/', 'a slash JSON.stringify does not escape'],
    ['\\/0001', 'a slash before "0001", which reads as \\u0001 if the escape\'s letter goes unchecked'],
    ['\\u00e9', 'a character JSON.stringify writes as itself'],
    ['\\u0020', 'the first character that is not a control character'],
    ['\\u0041', 'a letter'],
    ['\\u0100', 'a code unit above 0xFF (third digit)'],
    ['\\u1000', 'a code unit above 0xFFF (second digit)'],
    ['\\u0008', 'backspace, which JSON.stringify writes \\b'],
    ['\\u0009', 'tab, written \\t'],
    ['\\u000a', 'newline, written \\n'],
    ['\\u000c', 'form feed, written \\f'],
    ['\\u000d', 'carriage return, written \\r'],
    ['\\u001F', 'uppercase hex, which JSON.stringify does not write'],
    ['\\ud83d\\ude00', 'a surrogate pair, written as the character'],
  ])('x%sy is refused (%s); the item digests as from its objects', (sequence) => {
    const value = `{"S":"x${sequence}y"}`;
    expect(() => fastEncodingOf(value)).toThrow(NotOnFastPath);
    expect(digestOfWire([`{"a":${value}}`])).toBe(TableDigest.of([{ a: JSON.parse(value) }]).toString());
  });

  test('every escape of a string is checked, not only the first', () => {
    expect(() => fastEncodingOf('{"S":"\\n\\"\\u00e9"}')).toThrow(NotOnFastPath);
    expect(() => fastEncodingOf('{"SS":["\\n","\\/"]}')).toThrow(NotOnFastPath);
  });

  test('an escaped quote is not the end of the string', () => {
    const value = '{"S":"say \\"hi\\", then \\\\ leave"}';
    expect(fastEncodingOf(value)).toBe(objectEncodingOf(value));
  });
});

describe('numbers: plain decimals copied, every other form rewritten as canonicalNumber writes it', () => {
  test.each([
    '0',
    '-0',
    '00',
    '01',
    '-01',
    '9',
    '10',
    '-10',
    '100',
    '1.',
    '1.0',
    '1.5',
    '1.50',
    '-1.5',
    '0.0',
    '0.5',
    '-0.5',
    '0.05',
    '10.01',
    '1e0',
    '1E2',
    '1.5e-1',
    '-0.0',
    '.5',
    '19.90',
    '123456789012345678901234567890.5',
  ])('%s', (number) => {
    const value = `{"N":"${number}"}`;
    expect(fastEncodingOf(value)).toBe(objectEncodingOf(value));
    const set = `{"NS":["${number}","7"]}`;
    expect(fastEncodingOf(set)).toBe(objectEncodingOf(set));
  });
});

describe('what the fast path does not read is refused, never written wrong', () => {
  test.each([
    ['a value that is not an object', '"x"'],
    ['a type name that is not a string', '{1:"x"}'],
    ['no colon after the type', '{"S" "x"}'],
    ['no colon after a spaced type', '{ "SS" ["x"]}'],
    ['an unknown one-letter type', '{"Q":"x"}'],
    ['an unknown two-letter type', '{"NX":["1"]}'],
    ['an unknown long type', '{"BOOLEAN":true}'],
    ['two types in one value', '{"S":"x","N":"1"}'],
    ['two spaced types in one value', '{ "S" : "x" , "N" : "1" }'],
    ['a string that is not one', '{"S":1}'],
    ['a number that is not a string', '{"N":1}'],
    ['binary that is not a string', '{"B":1}'],
    ['a list that is not an array', '{"L":{}}'],
    ['list elements without a comma', '{"L":[{"S":"x"} {"S":"y"}]}'],
    ['a map that is not an object', '{"M":[]}'],
    ['a map key that is not a string', '{"M":{1:{"S":"x"}}}'],
    ['a map key without a colon', '{"M":{"k" {"S":"x"}}}'],
    ['map members without a comma', '{"M":{"k":{"S":"x"} "j":{"S":"y"}}}'],
    ['an escaped map key', '{"M":{"\\u006b":{"S":"x"}}}'],
    ['a set that is not an array', '{"SS":"x"}'],
    ['set elements without a comma', '{"SS":["x" "y"]}'],
    ['number set elements without a comma', '{"NS":["1" "2"]}'],
    ['a set element of the wrong kind', '{"SS":[1]}'],
  ])('%s: %s', (_, value) => {
    expect(() => fastEncodingOf(value)).toThrow(NotOnFastPath);
  });

  test('an escaped attribute name', () => {
    expect(() => wireEncoding('{"\\u0061":{"S":"x"}}')).toThrow(NotOnFastPath);
    expect(() => wireEncoding('{"b":{"S":"x"},"\\u0061":{"S":"x"}}')).toThrow(NotOnFastPath);
  });

  // DynamoDB nests 32 levels at most; the encoder keeps room for 40 maps inside one another.
  const nestedMaps = (levels: number) => `${'{"M":{"m":'.repeat(levels)}{"S":"x"}${'}}'.repeat(levels)}`;
  test('39 maps inside one another are encoded; the 40th is refused', () => {
    expect(fastEncodingOf(nestedMaps(39))).toBe(objectEncodingOf(nestedMaps(39)));
    expect(() => fastEncodingOf(nestedMaps(40))).toThrow(NotOnFastPath);
  });
});

describe('the encoder across items', () => {
  test('items and values larger than its first buffers: encoded whole', () => {
    // More than twice the first buffer (64 KiB), so one doubling is not enough.
    const long = 'x'.repeat(140 * 1024);
    const big = `{"S":"${long}"}`;
    expect(fastEncodingOf(big)).toBe(objectEncodingOf(big));
    const manyMembers = `{"M":{${Array.from({ length: 40 }, (_, k) => `"k${String(39 - k).padStart(2, '0')}":{"N":"${k}"}`).join(',')}}}`;
    expect(fastEncodingOf(manyMembers)).toBe(objectEncodingOf(manyMembers));
    const manyElements = `{"SS":[${Array.from({ length: 40 }, (_, k) => `"${long.slice(0, 500)}${39 - k}"`).join(',')}]}`;
    expect(fastEncodingOf(manyElements)).toBe(objectEncodingOf(manyElements));
  });

  test('a value that fills the first buffer to its last byte: the closing brace is not lost', () => {
    // {"a":S"<text>"} is 8 bytes around the text; the closing "}" is the 65,537th byte.
    const text = 'x'.repeat(64 * 1024 - 8);
    const json = `{"a":{"S":"${text}"}}`;
    expect(textOf(wireItemOf(json), new WireCanonicalEncoder())).toBe(canonicalItem({ a: { S: text } }));
  });

  test('white space DynamoDB may put around any token: still on the fast path', () => {
    for (const value of [
      '{ "S" : "x" }',
      '{"S" :"x"}',
      '{"S": "x"}',
      '{"N" : "1.50" }',
      '{ "BOOL" : true }',
      '{"NULL" :true}',
      '{ "L" : [ { "N" : "1" } , { "S" : "y" } ] }',
      '{ "M" : { "k" : { "S" : "x" } , "b" : { "N" : "2" } } }',
      '{ "SS" : [ "b" , "a" ] }',
      '{ "NS" : [ "2" , "1" ] }',
      '{ "BS" : [ "Ag==" , "AQ==" ] }',
    ]) {
      expect(fastEncodingOf(value)).toBe(objectEncodingOf(value));
    }
  });

  test('items of one page, escapes in some: each checked as its own item', () => {
    // One page's bytes, items read in order: the backslash search is shared, not its answer.
    const page = Buffer.from('[{"a":{"S":"x"}},{"a":{"S":"\\/"}},{"a":{"S":"y"}},{"a":{"S":"\\n"}}]');
    const items: WireItem[] = [];
    let at = 1;
    for (let k = 0; k < 4; k++) {
      const end = page.indexOf('}}', at) + 2;
      items.push(new WireItem().moveTo(page, at, end));
      at = end + 1;
    }
    const pageEncoder = new WireCanonicalEncoder();
    const encode = (item: WireItem) => textOf(item, pageEncoder);
    expect(encode(items[0])).toBe('{"a":S"x"}');
    expect(() => encode(items[1])).toThrow(NotOnFastPath);
    expect(encode(items[2])).toBe('{"a":S"y"}');
    expect(encode(items[3])).toBe(canonicalItem({ a: { S: '\n' } }));
    // Read again out of order: the search starts over.
    expect(() => encode(items[1])).toThrow(NotOnFastPath);
    expect(encode(items[0])).toBe('{"a":S"x"}');
  });
});

// The properties last: each takes seconds, the examples above milliseconds (a mutation run stops at a mutant's first failing test).
describe('random items and tables', () => {
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
});

describe('compareUtf16Order', () => {
  test('the one place UTF-8 and UTF-16 orders part: U+E000-U+FFFF against supplementary characters', () => {
    const astral = Buffer.from('\u{1f600}');
    for (const bmp of [Buffer.from('\ue000'), Buffer.from('\uffff')]) {
      expect(compareUtf16Order(bmp, 0, bmp.length, astral, 0, astral.length)).toBeGreaterThan(0);
      expect(compareUtf16Order(astral, 0, astral.length, bmp, 0, bmp.length)).toBeLessThan(0);
    }
  });

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
  });
});
