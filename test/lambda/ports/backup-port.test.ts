import {
  BackupClient,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRestoreJobsByProtectedResourceCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { createBackupPort } from '../../../lambda/ports/backup-port';

/**
 * The requests the Backup port builds and how it reads AWS Backup's answers, on
 * aws-sdk-client-mock. Shapes from the AWS Backup API reference; the flow tests run on the
 * in-memory fake of this port (support/fakes/fake-backup.ts).
 */

const backup = mockClient(BackupClient);
const port = createBackupPort(new BackupClient({ region: 'us-east-1' }));
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const POINT_ARN = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0d2b6a4e-6f1c-4c8e-9a57-3e2f1b0c9d8a';

beforeEach(() => backup.reset());
afterAll(() => backup.restore());

/**
 * Answers `pages` in turn and returns the inputs as they were sent: the SDK's paginators reuse
 * one input object, so the mock's own call log would show only its last state.
 */
function answerPages(command: any, pages: readonly object[]): object[] {
  const requests: object[] = [];
  backup.on(command).callsFake((input: object) => {
    requests.push(JSON.parse(JSON.stringify(input)));
    return pages[requests.length - 1];
  });
  return requests;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('listRecoveryPoints', () => {
  test('reads every page of the vault listing, filtered by the resource ARN', async () => {
    const point = (minutes: number, Status: 'COMPLETED' | 'PARTIAL') => ({
      RecoveryPointArn: `${POINT_ARN}-${minutes}`,
      ResourceArn: TABLE_ARN,
      BackupVaultName: 'drill-vault',
      Status,
      CreationDate: new Date(Date.parse('2026-11-28T06:00:00Z') - minutes * 60_000),
    });
    const pages = [
      { RecoveryPoints: [point(600, 'COMPLETED')], NextToken: '1' },
      { RecoveryPoints: [point(180, 'COMPLETED')], NextToken: '2' },
      { RecoveryPoints: [point(60, 'PARTIAL')] },
    ];
    const requests = answerPages(ListRecoveryPointsByBackupVaultCommand, pages);
    const points = await all(port.listRecoveryPoints('drill-vault', TABLE_ARN));
    expect(points.map((p) => [p.recoveryPointArn, p.status])).toEqual([
      [`${POINT_ARN}-600`, 'COMPLETED'],
      [`${POINT_ARN}-180`, 'COMPLETED'],
      [`${POINT_ARN}-60`, 'PARTIAL'],
    ]);
    expect(requests).toEqual([
      { BackupVaultName: 'drill-vault', ByResourceArn: TABLE_ARN },
      { BackupVaultName: 'drill-vault', ByResourceArn: TABLE_ARN, NextToken: '1' },
      { BackupVaultName: 'drill-vault', ByResourceArn: TABLE_ARN, NextToken: '2' },
    ]);
  });

  test('a member without an ARN or creation date is skipped (both are optional in RecoveryPointByBackupVault)', async () => {
    backup
      .on(ListRecoveryPointsByBackupVaultCommand)
      .resolves({ RecoveryPoints: [{ Status: 'COMPLETED' }, { RecoveryPointArn: POINT_ARN }] });
    expect(await all(port.listRecoveryPoints('drill-vault', TABLE_ARN))).toEqual([]);
  });
});

describe('startRestoreJob', () => {
  const request = {
    recoveryPointArn: POINT_ARN,
    metadata: { targetTableName: 'drill-copy-orders-x', encryptionType: 'Default', deletionProtection: 'false' },
    iamRoleArn: 'arn:aws:iam::123456789012:role/drill-restore',
    idempotencyToken: '20261128t060000z-0a1b2c3d',
  };

  test('StartRestoreJob with the metadata as given, ResourceType DynamoDB, the restore role and the token; no GetRecoveryPointRestoreMetadata', async () => {
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'restore-job-1' });
    expect(await port.startRestoreJob(request)).toBe('restore-job-1');
    expect(backup.commandCalls(StartRestoreJobCommand).map((call) => call.args[0].input)).toEqual([
      {
        RecoveryPointArn: POINT_ARN,
        Metadata: request.metadata,
        IamRoleArn: request.iamRoleArn,
        IdempotencyToken: request.idempotencyToken,
        ResourceType: 'DynamoDB',
      },
    ]);
    expect(backup.commandCalls(GetRecoveryPointRestoreMetadataCommand)).toEqual([]);
  });

  test('a success without a RestoreJobId (a retried token, as the API reference documents it) is undefined', async () => {
    backup.on(StartRestoreJobCommand).resolves({});
    expect(await port.startRestoreJob(request)).toBeUndefined();
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: '' });
    expect(await port.startRestoreJob(request)).toBeUndefined();
  });
});

describe('describeRestoreJob', () => {
  test('PercentDone, a string such as "40.00%", is read as a number; a missing status is PENDING', async () => {
    backup
      .on(DescribeRestoreJobCommand)
      .resolves({ RestoreJobId: 'restore-job-1', PercentDone: '40.00%', ExpectedCompletionTimeMinutes: 12 });
    expect(await port.describeRestoreJob('restore-job-1')).toEqual({
      restoreJobId: 'restore-job-1',
      status: 'PENDING',
      statusMessage: undefined,
      percentDone: 40,
      expectedCompletionTimeMinutes: 12,
      createdResourceArn: undefined,
      creationDate: undefined,
      completionDate: undefined,
    });
    expect(backup.commandCalls(DescribeRestoreJobCommand)[0].args[0].input).toEqual({ RestoreJobId: 'restore-job-1' });
  });

  test('a COMPLETED job: its created table and dates; a PercentDone that is not a number is left out', async () => {
    const created = new Date('2026-11-28T06:00:05Z');
    const completed = new Date('2026-11-28T06:29:51Z');
    backup.on(DescribeRestoreJobCommand).resolves({
      Status: 'COMPLETED',
      PercentDone: 'n/a',
      CreatedResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/drill-copy-orders-x',
      CreationDate: created,
      CompletionDate: completed,
    });
    expect(await port.describeRestoreJob('restore-job-1')).toMatchObject({
      status: 'COMPLETED',
      percentDone: undefined,
      createdResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/drill-copy-orders-x',
      creationDate: created,
      completionDate: completed,
    });
  });
});

describe('listRestoreJobs', () => {
  test("GET /resources/{resourceArn}/restore-jobs/ filtered a minute either side of the point's creation, every page", async () => {
    const at = new Date('2026-11-28T05:00:00Z');
    const requests = answerPages(ListRestoreJobsByProtectedResourceCommand, [
      { RestoreJobs: [{ RestoreJobId: 'restore-job-1', RecoveryPointArn: POINT_ARN, Status: 'RUNNING' }], NextToken: 'n' },
      { RestoreJobs: [{ Status: 'COMPLETED' }, { RestoreJobId: 'restore-job-2', IamRoleArn: 'arn:aws:iam::123456789012:role/ops' }] },
    ]);
    const jobs = await all(port.listRestoreJobs(TABLE_ARN, at));
    expect(jobs.map((job) => job.restoreJobId)).toEqual(['restore-job-1', 'restore-job-2']);
    expect(jobs[1].iamRoleArn).toBe('arn:aws:iam::123456789012:role/ops');
    expect(requests[0]).toEqual({
      ResourceArn: TABLE_ARN,
      ByRecoveryPointCreationDateAfter: '2026-11-28T04:59:00.000Z',
      ByRecoveryPointCreationDateBefore: '2026-11-28T05:01:00.000Z',
    });
    expect(requests[1]).toMatchObject({ NextToken: 'n' });
  });
});
