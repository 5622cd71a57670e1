import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ScanFilter } from '../ports/dynamodb-port';

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

/**
 * A scan filter keeping items whose timestamp attribute is before `before`, whichever of the
 * three encodings an item uses. ISO text compares correctly as a string only in UTC with the
 * same precision, which is what `toISOString()` writes and what the fixture uses.
 */
export function timestampBeforeFilter(attribute: string, before: Date): ScanFilter {
  const ms = before.getTime();
  return {
    // No outer parentheses: DynamoDB rejects doubled ones, and allOf() adds a pair.
    expression:
      '(attribute_type(#ts, :typeS) AND #ts < :iso) OR ' +
      '(attribute_type(#ts, :typeN) AND (#ts < :seconds OR (#ts >= :msFloor AND #ts < :ms)))',
    names: { '#ts': attribute },
    values: {
      ':typeS': { S: 'S' },
      ':typeN': { S: 'N' },
      ':iso': { S: before.toISOString() },
      ':seconds': { N: String(Math.floor(ms / 1000)) },
      ':msFloor': { N: String(MILLISECONDS_FLOOR) },
      ':ms': { N: String(ms) },
    },
  };
}

/** Both filters must hold. */
export function allOf(...filters: Array<ScanFilter | undefined>): ScanFilter | undefined {
  const present = filters.filter((f): f is ScanFilter => f !== undefined);
  if (present.length === 0) return undefined;
  return {
    expression: present.map((f) => `(${f.expression})`).join(' AND '),
    names: Object.assign({}, ...present.map((f) => f.names)),
    values: Object.assign({}, ...present.map((f) => f.values ?? {})),
  };
}
