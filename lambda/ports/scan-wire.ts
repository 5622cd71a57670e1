import type { AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';

/**
 * A Scan page as DynamoDB sent it: the response body's bytes (UTF-8 JSON, DynamoDB's
 * `application/x-amz-json-1.0` protocol), with each item read in place instead of unmarshalled
 * attribute by attribute. The SDK's deserializer builds every item as a tree of objects (about
 * 17 µs per 1 KB item here, issue 14); a check that needs only a key or a digest of the item
 * never needs that tree, and one that does asks for it with `toItem()`.
 *
 * The wire form of an item is `{"name":{"<type>":<value>},...}` (DynamoDB API reference,
 * "AttributeValue": exactly one of S, N, B, SS, NS, BS, M, L, NULL, BOOL per value; N as a
 * string, B as base64). This module only finds where things are; it never decides equality
 * (that is digest/wire-canonical.ts).
 */

type Item = Record<string, AttributeValue>;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
  constructor(what: string, at: number) {
    super(`Scan response is not the JSON DynamoDB sends: ${what} at byte ${at}`);
  }
}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

export function skipSpace(bytes: Uint8Array, at: number): number {
  while (at < bytes.length && isSpace(bytes[at])) at++;
  return at;
}

/** `at` is on the opening quote; returns the index after the closing one. */
export function skipString(bytes: Uint8Array, at: number): number {
  const length = bytes.length;
  for (let i = at + 1; i < length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) return i + 1;
    if (byte === BACKSLASH) i++;
  }
  throw new WireFormatError('unterminated string', at);
}

/** Index just after the JSON value starting at `at` (no leading space). */
export function skipValue(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return skipString(bytes, at);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number or a literal: runs to the next delimiter.
    let i = at;
    while (i < bytes.length) {
      const byte = bytes[i];
      if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isSpace(byte)) break;
      i++;
    }
    if (i === at) throw new WireFormatError('a value expected', at);
    return i;
  }
  let depth = 0;
  const length = bytes.length;
  for (let i = at; i < length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) i = skipString(bytes, i) - 1;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    }
  }
  throw new WireFormatError('unterminated object or array', at);
}

/**
 * Appends the members of the object starting at `at` (on its `{`) to `into`: for each, its
 * name's start and end (inside the quotes, still escaped) and its value's start and end.
 * Returns the index after the object.
 */
export function readMembers(bytes: Uint8Array, at: number, into: MemberList): number {
  if (bytes[at] !== OPEN_BRACE) throw new WireFormatError('an object expected', at);
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (bytes[i] !== QUOTE) throw new WireFormatError('a member name expected', i);
    const nameEnd = skipString(bytes, i);
    let valueStart = skipSpace(bytes, nameEnd);
    if (bytes[valueStart] !== COLON) throw new WireFormatError('":" expected', valueStart);
    valueStart = skipSpace(bytes, valueStart + 1);
    const valueEnd = skipValue(bytes, valueStart);
    into.push(i + 1, nameEnd - 1, valueStart, valueEnd);
    i = skipSpace(bytes, valueEnd);
    if (bytes[i] === CLOSE_BRACE) return i + 1;
    if (bytes[i] !== COMMA) throw new WireFormatError('"," or "}" expected', i);
    i = skipSpace(bytes, i + 1);
  }
}

/** A reusable list of member ranges (4 numbers per member), so reading an item allocates nothing. */
export class MemberList {
  ranges: Int32Array;
  count = 0;
  constructor(capacity = 16) {
    this.ranges = new Int32Array(capacity * 4);
  }
  push(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    const at = this.count * 4;
    if (at + 4 > this.ranges.length) {
      const grown = new Int32Array(this.ranges.length * 2);
      grown.set(this.ranges);
      this.ranges = grown;
    }
    this.ranges[at] = nameStart;
    this.ranges[at + 1] = nameEnd;
    this.ranges[at + 2] = valueStart;
    this.ranges[at + 3] = valueEnd;
    this.count++;
  }
}

/** True when the raw bytes in [start, end) are exactly the ASCII text `name`. */
function bytesEqualAscii(bytes: Uint8Array, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

function hasBackslash(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] === BACKSLASH) return true;
  return false;
}

const STRING_TYPE = [OPEN_BRACE, QUOTE, 0x53, QUOTE, COLON, QUOTE];
function startsWithStringType(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < STRING_TYPE.length; i++) if (bytes[at + i] !== STRING_TYPE[i]) return false;
  return true;
}

/** The wire value (JSON text of one AttributeValue) as the SDK gives it: B and BS as bytes. */
function sdkValue(json: unknown): AttributeValue {
  const value = json as Record<string, unknown>;
  if (typeof value.B === 'string') return { B: Buffer.from(value.B, 'base64') };
  if (Array.isArray(value.BS)) return { BS: (value.BS as string[]).map((b) => Buffer.from(b, 'base64')) };
  if (Array.isArray(value.L)) return { L: (value.L as unknown[]).map(sdkValue) };
  if (value.M && typeof value.M === 'object') return { M: sdkItem(value.M) };
  return value as unknown as AttributeValue;
}

function sdkItem(json: unknown): Item {
  // fromEntries defines each name as an own property: an attribute called "__proto__" stays an attribute.
  return Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([name, value]) => [name, sdkValue(value)]));
}

/** What a check can ask of one scanned item without paying for the whole item. */
export interface ScannedItem {
  /** One top-level attribute as the SDK would give it, or undefined. */
  attribute(name: string): AttributeValue | undefined;
  /** The whole item as the SDK would give it. A new object each call: keep it past the call that saw the item. */
  toItem(): Item;
}

/**
 * One item of a page, read in place. The scan hands the same instance for every item of a page
 * (nothing is allocated per item), so it is valid only during the call that receives it.
 */
export class WireItem implements ScannedItem {
  bytes: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  /** The item's attributes (4 numbers each, see readMembers) in `memberRanges` from `firstMember`. */
  memberRanges: Int32Array = new Int32Array(0);
  firstMember = 0;
  memberCount = -1;
  private readonly own = new MemberList();

  /** Points this reader at the item in bytes [start, end); its attributes are read when first asked. */
  moveTo(bytes: Buffer, start: number, end: number): this {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.memberCount = -1;
    return this;
  }

  /** Points this reader at item `k` of a page, whose attributes the page already read. */
  moveToPageItem(page: WirePage, k: number): this {
    const at = k * 4;
    this.bytes = page.body;
    this.start = page.items[at];
    this.end = page.items[at + 1];
    this.memberRanges = page.members.ranges;
    this.firstMember = page.items[at + 2];
    this.memberCount = page.items[at + 3];
    return this;
  }

  /** Reads the attributes' ranges if the page did not. */
  readAttributes(): void {
    if (this.memberCount >= 0) return;
    this.own.count = 0;
    readMembers(this.bytes, this.start, this.own);
    this.memberRanges = this.own.ranges;
    this.firstMember = 0;
    this.memberCount = this.own.count;
  }

  attribute(name: string): AttributeValue | undefined {
    this.readAttributes();
    const { memberRanges: ranges, bytes } = this;
    const last = this.firstMember + this.memberCount;
    for (let m = this.firstMember; m < last; m++) {
      const at = m * 4;
      if (!bytesEqualAscii(bytes, ranges[at], ranges[at + 1], name)) continue;
      const valueStart = ranges[at + 2];
      const valueEnd = ranges[at + 3];
      // A key is most often a compact {"S":"..."} without escapes: read it without JSON.parse.
      if (startsWithStringType(bytes, valueStart) && bytes[valueEnd - 1] === CLOSE_BRACE && bytes[valueEnd - 2] === QUOTE) {
        if (!hasBackslash(bytes, valueStart + 6, valueEnd - 2)) return { S: bytes.toString('utf8', valueStart + 6, valueEnd - 2) };
      }
      return sdkValue(JSON.parse(bytes.toString('utf8', valueStart, valueEnd)));
    }
    // A name with non-ASCII characters or escapes: compare decoded names.
    if (/^[\x20-\x7e]*$/.test(name) && !hasBackslash(bytes, this.start, this.end)) return undefined;
    return this.toItem()[name];
  }

  toItem(): Item {
    return sdkItem(JSON.parse(this.bytes.toString('utf8', this.start, this.end)));
  }
}

/** An item the SDK already unmarshalled (a mocked client, or a page read without the wire path). */
export class ObjectItem implements ScannedItem {
  constructor(readonly item: Item) {}
  attribute(name: string): AttributeValue | undefined {
    return this.item[name];
  }
  toItem(): Item {
    return this.item;
  }
}

/**
 * A Scan page read from the wire: its body; for item k, at 4k..4k+3 of `items`, its start and
 * end and its attributes' first index and count in `members`.
 */
export interface WirePage {
  readonly body: Buffer;
  readonly items: Int32Array;
  readonly itemCount: number;
  readonly members: MemberList;
  /** The body without its Items member: small, for the SDK to deserialize as usual. */
  readonly rest: Buffer;
}

/**
 * Reads a Scan response body in one pass: where each item and each of its attributes is, and
 * the rest of the response. Undefined when the body has no Items member (a COUNT scan).
 */
export function readScanPage(body: Buffer): WirePage | undefined {
  let i = skipSpace(body, 0);
  if (body[i] !== OPEN_BRACE) throw new WireFormatError('an object expected', i);
  i = skipSpace(body, i + 1);
  const rest: Uint8Array[] = [];
  let page: Omit<WirePage, 'rest'> | undefined;
  while (body[i] !== CLOSE_BRACE) {
    if (body[i] !== QUOTE) throw new WireFormatError('a member name expected', i);
    const nameEnd = skipString(body, i);
    let valueStart = skipSpace(body, nameEnd);
    if (body[valueStart] !== COLON) throw new WireFormatError('":" expected', valueStart);
    valueStart = skipSpace(body, valueStart + 1);
    let valueEnd: number;
    if (bytesEqualAscii(body, i + 1, nameEnd - 1, 'Items')) {
      page = readItems(body, valueStart);
      valueEnd = itemsEnd(body, page, valueStart);
    } else {
      valueEnd = skipValue(body, valueStart);
      rest.push(body.subarray(i, valueEnd));
    }
    i = skipSpace(body, valueEnd);
    if (body[i] === COMMA) i = skipSpace(body, i + 1);
    else if (body[i] !== CLOSE_BRACE) throw new WireFormatError('"," or "}" expected', i);
  }
  if (!page) return undefined;
  const joined = Buffer.from(`{${rest.map((member) => Buffer.from(member).toString('utf8')).join(',')}}`);
  return { ...page, rest: joined };
}

/** The index after the Items array: after its last item, past the closing bracket. */
function itemsEnd(body: Buffer, page: Omit<WirePage, 'rest'>, arrayStart: number): number {
  const after = page.itemCount > 0 ? page.items[(page.itemCount - 1) * 4 + 1] : arrayStart + 1;
  const close = skipSpace(body, after);
  if (body[close] !== CLOSE_BRACKET) throw new WireFormatError('"]" expected', close);
  return close + 1;
}

function readItems(body: Buffer, arrayStart: number): Omit<WirePage, 'rest'> {
  if (body[arrayStart] !== OPEN_BRACKET) throw new WireFormatError('Items is not an array', arrayStart);
  const members = new MemberList(4096);
  let items = new Int32Array(4 * 1024);
  let itemCount = 0;
  let i = skipSpace(body, arrayStart + 1);
  while (body[i] !== CLOSE_BRACKET) {
    if (itemCount * 4 + 4 > items.length) {
      const grown = new Int32Array(items.length * 2);
      grown.set(items);
      items = grown;
    }
    const first = members.count;
    const itemEnd = readMembers(body, i, members);
    const at = itemCount * 4;
    items[at] = i;
    items[at + 1] = itemEnd;
    items[at + 2] = first;
    items[at + 3] = members.count - first;
    itemCount++;
    i = skipSpace(body, itemEnd);
    if (body[i] === COMMA) i = skipSpace(body, i + 1);
    else if (body[i] !== CLOSE_BRACKET) throw new WireFormatError('"," or "]" expected', i);
  }
  return { body, items, itemCount, members };
}

type Middleware = Parameters<ScanCommand['middlewareStack']['add']>[0];

async function collectBody(body: unknown): Promise<Buffer | undefined> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  return undefined;
}

/**
 * Makes the Scan command keep its page's items as bytes: a middleware placed right after the
 * SDK's deserializer (so it sees the raw HTTP response of every attempt, retries included) takes
 * a successful response's body, puts the Items into `into.page`, and leaves the SDK the rest to
 * deserialize as usual (Count, LastEvaluatedKey, ConsumedCapacity). Errors, and a body this
 * module cannot read, go to the SDK untouched; the caller then reads the SDK's items.
 * (Smithy middleware stack: within a step, higher priority runs outside lower.)
 */
export function readScanPageFromWire(command: ScanCommand, into: { page?: WirePage }): void {
  const middleware = (next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
    const result = await next(args);
    const response = result.response as { statusCode?: number; body?: unknown };
    into.page = undefined;
    if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode >= 300) return result;
    const body = await collectBody(response.body);
    if (!body) return result;
    response.body = body;
    let page: WirePage | undefined;
    try {
      page = readScanPage(body);
    } catch (error) {
      if (error instanceof WireFormatError) return result;
      throw error;
    }
    if (!page) return result;
    into.page = page;
    response.body = page.rest;
    return result;
  };
  // In the deserialize step at low priority: inside the SDK's deserializer (priority normal),
  // whatever that middleware is named in the SDK version the Lambda runtime ships.
  command.middlewareStack.add(middleware as unknown as Middleware, {
    step: 'deserialize',
    priority: 'low',
    name: 'restoreDrillScanItemsFromWire',
  });
}
