import { evaluateRpo, rpoCheck } from '../../../lambda/checks/rpo';
import { checkResult, checkWorld, DEFAULT_TARGETS, DRILL_STARTED_AT, runCheck } from './check-context';

const started = new Date(DRILL_STARTED_AT);
const targets = { ...DEFAULT_TARGETS, rpoTargetMinutes: 120 };
/** A recovery point `seconds` older than the drill. */
const aged = (seconds: number) => new Date(started.getTime() - seconds * 1000);

describe('RPO: the newest recovery point is no older than the target', () => {
  test('exactly at the target: PASS', () => {
    expect(evaluateRpo(started, aged(7200), targets)).toEqual({
      check: 'RPO',
      status: 'PASS',
      summary: expect.any(String),
      numbers: { recoveryPointAgeSeconds: 7200, rpoTargetSeconds: 7200 },
    });
  });

  test('a second under the target: PASS', () => {
    expect(evaluateRpo(started, aged(7199), targets)).toMatchObject({ status: 'PASS', numbers: { recoveryPointAgeSeconds: 7199 } });
  });

  test('a second over the target: FAIL, pointing at the backup plan', () => {
    expect(evaluateRpo(started, aged(7201), targets)).toEqual({
      check: 'RPO',
      status: 'FAIL',
      summary: expect.any(String),
      nextStep: expect.stringContaining('check the backup plan schedule and recent backup jobs'),
      numbers: { recoveryPointAgeSeconds: 7201, rpoTargetSeconds: 7200 },
    });
  });

  test('the age is the drill start minus the creation, in seconds, rounded', () => {
    // 90.6 s: seconds, not milliseconds; the difference, not the sum; rounded half up.
    expect(evaluateRpo(started, new Date(started.getTime() - 90_600), targets).numbers).toEqual({
      recoveryPointAgeSeconds: 91,
      rpoTargetSeconds: 7200,
    });
  });

  test('a recovery point stamped after the drill start (clocks disagree) passes with its negative age', () => {
    expect(evaluateRpo(started, aged(-30), targets)).toMatchObject({ status: 'PASS', numbers: { recoveryPointAgeSeconds: -30 } });
  });
});

describe('the RPO check in a drill', () => {
  test('runs on the recovery point alone, from the drill start and the recovery point creation', async () => {
    expect(rpoCheck).toMatchObject({ name: 'RPO', needs: 'recovery-point' });
    const result = await checkResult(rpoCheck, {
      targets: { rpoTargetMinutes: 60 },
      drillStartedAt: '2026-11-28T06:00:00.000Z',
      recoveryPointCreatedAt: '2026-11-28T05:00:00.000Z',
    });
    expect(result).toMatchObject({ check: 'RPO', status: 'PASS', numbers: { recoveryPointAgeSeconds: 3600, rpoTargetSeconds: 3600 } });
    const late = await checkResult(rpoCheck, {
      targets: { rpoTargetMinutes: 60 },
      drillStartedAt: '2026-11-28T06:00:01.000Z',
      recoveryPointCreatedAt: '2026-11-28T05:00:00.000Z',
    });
    expect(late).toMatchObject({ status: 'FAIL', numbers: { recoveryPointAgeSeconds: 3601 } });
  });

  test('when another point than the newest was restored, the RPO is judged on the newest', async () => {
    const world = checkWorld({ targets: { rpoTargetMinutes: 60 }, recoveryPointCreatedAt: '2026-11-27T06:00:00.000Z' });
    const newest = { ...world, context: { ...world.context, newestRecoveryPointCreated: new Date('2026-11-28T05:30:00.000Z') } };
    expect(await runCheck(rpoCheck, newest)).toMatchObject({ status: 'PASS', numbers: { recoveryPointAgeSeconds: 1800 } });
  });
});
