import type { DrilledTable } from '../config';
import { FIXTURE_SCHEMA } from '../fixture/fixture-items';
import { FIXTURE_MARKER_KEY } from '../fixture/fixture-marker';
import type { Item, ScanFilter, ScannedItem, TableShape } from '../ports/dynamodb-port';
import { CANARY_KEY_VALUE } from '../ports/canary-port';
import { ObjectItem } from '../ports/scan-wire';

/**
 * The items the drill itself puts into a table: its canary (ports/canary-port.ts) in any table, and in the
 * fixture table the seeder's version marker (fixture-marker.ts). They say something about the
 * drill, not about the data, and each may be on one side only - a backup taken before the canary
 * was enabled or before version markers existed lacks it, a source always has the newest - so
 * every count and content comparison leaves them out on both sides, through this one predicate
 * and the scan filter that says the same to DynamoDB.
 */

export function isDrillItemFor(table: Pick<DrilledTable, 'fixture'>, shape: Pick<TableShape, 'keySchema'>): (item: Item) => boolean {
  const isDrillItem = isScannedDrillItemFor(table, shape);
  return (item) => isDrillItem(new ObjectItem(item));
}

/**
 * The same predicate on an item as the shared scan reads it (ports/scan-wire.ts): the canary's
 * partition key (isCanaryItemFor), in the fixture table also the marker's key (isFixtureMarker),
 * each attribute read once.
 */
export function isScannedDrillItemFor(
  table: Pick<DrilledTable, 'fixture'>,
  shape: Pick<TableShape, 'keySchema'>,
): (item: ScannedItem) => boolean {
  const partitionKey = shape.keySchema.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const { partitionKey: markerPk, sortKey: markerSk } = FIXTURE_SCHEMA;
  return (item) => {
    const key = partitionKey === undefined ? undefined : item.attribute(partitionKey)?.S;
    if (key === CANARY_KEY_VALUE) return true;
    if (!table.fixture) return false;
    const pk = partitionKey === markerPk ? key : item.attribute(markerPk)?.S;
    return pk === FIXTURE_MARKER_KEY[markerPk] && item.attribute(markerSk)?.S === FIXTURE_MARKER_KEY[markerSk];
  };
}

/** A scan filter leaving the drill's own items out, so a count of the source matches a count of the restore. */
export function withoutDrillItemsFilter(
  table: Pick<DrilledTable, 'fixture'>,
  shape: Pick<TableShape, 'keySchema' | 'attributeDefinitions'>,
): ScanFilter | undefined {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Item = {};
  const partitionKey = shape.keySchema.find((k) => k.KeyType === 'HASH')?.AttributeName;
  // A canary needs a string partition key (canaryKey()): other tables cannot hold one.
  if (partitionKey && shape.attributeDefinitions.find((a) => a.name === partitionKey)?.type === 'S') {
    clauses.push('#canaryPk <> :canaryKey');
    names['#canaryPk'] = partitionKey;
    values[':canaryKey'] = { S: CANARY_KEY_VALUE };
  }
  if (table.fixture) {
    // The same attributes isFixtureMarker() reads.
    const { partitionKey: pk, sortKey: sk } = FIXTURE_SCHEMA;
    clauses.push('NOT (#markerPk = :markerPk AND #markerSk = :markerSk)');
    Object.assign(names, { '#markerPk': pk, '#markerSk': sk });
    Object.assign(values, { ':markerPk': { S: FIXTURE_MARKER_KEY[pk] }, ':markerSk': { S: FIXTURE_MARKER_KEY[sk] } });
  }
  return clauses.length ? { expression: clauses.join(' AND '), names, values } : undefined;
}
