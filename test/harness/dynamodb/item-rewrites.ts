import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/**
 * Rewrites of an item that keep it equal for DynamoDB but change its text: what a careless
 * comparison (string equality, JSON.stringify) would wrongly call a difference. DynamoDB itself
 * normalises numbers ("1.50" is stored and returned as "1.5"), and DynamoDB Local does the same, so
 * the harness applies these when a restored table is read, not when it is written.
 */
export type ItemRewrite = (item: Item) => Item;

/** "1.5" -> "1.50", "10" -> "10.0": the same DynamoDB number in another textual form. */
export function widenNumberText(text: string): string {
  if (/[eE]/.test(text)) return text;
  return text.includes('.') ? `${text}0` : `${text}.0`;
}

function rewriteValueNumbers(value: AttributeValue): AttributeValue {
  if (value.N !== undefined) return { N: widenNumberText(value.N) };
  if (value.NS !== undefined) return { NS: value.NS.map(widenNumberText) };
  if (value.L !== undefined) return { L: value.L.map(rewriteValueNumbers) };
  if (value.M !== undefined) return { M: rewriteItemNumbers(value.M) };
  return value;
}

export function rewriteItemNumbers(item: Item): Item {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, rewriteValueNumbers(value)]));
}

/** Reverses the order of attributes (and of map keys): DynamoDB promises no attribute order. */
export function reverseAttributeOrder(item: Item): Item {
  const reverseValue = (value: AttributeValue): AttributeValue =>
    value.M !== undefined ? { M: reverseAttributeOrder(value.M) } : value.L !== undefined ? { L: value.L.map(reverseValue) } : value;
  return Object.fromEntries(
    Object.entries(item)
      .reverse()
      .map(([name, value]) => [name, reverseValue(value)]),
  );
}

export function composeRewrites(rewrites: readonly ItemRewrite[]): ItemRewrite {
  return (item) => rewrites.reduce((current, rewrite) => rewrite(current), item);
}
