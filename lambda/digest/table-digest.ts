import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { canonicalItem } from './canonical-item';

/**
 * Order-independent digest of a set of items: the sum, modulo 2^256, of the SHA-256 of each
 * item's canonical encoding, plus the item count. Sums commute, so parallel scan segments can
 * each keep a partial digest in constant memory and merge them in any order.
 */
const MODULUS = 1n << 256n;

export class TableDigest {
  private sum = 0n;
  private count = 0;

  add(item: Record<string, AttributeValue>): void {
    const hash = createHash('sha256').update(canonicalItem(item)).digest('hex');
    this.sum = (this.sum + BigInt(`0x${hash}`)) % MODULUS;
    this.count += 1;
  }

  merge(other: TableDigest): void {
    this.sum = (this.sum + other.sum) % MODULUS;
    this.count += other.count;
  }

  get itemCount(): number {
    return this.count;
  }

  /** `<item count>:<64 hex digits>`; equal strings mean equal item sets (up to SHA-256). */
  toString(): string {
    return `${this.count}:${this.sum.toString(16).padStart(64, '0')}`;
  }

  static of(items: Iterable<Record<string, AttributeValue>>): TableDigest {
    const digest = new TableDigest();
    for (const item of items) digest.add(item);
    return digest;
  }
}
