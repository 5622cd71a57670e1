import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../../../lambda/ports/dynamodb-port';

/**
 * DynamoDB's item size and read-unit arithmetic, after the Developer Guide ("Item sizes and
 * formats"; "Read consumption" for Scan and BatchGetItem), so the in-memory DynamoDB charges what
 * DynamoDB charges and pages where it pages. The DynamoDB contract test holds the figures to
 * DynamoDB Local's for the same items.
 */

/** A read unit covers 4 KB; an eventually consistent read costs half of one. */
const READ_BLOCK_BYTES = 4096;
const EVENTUALLY_CONSISTENT_UNITS = 0.5;
/** Scan stops a page once it has read 1 MB (the item that crosses the line is in the page). */
export const SCAN_PAGE_BYTES = 1024 * 1024;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * Numbers: DynamoDB stores them in base 100, digit pairs aligned on the decimal point, leading and
 * trailing zero pairs dropped; one byte per pair, plus one, plus one more for a negative number.
 * The guide's "one byte per two significant digits" is an approximation: 7.1 is "07 10", 3 bytes.
 * These are DynamoDB Local's figures, which the DynamoDB contract test holds this to.
 */
function numberSize(text: string): number {
  const negative = text.startsWith('-');
  const [mantissa, exponent = '0'] = text.replace(/^[-+]/, '').split(/e/i);
  const [whole, fraction = ''] = mantissa.split('.');
  let digits = whole + fraction;
  // Where the decimal point falls, counted in digits from the left of `digits`.
  let point = whole.length + Number(exponent);
  const leading = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(leading).replace(/0+$/, '');
  point -= leading;
  if (digits.length === 0) return 1;
  const pad = ((point % 2) + 2) % 2;
  return Math.ceil((pad + digits.length) / 2) + 1 + (negative ? 1 : 0);
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  // Lists and maps: 3 bytes of overhead, and one byte per element.
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined)
    return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + utf8(name) + valueSize(element), 0);
  throw new Error(`the in-memory DynamoDB cannot size ${JSON.stringify(value)}`);
}

/** Bytes an item takes: each attribute's name and value. */
export function itemSizeBytes(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/** Units an eventually consistent read of `bytes` consumes, rounded up to whole 4 KB blocks (nothing read: nothing charged). */
export function readUnits(bytes: number): number {
  return Math.ceil(bytes / READ_BLOCK_BYTES) * EVENTUALLY_CONSISTENT_UNITS;
}
