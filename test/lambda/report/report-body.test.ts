import type { CheckResult } from '../../../lambda/domain/check-result';
import { drillMessage, type FinishedDrill, reportDocument, reportText } from '../../../lambda/report/drill-report';

/** A finished drill of `orders`, a PASS unless overridden; `outcome` merges into the PASS outcome. */
function finished(overrides: Partial<FinishedDrill> = {}, outcome: Partial<FinishedDrill['outcome']> = {}): FinishedDrill {
  return {
    drillId: '20261128t060000z-3fa9c1d2',
    sourceTable: 'orders',
    sourceTableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders',
    trigger: 'schedule',
    startedAt: '2026-11-28T06:00:00.000Z',
    status: 'REPORTING',
    restoredTableName: 'restore-drill-orders-20261128t060000z-3fa9c1d2',
    recoveryPoint: {
      recoveryPointArn: 'arn:aws:backup:eu-west-1:111122223333:recovery-point:abc',
      backupVaultName: 'vault',
      creationDate: '2026-11-28T03:00:00.000Z',
    },
    restoreJobId: 'job-1',
    restoreJob: { restoreJobId: 'job-1', status: 'COMPLETED', statusMessage: 'done' },
    ...overrides,
    outcome: {
      verdict: 'PASS',
      checks: [{ check: 'restored', status: 'PASS', summary: 'job COMPLETED, table ACTIVE' }],
      cleanup: { result: 'deleted', detail: 'deleted restore-drill-orders-20261128t060000z-3fa9c1d2' },
      recoveryPointAgeSeconds: 10_800,
      restoreDurationSeconds: 1_200,
      finishedAt: '2026-11-28T06:25:00.000Z',
      ...outcome,
    },
  };
}
const lines = (drill: FinishedDrill) => reportText(drill).split('\n');
const failedCheck: CheckResult = { check: 'item count', status: 'FAIL', summary: 'restored 4, source 5', nextStep: 'compare keys' };

describe('the email body: what a person reads in ten seconds', () => {
  test('a PASS, line by line', () => {
    expect(
      reportText(
        finished({}, { sourceReadUnits: 12_500, sourceReadUnitsPerSecond: 200, restoredScan: { items: 1_234_567, readUnits: 4_096 } }),
      ),
    ).toBe(
      [
        'PASS: restore drill of orders',
        '',
        'Recovery point  arn:aws:backup:eu-west-1:111122223333:recovery-point:abc',
        '  created       2026-11-28 03:00:00 UTC (3h00m old), vault vault',
        'Restore job     job-1 COMPLETED, restore took 20m00s',
        'Restored copy   restore-drill-orders-20261128t060000z-3fa9c1d2',
        '',
        'Checks',
        '  PASS  restored  job COMPLETED, table ACTIVE',
        '  reads: restored copy: 1,234,567 items in one parallel scan, 4,096 read units; source: 12,500 read units (paced to 200 units/s at most)',
        '',
        'Cleanup',
        '  deleted: deleted restore-drill-orders-20261128t060000z-3fa9c1d2',
        '',
        'Console',
        '  source table   https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1#table?name=orders',
        '  restore job    https://eu-west-1.console.aws.amazon.com/backup/home?region=eu-west-1#/jobs/restore/details/job-1',
        '',
        'Drill 20261128t060000z-3fa9c1d2, triggered by schedule at 2026-11-28 06:00:00 UTC, finished 2026-11-28 06:25:00 UTC.',
      ].join('\n'),
    );
  });

  test('a failed check: what failed and the next step come first', () => {
    const body = lines(finished({}, { verdict: 'FAIL', checks: [{ check: 'RPO', status: 'PASS', summary: 'ok' }, failedCheck] }));
    expect(body.slice(0, 3)).toEqual([
      'FAIL: restore drill of orders',
      'What failed: item count - restored 4, source 5',
      'Next step: compare keys',
    ]);
  });

  test('a failed check without a next step: no next-step line', () => {
    const body = lines(finished({}, { verdict: 'FAIL', checks: [{ ...failedCheck, nextStep: undefined }] }));
    expect(body.slice(0, 3)).toEqual(['FAIL: restore drill of orders', 'What failed: item count - restored 4, source 5', '']);
  });

  test('a failure outside the checks is what failed, before any failed check', () => {
    const body = lines(finished({}, { verdict: 'FAIL', failure: 'no recovery point: none', checks: [failedCheck] }));
    expect(body.slice(0, 3)).toEqual(['FAIL: restore drill of orders', 'What failed: no recovery point: none', '']);
  });

  test("each check's line: status and name in columns as wide as the longest name, the next step under it unless it passed", () => {
    const checks: CheckResult[] = [
      { check: 'RPO', status: 'PASS', summary: 'fine', nextStep: 'not shown for a PASS' },
      { check: 'sample compare', status: 'WARN', summary: '1 differs', nextStep: 'declare an updatedAtAttribute', sourceReadUnits: 2_500 },
      { ...failedCheck, sourceReadUnits: 0 },
    ];
    const body = lines(finished({}, { checks }));
    const at = body.indexOf('Checks');
    expect(body.slice(at + 1, at + 6)).toEqual([
      '  PASS  RPO             fine',
      '  WARN  sample compare  1 differs [2,500 source read units]',
      '                        next: declare an updatedAtAttribute',
      '  FAIL  item count      restored 4, source 5 [0 source read units]',
      '                        next: compare keys',
    ]);
  });

  test('short check names still get a column of ten', () => {
    const body = lines(finished({}, { checks: [{ check: 'RTO', status: 'FAIL', summary: 's', nextStep: 'n' }] }));
    const at = body.indexOf('Checks');
    expect(body.slice(at + 1, at + 3)).toEqual(['  FAIL  RTO       s', '                  next: n']);
  });

  test('no checks ran', () => {
    const body = lines(finished({}, { checks: [] }));
    expect(body[body.indexOf('Checks') + 1]).toBe('  none ran');
  });

  test('a long summary is clipped to 1,000 characters, in the check line and in what failed', () => {
    const long = 'x'.repeat(1_500);
    const body = lines(finished({}, { verdict: 'FAIL', checks: [{ check: 'schema', status: 'FAIL', summary: long }] }));
    expect(body[1]).toBe(`What failed: schema - ${'x'.repeat(997)}...`);
    expect(body[body.indexOf('Checks') + 1]).toBe(`  FAIL  schema    ${'x'.repeat(997)}...`);
    const exact = lines(finished({}, { checks: [{ check: 'schema', status: 'PASS', summary: 'y'.repeat(1_000) }] }));
    expect(exact[exact.indexOf('Checks') + 1]).toBe(`  PASS  schema    ${'y'.repeat(1_000)}`);
  });

  test('reads: only what is known', () => {
    const readsLine = (outcome: Partial<FinishedDrill['outcome']>) =>
      lines(finished({}, outcome)).find((line) => line.startsWith('  reads:'));
    expect(readsLine({})).toBeUndefined();
    expect(readsLine({ restoredScan: { items: 3, readUnits: 1.5 } })).toBe(
      '  reads: restored copy: 3 items in one parallel scan, 1.5 read units',
    );
    expect(readsLine({ sourceReadUnits: 0 })).toBe('  reads: source: 0 read units');
    expect(readsLine({ sourceReadUnits: 7, sourceReadUnitsPerSecond: 0.5 })).toBe(
      '  reads: source: 7 read units (paced to 0.5 units/s at most)',
    );
  });

  test('no recovery point, no restore: said so, no restore lines', () => {
    const body = lines(
      finished(
        { recoveryPoint: undefined, restoreJobId: undefined, restoreJob: undefined },
        {
          verdict: 'FAIL',
          failure: 'no recovery point: x',
          checks: [],
          recoveryPointAgeSeconds: undefined,
          restoreDurationSeconds: undefined,
        },
      ),
    );
    expect(body).toContain('Recovery point  none found');
    expect(body.some((line) => line.startsWith('Restore job') || line.startsWith('Restored copy'))).toBe(false);
  });

  test('a recovery point of unknown age, a restore of unknown duration and status', () => {
    const body = lines(finished({ restoreJob: undefined }, { recoveryPointAgeSeconds: undefined, restoreDurationSeconds: undefined }));
    expect(body).toContain('  created       2026-11-28 03:00:00 UTC, vault vault');
    expect(body).toContain('Restore job     job-1 ');
  });

  test('the cleanup outcome', () => {
    const body = lines(finished({}, { cleanup: { result: 'refused', detail: 'left it in place: not ours' } }));
    expect(body.slice(body.indexOf('Cleanup') + 1)[0]).toBe('  refused: left it in place: not ours');
  });

  test('a body too long is clipped before the footer, which always closes it', () => {
    const checks = Array.from({ length: 300 }, (_, i): CheckResult => ({ check: `c${i}`, status: 'PASS', summary: 'p'.repeat(990) }));
    const body = reportText(finished({}, { checks }));
    const footer =
      '\n\nDrill 20261128t060000z-3fa9c1d2, triggered by schedule at 2026-11-28 06:00:00 UTC, finished 2026-11-28 06:25:00 UTC.';
    expect(body.length).toBe(100_000);
    expect(body.endsWith(`...${footer}`)).toBe(true);
  });
});

describe('the JSON document: for machine subscribers', () => {
  test('every field', () => {
    const drill = finished(
      {},
      { sourceReadUnits: 5, sourceReadUnitsPerSecond: 200, restoredScan: { items: 5, readUnits: 2.5 }, checks: [failedCheck] },
    );
    expect(reportDocument(drill)).toEqual({
      verdict: 'PASS',
      table: 'orders',
      tableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders',
      drillId: '20261128t060000z-3fa9c1d2',
      trigger: 'schedule',
      startedAt: '2026-11-28T06:00:00.000Z',
      finishedAt: '2026-11-28T06:25:00.000Z',
      failure: undefined,
      recoveryPoint: {
        recoveryPointArn: 'arn:aws:backup:eu-west-1:111122223333:recovery-point:abc',
        backupVaultName: 'vault',
        creationDate: '2026-11-28T03:00:00.000Z',
        ageSeconds: 10_800,
      },
      restoreJob: { restoreJobId: 'job-1', status: 'COMPLETED', statusMessage: 'done', durationSeconds: 1_200 },
      restoredTable: 'restore-drill-orders-20261128t060000z-3fa9c1d2',
      checks: [failedCheck],
      reads: { restoredScan: { items: 5, readUnits: 2.5 }, sourceReadUnits: 5, sourceReadUnitsPerSecond: 200 },
      cleanup: { result: 'deleted', detail: 'deleted restore-drill-orders-20261128t060000z-3fa9c1d2' },
      // Console links of what exists (no log group outside Lambda, no copy after a delete); no runbook without one recorded.
      keptCopy: undefined,
      links: {
        logs: undefined,
        restoreJob: 'https://eu-west-1.console.aws.amazon.com/backup/home?region=eu-west-1#/jobs/restore/details/job-1',
        restoredCopy: undefined,
        table: 'https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1#table?name=orders',
      },
      restoreTest: undefined,
      runbook: undefined,
    });
  });

  test('no recovery point and no restore job: neither, and no restored table', () => {
    const document = reportDocument(
      finished({ recoveryPoint: undefined, restoreJobId: undefined, restoreJob: undefined }, { failure: 'no recovery point: x' }),
    );
    expect(document).toMatchObject({ failure: 'no recovery point: x', recoveryPoint: undefined, restoredTable: undefined });
    expect(document.restoreJob).toBeFalsy();
  });

  test('a restore job last seen without details', () => {
    expect(reportDocument(finished({ restoreJob: undefined })).restoreJob).toEqual({
      restoreJobId: 'job-1',
      status: undefined,
      statusMessage: undefined,
      durationSeconds: 1_200,
    });
  });

  test('summaries clipped to 1,000 characters, the rest of each check kept', () => {
    const long: CheckResult = { check: 'schema', status: 'FAIL', summary: 'z'.repeat(1_001), nextStep: 'n', numbers: { a: 1 } };
    expect(reportDocument(finished({}, { checks: [long] })).checks).toEqual([{ ...long, summary: `${'z'.repeat(997)}...` }]);
  });

  test('the SNS message: the JSON as default and email-json, the text as email, verdict, table and drill id as attributes', () => {
    const drill = finished({}, { verdict: 'FAIL', checks: [failedCheck] });
    const message = drillMessage(drill);
    expect(message.bodies).toEqual({
      default: JSON.stringify(reportDocument(drill)),
      email: reportText(drill),
      'email-json': JSON.stringify(reportDocument(drill)),
    });
    expect(message.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: '20261128t060000z-3fa9c1d2' });
    expect(message.subject).toBe('[FAIL] restore drill orders: RTO 20m00s, RPO 3h00m - item count');
  });
});
