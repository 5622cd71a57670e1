import { canonicalNumber } from './canonical-item';
import { skipSpace, skipString, skipValue, type WireItem } from '../ports/scan-wire';

/**
 * The canonical encoding of canonical-item.ts, written straight from the item's wire bytes
 * (ports/scan-wire.ts) as UTF-8: byte for byte what `Buffer.from(canonicalItem(item))` gives for
 * the same item, without building the item's objects or any string. Attribute names and map
 * keys are ordered as `Array.prototype.sort` orders them (UTF-16 code units), compared on their
 * UTF-8 bytes (see compareUtf16Order); numbers not already in plain form go through
 * canonicalNumber itself. What this path does not cover - an escape JSON.stringify would write
 * differently (`\/`, `\u00e9`), an escaped attribute name - throws {@link NotOnFastPath}, and
 * the caller encodes that item from its objects instead. Equality with the object path is what
 * test/lambda/digest/wire-canonical.test.ts proves, on the fixture and on random items.
 */

export class NotOnFastPath extends Error {
  override readonly name = 'NotOnFastPath';
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const LETTER = (c: string) => c.charCodeAt(0);
const [S, N, B, L, M, T, F, Z] = ['S', 'N', 'B', 'L', 'M', 'T', 'F', 'Z'].map(LETTER);
/** DynamoDB nests documents at most 32 levels deep (Developer Guide, "Service quotas": nested attribute depth). */
const MAX_DEPTH = 40;

/**
 * Order of two UTF-8 byte strings as JavaScript's default sort orders the strings they encode
 * (by UTF-16 code unit). UTF-8 byte order is code point order; the two differ only where a
 * character of U+E000-U+FFFF (lead byte 0xEE or 0xEF) meets a supplementary character (lead
 * bytes 0xF0-0xF4, surrogate pairs in UTF-16, 0xD800-0xDFFF): in UTF-16 the first sorts after.
 * The first differing byte is either a lead byte on both sides or a continuation byte on both
 * (everything before it is equal), so ranking 0xEE/0xEF above 0xF4 settles it.
 */
export function compareUtf16Order(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < length; i++) {
    const x = a[aStart + i];
    const y = b[bStart + i];
    if (x !== y) return rank(x) - rank(y);
  }
  return aEnd - aStart - (bEnd - bStart);
}

const rank = (byte: number) => (byte === 0xee || byte === 0xef ? byte + 0x10 : byte);

/**
 * Plain decimal (canonicalNumber's fast path) on bytes: -?(0|[1-9]\d*)(\.\d*[1-9])?, not "-0".
 * Only a shortcut: a number it turns down goes through canonicalNumber, which writes a plain
 * decimal unchanged, so saying "no" too often only costs time; saying "yes" wrongly is a bug.
 */
// Stryker disable next-line BlockStatement: an empty body answers "no" to every number, which canonicalNumber then writes the same
function isPlainDecimal(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (bytes[i] === 0x2d) i++;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: past `end` is the closing quote, which no branch below takes for a digit, so the answer is "no" either way
  if (i >= end) return false;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: any other way in, a 0 is refused by the "." test below and a 1-9 is held to "d" or "d.ddd": "no" or the right "yes"
  if (bytes[i] === 0x30) {
    // Stryker disable next-line UpdateOperator: stepping back lands before the "0" or on the "-", neither the end nor a ".": "no"
    i++;
    if (i === end) return start === i - 1; // "0", not "-0"
  } else if (bytes[i] >= 0x31 && bytes[i] <= 0x39) {
    while (i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39) i++;
    if (i === end) return true;
  } else return false;
  if (bytes[i] !== 0x2e) return false;
  // Stryker disable next-line UpdateOperator: stepping back to the last whole digit, the loop below stops at the "." again, never at the end: "no"
  i++;
  if (i === end) return false;
  while (i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39) i++;
  return i === end && bytes[end - 1] !== 0x30;
}

const isHex = (byte: number) => (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66);
const hexValue = (byte: number) => (byte <= 0x39 ? byte - 0x30 : byte - 0x61 + 10);

const decoder = new TextDecoder('utf-8');

/**
 * Writes canonical encodings into one reusable buffer, in one pass over each value's bytes:
 * every writer returns the index after what it read. A map's members are written in the order
 * they came, then reordered by name when they came out of order.
 */
export class WireCanonicalEncoder {
  // Stryker disable next-line ArithmeticOperator: a smaller first buffer grows as it fills (ensure), to the same bytes
  private out = Buffer.allocUnsafe(64 * 1024);
  private length = 0;
  // Stryker disable next-line ArithmeticOperator: a smaller scratch buffer grows when a map or set needs it (reorder)
  private scratch = Buffer.allocUnsafe(16 * 1024);
  /** Per nesting level: a map's members (name range, written range) and their order, so no level allocates. */
  private readonly written = Array.from({ length: MAX_DEPTH }, () => new Int32Array(64));
  private readonly orders = Array.from({ length: MAX_DEPTH }, () => new Int32Array(16));
  private bytes: Buffer = this.out;
  /** Index of the next backslash in `bytes` at or after `backslashSearchedFrom` (none: MAX_SAFE_INTEGER). */
  // Stryker disable next-line UnaryOperator: any start below an item's end only makes it check its escapes (or search afresh): the same bytes, slower
  private nextBackslash = -1;
  private backslashSearchedFrom = 0;
  /** Escapes are rare: an item without a backslash has none to check, string by string. */
  // Stryker disable next-line BooleanLiteral: encode() sets it before any string is read
  private itemHasBackslash = true;

  /** The canonical encoding of the item, valid until the next call. */
  encode(item: WireItem): Uint8Array {
    item.readAttributes();
    if (this.bytes !== item.bytes) {
      // Stryker disable next-line UnaryOperator: as at its declaration, a start below the item's end only makes it search or check more
      this.nextBackslash = -1;
      this.backslashSearchedFrom = 0;
    }
    this.bytes = item.bytes;
    this.length = 0;
    // The scan reads a page's items in order, so one forward search per page finds every backslash.
    if (this.nextBackslash < item.start || item.start < this.backslashSearchedFrom) {
      const found = item.bytes.indexOf(BACKSLASH, item.start);
      this.backslashSearchedFrom = item.start;
      this.nextBackslash = found < 0 ? Number.MAX_SAFE_INTEGER : found;
    }
    this.itemHasBackslash = this.nextBackslash < item.end;
    const { memberRanges: ranges, firstMember, memberCount } = item;
    // The item's attributes are known (name and value ranges): write them in name order directly.
    const order = this.sortedOrder(0, memberCount, ranges, firstMember, this.bytes);
    this.byte(OPEN_BRACE);
    for (let k = 0; k < memberCount; k++) {
      const at = (firstMember + order[k]) * 4;
      if (k > 0) this.byte(COMMA);
      this.writeName(ranges[at], ranges[at + 1]);
      this.byte(COLON);
      this.writeValue(ranges[at + 2], 1);
    }
    this.byte(CLOSE_BRACE);
    return this.out.subarray(0, this.length);
  }

  /**
   * Indices 0..count-1 ordered by the names they point at: entry `base + m` of `table` (4 numbers
   * each) holds name m's start and end in `bytes`. Insertion sort: maps are small.
   */
  private sortedOrder(depth: number, count: number, table: Int32Array, base: number, bytes: Uint8Array): Int32Array {
    let order = this.orders[depth];
    if (order.length < count) order = this.orders[depth] = new Int32Array(count * 2);
    for (let m = 0; m < count; m++) {
      const start = table[(base + m) * 4];
      const end = table[(base + m) * 4 + 1];
      let slot = m;
      while (slot > 0) {
        const other = (base + order[slot - 1]) * 4;
        if (compareUtf16Order(bytes, table[other], table[other + 1], bytes, start, end) <= 0) break;
        order[slot] = order[slot - 1];
        slot--;
      }
      order[slot] = m;
    }
    return order;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.length + extra));
    this.out.copy(grown, 0, 0, this.length);
    this.out = grown;
  }

  private byte(value: number): void {
    if (this.length >= this.out.length) this.ensure(1);
    this.out[this.length++] = value;
  }

  private copy(start: number, end: number): void {
    // Stryker disable next-line ArithmeticOperator: a larger size only grows the buffer early and takes Buffer.copy below: the same bytes
    const size = end - start;
    this.ensure(size);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: Buffer.copy and the loop below copy the same bytes; the cut-off is speed only
    if (size > 64) {
      this.length += this.bytes.copy(this.out, this.length, start, end);
      return;
    }
    const out = this.out;
    const bytes = this.bytes;
    let at = this.length;
    for (let i = start; i < end; i++) out[at++] = bytes[i];
    this.length = at;
  }

  private ascii(text: string): void {
    this.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.out[this.length++] = text.charCodeAt(i);
  }

  /** `"name"` - refused when escaped: its sort order would be that of the unescaped name. */
  private writeName(start: number, end: number): void {
    const bytes = this.bytes;
    for (let i = start; i < end; i++) if (bytes[i] === BACKSLASH) throw new NotOnFastPath('escaped attribute name');
    this.copy(start - 1, end + 1);
  }

  /** One AttributeValue, `{"<type>":<value>}` starting at `start`; returns the index after it. */
  private writeValue(start: number, depth: number): number {
    const bytes = this.bytes;
    if (bytes[start] !== OPEN_BRACE) throw new NotOnFastPath('an attribute value object expected');
    let i = start + 1;
    let first: number;
    let typeLength: number;
    let valueStart: number;
    if (bytes[i] === QUOTE && bytes[i + 2] === QUOTE && bytes[i + 3] === COLON) {
      // The common compact form of a one-letter type: {"S":..., {"N":..., {"M":..., {"L":...
      first = bytes[i + 1];
      typeLength = 1;
      valueStart = i + 4;
    } else {
      if (bytes[i] !== QUOTE) i = skipSpace(bytes, i);
      if (bytes[i] !== QUOTE) throw new NotOnFastPath('a type name expected');
      first = bytes[i + 1];
      let typeEnd = i + 2;
      while (typeEnd < bytes.length && bytes[typeEnd] !== QUOTE) typeEnd++;
      typeLength = typeEnd - i - 1;
      if (typeLength === 2 && bytes[i + 2] !== S) throw new NotOnFastPath('an attribute type this path does not read');
      valueStart = typeEnd + 1;
      if (bytes[valueStart] !== COLON) valueStart = skipSpace(bytes, valueStart);
      if (bytes[valueStart] !== COLON) throw new NotOnFastPath('":" expected');
      valueStart++;
    }
    if (isSpace(bytes[valueStart])) valueStart = skipSpace(bytes, valueStart);
    let end: number;
    if (typeLength === 1 && first === S) end = this.writeString(S, valueStart);
    else if (typeLength === 1 && first === N) end = this.writeNumber(valueStart, true);
    else if (typeLength === 1 && first === B) end = this.writeBinary(valueStart, true);
    else if (typeLength === 1 && first === L) end = this.writeList(valueStart, depth);
    else if (typeLength === 1 && first === M) {
      this.byte(M);
      end = this.writeMap(valueStart, depth);
    } else if (typeLength === 2 && (first === S || first === N || first === B)) {
      end = this.writeSet(first, valueStart, depth);
    } else if (typeLength === 4 && first === B) {
      // BOOL
      this.byte(bytes[valueStart] === 0x74 ? T : F);
      end = skipValue(bytes, valueStart);
    } else if (typeLength === 4 && first === N) {
      // NULL: canonicalValue writes Z whatever its value
      this.byte(Z);
      end = skipValue(bytes, valueStart);
    } else throw new NotOnFastPath('an attribute type this path does not read');
    if (bytes[end] !== CLOSE_BRACE) end = skipSpace(bytes, end);
    if (bytes[end] !== CLOSE_BRACE) throw new NotOnFastPath('an attribute value with more than one type');
    return end + 1;
  }

  /**
   * The string at `start` (on its quote), as JSON.stringify writes it - which is how DynamoDB sent
   * it, checked on the way: escapes only for `"`, `\` and control characters, the short forms
   * where JSON has them, lowercase hex otherwise. Returns the index after the closing quote.
   */
  private writeString(prefix: number, start: number): number {
    const bytes = this.bytes;
    if (bytes[start] !== QUOTE) throw new NotOnFastPath('a string expected');
    // The closing quote: a short loop, then memchr for long text.
    let i = start + 1;
    const shortEnd = Math.min(start + 40, bytes.length);
    while (i < shortEnd && bytes[i] !== QUOTE) i++;
    if (i === shortEnd) i = bytes.indexOf(QUOTE, i);
    if (i < 0) throw new NotOnFastPath('unterminated string');
    if (this.itemHasBackslash) i = checkEscapedString(bytes, start);
    if (prefix) this.byte(prefix);
    this.copy(start, i + 1);
    return i + 1;
  }

  private writeNumber(start: number, prefix: boolean): number {
    const bytes = this.bytes;
    if (bytes[start] !== QUOTE) throw new NotOnFastPath('a number string expected');
    let end = start + 1;
    while (end < bytes.length && bytes[end] !== QUOTE) end++;
    if (prefix) this.byte(N);
    if (isPlainDecimal(bytes, start + 1, end)) {
      this.ensure(end - start);
      const out = this.out;
      let at = this.length;
      for (let k = start + 1; k < end; k++) out[at++] = bytes[k];
      this.length = at;
    } else this.ascii(canonicalNumber(decoder.decode(bytes.subarray(start + 1, end))));
    return end + 1;
  }

  private writeBinary(start: number, prefix: boolean): number {
    const bytes = this.bytes;
    if (bytes[start] !== QUOTE) throw new NotOnFastPath('a base64 string expected');
    const end = skipString(bytes, start);
    if (prefix) this.byte(B);
    // Re-encoded as canonicalBinary does, so padding or stray bits cannot make equal bytes differ.
    this.ascii(Buffer.from(bytes.toString('latin1', start + 1, end - 1), 'base64').toString('base64'));
    return end;
  }

  private writeList(start: number, depth: number): number {
    const bytes = this.bytes;
    if (bytes[start] !== OPEN_BRACKET) throw new NotOnFastPath('a list expected');
    this.byte(L);
    this.byte(OPEN_BRACKET);
    let i = skipSpace(bytes, start + 1);
    let first = true;
    while (bytes[i] !== CLOSE_BRACKET) {
      if (!first) this.byte(COMMA);
      first = false;
      i = skipSpace(bytes, this.writeValue(i, depth));
      if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
      else if (bytes[i] !== CLOSE_BRACKET) throw new NotOnFastPath('"," or "]" expected');
    }
    this.byte(CLOSE_BRACKET);
    return i + 1;
  }

  /** `{"a":<value>,...}` for the map at `start`: members written as they come, then put in name order. */
  private writeMap(start: number, depth: number): number {
    if (depth >= MAX_DEPTH) throw new NotOnFastPath('nested deeper than DynamoDB allows');
    const bytes = this.bytes;
    if (bytes[start] !== OPEN_BRACE) throw new NotOnFastPath('a map expected');
    this.byte(OPEN_BRACE);
    const from = this.length;
    let written = this.written[depth];
    let count = 0;
    // Stryker disable next-line BooleanLiteral: "not sorted" from the start only reorders members already in order: the same bytes
    let sorted = true;
    let i = skipSpace(bytes, start + 1);
    while (bytes[i] !== CLOSE_BRACE) {
      if (bytes[i] !== QUOTE) throw new NotOnFastPath('a member name expected');
      const nameEnd = skipString(bytes, i);
      if (count * 4 + 4 > written.length) {
        const grown = new Int32Array(written.length * 2);
        grown.set(written);
        written = this.written[depth] = grown;
      }
      const at = count * 4;
      if (count > 0) {
        this.byte(COMMA);
        if (sorted && compareUtf16Order(bytes, written[at - 4], written[at - 3], bytes, i + 1, nameEnd - 1) > 0) sorted = false;
      }
      written[at] = i + 1;
      written[at + 1] = nameEnd - 1;
      written[at + 2] = this.length;
      this.writeName(i + 1, nameEnd - 1);
      this.byte(COLON);
      let valueStart = skipSpace(bytes, nameEnd);
      if (bytes[valueStart] !== COLON) throw new NotOnFastPath('":" expected');
      valueStart = skipSpace(bytes, valueStart + 1);
      i = skipSpace(bytes, this.writeValue(valueStart, depth + 1));
      written[at + 3] = this.length;
      count++;
      if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
      else if (bytes[i] !== CLOSE_BRACE) throw new NotOnFastPath('"," or "}" expected');
    }
    if (!sorted) this.reorder(from, count, this.sortedOrder(depth, count, written, 0, bytes), written);
    this.byte(CLOSE_BRACE);
    return i + 1;
  }

  /**
   * Rewrites the `count` segments written since `from` (at 4m+2, 4m+3 of `table`) in the given
   * order, a comma between each two; whatever lay between them before (a map's commas) is dropped.
   */
  private reorder(from: number, count: number, order: Int32Array, table: Int32Array): void {
    // Stryker disable next-line ArithmeticOperator: a larger total only makes the scratch buffer larger; the copies below are bounded by their own ranges
    const total = this.length - from;
    if (this.scratch.length < total) this.scratch = Buffer.allocUnsafe(total * 2);
    this.out.copy(this.scratch, 0, from, this.length);
    this.length = from;
    for (let k = 0; k < count; k++) {
      if (k > 0) this.out[this.length++] = COMMA;
      const at = order[k] * 4;
      this.length += this.scratch.copy(this.out, this.length, table[at + 2] - from, table[at + 3] - from);
    }
  }

  /** SS[...], NS[...], BS[...]: each element encoded, then the elements sorted as strings. */
  private writeSet(kind: number, start: number, depth: number): number {
    const bytes = this.bytes;
    if (bytes[start] !== OPEN_BRACKET) throw new NotOnFastPath('a set expected');
    this.byte(kind);
    this.byte(S);
    this.byte(OPEN_BRACKET);
    const from = this.length;
    let segments = this.written[depth];
    let count = 0;
    let i = skipSpace(bytes, start + 1);
    while (bytes[i] !== CLOSE_BRACKET) {
      if (count * 4 + 4 > segments.length) {
        const grown = new Int32Array(segments.length * 2);
        grown.set(segments);
        segments = this.written[depth] = grown;
      }
      // No comma between elements here: reorder() below writes them, in the sorted order.
      const segmentStart = this.length;
      if (kind === S) i = this.writeString(0, i);
      else if (kind === N) i = this.writeNumber(i, false);
      else i = this.writeBinary(i, false);
      // The element is both what is sorted by (0, 1) and what is moved (2, 3).
      segments[count * 4] = segmentStart;
      segments[count * 4 + 1] = this.length;
      segments[count * 4 + 2] = segmentStart;
      segments[count * 4 + 3] = this.length;
      count++;
      i = skipSpace(bytes, i);
      if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
      else if (bytes[i] !== CLOSE_BRACKET) throw new NotOnFastPath('"," or "]" expected');
    }
    // Sorted by the encoded elements themselves (canonicalValue sorts the encoded strings).
    this.reorder(from, count, this.sortedOrder(depth, count, segments, 0, this.out), segments);
    this.byte(CLOSE_BRACKET);
    return i + 1;
  }
}

/**
 * The closing quote of a string holding escapes, each checked to be one JSON.stringify writes
 * (only `"`, `\` and control characters, the short forms where JSON has them, lowercase hex
 * otherwise), so the text can be copied as it is.
 */
function checkEscapedString(bytes: Uint8Array, start: number): number {
  for (let i = start + 1; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) return i;
    if (byte === BACKSLASH) i = checkEscape(bytes, i);
  }
  throw new NotOnFastPath('unterminated string');
}

/** Checks the escape at `i` (on the backslash) is one JSON.stringify writes; returns the index of its last character. */
function checkEscape(bytes: Uint8Array, i: number): number {
  const escaped = bytes[i + 1];
  if (
    escaped === QUOTE ||
    escaped === BACKSLASH ||
    escaped === 0x62 ||
    escaped === 0x66 ||
    escaped === 0x6e ||
    escaped === 0x72 ||
    escaped === 0x74
  )
    return i + 1;
  if (escaped === 0x75 && bytes[i + 2] === 0x30 && bytes[i + 3] === 0x30 && isHex(bytes[i + 4]) && isHex(bytes[i + 5])) {
    const code = hexValue(bytes[i + 4]) * 16 + hexValue(bytes[i + 5]);
    if (code < 0x20 && code !== 8 && code !== 9 && code !== 10 && code !== 12 && code !== 13) return i + 5;
  }
  throw new NotOnFastPath('an escape JSON.stringify would write differently');
}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
