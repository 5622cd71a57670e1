import {
  DescribeBackupJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRecoveryPointsByResourceCommand,
  StartBackupJobCommand,
  paginateListRecoveryPointsByBackupVault,
  paginateListRecoveryPointsByResource,
  type ListRecoveryPointsByBackupVaultCommandInput,
  type RecoveryPointByResource,
} from '@aws-sdk/client-backup';
import { FAST_OPTIONS, createFixtureTable, startHarnessUnderTest, type HarnessUnderTest } from './harness-test-support';

const HOUR = 3_600_000;

describe('local AWS Backup: backups and recovery points', () => {
  let harness: HarnessUnderTest;
  let tableArn: string;
  beforeAll(async () => {
    harness = await startHarnessUnderTest({
      ...FAST_OPTIONS,
      backup: { ...FAST_OPTIONS.backup, vaultNames: ['drill-vault', 'other-vault'], listPageSize: 2 },
    });
    await createFixtureTable(harness.local, 'orders');
    tableArn = (await harness.local.dynamodb.describeTable('orders'))!.TableArn!;
  });
  afterAll(() => harness.stop());

  it('StartBackupJob snapshots the table into a COMPLETED recovery point; DescribeBackupJob reports it', async () => {
    const started = await harness.backup.send(
      new StartBackupJobCommand({ BackupVaultName: 'drill-vault', ResourceArn: tableArn, IamRoleArn: harness.local.restoreRoleArn }),
    );
    expect(started.RecoveryPointArn).toMatch(/^arn:aws:backup:us-east-1:123456789012:recovery-point:[0-9a-f-]{36}$/);
    expect(started.CreationDate).toBeInstanceOf(Date);

    const job = await harness.backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }));
    expect(job).toMatchObject({
      State: 'COMPLETED',
      RecoveryPointArn: started.RecoveryPointArn,
      ResourceArn: tableArn,
      BackupVaultName: 'drill-vault',
    });
    expect(job.BackupSizeInBytes).toBeGreaterThan(0);
  });

  it('StartBackupJob with the same IdempotencyToken returns the same job', async () => {
    const input = {
      BackupVaultName: 'drill-vault',
      ResourceArn: tableArn,
      IamRoleArn: harness.local.restoreRoleArn,
      IdempotencyToken: 'nightly-1',
    };
    const first = await harness.backup.send(new StartBackupJobCommand(input));
    const second = await harness.backup.send(new StartBackupJobCommand(input));
    expect(second.BackupJobId).toBe(first.BackupJobId);
  });

  it('refuses StartBackupJob for an unknown vault, role or resource with the SDK error AWS uses', async () => {
    const base = { BackupVaultName: 'drill-vault', ResourceArn: tableArn, IamRoleArn: harness.local.restoreRoleArn };
    await expect(harness.backup.send(new StartBackupJobCommand({ ...base, BackupVaultName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      harness.backup.send(new StartBackupJobCommand({ ...base, IamRoleArn: 'arn:aws:iam::123456789012:role/unknown' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    await expect(harness.backup.send(new StartBackupJobCommand({ ...base, ResourceArn: 'arn:aws:s3:::bucket' }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
  });

  describe('listing, with a page size of 2', () => {
    let points: string[];
    beforeAll(async () => {
      await createFixtureTable(harness.local, 'listed', 1);
      const now = Date.now();
      const made = [
        await harness.local.backup.backupTable('listed', { vaultName: 'drill-vault', creationDate: new Date(now - 50 * HOUR) }),
        await harness.local.backup.backupTable('listed', {
          vaultName: 'drill-vault',
          creationDate: new Date(now - 26 * HOUR),
          status: 'EXPIRED',
        }),
        await harness.local.backup.backupTable('listed', {
          vaultName: 'other-vault',
          creationDate: new Date(now - 3 * HOUR),
          arnStyle: 'dynamodb',
        }),
        await harness.local.backup.backupTable('listed', {
          vaultName: 'drill-vault',
          creationDate: new Date(now - 2 * HOUR),
          status: 'PARTIAL',
        }),
        await harness.local.backup.backupTable('listed', { vaultName: 'drill-vault', creationDate: new Date(now - 1 * HOUR) }),
      ];
      points = made.map((point) => point.recoveryPointArn);
    });

    it('ListRecoveryPointsByResource spans vaults and pages: the SDK paginator sees every point', async () => {
      const first = await harness.backup.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: tableArnOf('listed') }));
      expect(first.RecoveryPoints).toHaveLength(2);
      expect(first.NextToken).toBeDefined();

      const all: RecoveryPointByResource[] = [];
      for await (const page of paginateListRecoveryPointsByResource(
        { client: harness.backup },
        { ResourceArn: tableArnOf('listed'), MaxResults: 100 },
      )) {
        all.push(...(page.RecoveryPoints ?? []));
      }
      expect(all.map((point) => point.RecoveryPointArn)).toEqual(points);
      expect(all.map((point) => point.Status)).toEqual(['COMPLETED', 'EXPIRED', 'COMPLETED', 'PARTIAL', 'COMPLETED']);
      expect(all.map((point) => point.BackupVaultName)).toEqual([
        'drill-vault',
        'drill-vault',
        'other-vault',
        'drill-vault',
        'drill-vault',
      ]);
      expect(all[0].CreationDate!.getTime()).toBeLessThan(all[4].CreationDate!.getTime());
      expect(all[2].RecoveryPointArn).toMatch(/^arn:aws:dynamodb:us-east-1:123456789012:table\/listed\/backup\/\d{14}-[0-9a-f]{8}$/);
    });

    it('MaxResults smaller than the page size gives smaller pages', async () => {
      const page = await harness.backup.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: tableArnOf('listed'), MaxResults: 1 }));
      expect(page.RecoveryPoints).toHaveLength(1);
    });

    it('ListRecoveryPointsByBackupVault filters by resource and creation date, and pages', async () => {
      const inVault: string[] = [];
      for await (const page of paginateListRecoveryPointsByBackupVault(
        { client: harness.backup },
        { BackupVaultName: 'drill-vault', ByResourceArn: tableArnOf('listed') },
      )) {
        inVault.push(...(page.RecoveryPoints ?? []).map((point) => point.RecoveryPointArn!));
      }
      expect(inVault).toEqual([points[0], points[1], points[3], points[4]]);

      const recent = await harness.backup.send(
        new ListRecoveryPointsByBackupVaultCommand({
          BackupVaultName: 'drill-vault',
          ByResourceArn: tableArnOf('listed'),
          ByCreatedAfter: new Date(Date.now() - 4 * HOUR),
        }),
      );
      expect(recent.RecoveryPoints?.map((point) => point.RecoveryPointArn)).toEqual([points[3], points[4]]);
      expect(recent.RecoveryPoints?.[0]).toMatchObject({
        ResourceType: 'DynamoDB',
        Status: 'PARTIAL',
        BackupVaultName: 'drill-vault',
        ResourceArn: tableArnOf('listed'),
      });
      expect(recent.RecoveryPoints?.[0].CreationDate).toBeInstanceOf(Date);
    });

    it('refuses an unknown vault, a foreign NextToken and an out-of-range MaxResults', async () => {
      await expect(harness.backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'missing' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      const page = await harness.backup.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: tableArnOf('listed') }));
      await expect(
        harness.backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'drill-vault', NextToken: page.NextToken })),
      ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
      await expect(
        harness.backup.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: tableArnOf('listed'), MaxResults: 0 })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
      });
    });

    describe("refusals from the model's traits (InvalidParameterValueException / MissingParameterValueException)", () => {
      const listVault = (input: Partial<ListRecoveryPointsByBackupVaultCommandInput>) =>
        harness.backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'drill-vault', ...input }));
      const invalid = { name: 'InvalidParameterValueException', $fault: 'client', $metadata: { httpStatusCode: 400 } };

      it.each([
        ['a space', 'drill vault'],
        ['one character', 'd'],
        ['51 characters', 'v'.repeat(51)],
        ['a period', 'drill.vault'],
      ])('BackupVaultName with %s, against @pattern ^[a-zA-Z0-9\\-\\_]{2,50}$', async (_case, name) => {
        await expect(listVault({ BackupVaultName: name })).rejects.toMatchObject(invalid);
      });

      it('lets 2- and 50-character names and AWS-created "aws/..." vault names through to the vault lookup', async () => {
        for (const name of ['dv', 'v'.repeat(50), 'aws/efs/automatic-backup-vault']) {
          await expect(listVault({ BackupVaultName: name })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
        }
      });

      it('an empty BackupVaultName (a @required path label the SDK sends empty)', async () => {
        await expect(listVault({ BackupVaultName: '' })).rejects.toMatchObject({ name: 'MissingParameterValueException' });
      });

      it('MaxResults outside @range 1-1000', async () => {
        await expect(listVault({ MaxResults: 0 })).rejects.toMatchObject(invalid);
        await expect(listVault({ MaxResults: 1001 })).rejects.toMatchObject(invalid);
        await expect(listVault({ MaxResults: 1000 })).resolves.toBeDefined();
        await expect(listVault({ MaxResults: 1 })).resolves.toBeDefined();
      });

      it('ByResourceType against @pattern ^[a-zA-Z0-9\\-\\_\\.]{1,50}$, BackupVaultAccountId against ^[0-9]{12}$', async () => {
        await expect(listVault({ ByResourceType: 'Dynamo DB' })).rejects.toMatchObject(invalid);
        await expect(listVault({ BackupVaultAccountId: '1234' })).rejects.toMatchObject(invalid);
        await expect(listVault({ BackupVaultAccountId: '12345678901a' })).rejects.toMatchObject(invalid);
        await expect(listVault({ ByResourceType: 'DynamoDB', BackupVaultAccountId: '123456789012' })).resolves.toBeDefined();
      });
    });

    it('lists nothing for a resource that has no recovery point', async () => {
      const page = await harness.backup.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: tableArnOf('never-backed-up') }));
      expect(page.RecoveryPoints).toEqual([]);
      expect(page.NextToken).toBeUndefined();
    });

    it('does not serve GetRecoveryPointRestoreMetadata: the drill builds its metadata from documented keys, and the keys AWS returns are unverified', async () => {
      await expect(
        harness.backup.send(new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: 'drill-vault', RecoveryPointArn: points[4] })),
      ).rejects.toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 404 } });
    });
  });

  const tableArnOf = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`;
});
