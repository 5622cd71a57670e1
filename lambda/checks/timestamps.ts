import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Items carry their creation / update time as ISO-8601 text, epoch seconds or epoch
 * milliseconds. Numbers below 1e11 are seconds (1e11 s is the year 5138); above, milliseconds.
 */
const MILLISECONDS_FLOOR = 1e11;

/** Epoch milliseconds of a timestamp attribute, or undefined when it is absent or unreadable. */
export function timestampOf(value: AttributeValue | undefined): number | undefined {
  if (!value) return undefined;
  if (value.S !== undefined) {
    const ms = Date.parse(value.S);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (value.N !== undefined) {
    const n = Number(value.N);
    if (!Number.isFinite(n)) return undefined;
    return n < MILLISECONDS_FLOOR ? n * 1000 : n;
  }
  return undefined;
}
