import { restoreDurationSeconds, rtoCheck } from '../../../lambda/checks/rto';
import { checkResult, checkWorld, JOB_CREATED_AT, runCheck } from './check-context';

const created = Date.parse(JOB_CREATED_AT);
const at = (seconds: number) => new Date(created + seconds * 1000);

describe('restoreDurationSeconds: AWS job creation to completion', () => {
  test('completion minus creation, in seconds', () => {
    expect(
      restoreDurationSeconds({ restoreJob: { creationDate: at(0), completionDate: at(1200) }, restoredActiveAt: created + 1_500_000 }),
    ).toBe(1200);
  });

  test('without a completion date, until the table was seen ACTIVE', () => {
    expect(restoreDurationSeconds({ restoreJob: { creationDate: at(0) }, restoredActiveAt: created + 90_500 })).toBe(90.5);
  });

  test('never negative when the clocks disagree', () => {
    expect(restoreDurationSeconds({ restoreJob: { creationDate: at(60), completionDate: at(0) } })).toBe(0);
  });

  test('unknown without a start, or without an end', () => {
    expect(restoreDurationSeconds({ restoreJob: { completionDate: at(60) }, restoredActiveAt: created })).toBeUndefined();
    expect(restoreDurationSeconds({ restoreJob: { creationDate: at(0) } })).toBeUndefined();
  });
});

describe('RTO: the restore took no longer than the target', () => {
  const rto = (seconds: number) =>
    checkResult(rtoCheck, { targets: { rtoTargetMinutes: 20 }, restoreJob: { creationDate: at(0), completionDate: at(seconds) } });

  test('exactly at the target: PASS', async () => {
    expect(await rto(1200)).toEqual({
      check: 'RTO',
      status: 'PASS',
      summary: expect.any(String),
      numbers: { restoreDurationSeconds: 1200, rtoTargetSeconds: 1200 },
    });
  });

  test('a second under: PASS', async () => {
    expect(await rto(1199)).toMatchObject({ status: 'PASS', numbers: { restoreDurationSeconds: 1199 } });
  });

  test('a second over: FAIL, saying a real recovery would miss the RTO', async () => {
    expect(await rto(1201)).toEqual({
      check: 'RTO',
      status: 'FAIL',
      summary: expect.any(String),
      nextStep: expect.stringContaining('a real recovery would miss the RTO'),
      numbers: { restoreDurationSeconds: 1201, rtoTargetSeconds: 1200 },
    });
  });

  test('the duration in the numbers is rounded', async () => {
    expect(await rto(600.6)).toMatchObject({ numbers: { restoreDurationSeconds: 601 } });
  });

  test('a restore of unknown duration is not judged', async () => {
    expect(rtoCheck).toMatchObject({ name: 'RTO', needs: 'restored-table' });
    expect(await runCheck(rtoCheck, checkWorld({ restoreJob: { creationDate: undefined } }))).toBeUndefined();
  });
});
