import type { RecoveryPoint } from '../../lambda/domain/backup';
import { chooseRecoveryPoint } from '../../lambda/drill/find-recovery-point';
import { VALIDATION_MESSAGE_LIMIT, isValidatedPlan, validationMessage } from '../../lambda/drill/restore-test';
import { awsReason, backupFailureMessage } from '../../lambda/report/notices';
import { parseTrigger } from '../../lambda/triggers';
import { resolveSettings } from '../../lib/settings';

const NOW = Date.parse('2026-11-28T06:00:00Z');
const point = (daysAgo: number): RecoveryPoint => ({
  recoveryPointArn: `arn:aws:backup:us-east-1:123456789012:recovery-point:${daysAgo}`,
  backupVaultName: 'vault',
  resourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
  status: 'COMPLETED',
  creationDate: new Date(NOW - daysAgo * 86_400_000),
});

describe('chooseRecoveryPoint', () => {
  const completed = [point(0.2), point(3), point(6), point(20)];
  const search = { latest: completed[0], completed, notCompleted: {} };

  test('latest: the newest', () => {
    expect(chooseRecoveryPoint(search, { policy: 'latest', windowDays: 7 }, NOW, () => 0.99)).toEqual({
      point: completed[0],
      selectedBy: 'newest',
    });
  });

  test('random: only points within the window, and the report says so', () => {
    const chosen = [0, 0.4, 0.99].map((r) => chooseRecoveryPoint(search, { policy: 'random', windowDays: 7 }, NOW, () => r));
    expect(chosen.map((c) => c.point)).toEqual([completed[0], completed[1], completed[2]]);
    expect(chosen[0].selectedBy).toBe('random among 3 within 7 days');
  });

  test('random with nothing in the window: the newest, said', () => {
    const old = { latest: point(20), completed: [point(20)], notCompleted: {} };
    expect(chooseRecoveryPoint(old, { policy: 'random', windowDays: 1 }, NOW, () => 0).selectedBy).toBe(
      'newest (no recovery point within 1 day to choose from at random)',
    );
  });
});

describe('restore tests', () => {
  const own = 'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:own_plan-abc123';
  const config = {
    ownPlan: { arn: own, validationWindowHours: 4, selection: { policy: 'latest' as const, windowDays: 7 } },
    adoptedPlans: [
      'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:theirs-',
      'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:exact-1',
    ],
  };
  test.each([
    [own, true],
    ['arn:aws:backup:us-east-1:123456789012:restore-testing-plan:theirs-9f9f', true],
    ['arn:aws:backup:us-east-1:123456789012:restore-testing-plan:theirs_too-9f9f', false],
    ['arn:aws:backup:us-east-1:123456789012:restore-testing-plan:exact-1', true],
    ['arn:aws:backup:us-east-1:123456789012:restore-testing-plan:exact-2', false],
  ])('plan %s validated: %s', (arn, expected) => {
    expect(isValidatedPlan(config, arn)).toBe(expected);
  });

  test('the validation message is one printable line within the limit', () => {
    const long = validationMessage('FAIL', [], `content digest: ${'x'.repeat(1000)}\nsecond line — é`);
    expect(long.length).toBe(VALIDATION_MESSAGE_LIMIT);
    expect(long).toMatch(/^restore-drill FAIL: content digest: x+\.\.\.$/);
    expect(
      validationMessage(
        'PASS',
        [
          { check: 'restored', status: 'PASS', summary: '' },
          { check: 'canary', status: 'WARN', summary: '' },
        ],
        undefined,
      ),
    ).toBe('restore-drill PASS: restored passed; warnings: canary');
  });

  test("the documented restore testing event shape (resourceType DynamoDB.FullyManaged, percentDone 100) is a restore test, not the drill's own restore", () => {
    const event = {
      version: '0',
      id: 'e1',
      'detail-type': 'Restore Job State Change',
      source: 'aws.backup',
      account: '123456789012',
      time: '2026-11-28T06:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {
        restoreJobId: 'ABC',
        status: 'COMPLETED',
        resourceType: 'DynamoDB.FullyManaged',
        percentDone: 100,
        backupSizeInBytes: '1880',
        restoreTestingPlanArn: own,
        sourceResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
        createdResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/awsbackup-restore-test-abc',
      },
    };
    expect(parseTrigger(event)).toMatchObject({ kind: 'restore-test-ended', restoreJobId: 'ABC', restoreTestingPlanArn: own });
  });
});

describe('failed backup messages', () => {
  test("AWS Backup's quoted status message loses its quotes; the subject stays under 100 printable characters", () => {
    expect(awsReason('"Backup job failed because backup vault x does not exist."')).toBe(
      'Backup job failed because backup vault x does not exist.',
    );
    const message = backupFailureMessage(
      {
        kind: 'copy',
        jobId: 'J',
        state: 'FAILED',
        resourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
        vault: 'a -> b',
        statusMessage: `"${'Copy failed '.repeat(20)}"`,
        time: new Date(NOW),
        region: 'us-east-1',
      },
      'orders',
    );
    expect(message.subject).toMatch(/^\[COPY FAILED\] orders: Copy failed/);
    expect(message.subject.length).toBeLessThan(100);
    expect(message.attributes).toEqual({ verdict: 'FAIL', table: 'orders', jobId: 'J' });
  });
});

describe('settings across issue 12', () => {
  test('a table left out of the plan needs the vaults holding its backups', () => {
    expect(() => resolveSettings({ tables: [{ table: 'orders', addToBackupPlan: false }] })).toThrow(
      /tables\[0\]\.addToBackupPlan.*vaultNames/s,
    );
    expect(() => resolveSettings({ tables: ['orders'], addTablesToBackupPlan: false })).toThrow(/addTablesToBackupPlan/);
    expect(resolveSettings({ tables: ['orders'], addTablesToBackupPlan: false, vaultNames: ['mine'] }).addTablesToBackupPlan).toBe(false);
  });

  test('adopted restore testing plans need native mode; names and ARNs are checked', () => {
    expect(() => resolveSettings({ restoreTestingPlans: ['mine'] })).toThrow(/restoreMode "native"/);
    expect(() => resolveSettings({ restoreMode: 'native', restoreTestingPlans: ['has-dash'] })).toThrow(/restoreTestingPlans/);
    expect(() => resolveSettings({ restoreMode: 'sometimes' as never })).toThrow(/"drill" or "native"/);
    expect(() => resolveSettings({ restoreMode: 'native', validationWindowHours: 0 })).toThrow(/validationWindowHours/);
  });
});
