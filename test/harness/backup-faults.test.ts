import { BackupClient, DescribeRestoreJobCommand, StartRestoreJobCommand } from '@aws-sdk/client-backup';
import { DeleteTableCommand, DescribeTableCommand, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { canonicalItem } from '../../lambda/digest/canonical-item';
import { createFixtureTable, keyOf, keyTexts, startHarnessUnderTest, type HarnessUnderTest } from './harness-test-support';
import type { RestoreBehaviour } from './backup/restore-behaviour';

describe('local AWS Backup: faults and content mutations', () => {
  let harness: HarnessUnderTest;
  let sourceItems: Awaited<ReturnType<typeof createFixtureTable>>;
  let recoveryPointArn: string;
  let restoreCount = 0;

  beforeAll(async () => {
    harness = await startHarnessUnderTest();
    sourceItems = await createFixtureTable(harness.local, 'scans');
    recoveryPointArn = (await harness.local.backup.backupTable('scans')).recoveryPointArn;
  });
  afterAll(() => harness.stop());

  /** Starts a restore through the SDK with `behaviour` queued for it; returns the target table name and job id. */
  const restoreWith = async (behaviour?: RestoreBehaviour) => {
    if (behaviour) harness.local.backup.nextRestore(behaviour);
    const targetTableName = `restore-drill-scans-${++restoreCount}`;
    const { RestoreJobId } = await harness.backup.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: recoveryPointArn,
        Metadata: { targetTableName },
        IamRoleArn: harness.local.restoreRoleArn,
      }),
    );
    return { targetTableName, restoreJobId: RestoreJobId! };
  };

  describe('outcomes', () => {
    it('fail: FAILED with the StatusMessage, no table', async () => {
      const { targetTableName, restoreJobId } = await restoreWith({ outcome: { kind: 'fail', statusMessage: 'Access denied to KMS key' } });
      const job = await harness.local.backup.waitForRestoreJob(restoreJobId);
      expect(job).toMatchObject({ status: 'FAILED', statusMessage: 'Access denied to KMS key', tableCreated: false });
      const answer = await harness.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
      expect(answer).toMatchObject({ Status: 'FAILED', StatusMessage: 'Access denied to KMS key' });
      expect(answer.CompletionDate).toBeInstanceOf(Date);
      expect(await harness.local.dynamodb.describeTable(targetTableName)).toBeUndefined();
    });

    it('fail after creating a partial table: half the items, no CreatedResourceArn', async () => {
      const { targetTableName, restoreJobId } = await restoreWith({ outcome: { kind: 'fail', leavePartialTable: true } });
      const job = await harness.local.backup.waitForRestoreJob(restoreJobId);
      expect(job).toMatchObject({ status: 'FAILED', tableCreated: true });
      expect(job.createdResourceArn).toBeUndefined();
      expect((await harness.local.dynamodb.scanItems(targetTableName)).length).toBe(Math.floor(sourceItems.length / 2));
    });

    it('abort: ABORTED', async () => {
      const { restoreJobId } = await restoreWith({ outcome: { kind: 'abort' } });
      const job = await harness.local.backup.waitForRestoreJob(restoreJobId);
      expect(job).toMatchObject({ status: 'ABORTED', statusMessage: 'Restore job was aborted' });
      expect(harness.local.latestRestoreEvent(restoreJobId)!.detail.status).toBe('ABORTED');
    });

    it('stall: stays RUNNING, the table CREATING and unreadable, until released', async () => {
      const { targetTableName, restoreJobId } = await restoreWith({ stall: true });
      await harness.local.backup.waitForRestoreJob(restoreJobId, ['RUNNING']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stalled = await harness.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
      expect(stalled.Status).toBe('RUNNING');
      expect(stalled.PercentDone).toBe('99.00%');
      // What DynamoDB shows of a table being restored: CREATING, restore in progress, no item access.
      const table = (await harness.dynamodb.send(new DescribeTableCommand({ TableName: targetTableName }))).Table!;
      expect(table.TableStatus).toBe('CREATING');
      expect(table.RestoreSummary).toMatchObject({ RestoreInProgress: true, SourceBackupArn: recoveryPointArn });
      await expect(harness.dynamodb.send(new ScanCommand({ TableName: targetTableName }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      await expect(harness.dynamodb.send(new DeleteTableCommand({ TableName: targetTableName }))).rejects.toMatchObject({
        name: 'ResourceInUseException',
      });
      expect((await harness.local.dynamodb.scanItems(targetTableName)).length).toBe(sourceItems.length);

      expect(await harness.local.backup.releaseRestoreJob(restoreJobId)).toBe(true);
      expect((await harness.local.backup.waitForRestoreJob(restoreJobId)).status).toBe('COMPLETED');
    });

    it('slow: takes the duration asked for', async () => {
      const { restoreJobId } = await restoreWith({ durationMs: 500 });
      const job = await harness.local.backup.waitForRestoreJob(restoreJobId);
      expect(job.completionDate!.getTime() - job.creationDate.getTime()).toBeGreaterThanOrEqual(500);
    });

    it('tableActiveLagMs: the job is COMPLETED while the table still reports CREATING for a while', async () => {
      const { targetTableName, restoreJobId } = await restoreWith({ durationMs: 100, tableActiveLagMs: 250 });
      await harness.local.backup.waitForRestoreJob(restoreJobId);
      const completedAt = Date.now();
      expect((await harness.dynamodb.send(new DescribeTableCommand({ TableName: targetTableName }))).Table!.TableStatus).toBe('CREATING');
      const active = await harness.local.dynamodb.waitForTableActive(targetTableName);
      expect(Date.now() - completedAt).toBeGreaterThanOrEqual(200);
      expect(active.RestoreSummary?.RestoreInProgress).toBe(false);
      expect((await harness.dynamodb.send(new ScanCommand({ TableName: targetTableName }))).Count).toBe(sourceItems.length);
    });

    it('whenRestoring applies to every restore of that source; nextRestore goes first', async () => {
      harness.local.backup.whenRestoring('scans', { outcome: { kind: 'fail', statusMessage: 'always' } });
      try {
        const queued = await restoreWith({ outcome: { kind: 'abort' } });
        const bySource = await restoreWith();
        expect((await harness.local.backup.waitForRestoreJob(queued.restoreJobId)).status).toBe('ABORTED');
        expect((await harness.local.backup.waitForRestoreJob(bySource.restoreJobId)).statusMessage).toBe('always');
      } finally {
        harness.local.backup.whenRestoring('scans', undefined);
      }
    });
  });

  describe('throttling', () => {
    it('ThrottlingException (HTTP 400) on the next requests; the SDK retry strategy recovers', async () => {
      const { restoreJobId } = await restoreWith();
      harness.local.backup.throttleNext('DescribeRestoreJob', 1);
      const answer = await harness.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
      expect(answer.RestoreJobId).toBe(restoreJobId);
      expect(answer.$metadata.attempts).toBe(2);
      expect(harness.local.backup.failures.servedCount('DescribeRestoreJob')).toBe(1);
    });

    it('a throttled StartRestoreJob has no side effect, so the retried call starts exactly one job', async () => {
      const before = harness.local.backup.restoreJobs().length;
      harness.local.backup.throttleNext('StartRestoreJob', 1);
      const { restoreJobId } = await restoreWith();
      expect(harness.local.backup.restoreJobs().length).toBe(before + 1);
      await harness.local.backup.waitForRestoreJob(restoreJobId);
    });

    it('throttling that outlasts the attempts surfaces as ThrottlingException', async () => {
      const client = new BackupClient({ maxAttempts: 2 });
      try {
        harness.local.backup.throttleNext('DescribeRestoreJob', 2);
        const attempt = client.send(new DescribeRestoreJobCommand({ RestoreJobId: 'ANY' }));
        await expect(attempt).rejects.toMatchObject({
          name: 'ThrottlingException',
          message: 'Rate exceeded',
          $metadata: { httpStatusCode: 400, attempts: 2 },
        });
      } finally {
        client.destroy();
      }
    });
  });

  describe('content mutations of the restored copy', () => {
    /** Restores quickly (the timing of restores is proven above) with `behaviour`'s mutations. */
    const restoredItems = async (behaviour: RestoreBehaviour) => {
      const { targetTableName, restoreJobId } = await restoreWith({ durationMs: 60, ...behaviour });
      const job = await harness.local.backup.waitForRestoreJob(restoreJobId);
      expect(job.status).toBe('COMPLETED');
      return { job, targetTableName, items: await harness.local.dynamodb.scanItems(targetTableName) };
    };

    it('dropItems by count leaves out the last items in key order, and says which', async () => {
      const { items, job } = await restoredItems({ mutations: [{ kind: 'dropItems', count: 2 }] });
      expect(items.length).toBe(sourceItems.length - 2);
      expect(job.appliedMutations[0]).toMatch(/^dropItems /);
    });

    it('dropItems by key leaves out exactly those items (a canary missing from the backup)', async () => {
      const canary = sourceItems[3];
      const { items } = await restoredItems({ mutations: [{ kind: 'dropItems', keys: [keyOf(canary)] }] });
      expect(keyTexts(items)).toEqual(keyTexts(sourceItems.filter((item) => item !== canary)));
    });

    it('changeAttribute changes one attribute of one item', async () => {
      const room = sourceItems.find((item) => item.areaM2)!;
      const { targetTableName } = await restoredItems({ mutations: [{ kind: 'changeAttribute', key: keyOf(room), attribute: 'areaM2' }] });
      const restored = await harness.dynamodb.send(new GetItemCommand({ TableName: targetTableName, Key: keyOf(room) }));
      expect(Number(restored.Item!.areaM2.N)).toBe(Number(room.areaM2.N) + 1);
      expect({ ...restored.Item, areaM2: room.areaM2 }).toEqual(room);
    });

    it('addItem adds an item the source never had', async () => {
      const extra = { pk: { S: 'PROPERTY#GHOST' }, sk: { S: 'META' }, type: { S: 'property' } };
      const { items } = await restoredItems({ mutations: [{ kind: 'addItem', item: extra }] });
      expect(keyTexts(items)).toEqual(keyTexts([...sourceItems, extra]));
    });

    it('dropIndex creates the table without the GSI (and its now unused attribute definition)', async () => {
      const { targetTableName } = await restoredItems({ mutations: [{ kind: 'dropIndex', indexName: 'byScan' }] });
      const table = (await harness.dynamodb.send(new DescribeTableCommand({ TableName: targetTableName }))).Table!;
      expect(table.GlobalSecondaryIndexes ?? []).toEqual([]);
      expect(table.LocalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byCreatedAt']);
      expect(table.AttributeDefinitions?.map((definition) => definition.AttributeName).sort()).toEqual(['createdAt', 'pk', 'sk']);
    });

    it('rewriteNumbers reads numbers back in another form of the same value', async () => {
      const { items } = await restoredItems({ mutations: [{ kind: 'rewriteNumbers' }] });
      const room = sourceItems.find((item) => item.areaM2)!;
      const restoredRoom = items.find((item) => item.sk.S === room.sk.S && item.pk.S === room.pk.S)!;
      expect(restoredRoom.areaM2.N).not.toBe(room.areaM2.N);
      expect(canonicalItem(restoredRoom)).toBe(canonicalItem(room));
    });

    it('shuffleAttributes reads attributes back in another order, values unchanged', async () => {
      const { items } = await restoredItems({ mutations: [{ kind: 'shuffleAttributes' }] });
      const source = sourceItems[0];
      const restored = items.find((item) => item.sk.S === source.sk.S && item.pk.S === source.pk.S)!;
      expect(Object.keys(restored)).not.toEqual(Object.keys(source));
      expect(restored).toEqual(source);
    });
  });
});
