import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { canonicalItem } from '../../../lambda/digest/canonical-item';
import type { WireCanonicalEncoder } from '../../../lambda/digest/wire-canonical';
import { WireItem } from '../../../lambda/ports/scan-wire';

/**
 * Items as DynamoDB sends them (the JSON of a Scan response's Items) and random items of every
 * attribute type, for the tests that prove the wire path equal to the object path.
 */

export type Item = Record<string, AttributeValue>;

/** An AttributeValue as JSON on the wire: B and BS as base64 text, the rest as the SDK has it. */
export function wireValue(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(wireValue) };
  if (value.M !== undefined) return { M: wireObject(value.M) };
  return value;
}

const wireObject = (item: Item) => Object.fromEntries(Object.entries(item).map(([name, value]) => [name, wireValue(value)]));

/** mulberry32, so one seed gives one way of writing an item. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same decimal written another way: 1.5 as "1.50", "15E-1", "0.15e+1". */
function otherNumberForm(text: string, random: () => number): string {
  const choice = Math.floor(random() * 4);
  if (choice === 0) return text;
  if (choice === 1) return text.includes('.') ? `${text}00` : `${text}.0`;
  if (choice === 2) return `${text}e0`;
  // Scientific: the digits without the point, scaled back (1.5 as 15E-1, 100 as 100E0).
  const [whole, fraction = ''] = text.split('.');
  return `${whole}${fraction}E-${fraction.length}`;
}

/**
 * The item's wire JSON. Without a seed: JSON.stringify's form. With one: attributes and map keys
 * shuffled, numbers in another form, sometimes non-ASCII and `/` escaped, sometimes spaced out -
 * all forms DynamoDB may send for the same item.
 */
export function wireJson(item: Item, seed?: number): string {
  if (seed === undefined) return JSON.stringify(wireObject(item));
  const random = seeded(seed);
  const shuffle = <T>(entries: T[]) => {
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [entries[i], entries[j]] = [entries[j], entries[i]];
    }
    return entries;
  };
  // Type-aware: an attribute may itself be called "N" or "L".
  const rewriteValue = (value: Record<string, unknown>): unknown => {
    const [[type, inner]] = Object.entries(value);
    if (type === 'N') return { N: otherNumberForm(inner as string, random) };
    if (type === 'NS') return { NS: shuffle((inner as string[]).map((n) => otherNumberForm(n, random))) };
    if (type === 'SS' || type === 'BS') return { [type]: shuffle([...(inner as string[])]) };
    if (type === 'L') return { L: (inner as Record<string, unknown>[]).map(rewriteValue) };
    if (type === 'M') return { M: rewriteMap(inner as Record<string, Record<string, unknown>>) };
    return value;
  };
  const rewriteMap = (map: Record<string, Record<string, unknown>>): unknown =>
    Object.fromEntries(shuffle(Object.entries(map).map(([name, value]): [string, unknown] => [name, rewriteValue(value)])));
  const rewrite = (item: unknown) => rewriteMap(item as Record<string, Record<string, unknown>>);
  let json = JSON.stringify(rewrite(wireObject(item)), undefined, random() < 0.1 ? 1 : undefined);
  if (random() < 0.05) json = json.replace(/[^\n -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (random() < 0.05) json = json.replace(/\//g, '\\/');
  return json;
}

export const wireItemOf = (json: string) => {
  const bytes = Buffer.from(json);
  return new WireItem().moveTo(bytes, 0, bytes.length);
};

/** The item's canonical encoding by `encoder` (whose buffers persist from item to item), as text. */
export const encodingText = (item: WireItem, encoder: WireCanonicalEncoder) => Buffer.from(encoder.encode(item)).toString('utf8');

/** The item `{"a":<value>}` through the SDK's objects (canonical-item.ts): what the fast path must write. */
export const objectEncodingOf = (value: string) => canonicalItem({ a: JSON.parse(value) as AttributeValue });

const tricky = fc.constantFrom(
  '"',
  '\\',
  '\n',
  '\t',
  '\b',
  '\u0001',
  '\u001f',
  '\u007f',
  '/',
  'é',
  '\ue000',
  '\uffff',
  '\u{1f600}',
  '\u2028',
  ',',
  ':',
  '{',
);
const text = fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
/** Names needing an escape on the wire (quotes, control characters) are rarer than in values: they take the object path. */
const name = fc.oneof(
  { arbitrary: fc.constantFrom('pk', 'sk', 'a', 'a!', 'A', 'é', '\u{1f600}', '\uffff', '\ue000', '__proto__'), weight: 4 },
  { arbitrary: text.filter((s) => s.length > 0 && ![...s].some((c) => c === '"' || c === '\\' || c < ' ')), weight: 4 },
  { arbitrary: text.filter((s) => s.length > 0), weight: 1 },
);
const decimal = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }))
  .map(([negative, digits, scale]) => {
    const plain = digits.toString().padStart(scale + 1, '0');
    const whole = plain.slice(0, plain.length - scale);
    const fraction = plain.slice(plain.length - scale).replace(/0+$/, '');
    const value = fraction ? `${whole}.${fraction}` : whole;
    return negative && value !== '0' ? `-${value}` : value;
  });
const bytes = fc.uint8Array({ maxLength: 9 }).map((b) => Uint8Array.from(b));
const distinct = <T>(arbitrary: fc.Arbitrary<T>, key: (t: T) => string) =>
  fc.uniqueArray(arbitrary, { minLength: 1, maxLength: 5, selector: key });

const { value: arbitraryValue } = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((S) => ({ S })),
    decimal.map((N) => ({ N })),
    bytes.map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true as const }),
    distinct(text, (s) => s).map((SS) => ({ SS })),
    distinct(decimal, (n) => n).map((NS) => ({ NS })),
    distinct(bytes, (b) => Buffer.from(b).toString('base64')).map((BS) => ({ BS })),
    fc.array(tie('value'), { maxLength: 4 }).map((L) => ({ L })),
    fc.dictionary(name, tie('value'), { maxKeys: 4 }).map((M) => ({ M })),
  ),
}));

export const arbitraryItem: fc.Arbitrary<Item> = fc.dictionary(name, arbitraryValue, { minKeys: 1, maxKeys: 8 });
