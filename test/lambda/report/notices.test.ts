import { awsReason, backupFailureMessage, copyNotDeletedMessage } from '../../../lambda/report/notices';
import type { FailedBackupJob } from '../../../lambda/triggers';

/**
 * The messages that are not a drill's report: a failed backup or copy job of a drilled table, and
 * a restore test copy AWS Backup could not delete. What a subscriber filters and acts on - the
 * subject's head, the JSON document, the message attributes, the next step - is the contract.
 */

const job = (overrides: Partial<FailedBackupJob> = {}): FailedBackupJob => ({
  kind: 'backup',
  jobId: 'JOB-1',
  state: 'FAILED',
  resourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
  vault: 'drill-vault',
  statusMessage: '"Backup job failed because backup vault drill-vault does not exist."',
  time: new Date('2026-12-02T05:00:00Z'),
  region: 'us-east-1',
  ...overrides,
});
const documentOf = (message: { bodies: Record<string, string> }) => JSON.parse(message.bodies.default);

describe('awsReason', () => {
  test.each([
    ['"quoted"', 'quoted'],
    ['  ""twice quoted""  ', 'twice quoted'],
    ['" spaced inside "', 'spaced inside'],
    ['plain "inner" quotes', 'plain "inner" quotes'],
    ['', 'no status message from AWS Backup'],
    ['  ""  ', 'no status message from AWS Backup'],
    [undefined, 'no status message from AWS Backup'],
  ])('%j -> %j', (statusMessage, reason) => {
    expect(awsReason(statusMessage)).toBe(reason);
  });
});

describe('backupFailureMessage', () => {
  test('a failed backup job: subject, document, attributes and bodies', () => {
    const message = backupFailureMessage(job(), 'orders');
    const reason = 'Backup job failed because backup vault drill-vault does not exist.';
    expect(message.subject).toBe(`[BACKUP FAILED] orders: ${reason}`);
    expect(documentOf(message)).toEqual({
      verdict: 'FAIL',
      kind: 'backup-job-failed',
      table: 'orders',
      tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
      jobId: 'JOB-1',
      state: 'FAILED',
      vault: 'drill-vault',
      time: '2026-12-02T05:00:00.000Z',
      statusMessage: reason,
      nextStep: expect.stringContaining('often the backup role, the vault or its key policy'),
    });
    expect(message.bodies['email-json']).toBe(message.bodies.default);
    expect(message.attributes).toEqual({ verdict: 'FAIL', table: 'orders', jobId: 'JOB-1' });
    // The e-mail body is what the on-call person reads: every line, in order, blank lines included.
    expect(message.bodies.email.split('\n')).toEqual([
      'FAIL: the backup job of orders FAILED',
      '',
      'Job            JOB-1 (backup job, FAILED)',
      'Table          arn:aws:dynamodb:us-east-1:123456789012:table/orders',
      'Vault          drill-vault',
      'Time           2026-12-02 05:00:00 UTC',
      `AWS Backup     ${reason}`,
      '',
      `Next step: ${documentOf(message).nextStep}`,
      '',
      "Until a backup completes, orders's newest recovery point grows older; the next drill checks it against the RPO target.",
    ]);
  });

  test.each([
    ['ABORTED', 'CloudTrail StopBackupJob'],
    ['EXPIRED', 'widen backupStartWindowMinutes'],
    ['PARTIAL', 'often the backup role, the vault or its key policy'],
  ])('a backup job %s: its own next step (an unknown state gets the FAILED one)', (state, advice) => {
    const message = backupFailureMessage(job({ state }), 'orders');
    expect(message.subject.startsWith(`[BACKUP ${state}] orders: `)).toBe(true);
    expect(documentOf(message)).toMatchObject({ kind: 'backup-job-failed', state, nextStep: expect.stringContaining(advice) });
  });

  test('a copy job: its head, kind and next step, whatever its state', () => {
    for (const state of ['FAILED', 'ABORTED']) {
      const message = backupFailureMessage(job({ kind: 'copy', state, vault: 'a -> b' }), 'orders');
      expect(message.subject.startsWith(`[COPY ${state}] orders: `)).toBe(true);
      expect(documentOf(message)).toMatchObject({
        kind: 'copy-job-failed',
        state,
        vault: 'a -> b',
        nextStep: expect.stringContaining('check the destination vault exists'),
      });
      expect(message.bodies.email.split('\n')[0]).toBe(`FAIL: the copy job of orders ${state}`);
    }
  });

  test('no vault and no status message in the event: said so, not left blank', () => {
    const message = backupFailureMessage(job({ vault: undefined, statusMessage: undefined }), 'orders');
    expect(message.bodies.email).toContain('Vault          not named in the event');
    expect(documentOf(message)).toMatchObject({ statusMessage: 'no status message from AWS Backup' });
    expect(documentOf(message)).not.toHaveProperty('vault');
    expect(message.subject).toBe('[BACKUP FAILED] orders: no status message from AWS Backup');
  });

  test('a long table name and reason: the subject is printable ASCII under 100 characters, the table shortened in the middle', () => {
    const table = `orders-${'x'.repeat(80)}-eu`;
    const message = backupFailureMessage(job({ statusMessage: `Vault “été” ${'is gone '.repeat(20)}` }), table);
    expect(message.subject.length).toBeLessThanOrEqual(99);
    expect(message.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(message.subject).toMatch(/^\[BACKUP FAILED\] orders-x+\.\.\.x+-eu: Vault \?\?t\?\?/);
    // The document and attributes keep the whole name.
    expect(documentOf(message).table).toBe(table);
    expect(message.attributes.table).toBe(table);
  });
});

describe('copyNotDeletedMessage', () => {
  const copy = {
    drillId: 'drill-7',
    sourceTable: 'orders',
    restoredTableName: 'orders-restore-test-1',
    restoreJobId: 'RJ-9',
    planArn: 'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:drill-plan-abc',
    deletionStatusMessage: '"Access denied"',
  };

  test('subject, document, attributes and the next step naming the copy to delete', () => {
    const message = copyNotDeletedMessage(copy);
    expect(message.subject).toBe('[FAIL] copy not deleted: orders-restore-test-1 of orders');
    const nextStep = expect.stringContaining('delete orders-restore-test-1 by hand');
    expect(documentOf(message)).toEqual({
      verdict: 'FAIL',
      kind: 'restore-test-copy-not-deleted',
      table: 'orders',
      drillId: 'drill-7',
      restoreJobId: 'RJ-9',
      restoredTable: 'orders-restore-test-1',
      deletionStatus: 'FAILED',
      deletionStatusMessage: 'Access denied',
      nextStep,
    });
    expect(message.bodies['email-json']).toBe(message.bodies.default);
    expect(message.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: 'drill-7' });
    expect(message.bodies.email.split('\n')).toEqual([
      'FAIL: AWS Backup did not delete the restore test copy orders-restore-test-1 of orders',
      '',
      `Restore job    RJ-9 (restore testing plan ${copy.planArn})`,
      'Copy           orders-restore-test-1',
      'AWS Backup     DeletionStatus FAILED: Access denied',
      '',
      `Next step: ${documentOf(message).nextStep}`,
      '',
      'Drill drill-7.',
    ]);
  });

  test('a long source table name: shortened in the subject only, which stays under 100 printable characters', () => {
    const sourceTable = `orders-${'y'.repeat(60)}`;
    const message = copyNotDeletedMessage({ ...copy, sourceTable, restoredTableName: 'orders-restore-test-é' });
    expect(message.subject.length).toBeLessThanOrEqual(99);
    expect(message.subject).toMatch(/^\[FAIL\] copy not deleted: orders-restore-test-\? of orders-y+\.\.\.y+$/);
    expect(documentOf(message).table).toBe(sourceTable);
  });
});
