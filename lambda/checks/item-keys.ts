import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { canonicalValue } from '../digest/canonical-item';
import type { Item } from '../ports/dynamodb-port';

/**
 * Item keys, for comparing and for reports. Reports name items by key only, never by other
 * attribute values, so a drill report never leaks table content into email.
 */

export function keyOf(item: Item, keySchema: readonly KeySchemaElement[]): Item {
  const key: Item = {};
  for (const element of keySchema) {
    const name = element.AttributeName ?? '';
    if (item[name] !== undefined) key[name] = item[name];
  }
  return key;
}

/** Stable identity of an item's key, usable as a Map key. */
export function keyId(item: Item, keySchema: readonly KeySchemaElement[]): string {
  // Stryker disable next-line BooleanLiteral: canonicalValue writes any NULL as Z, whatever its value
  return keySchema.map((k) => canonicalValue(item[k.AttributeName ?? ''] ?? { NULL: true })).join('|');
}

/** `pk=PROPERTY#P0001, sk=META` */
export function describeKey(item: Item, keySchema: readonly KeySchemaElement[]): string {
  return keySchema
    .map((k) => {
      const name = k.AttributeName ?? '';
      const value = item[name];
      const text = value?.S ?? value?.N ?? (value?.B ? `<${value.B.length} bytes>` : '?');
      return `${name}=${text}`;
    })
    .join(', ');
}

/**
 * The first `limit` keys, and how many more there are of `total` (default: all of `items`; pass
 * it when only the first few items were kept).
 */
export function describeKeys(items: readonly Item[], keySchema: readonly KeySchemaElement[], limit = 5, total = items.length): string {
  const shown = items.slice(0, limit).map((item) => `{${describeKey(item, keySchema)}}`);
  return total > shown.length ? `${shown.join(' ')} and ${total - shown.length} more` : shown.join(' ');
}
