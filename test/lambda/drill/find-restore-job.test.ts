import { BackupClient, ListRestoreJobsByProtectedResourceCommand, type RestoreJobsListMember } from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import type { DrillRecord } from '../../../lambda/domain/drill-record';
import { findStartedRestoreJob, lookForRestoreJob, type RestoreJobSearch } from '../../../lambda/drill/find-restore-job';
import { TimeBudget } from '../../../lambda/drill/time-budget';
import { createBackupPort } from '../../../lambda/ports/backup-port';
import { FakeClock } from '../support/fake-clock';
import { InMemoryHistory } from '../support/fakes/in-memory-history';

/**
 * Which listed restore job is the drill's, when StartRestoreJob accepted the request without
 * returning its id: the real Backup port over aws-sdk-client-mock, answering
 * ListRestoreJobsByProtectedResource as the AWS Backup API reference documents it (RestoreJobs of
 * RestoreJobsListMember, every member optional: IamRoleArn and CreatedResourceArn may be absent,
 * CreatedResourceArn is there only once the job created its table). One job is the drill's only
 * when nothing else listed can be: a wrong guess adopts someone else's restore and deletes its table.
 */

const backup = mockClient(BackupClient);
const port = createBackupPort(new BackupClient({ region: 'us-east-1' }));

const ACCOUNT = '123456789012';
const SOURCE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
const POINT_ARN = `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:0d2b6a4e-6f1c-4c8e-9a57-3e2f1b0c9d8a`;
const OTHER_POINT_ARN = `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:7a1f3c2e-0b9d-4e8a-8c6f-5d4e3b2a1f0e`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/drill-restore`;
const OPERATOR_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ops`;
const COPY = 'drill-copy-orders-20261128t060000z-1a2b3c4d';
const REQUESTED_AT = Date.parse('2026-11-28T06:00:00.000Z');
const minute = 60_000;

const search: RestoreJobSearch = {
  drillId: 'drill-1',
  sourceTableArn: SOURCE_ARN,
  recoveryPointArn: POINT_ARN,
  recoveryPointCreatedAt: new Date('2026-11-28T05:00:00.000Z'),
  iamRoleArn: ROLE_ARN,
  restoredTableName: COPY,
  requestedAt: REQUESTED_AT,
};

/** A job as ListRestoreJobsByProtectedResource lists the drill's own restore while it runs (no CreatedResourceArn yet). */
function ours(overrides: RestoreJobsListMember = {}): RestoreJobsListMember {
  return {
    RestoreJobId: 'restore-job-ours',
    AccountId: ACCOUNT,
    RecoveryPointArn: POINT_ARN,
    IamRoleArn: ROLE_ARN,
    CreationDate: new Date(REQUESTED_AT + 2_000),
    Status: 'RUNNING',
    ResourceType: 'DynamoDB',
    ...overrides,
  };
}

/** The same point restored by someone else: another job id, and whatever differs. */
const other = (overrides: RestoreJobsListMember): RestoreJobsListMember => ours({ RestoreJobId: 'restore-job-other', ...overrides });
const completedAs = (table: string): RestoreJobsListMember => ({
  Status: 'COMPLETED',
  CreatedResourceArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${table}`,
});

let history: InMemoryHistory;

beforeEach(() => {
  backup.reset();
  history = new InMemoryHistory();
});
afterAll(() => backup.restore());

function listing(...jobs: RestoreJobsListMember[]) {
  backup.on(ListRestoreJobsByProtectedResourceCommand).resolves({ RestoreJobs: jobs });
}

const find = () => findStartedRestoreJob(port, history, search);

async function recordDrill(drillId: string, restoreJobId: string): Promise<void> {
  const record: DrillRecord = {
    drillId,
    sourceTable: 'orders',
    sourceTableArn: SOURCE_ARN,
    trigger: 'schedule',
    startedAt: new Date(REQUESTED_AT).toISOString(),
    status: 'RESTORING',
    restoredTableName: `drill-copy-orders-${drillId}`,
    restoreJobId,
  };
  await history.create(record);
}

describe('findStartedRestoreJob', () => {
  test('the one job of the point, role and time is the drill’s, named or not yet', async () => {
    listing(ours());
    await expect(find()).resolves.toBe('restore-job-ours');
    listing(ours(completedAs(COPY)));
    await expect(find()).resolves.toBe('restore-job-ours');
  });

  test('a job listed without IamRoleArn or CreationDate is not ruled out for what is not there', async () => {
    listing(ours({ IamRoleArn: undefined }));
    await expect(find()).resolves.toBe('restore-job-ours');
    listing(ours({ CreationDate: undefined }));
    await expect(find()).resolves.toBe('restore-job-ours');
  });

  test('jobs of another recovery point, another role, from before the request or that created another table are not candidates', async () => {
    for (const stranger of [
      other({ RecoveryPointArn: OTHER_POINT_ARN }),
      other({ IamRoleArn: OPERATOR_ROLE_ARN }),
      other({ CreationDate: new Date(REQUESTED_AT - 5 * minute - 1) }),
      other(completedAs('orders-restored-by-ops')),
    ]) {
      // Beside the drill's job, still unnamed: only the stranger could make it ambiguous.
      listing(stranger, ours());
      await expect(find()).resolves.toBe('restore-job-ours');
    }
  });

  test('a job created up to five minutes before the request (clock skew) is still a candidate', async () => {
    listing(ours({ CreationDate: new Date(REQUESTED_AT - 5 * minute) }));
    await expect(find()).resolves.toBe('restore-job-ours');
  });

  test('a job another drill recorded is someone else’s; one this drill recorded is its own', async () => {
    await recordDrill('drill-0', 'restore-job-other');
    listing(other({}), ours());
    await expect(find()).resolves.toBe('restore-job-ours');

    await recordDrill(search.drillId, 'restore-job-ours');
    listing(ours());
    await expect(find()).resolves.toBe('restore-job-ours');
  });

  test('two jobs that could be the drill’s: the one that created its copy, else none (a twin’s job is not adopted)', async () => {
    listing(other({}), ours(completedAs(COPY)));
    await expect(find()).resolves.toBe('restore-job-ours');
    listing(other({}), ours());
    await expect(find()).resolves.toBeUndefined();
    listing();
    await expect(find()).resolves.toBeUndefined();
  });
});

describe('lookForRestoreJob', () => {
  const PAUSES = [0, 2_000, 5_000, 10_000];

  /** A budget whose check time (remaining - reserve) is `checkMs`. */
  function look(clock: FakeClock, checkMs: number) {
    return lookForRestoreJob({
      backup: port,
      history,
      clock,
      time: TimeBudget.of(clock, checkMs + 60_000, 60_000),
      pausesMs: PAUSES,
      search,
    });
  }

  test('looks at once, then after each pause that leaves the reserve, and stops at the first that does not', async () => {
    const clock = new FakeClock(REQUESTED_AT);
    listing();
    // 2 s and 5 s fit in 8 s of check time; 10 s more would not.
    await expect(look(clock, 8_000)).resolves.toBeUndefined();
    expect(clock.sleeps).toEqual([2_000, 5_000]);
    expect(backup.commandCalls(ListRestoreJobsByProtectedResourceCommand)).toHaveLength(3);
  });

  test('every pause when there is time for them all', async () => {
    const clock = new FakeClock(REQUESTED_AT);
    listing();
    await expect(look(clock, 17_000)).resolves.toBeUndefined();
    expect(clock.sleeps).toEqual([2_000, 5_000, 10_000]);
    expect(backup.commandCalls(ListRestoreJobsByProtectedResourceCommand)).toHaveLength(4);
  });

  test('no pause at all when even the first does not fit: one look', async () => {
    const clock = new FakeClock(REQUESTED_AT);
    listing();
    await expect(look(clock, 1_999)).resolves.toBeUndefined();
    expect(clock.sleeps).toEqual([]);
    expect(backup.commandCalls(ListRestoreJobsByProtectedResourceCommand)).toHaveLength(1);
  });

  test('stops looking once the job is listed', async () => {
    const clock = new FakeClock(REQUESTED_AT);
    backup
      .on(ListRestoreJobsByProtectedResourceCommand)
      .resolvesOnce({ RestoreJobs: [] })
      .resolvesOnce({ RestoreJobs: [] })
      .resolves({ RestoreJobs: [ours()] });
    await expect(look(clock, 60_000)).resolves.toBe('restore-job-ours');
    expect(clock.sleeps).toEqual([2_000, 5_000]);
    expect(backup.commandCalls(ListRestoreJobsByProtectedResourceCommand)).toHaveLength(3);
  });
});
