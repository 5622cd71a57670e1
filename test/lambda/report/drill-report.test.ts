import type { FinishedDrill } from '../../../lambda/report/drill-report';
import { drillMessage, EARLY_FAILURE_LABELS, reportSubject } from '../../../lambda/report/drill-report';
import { formatDuration } from '../../../lambda/report/format';

const drill = (overrides: Partial<FinishedDrill> = {}): FinishedDrill => ({
  drillId: '20261128t060000z-3fa9c1d2',
  sourceTable: 'orders',
  sourceTableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
  trigger: 'schedule',
  startedAt: '2026-11-28T06:00:00.000Z',
  status: 'REPORTING',
  restoredTableName: 'drill-copy-orders-20261128t060000z-3fa9c1d2',
  recoveryPoint: {
    recoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:abc',
    backupVaultName: 'vault',
    creationDate: '2026-11-28T02:56:00.000Z',
  },
  restoreJobId: 'job-1',
  restoreJob: { restoreJobId: 'job-1', status: 'COMPLETED' },
  outcome: {
    verdict: 'PASS',
    checks: [{ check: 'restored', status: 'PASS', summary: 'job COMPLETED, table ACTIVE' }],
    cleanup: { result: 'deleted', detail: 'deleted drill-copy-orders-20261128t060000z-3fa9c1d2' },
    recoveryPointAgeSeconds: 11040,
    restoreDurationSeconds: 372,
    finishedAt: '2026-11-28T06:07:00.000Z',
  },
  ...overrides,
});

describe('formatDuration', () => {
  test.each([
    [42, '42s'],
    [372, '6m12s'],
    [11040, '3h04m'],
    [190000, '2d04h'],
  ])('%d s -> %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});

describe('subject', () => {
  test('carries verdict, table, RTO and RPO', () => {
    expect(reportSubject(drill())).toBe('[PASS] restore drill orders: RTO 6m12s, RPO 3h04m');
  });

  /** SNS Publish: fewer than 100 characters, no line breaks or control characters. */
  const expectValidSubject = (subject: string) => {
    expect(subject.length).toBeLessThanOrEqual(99);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  };

  const failing = (checks: string[], overrides: Partial<FinishedDrill> = {}): FinishedDrill => {
    const base = drill(overrides);
    return {
      ...base,
      outcome: {
        ...base.outcome,
        verdict: 'FAIL',
        checks: checks.map((check) => ({ check, status: 'FAIL' as const, summary: 'x' })),
      },
    };
  };

  test('the longest table name (255 characters) is shortened in the middle; verdict, RTO and RPO stay', () => {
    const table = `prod-${'a'.repeat(240)}-eu-west-1`;
    const subject = reportSubject(drill({ sourceTable: table }));
    expectValidSubject(subject);
    expect(subject).toMatch(/^\[PASS\] restore drill prod-a+\.\.\.a+-eu-west-1: RTO 6m12s, RPO 3h04m$/);
  });

  test('a FAIL names the failed checks', () => {
    expect(reportSubject(failing(['schema', 'item count']))).toBe('[FAIL] restore drill orders: RTO 6m12s, RPO 3h04m - schema, item count');
  });

  test('a FAIL with the longest table name keeps every failed check: the table name gives way', () => {
    const subject = reportSubject(failing(['schema', 'item count'], { sourceTable: 'b'.repeat(255) }));
    expectValidSubject(subject);
    expect(subject).toMatch(/^\[FAIL\] restore drill b+\.\.\.b+: RTO 6m12s, RPO 3h04m - schema, item count$/);
  });

  test('failed checks too long for RTO and RPO too: those go to the body, every check name stays', () => {
    const checks = ['restored', 'schema', 'item count', 'sample compare'];
    const subject = reportSubject(failing(checks, { sourceTable: 'c'.repeat(255) }));
    expectValidSubject(subject);
    expect(subject).toMatch(new RegExp(`^\\[FAIL\\] restore drill c+\\.\\.\\.c+ - ${checks.join(', ')}$`));
  });

  test('more failed checks than fit: "N checks failed" with as many names as fit, in report order', () => {
    const checks = [
      'restored',
      'schema',
      'item count',
      'sample compare',
      'content digest',
      'canary',
      'polygon-closes',
      'floor-plans-match-scans',
    ];
    const subject = reportSubject(failing(checks, { sourceTable: 'd'.repeat(255) }));
    expectValidSubject(subject);
    expect(subject).toBe('[FAIL] restore drill ddddddd...dddddd - 8 checks failed: restored, schema, item count, +5 more');
  });

  test('one failed custom check whose name alone is too long is clipped, never dropped', () => {
    const subject = reportSubject(failing([`every-room-${'x'.repeat(150)}`, 'schema'], { sourceTable: 'orders' }));
    expectValidSubject(subject);
    expect(subject).toMatch(/^\[FAIL\] restore drill orders - 2 checks failed: every-room-x+\.\.\., \+1 more$/);
  });

  test('check names with line breaks or non-ASCII characters cannot break the subject', () => {
    const subject = reportSubject(failing(['zone\ncheck', 'größe']));
    expectValidSubject(subject);
    expect(subject).toBe('[FAIL] restore drill orders: RTO 6m12s, RPO 3h04m - zone check, gr??e');
  });

  test.each([1, 3, 9, 30])('any table name, %d failed checks of any length: always a valid subject that names what failed', (count) => {
    for (const tableLength of [3, 40, 80, 255]) {
      for (const nameLength of [3, 15, 40, 120]) {
        const checks = Array.from({ length: count }, (_, i) => `${i}${'n'.repeat(nameLength - 1)}`);
        const subject = reportSubject(failing(checks, { sourceTable: 't'.repeat(tableLength) }));
        expectValidSubject(subject);
        expect(subject).toMatch(/^\[FAIL\] restore drill t/);
        const allNamed = checks.every((check) => subject.includes(check));
        expect(allNamed || subject.includes(`${count} checks failed: 0`)).toBe(true);
      }
    }
  });

  /** A FAIL before or outside the checks: `failure` the outcome's line, the cleanup as given. */
  const failedOutside = (failure: string | undefined, overrides: Partial<FinishedDrill> = {}, cleanup = drill().outcome.cleanup) => {
    const base = drill(overrides);
    return { ...base, outcome: { ...base.outcome, verdict: 'FAIL' as const, failure, checks: [], cleanup } };
  };

  test.each(EARLY_FAILURE_LABELS)('an early failure labelled "%s" is named by its label', (label) => {
    expect(reportSubject(failedOutside(`${label}: details`))).toBe(`[FAIL] restore drill orders: RTO 6m12s, RPO 3h04m - ${label}`);
  });

  test('a failure without a label: "drill error" after a restore started, "no restore" before', () => {
    expect(reportSubject(failedOutside('StartRestoreJob throttled'))).toMatch(/ - drill error$/);
    expect(reportSubject(failedOutside('StartRestoreJob throttled', { restoreJobId: undefined }))).toMatch(/ - no restore$/);
  });

  test.each(['failed', 'refused'] as const)(
    'a cleanup that %s is named after the failed checks, and alone when only it failed',
    (result) => {
      const cleanup = { result, detail: 'left the copy' };
      const checksAndCleanup = failing(['schema']);
      expect(reportSubject({ ...checksAndCleanup, outcome: { ...checksAndCleanup.outcome, failure: 'schema: x', cleanup } })).toMatch(
        / - schema, cleanup$/,
      );
      expect(reportSubject(failedOutside('cleanup: left the copy', {}, cleanup))).toMatch(/RPO 3h04m - cleanup$/);
    },
  );

  test('only the checks that FAILed are named, not those that passed or warned', () => {
    const base = failing(['schema']);
    const checks = [
      { check: 'restored', status: 'PASS' as const, summary: 'x' },
      ...base.outcome.checks,
      { check: 'canary', status: 'WARN' as const, summary: 'x' },
    ];
    expect(reportSubject({ ...base, outcome: { ...base.outcome, failure: 'schema: x', checks } })).toMatch(/RPO 3h04m - schema$/);
  });

  test('dashes become hyphens and runs of white space one space', () => {
    expect(reportSubject(failing(['a—b–c', 'd \n\t e']))).toMatch(/ - a-b-c, d e$/);
  });

  test('RTO and RPO stay while the table can keep 16 characters, exactly; one character more and they go', () => {
    // 21 (head) + 16 (table) + 22 (RTO, RPO) + 3 + 37 (check) = 99.
    expect(reportSubject(failing(['x'.repeat(37)], { sourceTable: 't'.repeat(30) }))).toBe(
      `[FAIL] restore drill ttttttt...tttttt: RTO 6m12s, RPO 3h04m - ${'x'.repeat(37)}`,
    );
    expect(reportSubject(failing(['x'.repeat(38)], { sourceTable: 't'.repeat(30) }))).not.toContain('RTO');
  });

  test('the check names stay whole while the table can keep 16 characters, exactly; one more and the list is abbreviated', () => {
    // 21 + 16 + 3 + 59 = 99.
    expect(reportSubject(failing(['x'.repeat(59)], { sourceTable: 't'.repeat(30) }))).toBe(
      `[FAIL] restore drill ttttttt...tttttt - ${'x'.repeat(59)}`,
    );
    expect(reportSubject(failing(['x'.repeat(60)], { sourceTable: 't'.repeat(30) }))).toMatch(/ - 1 checks failed: x+\.\.\.$/);
  });

  test('an abbreviated list that fills the subject exactly keeps its last name', () => {
    // 21 + 16 + 3 + "3 checks failed: " 17 + 15 + 2 + 16 + ", +1 more" 9 = 99.
    const subject = reportSubject(failing(['a'.repeat(15), 'b'.repeat(16), 'c'.repeat(30)], { sourceTable: 't'.repeat(30) }));
    expect(subject).toBe(`[FAIL] restore drill ttttttt...tttttt - 3 checks failed: ${'a'.repeat(15)}, ${'b'.repeat(16)}, +1 more`);
    expect(subject).toHaveLength(99);
  });

  test('one failed check too long for the subject is clipped, with no "+0 more"', () => {
    expect(reportSubject(failing(['x'.repeat(150)]))).toMatch(/^\[FAIL\] restore drill orders - 1 checks failed: x+\.\.\.$/);
  });

  test('"no recovery point" says so in the subject', () => {
    const base = drill({ recoveryPoint: undefined, restoreJobId: undefined, restoreJob: undefined });
    const subject = reportSubject({
      ...base,
      outcome: {
        ...base.outcome,
        verdict: 'FAIL',
        failure: 'no recovery point: no backup of orders has completed',
        checks: [],
        cleanup: { result: 'absent', detail: 'no restore was started, nothing to delete' },
        recoveryPointAgeSeconds: undefined,
        restoreDurationSeconds: undefined,
      },
    });
    expect(subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no recovery point');
  });
});

describe('message', () => {
  test('JSON for machines, readable text for email, attributes for filters', () => {
    const message = drillMessage(drill());
    expect(message.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId: '20261128t060000z-3fa9c1d2' });
    expect(JSON.parse(message.bodies.default)).toMatchObject({ verdict: 'PASS', table: 'orders', restoreJob: { restoreJobId: 'job-1' } });
    expect(message.bodies['email-json']).toBe(message.bodies.default);
    expect(message.bodies.email.split('\n')[0]).toBe('PASS: restore drill of orders');
    expect(message.bodies.email).toContain('Recovery point  arn:aws:backup:us-east-1:123456789012:recovery-point:abc');
    expect(message.bodies.email).toContain('created       2026-11-28 02:56:00 UTC (3h04m old), vault vault');
    expect(message.bodies.email).toContain('Restore job     job-1 COMPLETED, restore took 6m12s');
  });

  test('the drill id is in the message attribute, the JSON and the email body, however long the body', () => {
    const base = drill();
    const message = drillMessage({
      ...base,
      outcome: {
        ...base.outcome,
        checks: Array.from({ length: 200 }, (_, i) => ({ check: `c${i}`, status: 'WARN' as const, summary: 'w'.repeat(900) })),
      },
    });
    expect(message.attributes.drillId).toBe('20261128t060000z-3fa9c1d2');
    expect(JSON.parse(message.bodies.default).drillId).toBe('20261128t060000z-3fa9c1d2');
    expect(message.bodies.email.length).toBeLessThanOrEqual(100_000);
    expect(message.bodies.email).toMatch(/\n\nDrill 20261128t060000z-3fa9c1d2, triggered by schedule at .*\.$/);
  });

  test('a huge check summary is clipped so the message stays far below the SNS limit', () => {
    const base = drill();
    const message = drillMessage({
      ...base,
      outcome: {
        ...base.outcome,
        checks: Array.from({ length: 20 }, () => ({ check: 'x', status: 'FAIL' as const, summary: 'k'.repeat(50_000) })),
      },
    });
    expect(Buffer.byteLength(JSON.stringify(message.bodies))).toBeLessThan(256 * 1024);
  });
});
