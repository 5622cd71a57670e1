import {
  DescribeRestoreJobCommand,
  ListRecoveryPointsByResourceCommand,
  ListRestoreJobsByProtectedResourceCommand,
  StartRestoreJobCommand,
  paginateListRestoreJobsByProtectedResource,
  type ListRestoreJobsByProtectedResourceCommandInput,
  type RestoreJobStatus,
  type RestoreJobsListMember,
} from '@aws-sdk/client-backup';
import { restoreMetadata } from '../../lambda/drill/restore-metadata';
import type { RestoreBehaviour } from './backup/restore-behaviour';
import { FAST_OPTIONS, createFixtureTable, startHarnessUnderTest, type HarnessUnderTest } from './harness-test-support';

/**
 * ListRestoreJobsByProtectedResource through the real SDK client: what the drill uses to find a
 * restore job StartRestoreJob accepted without returning its id. Shapes from the Backup model
 * (aws-models/backup.json): GET /resources/{ResourceArn}/restore-jobs, query status,
 * recoveryPointCreationDateAfter, recoveryPointCreationDateBefore, nextToken, maxResults; answer
 * RestoreJobs (RestoreJobsListMember) and NextToken.
 */

const HOUR = 3_600_000;

describe('local AWS Backup: ListRestoreJobsByProtectedResource', () => {
  let harness: HarnessUnderTest;
  let ordersArn: string;
  /** Restore job ids: from the orders point of 3 h ago, from the one of 1 h ago (twice, one FAILED), from another table. */
  const jobs = { older: '', newer: '', failed: '', otherTable: '' };
  let olderPointCreated: Date;
  let restoreCount = 0;

  const restore = async (recoveryPointArn: string, behaviour?: RestoreBehaviour) => {
    if (behaviour) harness.local.backup.nextRestore(behaviour);
    const { RestoreJobId } = await harness.backup.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: recoveryPointArn,
        Metadata: { ...restoreMetadata(`restore-drill-listed-${++restoreCount}`) },
        IamRoleArn: harness.local.restoreRoleArn,
      }),
    );
    return RestoreJobId!;
  };

  const listAll = async (input: Omit<ListRestoreJobsByProtectedResourceCommandInput, 'ResourceArn'> = {}, resourceArn = ordersArn) => {
    const listed: RestoreJobsListMember[] = [];
    for await (const page of paginateListRestoreJobsByProtectedResource(
      { client: harness.backup },
      { ResourceArn: resourceArn, ...input },
    )) {
      listed.push(...(page.RestoreJobs ?? []));
    }
    return listed;
  };
  const ids = (listed: readonly RestoreJobsListMember[]) => listed.map((job) => job.RestoreJobId);

  beforeAll(async () => {
    harness = await startHarnessUnderTest({ ...FAST_OPTIONS, backup: { ...FAST_OPTIONS.backup, listPageSize: 2 } });
    await createFixtureTable(harness.local, 'orders', 1);
    await createFixtureTable(harness.local, 'other', 1);
    ordersArn = (await harness.local.dynamodb.describeTable('orders'))!.TableArn!;
    const now = Date.now();
    const older = await harness.local.backup.backupTable('orders', { creationDate: new Date(now - 3 * HOUR) });
    const newer = await harness.local.backup.backupTable('orders', { creationDate: new Date(now - 1 * HOUR) });
    const other = await harness.local.backup.backupTable('other');
    olderPointCreated = older.creationDate;
    jobs.older = await restore(older.recoveryPointArn);
    jobs.newer = await restore(newer.recoveryPointArn);
    jobs.failed = await restore(newer.recoveryPointArn, { outcome: { kind: 'fail', statusMessage: 'Access denied' } });
    jobs.otherTable = await restore(other.recoveryPointArn);
    for (const id of Object.values(jobs)) await harness.local.backup.waitForRestoreJob(id);
  });
  afterAll(() => harness.stop());

  it("lists the restore jobs of the source table's recovery points, page by page, as DescribeRestoreJob describes them", async () => {
    const first = await harness.backup.send(new ListRestoreJobsByProtectedResourceCommand({ ResourceArn: ordersArn }));
    expect(first.RestoreJobs).toHaveLength(2);
    expect(first.NextToken).toBeDefined();

    const listed = await listAll();
    expect(ids(listed)).toEqual([jobs.older, jobs.newer, jobs.failed]);
    for (const job of listed) {
      const { $metadata: _metadata, ...described } = await harness.backup.send(
        new DescribeRestoreJobCommand({ RestoreJobId: job.RestoreJobId }),
      );
      expect(job).toEqual(described);
    }
    expect(listed[0]).toMatchObject({
      AccountId: '123456789012',
      SourceResourceArn: ordersArn,
      Status: 'COMPLETED',
      IamRoleArn: harness.local.restoreRoleArn,
      CreatedResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/restore-drill-listed-1',
      ResourceType: 'DynamoDB',
      RecoveryPointCreationDate: olderPointCreated,
    });
    expect(listed[0].CreationDate).toBeInstanceOf(Date);
    expect(listed[2]).toMatchObject({ Status: 'FAILED', StatusMessage: 'Access denied' });
    expect(listed[2].CreatedResourceArn).toBeUndefined();
  });

  it('MaxResults smaller than the page size gives smaller pages', async () => {
    const page = await harness.backup.send(new ListRestoreJobsByProtectedResourceCommand({ ResourceArn: ordersArn, MaxResults: 1 }));
    expect(ids(page.RestoreJobs!)).toEqual([jobs.older]);
  });

  it("filters by status and by the recovery point's creation date (after / before, exclusive)", async () => {
    expect(ids(await listAll({ ByStatus: 'FAILED' }))).toEqual([jobs.failed]);
    expect(ids(await listAll({ ByStatus: 'COMPLETED' }))).toEqual([jobs.older, jobs.newer]);
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR);
    expect(ids(await listAll({ ByRecoveryPointCreationDateAfter: twoHoursAgo }))).toEqual([jobs.newer, jobs.failed]);
    expect(ids(await listAll({ ByRecoveryPointCreationDateBefore: twoHoursAgo }))).toEqual([jobs.older]);
    const around = {
      ByRecoveryPointCreationDateAfter: new Date(olderPointCreated.getTime() - 60_000),
      ByRecoveryPointCreationDateBefore: new Date(olderPointCreated.getTime() + 60_000),
    };
    expect(ids(await listAll(around))).toEqual([jobs.older]);
    expect(
      ids(await listAll({ ByRecoveryPointCreationDateAfter: olderPointCreated, ByRecoveryPointCreationDateBefore: twoHoursAgo })),
    ).toEqual([]);
  });

  it('lists a running job without CreatedResourceArn, and with it once COMPLETED', async () => {
    const point = await harness.local.backup.backupTable('orders');
    const id = await restore(point.recoveryPointArn, { stall: true });
    await harness.local.backup.waitForRestoreJob(id, ['RUNNING']);
    const running = (await listAll({ ByStatus: 'RUNNING' })).find((job) => job.RestoreJobId === id);
    expect(running).toMatchObject({ Status: 'RUNNING', RecoveryPointArn: point.recoveryPointArn });
    expect(running!.CreatedResourceArn).toBeUndefined();
    await harness.local.backup.releaseRestoreJob(id);
    await harness.local.backup.waitForRestoreJob(id);
    const done = (await listAll()).find((job) => job.RestoreJobId === id);
    expect(done).toMatchObject({ Status: 'COMPLETED', CreatedResourceArn: expect.stringMatching(/:table\/restore-drill-listed-\d+$/) });
  });

  it('answers the wire form the API reference writes: trailing "/", the documented query names, dates as epoch seconds', async () => {
    const url = new URL(`${harness.local.endpoints.backup}/resources/${encodeURIComponent(ordersArn)}/restore-jobs/`);
    url.searchParams.set('status', 'FAILED');
    url.searchParams.set('recoveryPointCreationDateAfter', new Date(Date.now() - 2 * HOUR).toISOString());
    url.searchParams.set('maxResults', '5');
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { RestoreJobs: Record<string, unknown>[]; NextToken?: string };
    expect(body.RestoreJobs.map((job) => job.RestoreJobId)).toEqual([jobs.failed]);
    expect(typeof body.RestoreJobs[0].CreationDate).toBe('number');
    expect(typeof body.RestoreJobs[0].PercentDone).toBe('string');
    expect(body.NextToken).toBeUndefined();
  });

  it('lists nothing for a resource without restore jobs', async () => {
    const page = await harness.backup.send(
      new ListRestoreJobsByProtectedResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/never-restored' }),
    );
    expect(page.RestoreJobs).toEqual([]);
    expect(page.NextToken).toBeUndefined();
  });

  describe("refusals from the model's traits (request-rules.ts)", () => {
    const invalid = { name: 'InvalidParameterValueException', $fault: 'client', $metadata: { httpStatusCode: 400 } };
    const list = (input: Omit<ListRestoreJobsByProtectedResourceCommandInput, 'ResourceArn'>, resourceArn = ordersArn) =>
      harness.backup.send(new ListRestoreJobsByProtectedResourceCommand({ ResourceArn: resourceArn, ...input }));

    it('ByStatus outside the RestoreJobStatus enum', async () => {
      await expect(list({ ByStatus: 'DONE' as RestoreJobStatus })).rejects.toMatchObject(invalid);
    });

    it('MaxResults outside @range 1-1000', async () => {
      await expect(list({ MaxResults: 0 })).rejects.toMatchObject(invalid);
      await expect(list({ MaxResults: 1001 })).rejects.toMatchObject(invalid);
      await expect(list({ MaxResults: 1000 })).resolves.toBeDefined();
    });

    it('a NextToken of another listing, or of the same listing with other filters', async () => {
      const points = await harness.backup.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: ordersArn, MaxResults: 1 }));
      await expect(list({ NextToken: points.NextToken })).rejects.toMatchObject(invalid);
      const page = await list({});
      await expect(list({ NextToken: page.NextToken, ByStatus: 'COMPLETED' })).rejects.toMatchObject(invalid);
      await expect(list({ NextToken: page.NextToken })).resolves.toBeDefined();
    });

    it('an empty ResourceArn (a @required path label the SDK sends empty): MissingParameterValueException', async () => {
      await expect(list({}, '')).rejects.toMatchObject({ name: 'MissingParameterValueException', $metadata: { httpStatusCode: 400 } });
    });
  });
});
