import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../ports/dynamodb-port';
import type { JsonKey } from './contract';

/** A key as JSON, for a Step Functions state: B as base64, as on the wire; S and N as they are. */
export const keyToJson = (key: Item): JsonKey =>
  Object.fromEntries(
    Object.entries(key).map(([name, value]) => [name, value.B !== undefined ? { B: Buffer.from(value.B).toString('base64') } : value]),
  ) as JsonKey;

export const keyFromJson = (key: JsonKey): Item =>
  Object.fromEntries(
    Object.entries(key).map(([name, value]): [string, AttributeValue] => [
      name,
      value.B !== undefined ? { B: Buffer.from(value.B, 'base64') } : (value as AttributeValue),
    ]),
  );
