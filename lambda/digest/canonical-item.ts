import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Canonical encoding of DynamoDB attribute values: two items that DynamoDB considers equal
 * encode to the same string whatever the attribute order, map key order, set order or number
 * formatting ("1.50" = "1.5" = "15E-1"). The digest and the sample compare both stand on it.
 */

type Item = Record<string, AttributeValue>;

/** Already canonical: no sign but "-", no leading zeros, no exponent, no trailing fraction zeros. */
const PLAIN_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/**
 * DynamoDB numbers are decimals of up to 38 significant digits; JS numbers would round them,
 * so normalise the decimal text itself, to plain decimal notation: "1.50", "15E-1" and
 * "0.0015e3" all become "1.5"; "1e2" becomes "100"; "-0" becomes "0". Most numbers already have
 * that form, so one regular-expression test settles them (the digest's hot path).
 */
export function canonicalNumber(text: string): string {
  // Stryker disable next-line ConditionalExpression: a shortcut only; the parse below returns every plain decimal unchanged too
  if (PLAIN_DECIMAL.test(text) && text !== '-0') return text;
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new Error(`not a DynamoDB number: "${text}"`);
  }
  // Stryker disable next-line StringLiteral: Number('') is 0 as Number('0') is, so the exponent's default may be either
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  // value = 0.<digits> shifted: digits with the decimal point after `pointAt` of them.
  let digits = whole + fraction;
  let pointAt = whole.length + Number(exponentText);
  const leading = digits.search(/[1-9]/);
  if (leading < 0) return '0';
  digits = digits.slice(leading);
  pointAt -= leading;
  digits = digits.replace(/0+$/, '');
  let plain: string;
  if (pointAt <= 0) plain = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) plain = digits + '0'.repeat(pointAt - digits.length);
  else plain = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return sign === '-' ? `-${plain}` : plain;
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
  if (value.SS !== undefined)
    return `SS[${value.SS.map((v) => JSON.stringify(v))
      .sort()
      .join(',')}]`;
  if (value.NS !== undefined) return `NS[${value.NS.map(canonicalNumber).sort().join(',')}]`;
  if (value.BS !== undefined) return `BS[${value.BS.map(canonicalBinary).sort().join(',')}]`;
  if (value.L !== undefined) return `L[${value.L.map(canonicalValue).join(',')}]`;
  if (value.M !== undefined) return `M${canonicalItem(value.M)}`;
  throw new Error(`unsupported attribute value type: ${Object.keys(value).join(',')}`);
}

/**
 * Canonical encoding of a whole item (attribute names sorted). Array.prototype.sort without a
 * comparator orders strings by UTF-16 code units: the same total order on every run and engine.
 */
export function canonicalItem(item: Item): string {
  const names = Object.keys(item).sort();
  return `{${names.map((name) => `${JSON.stringify(name)}:${canonicalValue(item[name])}`).join(',')}}`;
}

/** True when DynamoDB would consider the two items equal. */
export function itemsEqual(a: Item, b: Item): boolean {
  return canonicalItem(a) === canonicalItem(b);
}
