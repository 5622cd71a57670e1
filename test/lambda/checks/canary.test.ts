import { canaryCheck } from '../../../lambda/checks/canary';
import { CANARY_KEY_VALUE } from '../../../lambda/config';
import type { CanaryRecord } from '../../../lambda/domain/canary';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { checkResult, checkWorld, RECOVERY_POINT_CREATED_AT, runCheck, SOURCE_ITEMS } from './check-context';

const point = Date.parse(RECOVERY_POINT_CREATED_AT);
const iso = (ms: number) => new Date(ms).toISOString();
/** The canary as recorded in the drill history, written `ms` before the recovery point. */
const recorded = (ms: number, canaryId = `canary-${ms}`): CanaryRecord => ({ tableName: 'orders', canaryId, writtenAt: iso(point - ms) });
/** The canary item as a restore holds it. */
const canaryItem = (canary: CanaryRecord): Item => ({
  pk: { S: CANARY_KEY_VALUE },
  sk: { S: CANARY_KEY_VALUE },
  canaryId: { S: canary.canaryId },
  writtenAt: { S: canary.writtenAt },
  writtenBy: { S: 'restore-drill' },
});
const threeHours = 3 * 3600_000;

describe('canary: the restore holds the newest canary written before the recovery point', () => {
  test('only for a table with the canary on, and a restored copy', async () => {
    expect(canaryCheck).toMatchObject({ name: 'canary', needs: 'restored-table' });
    expect(await runCheck(canaryCheck, checkWorld())).toBeUndefined();
    expect(await runCheck(canaryCheck, checkWorld({ table: { canary: true }, restored: 'missing' }))).toBeUndefined();
  });

  test('PASS: the restore holds it, written three hours before the recovery point', async () => {
    const expected = recorded(threeHours);
    const result = await checkResult(canaryCheck, {
      table: { canary: true },
      canaries: [recorded(threeHours + 86_400_000, 'day-before'), expected],
      restoredItems: [...SOURCE_ITEMS, canaryItem(expected)],
    });
    expect(result).toEqual({
      check: 'canary',
      status: 'PASS',
      summary: expect.stringContaining('(3h00m before the recovery point)'),
      numbers: { expectedCanaryWrittenAt: expected.writtenAt, restoredCanaryWrittenAt: expected.writtenAt },
    });
  });

  test('a restore holding a newer canary than expected passes', async () => {
    const result = await checkResult(canaryCheck, {
      table: { canary: true },
      canaries: [recorded(threeHours)],
      restoredItems: [canaryItem(recorded(60_000))],
    });
    expect(result).toMatchObject({ check: 'canary', status: 'PASS', numbers: { restoredCanaryWrittenAt: iso(point - 60_000) } });
  });

  test('a canary written after the recovery point is not expected in it', async () => {
    const result = await checkResult(canaryCheck, {
      table: { canary: true },
      canaries: [recorded(threeHours), recorded(-60_000)],
      restoredItems: [canaryItem(recorded(threeHours))],
    });
    expect(result).toMatchObject({ check: 'canary', status: 'PASS', numbers: { expectedCanaryWrittenAt: iso(point - threeHours) } });
  });

  test('an older canary than the one written before the recovery point: FAIL, the recovery point is older than it says', async () => {
    const result = await checkResult(canaryCheck, {
      table: { canary: true },
      canaries: [recorded(threeHours + 1), recorded(threeHours)],
      restoredItems: [canaryItem(recorded(threeHours + 1))],
    });
    expect(result).toMatchObject({
      check: 'canary',
      status: 'FAIL',
      summary: expect.stringContaining('written 3h00m before the recovery point'),
      numbers: { expectedCanaryWrittenAt: iso(point - threeHours), restoredCanaryWrittenAt: iso(point - threeHours - 1) },
    });
    expect(result.nextStep).toContain('the recovery point is older than its creation date says');
  });

  test('no canary in the restore: FAIL, the backup did not capture writes made before it', async () => {
    const result = await checkResult(canaryCheck, { table: { canary: true }, canaries: [recorded(90 * 60_000)] });
    expect(result).toMatchObject({
      check: 'canary',
      status: 'FAIL',
      summary: expect.stringContaining('(1h30m before the recovery point) is missing'),
      numbers: { expectedCanaryWrittenAt: iso(point - 90 * 60_000), restoredCanaryWrittenAt: 'missing' },
    });
    expect(result.nextStep).toContain('the backup did not capture writes made before it');
  });

  test('no canary written before the recovery point yet: WARN, expected for the first drills', async () => {
    const result = await checkResult(canaryCheck, { table: { canary: true }, canaries: [recorded(-1)] });
    expect(result).toEqual({
      check: 'canary',
      status: 'WARN',
      summary: expect.any(String),
      nextStep: expect.stringContaining('expected for the first drills after enabling the canary'),
    });
  });

  test('the canary is looked up for the source table, and read from the restored copy', async () => {
    const world = checkWorld({ table: { canary: true }, canaries: [recorded(threeHours)] });
    const latestBefore = jest.spyOn(world.canaries, 'latestBefore');
    const read = jest.spyOn(world.canaries, 'read');
    await runCheck(canaryCheck, world);
    expect(latestBefore).toHaveBeenCalledWith('orders', new Date(point));
    expect(read).toHaveBeenCalledWith(world.context.restoredTableName, world.context.restored);
  });
});
