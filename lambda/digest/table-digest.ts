import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { canonicalItem } from './canonical-item';

/**
 * Order-independent digest of a set of items: the sum, modulo 2^256, of the SHA-256 of each
 * item's canonical encoding, plus the item count. Sums commute, so parallel scan segments can
 * feed one digest (or keep partial ones and merge them) in any order, in constant memory.
 *
 * The 256-bit sum is kept as eight 32-bit lanes in doubles (no BigInt on the hot path): each
 * lane stays exact below 2^53, so carries are settled every 2^20 items and before reading.
 */
const LANES = 8;
const LANE = 2 ** 32;
const SETTLE_EVERY = 2 ** 20;

export class TableDigest {
  private readonly lanes = new Float64Array(LANES);
  private unsettled = 0;
  private count = 0;

  add(item: Record<string, AttributeValue>): void {
    const hash = createHash('sha256').update(canonicalItem(item)).digest();
    for (let lane = 0; lane < LANES; lane++) this.lanes[lane] += hash.readUInt32BE(lane * 4);
    this.count += 1;
    // Stryker disable next-line EqualityOperator: settling at every item (<) or one item later (>) gives the same digest
    if (++this.unsettled >= SETTLE_EVERY) this.settle();
  }

  merge(other: TableDigest): void {
    other.settle();
    // Stryker disable next-line EqualityOperator: lane <= LANES writes past the end of a Float64Array, which ignores it
    for (let lane = 0; lane < LANES; lane++) this.lanes[lane] += other.lanes[lane];
    this.count += other.count;
    this.settle();
  }

  get itemCount(): number {
    return this.count;
  }

  /** `<item count>:<64 hex digits>`; equal strings mean equal item sets (up to SHA-256). */
  toString(): string {
    this.settle();
    return `${this.count}:${Array.from(this.lanes, (lane) => lane.toString(16).padStart(8, '0')).join('')}`;
  }

  static of(items: Iterable<Record<string, AttributeValue>>): TableDigest {
    const digest = new TableDigest();
    for (const item of items) digest.add(item);
    return digest;
  }

  /** Carries from the least significant lane (7) up; what overflows lane 0 is the modulus. */
  private settle(): void {
    let carry = 0;
    for (let lane = LANES - 1; lane >= 0; lane--) {
      const value = this.lanes[lane] + carry;
      this.lanes[lane] = value % LANE;
      carry = Math.floor(value / LANE);
    }
    this.unsettled = 0;
  }
}
