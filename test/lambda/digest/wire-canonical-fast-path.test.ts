import { canonicalNumber } from '../../../lambda/digest/canonical-item';
import { TableDigest } from '../../../lambda/digest/table-digest';
import { WireCanonicalEncoder } from '../../../lambda/digest/wire-canonical';
import { encodingText, objectEncodingOf, wireItemOf } from './wire-items';

/**
 * What the wire path promises beyond equal bytes (wire-canonical.test.ts proves those): a number
 * already in plain decimal form is copied as sent, without canonicalNumber - the shortcut that makes
 * the path fast, which a wrong "no" would silently give up - and the encoder's growing tables and
 * member ordering hold on a fresh encoder, where no earlier item has grown them.
 */

// canonicalNumber watched, still doing its work (an ES module's exports cannot be spied on in place).
jest.mock('../../../lambda/digest/canonical-item', () => {
  const actual = jest.requireActual<typeof import('../../../lambda/digest/canonical-item')>('../../../lambda/digest/canonical-item');
  return { ...actual, canonicalNumber: jest.fn(actual.canonicalNumber) };
});
const rewrite = jest.mocked(canonicalNumber);

/** The item `{"a":<value>}` encoded on the fast path, by a fresh encoder unless one is given. */
const encodingOf = (value: string, encoder = new WireCanonicalEncoder()) => encodingText(wireItemOf(`{"a":${value}}`), encoder);

describe('numbers in plain decimal form are copied, not rewritten', () => {
  beforeEach(() => rewrite.mockClear());

  // -?(0|[1-9]\d*)(\.\d*[1-9])?, not "-0": canonicalNumber would write each of these unchanged.
  test.each([
    '0',
    '7',
    '9',
    '10',
    '-10',
    '19',
    '100',
    '1.5',
    '-1.5',
    '0.5',
    '-0.5',
    '0.05',
    '10.01',
    '19.9',
    '90.09',
    '123456789012345678901234567890.5',
  ])('%s', (number) => {
    expect(encodingOf(`{"N":"${number}"}`)).toBe(`{"a":N${number}}`);
    expect(encodingOf(`{"NS":["${number}"]}`)).toBe(`{"a":NS[${number}]}`);
    expect(rewrite).not.toHaveBeenCalled();
  });

  // Each of these canonicalNumber writes otherwise (or may): they must go through it.
  test.each(['-0', '00', '01', '-01', '1.', '1.0', '1.50', '0.0', '-0.0', '.5', '1e0', '1E2', '10.', '9.90'])('%s', (number) => {
    const value = `{"N":"${number}"}`;
    expect(encodingOf(value)).toBe(objectEncodingOf(value));
    expect(rewrite).toHaveBeenCalledWith(number);
  });

  test('"-" alone is no number: handed to canonicalNumber, which refuses it, not copied', () => {
    expect(() => encodingOf('{"N":"-"}')).toThrow('not a DynamoDB number: "-"');
    expect(rewrite).toHaveBeenCalledWith('-');
  });
});

describe('the encoder on its first item: tables it grows as it goes', () => {
  test('a set of more elements than its first table holds (16), on a fresh encoder', () => {
    const set = `{"SS":[${Array.from({ length: 40 }, (_, k) => `"e${String(39 - k).padStart(2, '0')}"`).join(',')}]}`;
    expect(encodingOf(set)).toBe(objectEncodingOf(set));
    const numbers = `{"NS":[${Array.from({ length: 70 }, (_, k) => `"${70 - k}"`).join(',')}]}`;
    expect(encodingOf(numbers)).toBe(objectEncodingOf(numbers));
  });

  test('a map of more members than its first table holds (16), on a fresh encoder', () => {
    const map = `{"M":{${Array.from({ length: 40 }, (_, k) => `"m${String(39 - k).padStart(2, '0')}":{"N":"${k}"}`).join(',')}}}`;
    expect(encodingOf(map)).toBe(objectEncodingOf(map));
  });

  test('map members out of order by names whose first bytes sort below the separators', () => {
    // " " (0x20) sorts before "+" (0x2b), and both before the "," (0x2c) that precedes a member:
    // the order check must compare the names themselves, not the bytes around them.
    const map = '{"M":{"+":{"N":"1"}," ":{"N":"2"}}}';
    expect(encodingOf(map)).toBe(objectEncodingOf(map));
    expect(encodingOf(map)).toBe('{"a":M{" ":N2,"+":N1}}');
  });
});

describe('TableDigest.parse', () => {
  const text = `12:${'0123456789abcdef'.repeat(4)}`;

  test('reads back what toString writes', () => {
    expect(TableDigest.parse(text).toString()).toBe(text);
  });

  test.each([`x${text}`, `${text}0`, `${text}\n`, ` ${text}`, `12:${'0'.repeat(63)}`, `12:${'A'.repeat(64)}`, `:${'0'.repeat(64)}`])(
    'refuses %j',
    (bad) => {
      expect(() => TableDigest.parse(bad)).toThrow(/not a table digest/);
    },
  );
});
