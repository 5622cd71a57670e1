import {
  BackupClient,
  DescribeRestoreJobCommand,
  ListRestoreJobsByProtectedResourceCommand,
  StartRestoreJobCommand,
  type DescribeRestoreJobCommandOutput,
  type StartRestoreJobCommandInput,
} from '@aws-sdk/client-backup';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { restoreMetadata } from '../../lambda/drill/restore-metadata';
import { createTableInputFrom } from './dynamodb/table-operations';
import {
  FAST_OPTIONS,
  createFixtureTable,
  fixtureTableInput,
  keyTexts,
  startHarnessUnderTest,
  type HarnessUnderTest,
} from './harness-test-support';
import type { RestoreJobView } from './backup/restore-job';
import type { RestoreJobStateChangeEvent } from './events/backup-events';
import { DOCUMENTED_RESTORE_JOB_EVENTS } from './events/documented-examples';

describe('local AWS Backup: restores', () => {
  let harness: HarnessUnderTest;
  const statusChanges: { view: RestoreJobView; event: RestoreJobStateChangeEvent }[] = [];
  let sourceItems: Awaited<ReturnType<typeof createFixtureTable>>;
  let recoveryPointArn: string;

  beforeAll(async () => {
    harness = await startHarnessUnderTest({
      ...FAST_OPTIONS,
      backup: {
        ...FAST_OPTIONS.backup,
        vaultNames: ['drill-vault'],
        onRestoreJobStatusChange: (view, event) => statusChanges.push({ view, event }),
      },
    });
    sourceItems = await createFixtureTable(harness.local, 'orders');
    const table = await harness.local.dynamodb.describeTable('orders');
    await harness.dynamodb.send(new TagResourceCommand({ ResourceArn: table!.TableArn, Tags: [{ Key: 'owner', Value: 'spatial' }] }));
    recoveryPointArn = (await harness.local.backup.backupTable('orders', { vaultName: 'drill-vault' })).recoveryPointArn;
    // Written after the backup: must not come back in a restore.
    await harness.dynamodb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'PROPERTY#LATE' }, sk: { S: 'META' } } }));
  });
  afterAll(() => harness.stop());

  /** StartRestoreJob as the drill sends it: Metadata built from the keys AWS documents (lambda/drill/restore-metadata.ts). */
  const restoreInput = (targetTableName: string, extra: Partial<StartRestoreJobCommandInput> = {}): StartRestoreJobCommandInput => ({
    RecoveryPointArn: recoveryPointArn,
    Metadata: { ...restoreMetadata(targetTableName) },
    IamRoleArn: harness.local.restoreRoleArn,
    ResourceType: 'DynamoDB',
    ...extra,
  });

  /** Polls DescribeRestoreJob the way the drill does, recording every answer. */
  const pollUntilFinal = async (restoreJobId: string) => {
    const answers: DescribeRestoreJobCommandOutput[] = [];
    for (;;) {
      const answer = await harness.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
      answers.push(answer);
      if (['COMPLETED', 'FAILED', 'ABORTED'].includes(answer.Status!)) return answers;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  };

  it('restores the snapshot into a new table: PENDING, RUNNING with progress, then COMPLETED', async () => {
    // PENDING is a tenth of the restore (restore-runner.ts): 20 ms at FAST_OPTIONS' 200 ms, shorter than
    // one DescribeRestoreJob round trip on a loaded machine (seen once in CI). 3 s gives it 300 ms.
    harness.local.backup.nextRestore({ durationMs: 3_000 });
    const { RestoreJobId } = await harness.backup.send(new StartRestoreJobCommand(restoreInput('restore-drill-orders-1')));
    expect(RestoreJobId).toMatch(/^[0-9A-F-]{36}$/);
    const answers = await pollUntilFinal(RestoreJobId!);
    const statuses = [...new Set(answers.map((answer) => answer.Status))];
    expect(statuses).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);

    const running = answers.filter((answer) => answer.Status === 'RUNNING');
    expect(running[0].ExpectedCompletionTimeMinutes).toBe(1);
    expect(running.every((answer) => /^\d{1,2}\.\d{2}%$/.test(answer.PercentDone!))).toBe(true);
    expect(parseFloat(running.at(-1)!.PercentDone!)).toBeGreaterThanOrEqual(parseFloat(running[0].PercentDone!));

    const done = answers.at(-1)!;
    expect(done).toMatchObject({
      Status: 'COMPLETED',
      PercentDone: '100.00%',
      AccountId: '123456789012',
      RecoveryPointArn: recoveryPointArn,
      SourceResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
      BackupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:drill-vault',
      CreatedResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/restore-drill-orders-1',
      IamRoleArn: harness.local.restoreRoleArn,
      ResourceType: 'DynamoDB',
    });
    expect(done.CompletionDate!.getTime()).toBeGreaterThanOrEqual(done.CreationDate!.getTime() + 150);
    expect(done.RecoveryPointCreationDate).toBeInstanceOf(Date);
    expect(done.BackupSizeInBytes).toBeGreaterThan(0);

    const restored = (await harness.local.dynamodb.describeTable('restore-drill-orders-1'))!;
    const source = (await harness.local.dynamodb.describeTable('orders'))!;
    expect(restored.TableStatus).toBe('ACTIVE');
    expect(createTableInputFrom(restored, 'x')).toEqual(createTableInputFrom(source, 'x'));
    expect(restored.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(restored.RestoreSummary).toEqual({
      SourceBackupArn: recoveryPointArn,
      SourceTableArn: source.TableArn,
      RestoreDateTime: done.RecoveryPointCreationDate,
      RestoreInProgress: false,
    });
    expect(keyTexts(await harness.local.dynamodb.scanItems('restore-drill-orders-1'))).toEqual(keyTexts(sourceItems));
    // Tags are not carried over unless CopySourceTagsToRestoredResource is set.
    expect((await harness.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: restored.TableArn }))).Tags).toEqual([]);
  });

  it('emits a real-shaped "Restore Job State Change" event at each status, and calls back', async () => {
    const { RestoreJobId } = await harness.backup.send(new StartRestoreJobCommand(restoreInput('restore-drill-orders-events')));
    await harness.local.backup.waitForRestoreJob(RestoreJobId!);
    const events = harness.local.backup.restoreEvents.filter((event) => event.detail.restoreJobId === RestoreJobId);
    expect(events.map((event) => event.detail.status ?? event.detail.state)).toEqual(['CREATED', 'PENDING', 'RUNNING', 'COMPLETED']);
    expect(events[0].detail).toEqual({ restoreJobId: RestoreJobId, creationDate: expect.stringMatching(/Z$/), state: 'CREATED' });
    const completed = harness.local.latestRestoreEvent(RestoreJobId!)!;
    expect(completed).toMatchObject({
      version: '0',
      'detail-type': 'Restore Job State Change',
      source: 'aws.backup',
      account: '123456789012',
      region: 'us-east-1',
      resources: [recoveryPointArn],
      detail: {
        restoreJobId: RestoreJobId,
        status: 'COMPLETED',
        percentDone: 0,
        resourceType: 'DynamoDB.FullyManaged',
        iamRoleArn: harness.local.restoreRoleArn,
        createdResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/restore-drill-orders-events',
        recoveryPointArn,
        sourceResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
        backupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:drill-vault',
      },
    });
    expect(completed.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(completed.detail.backupSizeInBytes).toMatch(/^\d+$/);
    expect(Date.parse(completed.detail.completionDate!)).toBeGreaterThan(Date.parse(completed.detail.creationDate));

    // Field for field and type for type what AWS's documented example of the same status has.
    const shape = (detail: object) =>
      Object.entries(detail)
        .map(([key, value]) => `${key}:${typeof value}`)
        .sort();
    for (const event of events) {
      const status = (event.detail.status ?? event.detail.state)!;
      expect(shape(event.detail)).toEqual(
        shape(DOCUMENTED_RESTORE_JOB_EVENTS[status as keyof typeof DOCUMENTED_RESTORE_JOB_EVENTS].detail),
      );
    }

    const calls = statusChanges.filter((change) => change.view.restoreJobId === RestoreJobId);
    expect(calls.map((change) => change.view.status)).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
  });

  it('copies the source tags when CopySourceTagsToRestoredResource is set', async () => {
    const { RestoreJobId } = await harness.backup.send(
      new StartRestoreJobCommand(restoreInput('restore-drill-orders-tags', { CopySourceTagsToRestoredResource: true })),
    );
    const job = await harness.local.backup.waitForRestoreJob(RestoreJobId!);
    const tags = await harness.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: job.createdResourceArn }));
    expect(tags.Tags).toEqual([{ Key: 'owner', Value: 'spatial' }]);
  });

  it('returns the same RestoreJobId for a repeated IdempotencyToken and restores once', async () => {
    const input = restoreInput('restore-drill-orders-once', { IdempotencyToken: 'drill-2026-11-28-orders' });
    const first = await harness.backup.send(new StartRestoreJobCommand(input));
    const second = await harness.backup.send(new StartRestoreJobCommand(input));
    expect(second.RestoreJobId).toBe(first.RestoreJobId);
    const job = await harness.local.backup.waitForRestoreJob(first.RestoreJobId!);
    expect(job.status).toBe('COMPLETED');
    expect(job.startRequests).toBe(2);
    expect(harness.local.backup.restoreJobs().filter((j) => j.targetTableName === 'restore-drill-orders-once')).toHaveLength(1);
  });

  it('loses an answer after the job was created: the SDK retries the reset connection with the same IdempotencyToken and gets the same job', async () => {
    harness.local.backup.lostResponses.loseNext('StartRestoreJob', 1);
    const { RestoreJobId } = await harness.backup.send(
      new StartRestoreJobCommand(restoreInput('restore-drill-orders-lost', { IdempotencyToken: 'drill-2026-11-28-orders-lost' })),
    );
    expect(harness.local.backup.lostResponses.lostCount('StartRestoreJob')).toBe(1);
    const job = await harness.local.backup.waitForRestoreJob(RestoreJobId!);
    expect(job).toMatchObject({ status: 'COMPLETED', startRequests: 2 });
    expect(harness.local.backup.restoreJobs().filter((j) => j.targetTableName === 'restore-drill-orders-lost')).toHaveLength(1);
  });

  describe('validation, with the exception AWS would raise', () => {
    it('refuses an unknown recovery point (ResourceNotFoundException)', async () => {
      const input = restoreInput('restore-drill-x1', { RecoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:unknown' });
      await expect(harness.backup.send(new StartRestoreJobCommand(input))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        $fault: 'client',
      });
    });

    it('refuses metadata without targetTableName (MissingParameterValueException)', async () => {
      const input = restoreInput('restore-drill-x2');
      const { targetTableName: _omitted, ...metadata } = input.Metadata!;
      await expect(harness.backup.send(new StartRestoreJobCommand({ ...input, Metadata: metadata }))).rejects.toMatchObject({
        name: 'MissingParameterValueException',
      });
    });

    it('accepts targetTableName in any letter case (AWS metadata keys are not case sensitive)', async () => {
      const input = restoreInput('unused');
      const { targetTableName: _omitted, ...metadata } = input.Metadata!;
      const { RestoreJobId } = await harness.backup.send(
        new StartRestoreJobCommand({ ...input, Metadata: { ...metadata, TargetTableName: 'restore-drill-x2b' } }),
      );
      expect((await harness.local.backup.waitForRestoreJob(RestoreJobId!)).targetTableName).toBe('restore-drill-x2b');
    });

    it('refuses an invalid table name (InvalidParameterValueException)', async () => {
      await expect(harness.backup.send(new StartRestoreJobCommand(restoreInput('no spaces allowed')))).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
      });
    });

    it('accepts a request without IamRoleArn (optional in the model) and fails the job; refuses a role AWS Backup cannot assume', async () => {
      const { RestoreJobId } = await harness.backup.send(
        new StartRestoreJobCommand(restoreInput('restore-drill-x3', { IamRoleArn: undefined })),
      );
      const job = await harness.local.backup.waitForRestoreJob(RestoreJobId!);
      expect(job).toMatchObject({ status: 'FAILED', tableCreated: false });
      expect(job.iamRoleArn).toBeUndefined();
      await expect(
        harness.backup.send(
          new StartRestoreJobCommand(restoreInput('restore-drill-x3b', { IamRoleArn: 'arn:aws:iam::123456789012:role/someone-else' })),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    });

    it.each(['RecoveryPointArn', 'Metadata'] as const)(
      'refuses a request without %s, @required in the model (MissingParameterValueException)',
      async (member) => {
        const input = restoreInput('restore-drill-x6');
        await expect(harness.backup.send(new StartRestoreJobCommand({ ...input, [member]: undefined }))).rejects.toMatchObject({
          name: 'MissingParameterValueException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      },
    );

    it('checks the required members before it looks at the IdempotencyToken', async () => {
      const input = restoreInput('restore-drill-x7', { IdempotencyToken: 'drill-2026-11-28-orders-x7' });
      const { RestoreJobId } = await harness.backup.send(new StartRestoreJobCommand(input));
      await expect(harness.backup.send(new StartRestoreJobCommand({ ...input, Metadata: undefined }))).rejects.toMatchObject({
        name: 'MissingParameterValueException',
      });
      await harness.local.backup.waitForRestoreJob(RestoreJobId!);
    });

    it.each([
      ['a space', 'Dynamo DB'],
      ['more than 50 characters', 'D'.repeat(51)],
      ['nothing', ''],
    ])(
      'refuses a ResourceType with %s, against its @pattern ^[a-zA-Z0-9\\-\\_\\.]{1,50}$ (InvalidParameterValueException)',
      async (_case, resourceType) => {
        const input = restoreInput('restore-drill-x8', { ResourceType: resourceType });
        await expect(harness.backup.send(new StartRestoreJobCommand(input))).rejects.toMatchObject({
          name: 'InvalidParameterValueException',
        });
      },
    );

    it('refuses Metadata that is not a map of strings (InvalidParameterValueException)', async () => {
      const input = restoreInput('restore-drill-x9');
      const metadata = { ...input.Metadata, deletionProtection: false } as unknown as Record<string, string>;
      await expect(harness.backup.send(new StartRestoreJobCommand({ ...input, Metadata: metadata }))).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
      });
    });

    it('requires kmsMasterKeyArn with encryptionType KMS, and accepts a key ARN', async () => {
      const input = restoreInput('restore-drill-x4');
      await expect(
        harness.backup.send(new StartRestoreJobCommand({ ...input, Metadata: { ...input.Metadata, encryptionType: 'KMS' } })),
      ).rejects.toMatchObject({
        name: 'MissingParameterValueException',
      });
      const kmsMasterKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const { RestoreJobId } = await harness.backup.send(
        new StartRestoreJobCommand({ ...input, Metadata: { ...input.Metadata, encryptionType: 'KMS', kmsMasterKeyArn } }),
      );
      const job = await harness.local.backup.waitForRestoreJob(RestoreJobId!);
      expect(job.metadata).toMatchObject({ encryptionType: 'KMS', kmsMasterKeyArn });
      expect((await harness.local.dynamodb.describeTable('restore-drill-x4'))!.SSEDescription).toEqual({
        Status: 'ENABLED',
        SSEType: 'KMS',
        KMSMasterKeyArn: kmsMasterKeyArn,
      });
    });

    it('fails the job, leaving the existing table alone, when the target table exists', async () => {
      const { RestoreJobId } = await harness.backup.send(new StartRestoreJobCommand(restoreInput('orders')));
      const job = await harness.local.backup.waitForRestoreJob(RestoreJobId!);
      expect(job).toMatchObject({ status: 'FAILED', statusMessage: 'Table already exists: orders', tableCreated: false });
      expect(job.createdResourceArn).toBeUndefined();
      const answer = await harness.backup.send(new DescribeRestoreJobCommand({ RestoreJobId }));
      expect(answer.CreatedResourceArn).toBeUndefined();
      expect(keyTexts(await harness.local.dynamodb.scanItems('orders'))).toContain('PROPERTY#LATE|META');
    });

    it('refuses a recovery point that is not COMPLETED (InvalidRequestException)', async () => {
      const expired = await harness.local.backup.backupTable('orders', { vaultName: 'drill-vault', status: 'EXPIRED' });
      const input = restoreInput('restore-drill-x5', { RecoveryPointArn: expired.recoveryPointArn });
      await expect(harness.backup.send(new StartRestoreJobCommand(input))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    });

    it('refuses DescribeRestoreJob for an unknown job (ResourceNotFoundException)', async () => {
      await expect(harness.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: 'NOT-A-JOB' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    });
  });

  it('does not carry streams, TTL, point-in-time recovery or deletion protection over to the copy', async () => {
    await harness.dynamodb.send(
      new CreateTableCommand({
        ...fixtureTableInput('settings-source'),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        DeletionProtectionEnabled: true,
      }),
    );
    await harness.local.dynamodb.waitForTableActive('settings-source');
    await harness.dynamodb.send(
      new UpdateTimeToLiveCommand({ TableName: 'settings-source', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }),
    );
    await harness.dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: 'settings-source',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    const point = await harness.local.backup.backupTable('settings-source');
    const { RestoreJobId } = await harness.backup.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: point.recoveryPointArn,
        Metadata: { targetTableName: 'restore-drill-settings' },
        IamRoleArn: harness.local.restoreRoleArn,
      }),
    );
    expect((await harness.local.backup.waitForRestoreJob(RestoreJobId!)).status).toBe('COMPLETED');

    const restored = (await harness.local.dynamodb.describeTable('restore-drill-settings'))!;
    expect(restored.StreamSpecification).toBeUndefined();
    expect(restored.DeletionProtectionEnabled).toBe(false);
    expect(
      (await harness.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'restore-drill-settings' }))).TimeToLiveDescription
        ?.TimeToLiveStatus,
    ).toBe('DISABLED');
    const pitr = await harness.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: 'restore-drill-settings' }));
    expect(pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('DISABLED');
    await expect(harness.dynamodb.send(new DeleteTableCommand({ TableName: 'restore-drill-settings' }))).resolves.toBeDefined();
  });

  it('turns deletion protection on for the copy when the metadata asks (cleanup then has to turn it off)', async () => {
    const { RestoreJobId } = await harness.backup.send(
      new StartRestoreJobCommand({
        ...restoreInput('restore-drill-protected'),
        Metadata: { targetTableName: 'restore-drill-protected', deletionProtection: 'true' },
      }),
    );
    await harness.local.backup.waitForRestoreJob(RestoreJobId!);
    expect((await harness.local.dynamodb.describeTable('restore-drill-protected'))!.DeletionProtectionEnabled).toBe(true);
    await expect(harness.dynamodb.send(new DeleteTableCommand({ TableName: 'restore-drill-protected' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('restores a native DynamoDB recovery point (arn:aws:dynamodb:...:backup/...) the same way', async () => {
    const native = await harness.local.backup.backupTable('orders', { vaultName: 'drill-vault', arnStyle: 'dynamodb' });
    const input = restoreInput('restore-drill-native', { RecoveryPointArn: native.recoveryPointArn });
    const { RestoreJobId } = await harness.backup.send(new StartRestoreJobCommand(input));
    const job = await harness.local.backup.waitForRestoreJob(RestoreJobId!);
    expect(job.status).toBe('COMPLETED');
    expect(harness.local.latestRestoreEvent(RestoreJobId!)!.detail.resourceType).toBe('DynamoDB');
  });
});

describe('local AWS Backup: limits and the "reject at start" mode', () => {
  let harness: HarnessUnderTest;
  let recoveryPointArn: string;
  beforeAll(async () => {
    harness = await startHarnessUnderTest({
      ...FAST_OPTIONS,
      backup: { restoreDurationMs: 2_000, existingTargetTable: 'rejectStart', maxConcurrentRestoreJobs: 1 },
    });
    await createFixtureTable(harness.local, 'orders', 1);
    recoveryPointArn = (await harness.local.backup.backupTable('orders')).recoveryPointArn;
  });
  // LimitExceededException is a throttling error to the SDK (it retries it); one attempt keeps this fast.
  const client = new BackupClient({ maxAttempts: 1 });
  afterAll(async () => {
    client.destroy();
    await harness.stop();
  });
  const start = (targetTableName: string) =>
    client.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: recoveryPointArn,
        Metadata: { targetTableName },
        IamRoleArn: harness.local.restoreRoleArn,
      }),
    );

  it('refuses an existing target table at StartRestoreJob (InvalidParameterValueException)', async () => {
    await expect(start('orders')).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Table already exists: orders',
    });
  });

  it('refuses more concurrent restore jobs than the quota (LimitExceededException)', async () => {
    await start('restore-drill-first');
    await expect(start('restore-drill-second')).rejects.toMatchObject({ name: 'LimitExceededException' });
  });

  it('leaves jobs running for close() to stop (jest reports an open handle if it does not)', async () => {
    expect(harness.local.backup.restoreJobs().some((job) => job.status === 'PENDING' || job.status === 'RUNNING')).toBe(true);
  });
});

describe('local AWS Backup: a retried StartRestoreJob answered without a RestoreJobId', () => {
  let harness: HarnessUnderTest;
  beforeAll(async () => {
    harness = await startHarnessUnderTest({ ...FAST_OPTIONS, backup: { ...FAST_OPTIONS.backup, idempotentRetryAnswer: 'noRestoreJobId' } });
    await createFixtureTable(harness.local, 'orders', 1);
  });
  afterAll(() => harness.stop());

  it('answers the repeat with success and no RestoreJobId, and starts nothing', async () => {
    const { recoveryPointArn } = await harness.local.backup.backupTable('orders');
    const input = {
      RecoveryPointArn: recoveryPointArn,
      Metadata: { targetTableName: 'restore-drill-once' },
      IamRoleArn: harness.local.restoreRoleArn,
      IdempotencyToken: 'drill-1',
    };
    const first = await harness.backup.send(new StartRestoreJobCommand(input));
    const repeat = await harness.backup.send(new StartRestoreJobCommand(input));
    expect(first.RestoreJobId).toBeDefined();
    expect(repeat.RestoreJobId).toBeUndefined();
    expect(repeat.$metadata.httpStatusCode).toBe(200);
    expect(harness.local.backup.restoreJobs()).toHaveLength(1);
    await harness.local.backup.waitForRestoreJob(first.RestoreJobId!);
  });

  it('a lost first answer: the SDK retry gets no RestoreJobId, and the one job is found with ListRestoreJobsByProtectedResource', async () => {
    const { recoveryPointArn } = await harness.local.backup.backupTable('orders');
    harness.local.backup.lostResponses.loseNext('StartRestoreJob', 1);
    const input = {
      RecoveryPointArn: recoveryPointArn,
      Metadata: { targetTableName: 'restore-drill-lost' },
      IamRoleArn: harness.local.restoreRoleArn,
      IdempotencyToken: 'drill-2',
    };
    const answer = await harness.backup.send(new StartRestoreJobCommand(input));
    expect(answer.RestoreJobId).toBeUndefined();
    expect(answer.$metadata.attempts).toBe(2);
    const [job] = harness.local.backup.restoreJobs().filter((j) => j.targetTableName === 'restore-drill-lost');
    expect(job.startRequests).toBe(2);
    const { RestoreJobs } = await harness.backup.send(
      new ListRestoreJobsByProtectedResourceCommand({ ResourceArn: job.sourceResourceArn }),
    );
    expect(RestoreJobs?.filter((listed) => listed.RecoveryPointArn === recoveryPointArn).map((listed) => listed.RestoreJobId)).toEqual([
      job.restoreJobId,
    ]);
    await harness.local.backup.waitForRestoreJob(job.restoreJobId);
  });

  it('refuses DescribeRestoreJob with an empty RestoreJobId, a @required path label the SDK sends empty (MissingParameterValueException)', async () => {
    await expect(harness.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: '' }))).rejects.toMatchObject({
      name: 'MissingParameterValueException',
      message: 'RestoreJobId is required',
    });
  });
});
