import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * The items of the CPU benchmark: the fixture's room record (lambda/fixture/fixture-items.ts)
 * grown to a DynamoDB item size of ~1 KB or ~4 KB, with its floor polygon (a list of maps of
 * numbers, the costliest shape to parse) and a text field taking the rest.
 */

type Item = Record<string, AttributeValue>;

/** DynamoDB's item size (Developer Guide, "Item sizes and formats"): names, plus values; numbers ~ 1 byte per 2 digits + 1. */
export function dynamoDbItemSize(item: Item): number {
  const valueSize = (value: AttributeValue): number => {
    if (value.S !== undefined) return Buffer.byteLength(value.S);
    if (value.N !== undefined) return Math.ceil(value.N.replace(/[-.]/g, '').length / 2) + 1;
    if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
    if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
    if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
    if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [n, v]) => sum + 1 + Buffer.byteLength(n) + valueSize(v), 0);
    return 0;
  };
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

export function benchItem(index: number, targetBytes: number): Item {
  const id = String(index).padStart(7, '0');
  const vertices = targetBytes >= 4096 ? 96 : 16;
  const coordinate = (seed: number) => String(Math.round(((seed * 7919) % 200_000) / 10) / 100);
  const item: Item = {
    pk: { S: `PROPERTY#P${id}` },
    sk: { S: `ROOM#P${id}-S0#R${index % 4}` },
    type: { S: 'room' },
    scanId: { S: `P${id}-S0` },
    name: { S: ['living', 'kitchen', 'bedroom', 'hall'][index % 4] },
    floor: { N: String(index % 3) },
    areaM2: { N: String(((index * 37) % 3000) / 100 + 4) },
    polygon: {
      L: Array.from({ length: vertices }, (_, v) => ({ M: { x: { N: coordinate(index + v) }, y: { N: coordinate(index * 3 + v) } } })),
    },
    createdAt: { S: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString() },
    updatedAt: { S: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString() },
    verified: { BOOL: index % 3 !== 0 },
    tags: { SS: ['indoor', index % 2 ? 'rescan' : 'initial'] },
  };
  const notes = Math.max(0, targetBytes - dynamoDbItemSize(item) - 'notes'.length);
  item.notes = { S: `${id} `.repeat(Math.ceil(notes / 8)).slice(0, notes) };
  return item;
}
