import type { FinishedDrill } from '../../../lambda/report/drill-report';
import { drillMessage, reportSubject } from '../../../lambda/report/drill-report';
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

  test('stays within 100 printable ASCII characters for the longest table name', () => {
    const subject = reportSubject(drill({ sourceTable: 'a'.repeat(255) }));
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^\[PASS\] restore drill a+\.\.\.: RTO 6m12s, RPO 3h04m$/);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  test('a FAIL names the failed checks', () => {
    const failed = drill();
    const subject = reportSubject({
      ...failed,
      outcome: {
        ...failed.outcome,
        verdict: 'FAIL',
        checks: [
          { check: 'schema', status: 'FAIL', summary: 'missing GSI x' },
          { check: 'item count', status: 'FAIL', summary: '1 missing' },
        ],
      },
    });
    expect(subject).toBe('[FAIL] restore drill orders: RTO 6m12s, RPO 3h04m - schema, item count');
  });
});

describe('message', () => {
  test('JSON for machines, readable text for email, attributes for filters', () => {
    const message = drillMessage(drill());
    expect(message.attributes).toEqual({ verdict: 'PASS', table: 'orders' });
    expect(JSON.parse(message.bodies.default)).toMatchObject({ verdict: 'PASS', table: 'orders', restoreJob: { restoreJobId: 'job-1' } });
    expect(message.bodies['email-json']).toBe(message.bodies.default);
    expect(message.bodies.email.split('\n')[0]).toBe('PASS: restore drill of orders');
    expect(message.bodies.email).toContain('Recovery point  arn:aws:backup:us-east-1:123456789012:recovery-point:abc');
    expect(message.bodies.email).toContain('created       2026-11-28 02:56:00 UTC (3h04m old), vault vault');
    expect(message.bodies.email).toContain('Restore job     job-1 COMPLETED, restore took 6m12s');
  });

  test('a huge check summary is clipped so the message stays far below the SNS limit', () => {
    const base = drill();
    const message = drillMessage({
      ...base,
      outcome: { ...base.outcome, checks: Array.from({ length: 20 }, () => ({ check: 'x', status: 'FAIL' as const, summary: 'k'.repeat(50_000) })) },
    });
    expect(Buffer.byteLength(JSON.stringify(message.bodies))).toBeLessThan(256 * 1024);
  });
});
