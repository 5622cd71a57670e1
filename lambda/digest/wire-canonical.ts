import { canonicalNumber } from './canonical-item';
import { MemberList, readMembers, skipSpace, skipValue, type WireItem } from '../ports/scan-wire';

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

/** Plain decimal (canonicalNumber's fast path) on bytes: -?(0|[1-9]\d*)(\.\d*[1-9])?, not "-0". */
function isPlainDecimal(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (bytes[i] === 0x2d) i++;
  if (i >= end) return false;
  if (bytes[i] === 0x30) {
    i++;
    if (i === end) return start === i - 1; // "0", not "-0"
  } else if (bytes[i] >= 0x31 && bytes[i] <= 0x39) {
    while (i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39) i++;
    if (i === end) return true;
  } else return false;
  if (bytes[i] !== 0x2e) return false;
  i++;
  if (i === end) return false;
  while (i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39) i++;
  return i === end && bytes[end - 1] !== 0x30;
}

const isHex = (byte: number) => (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66);
const hexValue = (byte: number) => (byte <= 0x39 ? byte - 0x30 : byte - 0x61 + 10);

/**
 * Checks that the JSON string in [start, end) (quotes included) is written exactly as
 * JSON.stringify writes the string it holds: escapes only for `"`, `\` and control characters,
 * the short forms where JSON has them, lowercase hex otherwise.
 */
function assertStringifyForm(bytes: Uint8Array, start: number, end: number): void {
  for (let i = start + 1; i < end - 1; i++) {
    const byte = bytes[i];
    if (byte < 0x20) throw new NotOnFastPath('raw control character in a string');
    if (byte !== BACKSLASH) continue;
    const escaped = bytes[++i];
    if (
      escaped === QUOTE ||
      escaped === BACKSLASH ||
      escaped === 0x62 ||
      escaped === 0x66 ||
      escaped === 0x6e ||
      escaped === 0x72 ||
      escaped === 0x74
    )
      continue;
    if (escaped === 0x75 && bytes[i + 1] === 0x30 && bytes[i + 2] === 0x30 && isHex(bytes[i + 3]) && isHex(bytes[i + 4])) {
      const code = hexValue(bytes[i + 3]) * 16 + hexValue(bytes[i + 4]);
      if (code < 0x20 && code !== 8 && code !== 9 && code !== 10 && code !== 12 && code !== 13) {
        i += 4;
        continue;
      }
    }
    throw new NotOnFastPath('an escape JSON.stringify would write differently');
  }
}

const decoder = new TextDecoder('utf-8');

/** Writes canonical encodings into one reusable buffer. */
export class WireCanonicalEncoder {
  private out = Buffer.allocUnsafe(64 * 1024);
  private length = 0;
  private scratch = Buffer.allocUnsafe(16 * 1024);
  /** Per nesting level: the map's members and their order, so no level allocates. */
  private readonly members = Array.from({ length: MAX_DEPTH }, () => new MemberList());
  private readonly orders = Array.from({ length: MAX_DEPTH }, () => new Int32Array(64));
  private readonly setSegments = Array.from({ length: MAX_DEPTH }, () => new Int32Array(256));
  private bytes: Uint8Array = this.out;

  /** The canonical encoding of the item, valid until the next call. */
  encode(item: WireItem): Uint8Array {
    this.bytes = item.bytes;
    this.length = 0;
    this.writeMap(item.members(), 0);
    return this.out.subarray(0, this.length);
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
    const size = end - start;
    this.ensure(size);
    const out = this.out;
    const bytes = this.bytes;
    if (size > 48) {
      out.set(bytes.subarray(start, end), this.length);
      this.length += size;
      return;
    }
    let at = this.length;
    for (let i = start; i < end; i++) out[at++] = bytes[i];
    this.length = at;
  }

  private ascii(text: string): void {
    this.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.out[this.length++] = text.charCodeAt(i);
  }

  /** `{"a":<value>,"b":<value>}` with the names in sort order (canonicalItem). */
  private writeMap(list: MemberList, depth: number): void {
    if (depth >= MAX_DEPTH) throw new NotOnFastPath('nested deeper than DynamoDB allows');
    const { ranges, count } = list;
    const bytes = this.bytes;
    let order = this.orders[depth];
    if (order.length < count) order = this.orders[depth] = new Int32Array(count * 2);
    // Insertion sort by name: maps are small, and DynamoDB often sends names nearly in order.
    for (let m = 0; m < count; m++) {
      const nameStart = ranges[m * 4];
      const nameEnd = ranges[m * 4 + 1];
      for (let i = nameStart; i < nameEnd; i++) if (bytes[i] === BACKSLASH) throw new NotOnFastPath('escaped attribute name');
      let slot = m;
      while (slot > 0) {
        const other = order[slot - 1] * 4;
        if (compareUtf16Order(bytes, ranges[other], ranges[other + 1], bytes, nameStart, nameEnd) <= 0) break;
        order[slot] = order[slot - 1];
        slot--;
      }
      order[slot] = m;
    }
    this.byte(OPEN_BRACE);
    for (let k = 0; k < count; k++) {
      const at = order[k] * 4;
      if (k > 0) this.byte(COMMA);
      this.copy(ranges[at] - 1, ranges[at + 1] + 1);
      this.byte(COLON);
      this.writeValue(ranges[at + 2], depth + 1);
    }
    this.byte(CLOSE_BRACE);
  }

  /** One AttributeValue, `{"<type>":<value>}` starting at `start`. */
  private writeValue(start: number, depth: number): void {
    const bytes = this.bytes;
    if (bytes[start] !== OPEN_BRACE) throw new NotOnFastPath('an attribute value object expected');
    const typeStart = skipSpace(bytes, start + 1);
    if (bytes[typeStart] !== QUOTE) throw new NotOnFastPath('a type name expected');
    let typeEnd = typeStart + 1;
    while (bytes[typeEnd] !== QUOTE && typeEnd < bytes.length) typeEnd++;
    let valueStart = skipSpace(bytes, typeEnd + 1);
    if (bytes[valueStart] !== COLON) throw new NotOnFastPath('":" expected');
    valueStart = skipSpace(bytes, valueStart + 1);
    const valueEnd = skipValue(bytes, valueStart);
    if (bytes[skipSpace(bytes, valueEnd)] !== CLOSE_BRACE) throw new NotOnFastPath('an attribute value with more than one type');
    const first = bytes[typeStart + 1];
    const typeLength = typeEnd - typeStart - 1;
    if (typeLength === 1 && first === S) this.writeString(S, valueStart, valueEnd);
    else if (typeLength === 1 && first === N) this.writeNumber(valueStart, valueEnd);
    else if (typeLength === 1 && first === B) this.writeBinary(valueStart, valueEnd);
    else if (typeLength === 1 && first === L) this.writeList(valueStart, depth);
    else if (typeLength === 1 && first === M) {
      this.byte(M);
      const list = this.members[depth];
      readMembers(bytes, valueStart, list);
      this.writeMap(list, depth);
    } else if (typeLength === 2 && bytes[typeStart + 2] === S && (first === S || first === N || first === B)) {
      this.writeSet(first, valueStart, depth);
    } else if (typeLength === 4 && first === B) {
      // BOOL
      this.byte(bytes[valueStart] === 0x74 ? T : F);
    } else if (typeLength === 4 && first === N) {
      // NULL: canonicalValue writes Z whatever its value
      this.byte(Z);
    } else throw new NotOnFastPath('an attribute type this path does not read');
  }

  /** S"..." - the string as JSON.stringify writes it, which is how DynamoDB sent it on the fast path. */
  private writeString(prefix: number, start: number, end: number): void {
    if (this.bytes[start] !== QUOTE) throw new NotOnFastPath('a string expected');
    assertStringifyForm(this.bytes, start, end);
    if (prefix) this.byte(prefix);
    this.copy(start, end);
  }

  private writeNumber(start: number, end: number, prefix = true): void {
    const bytes = this.bytes;
    if (bytes[start] !== QUOTE) throw new NotOnFastPath('a number string expected');
    if (prefix) this.byte(N);
    if (isPlainDecimal(bytes, start + 1, end - 1)) this.copy(start + 1, end - 1);
    else this.ascii(canonicalNumber(decoder.decode(bytes.subarray(start + 1, end - 1))));
  }

  private writeBinary(start: number, end: number, prefix = true): void {
    const bytes = this.bytes;
    if (bytes[start] !== QUOTE) throw new NotOnFastPath('a base64 string expected');
    if (prefix) this.byte(B);
    // Re-encoded as canonicalBinary does, so padding or stray bits cannot make equal bytes differ.
    this.ascii(Buffer.from(decoder.decode(bytes.subarray(start + 1, end - 1)), 'base64').toString('base64'));
  }

  private writeList(start: number, depth: number): void {
    const bytes = this.bytes;
    if (bytes[start] !== OPEN_BRACKET) throw new NotOnFastPath('a list expected');
    this.byte(L);
    this.byte(OPEN_BRACKET);
    let i = skipSpace(bytes, start + 1);
    let first = true;
    while (bytes[i] !== CLOSE_BRACKET) {
      if (!first) this.byte(COMMA);
      first = false;
      this.writeValue(i, depth);
      i = skipSpace(bytes, skipValue(bytes, i));
      if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
    }
    this.byte(CLOSE_BRACKET);
  }

  /** SS[...], NS[...], BS[...]: each element encoded, then the elements sorted as strings. */
  private writeSet(kind: number, start: number, depth: number): void {
    const bytes = this.bytes;
    if (bytes[start] !== OPEN_BRACKET) throw new NotOnFastPath('a set expected');
    this.byte(kind);
    this.byte(S);
    this.byte(OPEN_BRACKET);
    const from = this.length;
    let segments = this.setSegments[depth];
    let count = 0;
    let i = skipSpace(bytes, start + 1);
    while (bytes[i] !== CLOSE_BRACKET) {
      const end = skipValue(bytes, i);
      const segmentStart = this.length;
      if (kind === S) this.writeString(0, i, end);
      else if (kind === N) this.writeNumber(i, end, false);
      else this.writeBinary(i, end, false);
      if (count * 2 + 2 > segments.length) {
        const grown = new Int32Array(segments.length * 2);
        grown.set(segments);
        segments = this.setSegments[depth] = grown;
      }
      segments[count * 2] = segmentStart;
      segments[count * 2 + 1] = this.length;
      count++;
      i = skipSpace(bytes, end);
      if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
    }
    // Sort the encoded elements: copy them aside, then write them back in order with commas.
    const total = this.length - from;
    if (this.scratch.length < total) this.scratch = Buffer.allocUnsafe(total * 2);
    this.out.copy(this.scratch, 0, from, this.length);
    const order = Array.from({ length: count }, (_, k) => k);
    const scratch = this.scratch;
    order.sort((a, b) =>
      compareUtf16Order(
        scratch,
        segments[a * 2] - from,
        segments[a * 2 + 1] - from,
        scratch,
        segments[b * 2] - from,
        segments[b * 2 + 1] - from,
      ),
    );
    this.length = from;
    this.ensure(total + count);
    for (let k = 0; k < count; k++) {
      if (k > 0) this.out[this.length++] = COMMA;
      const a = order[k];
      this.length += scratch.copy(this.out, this.length, segments[a * 2] - from, segments[a * 2 + 1] - from);
    }
    this.byte(CLOSE_BRACKET);
  }
}
