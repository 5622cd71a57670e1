import type { RestoreJob } from '../../../lambda/domain/backup';
import { restoreTestRecord } from '../../../lambda/drill/restore-test';

/**
 * The drill record of a restore test when DescribeRestoreJob leaves out what it may: every member
 * of its response is optional in the API reference (API_DescribeRestoreJob), and a FAILED job names
 * no copy. The flow tests (native-flow.test.ts) cover the job as AWS Backup describes it in full.
 */

const PLAN = 'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:drill_plan-7a1b2c';
const POINT = 'arn:aws:backup:us-east-1:123456789012:recovery-point:9d2c1b0a-1111-4222-8333-944455556666';
const NOW = Date.parse('2026-11-28T06:40:00.000Z');
const config = { restoreTesting: { adoptedPlans: [PLAN] } };

const record = (job: Partial<RestoreJob>, newestCreationDate?: Date) =>
  restoreTestRecord({
    config,
    job: { restoreJobId: 'JOB-1', status: 'COMPLETED', ...job },
    planArn: PLAN,
    tableName: 'orders',
    tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
    now: NOW,
    newestCreationDate,
  });

test('no RecoveryPointCreationDate: the job’s creation stands for the point’s; neither: now', () => {
  const created = new Date('2026-11-28T06:00:00.000Z');
  expect(record({ recoveryPointArn: POINT, creationDate: created }).recoveryPoint?.creationDate).toBe('2026-11-28T06:00:00.000Z');
  const bare = record({ recoveryPointArn: POINT });
  expect(bare.recoveryPoint?.creationDate).toBe('2026-11-28T06:40:00.000Z');
  expect(bare.startedAt).toBe('2026-11-28T06:40:00.000Z');
  expect(bare.restoreStartedAt).toBe('2026-11-28T06:40:00.000Z');
});

test('the vault: its name from the vault ARN, the ARN itself when it is not one, "unknown" when none is given', () => {
  const vault = (backupVaultArn?: string) => record({ recoveryPointArn: POINT, backupVaultArn }).recoveryPoint?.backupVaultName;
  expect(vault('arn:aws:backup:us-east-1:123456789012:backup-vault:drill-vault')).toBe('drill-vault');
  expect(vault('drill-vault')).toBe('drill-vault');
  expect(vault(undefined)).toBe('unknown');
});

test('no recovery point named: none recorded; no copy named: the prefix stands for it', () => {
  const failed = record({ status: 'FAILED' });
  expect(failed.recoveryPoint).toBeUndefined();
  expect(failed.restoredTableName).toBe('awsbackup-restore-test-(none)');
  expect(failed).toMatchObject({ drillId: 'restore-test-job-1', status: 'RESTORING', trigger: 'restore-test', restoreJobId: 'JOB-1' });
});

test('a newer point is named only when it is newer than the restored one', () => {
  const restored = new Date('2026-11-28T04:00:00.000Z');
  const newest = (at: string) =>
    record({ recoveryPointArn: POINT, recoveryPointCreationDate: restored }, new Date(at)).recoveryPoint?.newestCreationDate;
  expect(newest('2026-11-28T04:00:00.001Z')).toBe('2026-11-28T04:00:00.001Z');
  expect(newest('2026-11-28T04:00:00.000Z')).toBeUndefined();
  expect(newest('2026-11-28T03:59:59.999Z')).toBeUndefined();
});
