import { DRILL_ID_PATTERN, drillIdFor, drillIdOfRestoredTable, restoredTableName } from '../../../lambda/drill/drill-id';

const at = new Date('2026-11-28T06:00:00.123Z');
const tableArn = 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders';

describe('drill ids: derived from the trigger, never random', () => {
  test('the trigger time to the second, lower case, then eight hex digits of the trigger and table', () => {
    const id = drillIdFor(at, 'event-1', tableArn);
    expect(id).toMatch(/^20261128t060000z-[0-9a-f]{8}$/);
    expect(id).toMatch(DRILL_ID_PATTERN);
  });

  test('the same trigger and table give the same id; another trigger or another table another one', () => {
    const id = drillIdFor(at, 'event-1', tableArn);
    expect(drillIdFor(new Date(at), 'event-1', tableArn)).toBe(id);
    expect(drillIdFor(at, 'event-2', tableArn)).not.toBe(id);
    expect(drillIdFor(at, 'event-1', `${tableArn}-2`)).not.toBe(id);
    // The separator keeps "a|bc" and "ab|c" apart.
    expect(drillIdFor(at, 'event-1x', tableArn).slice(-8)).not.toBe(drillIdFor(at, 'event-1', `x${tableArn}`).slice(-8));
  });

  test('the pattern finds an id only at the end of a name', () => {
    expect(DRILL_ID_PATTERN.test('restore-drill-orders-20261128t060000z-3fa9c1d2')).toBe(true);
    expect(DRILL_ID_PATTERN.test('restore-drill-orders-20261128t060000z-3fa9c1d2-old')).toBe(false);
    expect(DRILL_ID_PATTERN.test('restore-drill-orders-2026112t060000z-3fa9c1d2')).toBe(false);
    expect(DRILL_ID_PATTERN.test('restore-drill-orders-20261128t060000z-3fa9c1dg')).toBe(false);
  });
});

describe('restored-table names', () => {
  const drillId = '20261128t060000z-3fa9c1d2';

  test('prefix, source, a dash, the drill id', () => {
    expect(restoredTableName('restore-drill-', 'orders', drillId)).toBe(`restore-drill-orders-${drillId}`);
  });

  test('a long source name is cut so the whole name is exactly 255 characters, keeping the drill id', () => {
    const name = restoredTableName('restore-drill-', 'o'.repeat(300), drillId);
    expect(name).toHaveLength(255);
    expect(name.startsWith('restore-drill-ooo')).toBe(true);
    expect(name.endsWith(`o-${drillId}`)).toBe(true);
    // One character under the limit is kept whole.
    const room = 255 - 'restore-drill-'.length - 1 - drillId.length;
    expect(restoredTableName('restore-drill-', 'o'.repeat(room), drillId)).toHaveLength(255);
    expect(restoredTableName('restore-drill-', 'o'.repeat(room - 1), drillId)).toHaveLength(254);
  });

  test('a prefix leaving no room for the source keeps none of it', () => {
    const prefix = 'p'.repeat(240);
    expect(restoredTableName(prefix, 'orders', drillId)).toBe(`${prefix}-${drillId}`);
  });

  test('the drill id is read back only from a name with the prefix and the id at its end', () => {
    expect(drillIdOfRestoredTable('restore-drill-', `restore-drill-orders-${drillId}`)).toBe(drillId);
    expect(drillIdOfRestoredTable('restore-drill-', `orders-${drillId}`)).toBeUndefined();
    expect(drillIdOfRestoredTable('restore-drill-', 'restore-drill-orders')).toBeUndefined();
  });
});
