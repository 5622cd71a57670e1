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
