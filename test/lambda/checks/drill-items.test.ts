import { isDrillItemFor, withoutDrillItemsFilter } from '../../../lambda/checks/drill-items';
import { CANARY_KEY_VALUE } from '../../../lambda/config';
import { fixtureMarkerItem } from '../../../lambda/fixture/fixture-marker';
import { item, KEY_SCHEMA, tableShape } from './in-memory-tables';

const canary = { pk: { S: CANARY_KEY_VALUE }, sk: { S: CANARY_KEY_VALUE } };
const marker = fixtureMarkerItem(1, new Date('2026-11-27T06:00:00Z'));
const fixture = { fixture: { propertyCount: 1, digest: 'd' } };

describe("the drill's own items", () => {
  test('any table: its canary', () => {
    const isDrillItem = isDrillItemFor({}, { keySchema: KEY_SCHEMA });
    expect(isDrillItem(canary)).toBe(true);
    expect(isDrillItem(item(1))).toBe(false);
    expect(isDrillItem(marker)).toBe(false);
  });

  test('the fixture table: also the version marker', () => {
    const isDrillItem = isDrillItemFor(fixture, { keySchema: KEY_SCHEMA });
    expect(isDrillItem(canary)).toBe(true);
    expect(isDrillItem(marker)).toBe(true);
    expect(isDrillItem(item(1))).toBe(false);
  });

  test('the scan filter says the same to DynamoDB', () => {
    expect(withoutDrillItemsFilter({}, tableShape('t'))).toEqual({
      expression: '#canaryPk <> :canaryKey',
      names: { '#canaryPk': 'pk' },
      values: { ':canaryKey': { S: CANARY_KEY_VALUE } },
    });
    expect(withoutDrillItemsFilter(fixture, tableShape('t'))).toEqual({
      expression: '#canaryPk <> :canaryKey AND NOT (#markerPk = :markerPk AND #markerSk = :markerSk)',
      names: { '#canaryPk': 'pk', '#markerPk': 'pk', '#markerSk': 'sk' },
      values: { ':canaryKey': { S: CANARY_KEY_VALUE }, ':markerPk': { S: 'restore-drill#fixture' }, ':markerSk': { S: 'VERSION' } },
    });
  });

  test('a table whose partition key is not a string holds no canary: nothing to filter', () => {
    const numeric = tableShape('t', {
      keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      attributeDefinitions: [{ name: 'id', type: 'N' }],
    });
    expect(withoutDrillItemsFilter({}, numeric)).toBeUndefined();
    expect(withoutDrillItemsFilter({}, tableShape('t', { keySchema: [] }))).toBeUndefined();
    expect(withoutDrillItemsFilter(fixture, numeric)).toMatchObject({
      expression: 'NOT (#markerPk = :markerPk AND #markerSk = :markerSk)',
    });
  });
});

describe("the drill's own items: which attributes the predicate reads", () => {
  const rangeFirst = [
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
    { AttributeName: 'pk', KeyType: 'HASH' as const },
  ];

  test('the canary is found by the HASH key, wherever it stands in the key schema', () => {
    const isDrillItem = isDrillItemFor({}, { keySchema: rangeFirst });
    expect(isDrillItem({ pk: { S: CANARY_KEY_VALUE }, sk: { S: 'x' } })).toBe(true);
    expect(isDrillItem({ pk: { S: 'x' }, sk: { S: CANARY_KEY_VALUE } })).toBe(false);
  });

  test('an item without the partition key, or with a non-string one, is not a drill item', () => {
    expect(isDrillItemFor({}, { keySchema: KEY_SCHEMA })({ sk: { S: 'META' } })).toBe(false);
    expect(isDrillItemFor({}, { keySchema: KEY_SCHEMA })({ pk: { N: '1' }, sk: { S: 'META' } })).toBe(false);
    expect(isDrillItemFor(fixture, { keySchema: KEY_SCHEMA })({ sk: { S: 'VERSION' } })).toBe(false);
  });

  test('a table without a key schema: no attribute is read as its partition key, not even one named "undefined"', () => {
    const isDrillItem = isDrillItemFor({}, { keySchema: [] });
    expect(isDrillItem({ undefined: { S: CANARY_KEY_VALUE } })).toBe(false);
    // The fixture marker is still found by its own attributes.
    expect(isDrillItemFor(fixture, { keySchema: [] })(marker)).toBe(true);
  });

  test('the marker needs both its partition and its sort key', () => {
    const isDrillItem = isDrillItemFor(fixture, { keySchema: KEY_SCHEMA });
    expect(isDrillItem({ ...marker, sk: { S: 'META' } })).toBe(false);
    expect(isDrillItem({ ...marker, pk: { S: 'ITEM#1' } })).toBe(false);
    expect(isDrillItem({ pk: marker.pk })).toBe(false);
  });

  test('a fixture table keyed otherwise: the marker is read from its own attributes, not the partition key', () => {
    const isDrillItem = isDrillItemFor(fixture, { keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] });
    expect(isDrillItem({ ...marker, id: { S: 'other' } })).toBe(true);
    expect(isDrillItem({ id: marker.pk, sk: marker.sk })).toBe(false);
    expect(isDrillItem({ id: { S: 'other' } })).toBe(false);
    expect(isDrillItem({ id: { S: CANARY_KEY_VALUE } })).toBe(true);
  });

  test('the scan filter names the HASH key, wherever it stands', () => {
    expect(withoutDrillItemsFilter({}, tableShape('t', { keySchema: rangeFirst }))).toMatchObject({ names: { '#canaryPk': 'pk' } });
  });

  test('the scan filter leaves the canary clause out when the partition key has no attribute definition', () => {
    expect(withoutDrillItemsFilter({}, tableShape('t', { attributeDefinitions: [{ name: 'sk', type: 'S' }] }))).toBeUndefined();
  });
});
