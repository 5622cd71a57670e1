import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Canonical encoding of DynamoDB attribute values: two items that DynamoDB considers equal
 * encode to the same string whatever the attribute order, map key order, set order or number
 * formatting ("1.50" = "1.5" = "15E-1"). The digest and the sample compare both stand on it.
 */

type Item = Record<string, AttributeValue>;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * DynamoDB numbers are decimals of up to 38 significant digits; JS numbers would round them,
 * so normalise the decimal text itself: sign, significant digits without padding, exponent.
 */
export function canonicalNumber(text: string): string {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new Error(`not a DynamoDB number: "${text}"`);
  }
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  let digits = whole + fraction;
  let exponent = Number(exponentText) - fraction.length;
  const leading = digits.search(/[1-9]/);
  if (leading < 0) return '0';
  digits = digits.slice(leading);
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${sign === '-' ? '-' : ''}${digits}e${exponent}`;
}

function canonicalBinary(value: Uint8Array | string): string {
  // The SDK yields Uint8Array; JSON fixtures and the wire form carry base64 text.
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('base64') : Buffer.from(value).toString('base64');
}

export function canonicalValue(value: AttributeValue): string {
  if (value.S !== undefined) return `S${JSON.stringify(value.S)}`;
  if (value.N !== undefined) return `N${canonicalNumber(value.N)}`;
  if (value.B !== undefined) return `B${canonicalBinary(value.B)}`;
  if (value.BOOL !== undefined) return value.BOOL ? 'T' : 'F';
  if (value.NULL !== undefined) return 'Z';
  if (value.SS !== undefined) return `SS[${value.SS.map((v) => JSON.stringify(v)).sort(compare).join(',')}]`;
  if (value.NS !== undefined) return `NS[${value.NS.map(canonicalNumber).sort(compare).join(',')}]`;
  if (value.BS !== undefined) return `BS[${value.BS.map(canonicalBinary).sort(compare).join(',')}]`;
  if (value.L !== undefined) return `L[${value.L.map(canonicalValue).join(',')}]`;
  if (value.M !== undefined) return `M${canonicalItem(value.M)}`;
  throw new Error(`unsupported attribute value type: ${Object.keys(value).join(',')}`);
}

/** Canonical encoding of a whole item (attribute names sorted). */
export function canonicalItem(item: Item): string {
  const names = Object.keys(item).sort(compare);
  return `{${names.map((name) => `${JSON.stringify(name)}:${canonicalValue(item[name])}`).join(',')}}`;
}

/** True when DynamoDB would consider the two items equal. */
export function itemsEqual(a: Item, b: Item): boolean {
  return canonicalItem(a) === canonicalItem(b);
}
