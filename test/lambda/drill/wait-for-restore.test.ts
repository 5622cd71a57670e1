import { DEFAULT_WAIT_TUNING } from '../../../lambda/config';
import { TimeBudget } from '../../../lambda/drill/time-budget';
import { waitForRestoreJob, waitForTableActive } from '../../../lambda/drill/wait-for-restore';
import { denied } from '../support/aws-errors';
import { FakeClock } from '../support/fake-clock';
import { FakeBackup } from '../support/fakes/fake-backup';
import { InMemoryDynamoDb } from '../support/fakes/in-memory-dynamodb';
import { ORDERS_SCHEMA, orderItems } from '../support/flow-world';

/**
 * The two waits of a drill, on the in-memory ports and a virtual clock: the restore job, polled
 * until it ends or the invocation's time runs short; the restored copy, polled until ACTIVE within
 * its share of the time. What they return (how long they waited, when the copy became ACTIVE) is
 * what the RTO check measures, and how many DescribeTable calls they make is what they cost.
 */

const second = 1_000;
const COPY = 'drill-copy-orders-20261128t060000z-1a2b3c4d';

let clock: FakeClock;
let dynamodb: InMemoryDynamoDb;

beforeEach(() => {
  clock = new FakeClock();
  dynamodb = new InMemoryDynamoDb(clock, { account: '123456789012', region: 'us-east-1' });
});

/** A copy that stays CREATING for `creatingMs` from now. */
function copyCreatingFor(creatingMs: number): void {
  dynamodb.createTable({ ...ORDERS_SCHEMA, TableName: COPY }, orderItems(3), { creatingMs });
}

const waitActive = (waitMs: number, pollMs = 5 * second) => waitForTableActive({ dynamodb, clock, tableName: COPY, waitMs, pollMs });

describe('waitForTableActive', () => {
  test('an ACTIVE copy: no wait, ACTIVE now', async () => {
    copyCreatingFor(0);
    const started = clock.now();
    const active = await waitActive(60 * second);
    expect(active).toMatchObject({ activeAt: started, waitedMs: 0, table: { status: 'ACTIVE' } });
    expect(dynamodb.calls('describeTable')).toHaveLength(1);
  });

  test('a CREATING copy is polled until ACTIVE: when, and how long it took', async () => {
    copyCreatingFor(12 * second);
    const started = clock.now();
    const active = await waitActive(60 * second);
    // Polled at 0, 5 and 10 s (CREATING), ACTIVE at the 15 s poll.
    expect(active).toMatchObject({ activeAt: started + 15 * second, waitedMs: 15 * second, table: { status: 'ACTIVE' } });
    expect(clock.sleeps).toEqual([5 * second, 5 * second, 5 * second]);
    expect(dynamodb.calls('describeTable')).toHaveLength(4);
  });

  test('gives up when the next poll would pass the wait allowed; a poll that lands on it exactly is still made', async () => {
    copyCreatingFor(60 * second);
    const started = clock.now();
    const gaveUp = await waitActive(10 * second);
    // Polls at 0, 5 and 10 s; the next (15 s) would pass the 10 s allowed.
    expect(gaveUp).toEqual({ table: expect.objectContaining({ status: 'CREATING' }), waitedMs: 10 * second });
    expect(gaveUp.activeAt).toBeUndefined();
    expect(dynamodb.calls('describeTable')).toHaveLength(3);
    expect(clock.now()).toBe(started + 10 * second);
  });

  test('no wait allowed (a copy AWS Backup is deleting): one look', async () => {
    copyCreatingFor(60 * second);
    const gaveUp = await waitActive(0);
    expect(gaveUp).toMatchObject({ waitedMs: 0, table: { status: 'CREATING' } });
    expect(dynamodb.calls('describeTable')).toHaveLength(1);
  });

  test('a copy that is not there is polled like one that is not ACTIVE yet, and comes back as none', async () => {
    const gaveUp = await waitActive(10 * second);
    expect(gaveUp).toEqual({ table: undefined, waitedMs: 10 * second });
  });

  test('a failed DescribeTable names its operation', async () => {
    copyCreatingFor(0);
    dynamodb.failNext('describeTable', denied('dynamodb:DescribeTable'));
    await expect(waitActive(10 * second)).rejects.toMatchObject({ name: 'DrillStepError', operation: 'DescribeTable' });
  });
});

describe('waitForRestoreJob', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/drill-restore';

  function startRestore(backup: FakeBackup, durationMs: number): Promise<string | undefined> {
    dynamodb.createTable({ ...ORDERS_SCHEMA, TableName: 'orders' }, orderItems(3));
    const point = backup.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    backup.nextRestores({ durationMs });
    return backup.startRestoreJob({
      recoveryPointArn: point,
      metadata: { targetTableName: COPY, encryptionType: 'Default' },
      iamRoleArn: ROLE,
      idempotencyToken: 'drill-1',
    });
  }

  test('polls on the schedule until the job ends, and returns the ended job', async () => {
    const backup = new FakeBackup(clock, dynamodb, { account: '123456789012', region: 'us-east-1', vaultName: 'drill-vault' });
    const restoreJobId = (await startRestore(backup, 40 * second))!;
    const progress: number[] = [];
    const wait = await waitForRestoreJob({
      backup,
      clock,
      time: TimeBudget.of(clock, 15 * 60_000, 60_000),
      tuning: DEFAULT_WAIT_TUNING,
      restoreJobId,
      restoreStartedAt: clock.now(),
      onProgress: (job) => progress.push(job.percentDone ?? -1),
    });
    expect(wait).toMatchObject({ kind: 'finished', job: { restoreJobId, status: 'COMPLETED' } });
    // The minimum gap (15 s) until 40 s: polls at 0, 15, 30 (running) and 45 s (done).
    expect(clock.sleeps).toEqual([15 * second, 15 * second, 15 * second]);
    expect(progress).toEqual([0, 37, 75]);
  });

  test('hands the job over when the next pause would eat the reserve', async () => {
    const backup = new FakeBackup(clock, dynamodb, { account: '123456789012', region: 'us-east-1', vaultName: 'drill-vault' });
    const restoreJobId = (await startRestore(backup, 40 * second))!;
    const wait = await waitForRestoreJob({
      backup,
      clock,
      // 20 s before the reserve: one 15 s pause fits, the second does not.
      time: TimeBudget.of(clock, 80 * second, 60 * second),
      tuning: DEFAULT_WAIT_TUNING,
      restoreJobId,
      restoreStartedAt: clock.now(),
    });
    expect(wait).toMatchObject({ kind: 'handed-over', job: { restoreJobId, status: 'RUNNING' } });
    expect(clock.sleeps).toEqual([15 * second]);
  });

  test('a failed DescribeRestoreJob names its operation', async () => {
    const backup = new FakeBackup(clock, dynamodb, { account: '123456789012', region: 'us-east-1', vaultName: 'drill-vault' });
    backup.failNext('describeRestoreJob', denied('backup:DescribeRestoreJob'));
    await expect(
      waitForRestoreJob({
        backup,
        clock,
        time: TimeBudget.of(clock, 15 * 60_000, 60_000),
        tuning: DEFAULT_WAIT_TUNING,
        restoreJobId: 'restore-job-1',
        restoreStartedAt: clock.now(),
      }),
    ).rejects.toMatchObject({ name: 'DrillStepError', operation: 'DescribeRestoreJob' });
  });
});
