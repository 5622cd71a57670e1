import type { CheckResult } from '../../../lambda/domain/check-result';
import type { CleanupOutcome } from '../../../lambda/domain/drill-record';
import { decideOutcome } from '../../../lambda/drill/verdict';

const deleted: CleanupOutcome = { result: 'deleted', tableName: 'copy', detail: 'deleted copy' };
const pass = (check: string, sourceReadUnits?: number): CheckResult => ({ check, status: 'PASS', summary: `${check} ok`, sourceReadUnits });
const finishedAt = '2026-11-28T06:30:00.000Z';

describe('decideOutcome: the drill verdict', () => {
  test('every check passed and the copy went: PASS, no failure', () => {
    const outcome = decideOutcome({ checks: [pass('RPO'), pass('RTO')], cleanup: deleted, finishedAt });
    expect(outcome).toMatchObject({ verdict: 'PASS', failure: undefined, cleanup: deleted, finishedAt });
  });

  test('a WARN does not fail the drill', () => {
    const warn: CheckResult = { check: 'canary', status: 'WARN', summary: 'no canary yet' };
    expect(decideOutcome({ checks: [warn], cleanup: deleted, finishedAt }).verdict).toBe('PASS');
  });

  test('the first failed check fails it, named with its summary', () => {
    const checks: CheckResult[] = [
      pass('RPO'),
      { check: 'item count', status: 'FAIL', summary: '3 of 5 items' },
      { check: 'schema', status: 'FAIL', summary: 'key differs' },
    ];
    expect(decideOutcome({ checks, cleanup: deleted, finishedAt })).toMatchObject({ verdict: 'FAIL', failure: 'item count: 3 of 5 items' });
  });

  test('an error outside the checks comes first', () => {
    const checks: CheckResult[] = [{ check: 'item count', status: 'FAIL', summary: '3 of 5 items' }];
    expect(decideOutcome({ checks, failure: 'restore failed', cleanup: deleted, finishedAt })).toMatchObject({
      verdict: 'FAIL',
      failure: 'restore failed',
    });
  });

  test.each(['failed', 'refused'] as const)('a cleanup that %s fails a drill whose checks passed', (result) => {
    const cleanup: CleanupOutcome = { result, tableName: 'copy', detail: 'left copy in place' };
    expect(decideOutcome({ checks: [pass('RPO')], cleanup, finishedAt })).toMatchObject({
      verdict: 'FAIL',
      failure: 'cleanup: left copy in place',
    });
  });

  test('a copy that was absent is not a failure', () => {
    const cleanup: CleanupOutcome = { result: 'absent', detail: 'nothing to delete' };
    expect(decideOutcome({ checks: [], cleanup, finishedAt })).toMatchObject({ verdict: 'PASS', failure: undefined });
  });

  test('the restore duration is rounded; the other figures are passed on as they are', () => {
    const outcome = decideOutcome({
      checks: [],
      cleanup: deleted,
      finishedAt,
      recoveryPointAgeSeconds: 3600,
      restoreDurationSeconds: 1200.5,
      restoredScan: { items: 5, readUnits: 2.5 },
      sourceReadUnitsPerSecond: 200,
    });
    expect(outcome).toEqual({
      verdict: 'PASS',
      failure: undefined,
      checks: [],
      cleanup: deleted,
      recoveryPointAgeSeconds: 3600,
      restoreDurationSeconds: 1201,
      restoredScan: { items: 5, readUnits: 2.5 },
      sourceReadUnitsPerSecond: 200,
      sourceReadUnits: undefined,
      finishedAt,
    });
    expect(decideOutcome({ checks: [], cleanup: deleted, finishedAt }).restoreDurationSeconds).toBeUndefined();
  });

  test('source reads are the sum over the checks that read the source; none read, none counted', () => {
    expect(
      decideOutcome({ checks: [pass('item count', 12.5), pass('RPO'), pass('sample', 3)], cleanup: deleted, finishedAt }).sourceReadUnits,
    ).toBe(15.5);
    expect(decideOutcome({ checks: [pass('sample', 0)], cleanup: deleted, finishedAt }).sourceReadUnits).toBe(0);
    expect(decideOutcome({ checks: [pass('RPO')], cleanup: deleted, finishedAt }).sourceReadUnits).toBeUndefined();
  });
});
