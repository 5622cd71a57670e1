import 'aws-sdk-client-mock-jest';
import {
  DescribeRestoreJobCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRestoreJobsByProtectedResourceCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { PublishCommand } from '@aws-sdk/client-sns';
import { drillIdFor } from '../../lambda/drill/drill-id';
import {
  DrillWorld,
  PREFIX,
  TOPIC_ARN,
  backupCompletedEvent,
  orderItems,
  restoreJobEvent,
  scheduledEvent,
  tableArn,
} from './support/drill-world';

/**
 * The drill engine through its handler: AWS Backup and SNS mocked with aws-sdk-client-mock,
 * DynamoDB on AWS's DynamoDB Local behind the mock, virtual time. Each failure path the engine promises to
 * handle has a case here asserting the report, the calls and that no copy is left.
 */

let world: DrillWorld;

beforeAll(async () => {
  world = await DrillWorld.start();
});

afterAll(async () => {
  await world.stop();
});

beforeEach(async () => {
  await world.reset();
  await world.addSourceTable({ name: 'orders', items: orderItems(40) });
});

/** The one restored copy was deleted by name, and no other table was. */
function expectCopyDeleted() {
  const deleted = world.dynamodb.commandCalls(DeleteTableCommand).map((call) => call.args[0].input.TableName);
  expect(deleted).toEqual([expect.stringMatching(new RegExp(`^${PREFIX}orders-`))]);
}

async function expectNoCopyLeft() {
  expect(await world.copiesLeft()).toEqual([]);
  // The source is untouched, item for item.
  const items = await world.scanTable('orders');
  expect(items).toHaveLength(40);
}

describe('AWS errors before the restore starts: transient ones are no verdict, permanent ones are', () => {
  // aws-sdk-client-mock replaces send(), so one rejection stands for an error that outlasted the SDK's retries.
  const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  const denied = (action: string) =>
    Object.assign(new Error(`User is not authorized to perform: ${action}`), { name: 'AccessDeniedException' });

  /** DescribeTable of the source failing once with `error`, every other call answered by DynamoDB Local. */
  function describeSourceFailsOnce(error: Error) {
    let failed = false;
    world.dynamodb.on(DescribeTableCommand).callsFake(async (input) => {
      if (input.TableName === 'orders' && !failed) {
        failed = true;
        throw error;
      }
      return world.passThrough(new DescribeTableCommand(input));
    });
  }

  /** The first invocation fails without a verdict and gives its lease back; Lambda's retry of the same event finishes the drill. */
  async function expectNoVerdictThenRetryFinishes(why: RegExp, verdict: 'PASS' | 'FAIL' = 'PASS') {
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event)).rejects.toThrow(why);
    expect(world.sns).not.toHaveReceivedCommand(PublishCommand);
    const record = await world.historyRecord(drillId);
    expect(record).toMatchObject({ status: 'STARTED' });
    expect(record).not.toHaveProperty('earlyFailure');
    // The lease went back: the retry a minute later need not wait for it to run out.
    expect(record).not.toHaveProperty('leaseOwner');

    world.clock.advance(60_000);
    const retry = await world.invoke(event);
    expect(retry.drills).toEqual([expect.objectContaining({ drillId, status: 'finished', verdict })]);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(world.published()[0].json).toMatchObject({ drillId, verdict });
    return world.published()[0];
  }

  test('DescribeTable of the source throttled: no verdict, the lease is released, and the retry finishes the drill', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    describeSourceFailsOnce(throttled());
    await expectNoVerdictThenRetryFinishes(
      /1 drill\(s\) did not complete: drill \S+ \(orders\): DescribeTable ThrottlingException \(Rate exceeded\): .*nothing was judged: the drill stays STARTED/,
    );
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    await expectNoCopyLeft();
  });

  test('DescribeTable of the source denied: an early FAIL naming the permission, no restore', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    describeSourceFailsOnce(denied('dynamodb:DescribeTable'));
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.backup.calls()).toHaveLength(0);
    const [report] = world.published();
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no restore');
    expect(report.json.failure).toBe(
      'DescribeTable AccessDeniedException (User is not authorized to perform: dynamodb:DescribeTable): check the drill Lambda role allows DescribeTable',
    );
  });

  test('an unexpected error that is no AWS fault (a bug): an early FAIL that is reported, not a drill retried forever', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    describeSourceFailsOnce(new TypeError("Cannot read properties of undefined (reading 'KeySchema')"));
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.backup).not.toHaveReceivedCommand(StartRestoreJobCommand);
    expect(world.published()[0].json.failure).toMatch(/^DescribeTable TypeError .*unexpected error — see the drill Lambda logs/);
  });

  test("a fault on AWS's side ($fault server, as the SDK marks a 5xx): no verdict; the retry finishes the drill", async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    describeSourceFailsOnce(
      Object.assign(new Error('We encountered an internal error'), { name: 'InternalServerError', $fault: 'server' }),
    );
    await expectNoVerdictThenRetryFinishes(/DescribeTable InternalServerError/);
  });

  test('listing the recovery points throttled: no verdict; the retry finishes the drill', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.backup
      .on(ListRecoveryPointsByBackupVaultCommand)
      .rejectsOnce(throttled())
      .callsFake((input) => world.listRecoveryPoints(input));
    await expectNoVerdictThenRetryFinishes(/ListRecoveryPointsByBackupVault ThrottlingException/);
  });

  test('listing the recovery points denied: an early FAIL naming the permission', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(denied('backup:ListRecoveryPointsByBackupVault'));
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.attributes.verdict).toBe('FAIL');
    expect(report.json.failure).toMatch(
      /^ListRecoveryPointsByBackupVault AccessDeniedException .*check backup:ListRecoveryPointsByBackupVault on the vault/,
    );
    expect(world.backup).not.toHaveReceivedCommand(StartRestoreJobCommand);
  });

  test('DescribeKey of the source key throttled: no verdict; the retry finishes the drill', async () => {
    const AWS_MANAGED_KEY = 'arn:aws:kms:us-east-1:123456789012:key/6c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f';
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.dynamodb.on(DescribeTableCommand).callsFake(async (input) => {
      const real = await world.passThrough(new DescribeTableCommand(input));
      if (input.TableName !== 'orders') return real;
      return { Table: { ...real.Table, SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: AWS_MANAGED_KEY } } };
    });
    world.kmsKeys.set(AWS_MANAGED_KEY, 'AWS');
    world.kms
      .on(DescribeKeyCommand)
      .rejectsOnce(throttled())
      .callsFake((input) => world.describeKey(input));
    await expectNoVerdictThenRetryFinishes(/DescribeKey ThrottlingException/);
    expect(world.kms).toHaveReceivedCommandTimes(DescribeKeyCommand, 2);
  });

  test('StartRestoreJob throttled: no verdict; the retry asks again with the same token and finishes the drill', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.backup
      .on(StartRestoreJobCommand)
      .rejectsOnce(throttled())
      .callsFake((input) => world.startRestore(input));
    await expectNoVerdictThenRetryFinishes(/StartRestoreJob ThrottlingException/);
    const starts = world.backup.commandCalls(StartRestoreJobCommand).map((call) => call.args[0].input);
    expect(starts).toHaveLength(2);
    expect(starts[1]).toEqual(starts[0]);
    expect(world.restoreJobs).toHaveLength(1);
  });

  test('the drill history throttled while asking whether the table was drilled before: no verdict; the retry reports "no recovery point yet"', async () => {
    let failed = false;
    world.dynamodb.on(QueryCommand).callsFake(async (input) => {
      if (input.IndexName === 'byTable' && !failed) {
        failed = true;
        throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
      }
      return world.passThrough(new QueryCommand(input));
    });
    const report = await expectNoVerdictThenRetryFinishes(/Query ProvisionedThroughputExceededException/, 'FAIL');
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no recovery point yet');
  });
});

describe('restore problems', () => {
  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  test('StartRestoreJob denied: FAIL naming iam:PassRole, no copy, no delete', async () => {
    world.backup
      .on(StartRestoreJobCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: iam:PassRole'), { name: 'AccessDeniedException' }));
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.attributes.verdict).toBe('FAIL');
    expect(report.json.failure).toMatch(
      /^StartRestoreJob AccessDeniedException \(User is not authorized to perform: iam:PassRole\): the Lambda role cannot start the restore or pass the restore role — check backup:StartRestoreJob and iam:PassRole/,
    );
    expect(report.json.checks).toEqual([expect.objectContaining({ check: 'RPO', status: 'PASS' })]);
    expect(world.dynamodb).not.toHaveReceivedCommand(DeleteTableCommand);
    await expectNoCopyLeft();
  });

  test('restore FAILED: FAIL with the status message; the partial table it left is deleted', async () => {
    world.scenario = { statuses: ['RUNNING', 'FAILED'], statusMessage: 'Access denied to KMS key', createTable: true };
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: RTO n\/a, RPO 1h00m - restored$/);
    expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: report.json.drillId });
    expect(report.json.failure).toBe('restored: restore job restore-job-1 FAILED: Access denied to KMS key');
    expect(report.email).toContain('next: check the restore role');
    expect(report.json.checks.map((c: { check: string }) => c.check)).toEqual(['restored', 'RPO']);
    expect(report.json.cleanup.result).toBe('deleted');
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expectCopyDeleted();
    await expectNoCopyLeft();
  });

  test('restore ABORTED: FAIL, nothing created, nothing deleted', async () => {
    world.scenario = { statuses: ['ABORTED'], createTable: false };
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: .* - restored$/);
    expect(report.json.failure).toBe('restored: restore job restore-job-1 was ABORTED');
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expect(report.json.cleanup).toMatchObject({ result: 'absent' });
    expect(world.dynamodb).not.toHaveReceivedCommand(DeleteTableCommand);
    await expectNoCopyLeft();
  });

  test('table never ACTIVE: FAIL after a bounded wait; the copy DynamoDB will not delete yet is reported, and the next run deletes it', async () => {
    let creating = true;
    world.dynamodb.on(DescribeTableCommand).callsFake(async (input) => {
      const real = await world.passThrough(new DescribeTableCommand(input));
      return creating && input.TableName?.startsWith(PREFIX) ? { Table: { ...real.Table, TableStatus: 'CREATING' } } : real;
    });
    // As on AWS: DeleteTable of a table still CREATING is refused.
    world.dynamodb.on(DeleteTableCommand).callsFake(async (input) => {
      if (creating)
        throw Object.assign(new Error('Attempt to change a resource which is still in use: Table is being created'), {
          name: 'ResourceInUseException',
        });
      return world.passThrough(new DeleteTableCommand(input));
    });
    const started = world.clock.now();
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    // The copy left behind is news too: the subject names it after the failed check.
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: .* - restored, cleanup$/);
    expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: report.json.drillId });
    expect(report.json.failure).toMatch(/^restored: restore job COMPLETED but table drill-copy-orders-\S+ is CREATING, not ACTIVE$/);
    expect(report.json.cleanup).toMatchObject({
      result: 'failed',
      detail: expect.stringMatching(
        /it is still CREATING and DynamoDB deletes a table only once it is ACTIVE; the next scheduled drill deletes it/,
      ),
    });
    expect(world.clock.now() - started).toBeLessThan(15 * 60_000);
    // It never sent a DeleteTable DynamoDB would refuse.
    expect(world.dynamodb).not.toHaveReceivedCommand(DeleteTableCommand);
    expect(await world.copiesLeft()).toHaveLength(1);

    creating = false;
    world.clock.advance(24 * 3600_000);
    const next = await world.invoke(scheduledEvent('2026-11-29T06:00:00Z'));
    expect(next.leftoverCopies).toEqual([expect.stringMatching(/^drill-copy-orders-\S+: deleted$/)]);
    await expectNoCopyLeft();
  });

  test('DescribeRestoreJob denied: FAIL at once naming the permission, and the copy is deleted', async () => {
    world.scenario = { statuses: ['RUNNING'], createTable: true };
    world.backup
      .on(DescribeRestoreJobCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: backup:DescribeRestoreJob'), { name: 'AccessDeniedException' }));
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: RTO n\/a, RPO 1h00m - drill error$/);
    expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: report.json.drillId });
    expect(report.json.failure).toMatch(/DescribeRestoreJob AccessDeniedException .*check backup:DescribeRestoreJob/);
    expect(report.json.cleanup.result).toBe('deleted');
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expectCopyDeleted();
    await expectNoCopyLeft();
  });

  test('DescribeRestoreJob failing transiently (after the SDK retries): the invocation fails for Lambda to retry, nothing is reported yet', async () => {
    world.scenario = { statuses: ['RUNNING', 'COMPLETED'], createTable: true };
    world.backup
      .on(DescribeRestoreJobCommand)
      .rejectsOnce(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailableException' }))
      .callsFake((input) => world.describeRestore(input));
    const event = scheduledEvent();
    await expect(world.invoke(event)).rejects.toThrow(/ServiceUnavailableException/);
    expect(world.sns).not.toHaveReceivedCommand(PublishCommand);
    world.clock.advance(20 * 60_000);
    const retry = await world.invoke(event);
    expect(retry.drills.some((d) => d.status === 'finished' && d.verdict === 'PASS')).toBe(true);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    await expectNoCopyLeft();
  });
});

describe('StartRestoreJob succeeding without a RestoreJobId', () => {
  // StartRestoreJob API reference, IdempotencyToken: "Retrying a successful request with the same
  // idempotency token results in a success message with no action taken" - and no RestoreJobId.
  const succeedsWithoutId = () =>
    world.backup.on(StartRestoreJobCommand).callsFake(async (input) => {
      await world.startRestore(input);
      return {};
    });

  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  test('the drill finds its job among the restore jobs of the table and finishes once', async () => {
    const point = world.addRecoveryPoint({ table: 'orders', ageMinutes: 30 });
    // Someone restoring the same recovery point by hand, with another role, a minute earlier.
    await world.startRestore({
      RecoveryPointArn: point,
      IamRoleArn: `arn:aws:iam::123456789012:role/ops`,
      IdempotencyToken: 'by-hand',
      Metadata: { targetTableName: 'orders-by-hand' },
    });
    world.clock.advance(60_000);
    succeedsWithoutId();
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.backup).toHaveReceivedCommandWith(ListRestoreJobsByProtectedResourceCommand, { ResourceArn: tableArn('orders') });
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    const [report] = world.published();
    expect(report.json.restoreJob).toMatchObject({ restoreJobId: 'restore-job-2', status: 'COMPLETED' });
    expect(report.json.cleanup).toMatchObject({ result: 'deleted' });
    expect(world.dynamodb).not.toHaveReceivedCommandWith(DeleteTableCommand, { TableName: 'orders-by-hand' });
    expect(await world.copiesLeft()).toEqual([]);
  });

  test('not listed yet: the invocation fails, the drill stays STARTED, and the retry finds the job (same token, same recovery point)', async () => {
    succeedsWithoutId();
    let listed = false;
    world.backup.on(ListRestoreJobsByProtectedResourceCommand).callsFake((input) => world.listRestoreJobs(input, () => listed));
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event)).rejects.toThrow(
      /returned no restore job id, and no restore job of that recovery point .* is listed for orders yet/,
    );
    expect(await world.historyRecord(drillId)).toMatchObject({
      status: 'STARTED',
      recoveryPoint: expect.any(Object),
      restoreStartedAt: expect.any(String),
    });
    expect(await world.historyRecord(drillId)).not.toHaveProperty('earlyFailure');
    expect(world.sns).not.toHaveReceivedCommand(PublishCommand);

    listed = true;
    world.clock.advance(60_000); // Lambda retries a failed asynchronous invocation about a minute later
    const retry = await world.invoke(event);
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    const starts = world.backup.commandCalls(StartRestoreJobCommand).map((call) => call.args[0].input);
    expect(starts).toHaveLength(2);
    expect(starts[1]).toEqual(starts[0]);
    expect(world.restoreJobs).toHaveLength(1);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    await expectNoCopyLeft();
  });

  test('listing the restore jobs denied: FAIL at once, naming the permission', async () => {
    succeedsWithoutId();
    world.backup.on(ListRestoreJobsByProtectedResourceCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: backup:ListRestoreJobsByProtectedResource'), {
        name: 'AccessDeniedException',
      }),
    );
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.published()[0].json.failure).toMatch(
      /^ListRestoreJobsByProtectedResource AccessDeniedException .*check backup:ListRestoreJobsByProtectedResource$/,
    );
  });

  test('listing throttled past the SDK retries: not a verdict, the invocation fails and the drill stays STARTED for the retry', async () => {
    succeedsWithoutId();
    world.backup
      .on(ListRestoreJobsByProtectedResourceCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const event = scheduledEvent();
    await expect(world.invoke(event)).rejects.toThrow(/is listed for orders yet/);
    expect(await world.historyRecord(drillIdFor(new Date(event.time), event.id, tableArn('orders')))).toMatchObject({ status: 'STARTED' });
    expect(world.sns).not.toHaveReceivedCommand(PublishCommand);
  });

  test('never listed: hours later the drill FAILs saying what happened, and names the copy to watch for', async () => {
    succeedsWithoutId();
    world.backup.on(ListRestoreJobsByProtectedResourceCommand).resolves({ RestoreJobs: [] });
    const event = scheduledEvent();
    await expect(world.invoke(event)).rejects.toThrow(/is listed for orders yet/);
    world.clock.advance(3 * 3600_000);
    // Lambda's retries are long over; the sweep of a scheduled run (here: the same event, late) finishes the drill.
    const later = await world.invoke(event);
    expect(later.drills).toEqual([
      expect.objectContaining({ status: 'finished', verdict: 'FAIL' }),
      expect.objectContaining({ status: 'already-finished', verdict: 'FAIL' }),
    ]);
    // Three hours on, the request is not sent again: only the listing is asked.
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    const [report] = world.published();
    // Without a known job the cleanup may not delete the table that job made (safety rule 4): it says so.
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO 1h00m - restore job not found, cleanup');
    expect(report.json.cleanup).toMatchObject({
      result: 'refused',
      detail: expect.stringMatching(/no restore job of this drill created drill-copy-orders-/),
    });
    expect(report.json.failure).toMatch(
      /^restore job not found: the restore of arn:aws:backup:\S+ was requested \d{4}-\S+ \S+ UTC \(3h\d\dm ago\) and no restore job of that recovery point run with the restore role \S+ is listed for orders; the drill cannot follow or judge that restore and does not request it again this late — if a table drill-copy-orders-\S+ appears, delete it by hand$/,
    );
  });

  describe('a STARTED drill whose restore was requested 3 hours ago, resumed by the sweep of a later scheduled run', () => {
    type Job = (typeof world.restoreJobs)[number];
    /** Which restore jobs ListRestoreJobsByProtectedResource shows (none, at first). */
    let listed: (job: Job) => boolean;

    /** The first run: StartRestoreJob answers without an id, the job is not listed, the drill stays STARTED. */
    async function requestedThreeHoursAgo() {
      listed = () => false;
      world.scenario = { statuses: ['COMPLETED'], createTable: true };
      succeedsWithoutId();
      world.backup.on(ListRestoreJobsByProtectedResourceCommand).callsFake((input) => world.listRestoreJobs(input, (job) => listed(job)));
      const first = scheduledEvent('2026-11-28T06:00:00Z');
      const drillId = drillIdFor(new Date(first.time), first.id, tableArn('orders'));
      await expect(world.invoke(first)).rejects.toThrow(/is listed for orders yet/);
      expect(await world.historyRecord(drillId)).toMatchObject({ status: 'STARTED', restoreStartedAt: expect.any(String) });
      world.clock.advance(3 * 3600_000);
      return drillId;
    }
    const startsOf = (drillId: string) =>
      world.backup.commandCalls(StartRestoreJobCommand).filter((call) => call.args[0].input.IdempotencyToken === drillId);
    const reportOf = (drillId: string) => world.published().filter((r) => r.json.drillId === drillId);

    test('its job is listed now: the drill follows it without sending StartRestoreJob again', async () => {
      const drillId = await requestedThreeHoursAgo();
      listed = () => true;
      const next = await world.invoke(scheduledEvent('2026-11-28T09:00:00Z'));
      // First the sweep's resumed drill, then the run's own drill of orders.
      expect(next.drills).toEqual([
        expect.objectContaining({ drillId, status: 'finished' }),
        expect.objectContaining({ drillId: expect.not.stringMatching(drillId), status: 'finished', verdict: 'PASS' }),
      ]);
      expect(startsOf(drillId)).toHaveLength(1);
      const [report] = reportOf(drillId);
      // The job it asked for is judged, data and all; the three hours it took to see it count as RTO.
      expect(report.json.restoreJob).toMatchObject({ restoreJobId: 'restore-job-1', status: 'COMPLETED' });
      expect(report.json.checks.filter((c: { status: string }) => c.status === 'FAIL').map((c: { check: string }) => c.check)).toEqual([
        'RTO',
      ]);
      expect(report.json.checks).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'item count', status: 'PASS' })]));
      expect(report.json.cleanup).toMatchObject({ result: 'deleted' });
      await expectNoCopyLeft();
    });

    test('its job is not listed: FAIL "restore job not found", with no StartRestoreJob call', async () => {
      const drillId = await requestedThreeHoursAgo();
      listed = (job) => job.token !== drillId;
      const next = await world.invoke(scheduledEvent('2026-11-28T09:00:00Z'));
      expect(next.drills[0]).toMatchObject({ drillId, status: 'finished', verdict: 'FAIL' });
      expect(startsOf(drillId)).toHaveLength(1);
      const [report] = reportOf(drillId);
      expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO 1h00m - restore job not found, cleanup');
      expect(report.json.failure).toMatch(
        /^restore job not found: the restore of \S+ was requested \d{4}-\d\d-\d\d \S+ UTC \(3h00m ago\) and no restore job .* does not request it again this late/,
      );
      expect(await world.historyRecord(drillId)).toMatchObject({
        status: 'FINISHED',
        earlyFailure: expect.stringMatching(/^restore job not found: /),
      });
    });

    test('the listing throttled: not a verdict, the drill stays STARTED for the next look', async () => {
      const drillId = await requestedThreeHoursAgo();
      world.backup
        .on(ListRestoreJobsByProtectedResourceCommand)
        .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      await expect(world.invoke(scheduledEvent('2026-11-28T09:00:00Z'))).rejects.toThrow(/ThrottlingException/);
      expect(startsOf(drillId)).toHaveLength(1);
      expect(await world.historyRecord(drillId)).toMatchObject({ status: 'STARTED' });
      expect(reportOf(drillId)).toEqual([]);
    });
  });
});

describe('long restores and duplicates', () => {
  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  test('out of invocation time: hands over, then the Restore Job State Change event finishes the drill once', async () => {
    world.scenario = { statuses: [...Array(40).fill('RUNNING'), 'COMPLETED'], createTable: true };
    const first = await world.invoke(scheduledEvent(), { remainingMs: 5 * 60_000 });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'waiting', restoreJobId: 'restore-job-1' })]);
    expect(world.sns).not.toHaveReceivedCommand(PublishCommand);
    // The restored copy exists (the restore is writing it) and must survive the hand-over.
    expect(await world.copiesLeft()).toHaveLength(1);

    world.restoreJobs[0].scenario.statuses = ['COMPLETED'];
    world.restoreJobs[0].calls = 0;
    world.clock.advance(40 * 60_000);
    const resumed = await world.invoke(restoreJobEvent('restore-job-1', 'COMPLETED'));
    expect(resumed.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[PASS\] restore drill orders: RTO \d+m\d*s?, RPO /);
    expect(report.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId: report.json.drillId });
    expect(report.json).toMatchObject({
      drillId: first.drills[0].drillId,
      restoreJob: { restoreJobId: 'restore-job-1', status: 'COMPLETED' },
      cleanup: { result: 'deleted' },
    });
    // The restore took the hand-over's 40 minutes and more; RTO says so.
    expect(report.json.checks).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'RTO', status: 'PASS' })]));
    expect(report.json.restoreJob.durationSeconds).toBeGreaterThanOrEqual(40 * 60);
    expectCopyDeleted();

    // A second delivery of the same restore event finds the drill finished.
    const again = await world.invoke(restoreJobEvent('restore-job-1', 'COMPLETED'));
    expect(again.drills).toEqual([expect.objectContaining({ status: 'already-finished', verdict: 'PASS' })]);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expectCopyDeleted();
    await expectNoCopyLeft();
  });

  test('the waiting invocation polls with backoff, not in a tight loop', async () => {
    world.scenario = { statuses: [...Array(30).fill('RUNNING'), 'COMPLETED'], createTable: true };
    const sleepsBefore = world.clock.sleeps.length; // the clock is shared by the whole file
    await world.invoke(scheduledEvent(), { remainingMs: 15 * 60_000 });
    const polls = world.backup.commandCalls(DescribeRestoreJobCommand).length;
    // 13 minutes of waiting with 15 s minimum gaps and 8% growth: far fewer than 52 polls.
    expect(polls).toBeGreaterThan(5);
    expect(polls).toBeLessThan(35);
    expect(Math.min(...world.clock.sleeps.slice(sleepsBefore).filter((ms) => ms >= 10_000))).toBeGreaterThanOrEqual(15_000);
  });

  test('the same scheduled event delivered twice in a row: one restore, one report', async () => {
    const event = scheduledEvent();
    await world.invoke(event);
    const second = await world.invoke(event);
    expect(second.drills).toEqual([expect.objectContaining({ status: 'already-finished', verdict: 'PASS' })]);
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[PASS\] restore drill orders: /);
    expect(report.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId: report.json.drillId });
    expect(report.json.drillId).toBe(second.drills[0].drillId);
    expectCopyDeleted();
    await expectNoCopyLeft();
  });

  test('the same event handled by two racing invocations: one restore job, one report', async () => {
    const event = scheduledEvent();
    const results = await Promise.all([world.invoke(event, { requestId: 'racer-a' }), world.invoke(event, { requestId: 'racer-b' })]);
    const statuses = results.flatMap((r) => r.drills.map((d) => d.status)).sort();
    expect(statuses).toContain('finished');
    expect(statuses.filter((s) => s === 'finished')).toHaveLength(1);
    expect(world.restoreJobs).toHaveLength(1);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[PASS\] restore drill orders: /);
    expect(report.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId: report.json.drillId });
    expectCopyDeleted();
    await expectNoCopyLeft();
  });
});

describe('interrupted and racing invocations', () => {
  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  const setsStatus = (input: { ExpressionAttributeValues?: Record<string, { S?: string }> }, status: string) =>
    Object.values(input.ExpressionAttributeValues ?? {}).some((value) => value.S === status);

  test('dies after deleting the copy, before recording the verdict: the retry reports the checks it recorded', async () => {
    let failed = false;
    world.dynamodb.on(UpdateItemCommand).callsFake(async (input) => {
      if (!failed && setsStatus(input, 'REPORTING')) {
        failed = true;
        throw Object.assign(new Error('connection reset'), { name: 'InternalServerError' });
      }
      return world.passThrough(new UpdateItemCommand(input));
    });
    const event = scheduledEvent();
    await expect(world.invoke(event)).rejects.toThrow(/did not complete/);
    expect(await world.copiesLeft()).toEqual([]);
    expect(world.sns).not.toHaveReceivedCommand(PublishCommand);

    world.clock.advance(20 * 60_000); // Lambda's retry comes after the lease has run out
    const retry = await world.invoke(event);
    // The retry's sweep finishes the drill; its own start of the same drill then finds it done.
    expect(retry.drills.map((d) => d.status)).toEqual(['finished', 'already-finished']);
    expect(retry.drills[0]).toMatchObject({ verdict: 'PASS' });
    const [report] = world.published();
    expect(report.json.checks.every((c: { status: string }) => c.status === 'PASS')).toBe(true);
    expect(report.json.cleanup).toMatchObject({ result: 'absent' });
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    await expectNoCopyLeft();
  });

  test('killed mid-check: a retry within the lease stands back, one after it finishes the drill once', async () => {
    // The first invocation hangs on its source count, as a Lambda does when it runs out of time.
    world.dynamodb
      .on(ScanCommand)
      .callsFake(async (input) =>
        input.TableName === 'orders' ? new Promise(() => undefined) : world.passThrough(new ScanCommand(input)),
      );
    const event = scheduledEvent();
    void world.invoke(event, { remainingMs: 15 * 60_000, requestId: 'killed' });
    for (let i = 0; i < 200 && !world.dynamodb.commandCalls(ScanCommand).some((c) => c.args[0].input.TableName === 'orders'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    world.passDynamoDbThrough();
    const early = await world.invoke(event, { requestId: 'retry-1' });
    expect(early.drills).toEqual([expect.objectContaining({ status: 'in-progress-elsewhere' })]);

    world.clock.advance(16 * 60_000);
    const late = await world.invoke(event, { requestId: 'retry-2' });
    expect(late.drills.map((d) => d.status)).toEqual(['finished', 'already-finished']);
    expect(late.drills[0]).toMatchObject({ verdict: 'PASS' });
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    await expectNoCopyLeft();
  });

  test('racing twins: only one starts the restore, so a throttled second StartRestoreJob cannot FAIL the drill', async () => {
    world.scenario = { statuses: [...Array(40).fill('RUNNING'), 'COMPLETED'], createTable: true };
    let calls = 0;
    world.backup.on(StartRestoreJobCommand).callsFake(async (input) => {
      calls += 1;
      if (calls === 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return world.startRestore(input);
    });
    const event = scheduledEvent();
    const results = await Promise.all([
      world.invoke(event, { requestId: 'twin-a', remainingMs: 5 * 60_000 }),
      world.invoke(event, { requestId: 'twin-b', remainingMs: 5 * 60_000 }),
    ]);
    expect(results.flatMap((r) => r.drills.map((d) => d.status)).sort()).toEqual(['in-progress-elsewhere', 'waiting']);
    expect(calls).toBe(1);
    expect(world.sns).not.toHaveReceivedCommand(PublishCommand);

    world.restoreJobs[0].scenario.statuses = ['COMPLETED'];
    world.clock.advance(40 * 60_000);
    await world.invoke(restoreJobEvent('restore-job-1', 'COMPLETED'));
    expect(world.published().map((r) => r.attributes.verdict)).toEqual(['PASS']);
    await expectNoCopyLeft();
  });

  test('a restore that ends with too little time left to check it is left to its event', async () => {
    world.scenario = { statuses: [...Array(4).fill('RUNNING'), 'COMPLETED'], createTable: true };
    // Done after about a minute of polling, with under twice the 2-minute reserve left.
    const first = await world.invoke(scheduledEvent(), { remainingMs: 4.5 * 60_000 });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'waiting' })]);
    const resumed = await world.invoke(restoreJobEvent('restore-job-1', 'COMPLETED'));
    expect(resumed.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    await expectNoCopyLeft();
  });

  test('a lost Restore Job State Change event: the next scheduled run finishes the drill first thing', async () => {
    world.scenario = { statuses: [...Array(40).fill('RUNNING'), 'COMPLETED'], createTable: true };
    const first = await world.invoke(scheduledEvent('2026-11-28T06:00:00Z'), { remainingMs: 5 * 60_000 });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'waiting' })]);
    world.restoreJobs[0].scenario.statuses = ['COMPLETED'];
    world.restoreJobs[0].calls = 0;
    world.clock.advance(24 * 3600_000);
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.scenario = { statuses: ['COMPLETED'], createTable: true };
    const next = await world.invoke(scheduledEvent('2026-11-29T06:00:00Z'));
    expect(next.drills.map((d) => [d.drillId, d.status])).toEqual([
      [first.drills[0].drillId, 'finished'],
      [expect.not.stringMatching(first.drills[0].drillId), 'finished'],
    ]);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    await expectNoCopyLeft();
  });

  test('a manual invocation retried by Lambda (same request id, later time) continues the same drill', async () => {
    world.sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Internal error'), { name: 'InternalErrorException' }))
      .resolves({ MessageId: 'm' });
    await expect(world.invoke({ tables: ['orders'] }, { requestId: 'manual-1' })).rejects.toThrow(/report not sent/);
    world.clock.advance(2 * 60_000);
    const retry = await world.invoke({ tables: ['orders'] }, { requestId: 'manual-1' });
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    await expectNoCopyLeft();
  });
});

describe('check failures', () => {
  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  test('schema mismatch: a restore missing the GSI fails the schema check', async () => {
    world.scenario = { statuses: ['COMPLETED'], createTable: true, dropGsi: true };
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: .* - schema$/);
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'schema',
          status: 'FAIL',
          summary: 'attribute definition customerId:S missing; missing GSI byCustomer',
        }),
      ]),
    );
    expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: report.json.drillId });
    expect(report.json.cleanup.result).toBe('deleted');
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expectCopyDeleted();
    await expectNoCopyLeft();
  });

  test('item count outside the tolerance fails with both counts', async () => {
    world.scenario = { statuses: ['COMPLETED'], createTable: true, mutateItems: (items) => items.slice(0, 37) };
    await world.invoke(scheduledEvent(), {
      engine: world.engine({ targets: { ...world.config().targets, itemCountTolerancePercent: 5 } }),
    });
    const [report] = world.published();
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'item count',
          status: 'FAIL',
          // The three keys the restore lacks, in the order DynamoDB's scan returns them.
          summary: expect.stringMatching(
            /^restored 37, source 40 \(-7\.50%, tolerance 5\.00%\); missing keys, e\.g\.( \{pk=ORDER#003[789], sk=META\}){3}$/,
          ),
          numbers: expect.objectContaining({ restoredItems: 37, sourceItems: 40 }),
        }),
      ]),
    );
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: .* - item count/);
    expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: report.json.drillId });
    expect(report.json.cleanup.result).toBe('deleted');
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expectCopyDeleted();
    await expectNoCopyLeft();
  });

  test('item count inside the tolerance passes', async () => {
    world.scenario = { statuses: ['COMPLETED'], createTable: true, mutateItems: (items) => items.slice(0, 39) };
    await world.invoke(scheduledEvent(), {
      engine: world.engine({ targets: { ...world.config().targets, itemCountTolerancePercent: 5 } }),
    });
    expect(world.published()[0].json.checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ check: 'item count', status: 'PASS' })]),
    );
    await expectNoCopyLeft();
  });
});

describe('tables too large for one invocation', () => {
  test('the scan stops in time: item checks FAIL "not evaluated", the copy is still deleted and reported', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.scenario = { statuses: ['COMPLETED'], createTable: true };
    // Each page of the restored copy takes a simulated minute; the invocation has five.
    world.dynamodb.on(ScanCommand).callsFake(async (input) => {
      if (input.TableName?.startsWith(PREFIX)) world.clock.advance(60_000);
      return world.passThrough(new ScanCommand({ ...input, Limit: input.TableName?.startsWith(PREFIX) ? 2 : input.Limit }));
    });
    const summary = await world.invoke(scheduledEvent(), { remainingMs: 5 * 60_000 });
    // A drill that could not look at the data does not pass.
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    const [report] = world.published();
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'item count',
          status: 'FAIL',
          summary: expect.stringMatching(/^not evaluated: the scan of the restored copy stopped after \d+ items/),
        }),
        expect.objectContaining({ check: 'sample compare', status: 'FAIL' }),
        expect.objectContaining({ check: 'schema', status: 'PASS' }),
      ]),
    );
    expect(report.json.reads.restoredScan.items).toBeLessThan(40);
    await expectNoCopyLeft();
  });
});

describe('exact item count over mixed timestamp encodings', () => {
  test('ISO text with an offset, fractions, epoch seconds and milliseconds count alike on both sides', async () => {
    const now = world.clock.now();
    const encodings = [
      (ms: number) => ({ S: new Date(ms).toISOString().replace('Z', '+00:00') }),
      (ms: number) => ({ S: new Date(ms + 2 * 3600_000).toISOString().replace('.000Z', '.123+02:00') }),
      (ms: number) => ({ N: String(Math.floor(ms / 1000)) }),
      (ms: number) => ({ N: String(ms) }),
    ];
    // Half the items before the recovery point (created 2 h ago), half after (30 min ago).
    const items = orderItems(40, (i) => ({ createdAt: encodings[i % 4](now - (i % 2 === 0 ? 2 * 3600_000 : 30 * 60_000)) }));
    await world.addSourceTable({ name: 'events', items, drill: { createdAtAttribute: 'createdAt' } });
    world.addRecoveryPoint({ table: 'events', ageMinutes: 60, items: items.filter((_, i) => i % 2 === 0) });
    await world.invoke({ tables: ['events'] });
    const [report] = world.published();
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'item count',
          status: 'PASS',
          numbers: expect.objectContaining({ mode: 'exact', restoredItems: 20, sourceItems: 20 }),
        }),
      ]),
    );
  });
});

describe('the failure topic (notifyFailuresOnly)', () => {
  const FAILURE_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:drill-failures';
  const topicsPublishedTo = () => world.sns.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn);

  test('a FAIL report goes to the report topic and, the same message, to the failure topic', async () => {
    // No recovery point: an early FAIL.
    await world.invoke(scheduledEvent(), { engine: world.engine({ failureTopicArn: FAILURE_TOPIC_ARN }) });
    expect(topicsPublishedTo()).toEqual([TOPIC_ARN, FAILURE_TOPIC_ARN]);
    const [toReports, toFailures] = world.sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect({ ...toFailures, TopicArn: undefined }).toEqual({ ...toReports, TopicArn: undefined });
    expect(toFailures.MessageAttributes?.verdict?.StringValue).toBe('FAIL');
  });

  test('a PASS report goes to the report topic only', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    await world.invoke(scheduledEvent(), { engine: world.engine({ failureTopicArn: FAILURE_TOPIC_ARN }) });
    expect(world.published().map((report) => report.json.verdict)).toEqual(['PASS']);
    expect(topicsPublishedTo()).toEqual([TOPIC_ARN]);
  });

  /** SNS refusing the next publish to `topicArn` once (after the SDK's own retries), accepting everything else. */
  function failOncePublishingTo(topicArn: string) {
    let failed = false;
    world.sns.on(PublishCommand).callsFake((input) => {
      if (input.TopicArn === topicArn && !failed) {
        failed = true;
        throw Object.assign(new Error('Internal error'), { name: 'InternalErrorException' });
      }
      return { MessageId: `message-${world.sns.commandCalls(PublishCommand).length}` };
    });
  }

  test('the failure-topic publish fails once: the invocation fails, the report topic is recorded, the retry publishes to the failure topic only', async () => {
    failOncePublishingTo(FAILURE_TOPIC_ARN);
    const engine = world.engine({ failureTopicArn: FAILURE_TOPIC_ARN });
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event, { engine })).rejects.toThrow(
      /drill .* \(orders\) FAIL: report not sent: Publish InternalErrorException \(Internal error\).* \(failures topic\)/,
    );
    expect(topicsPublishedTo()).toEqual([TOPIC_ARN, FAILURE_TOPIC_ARN]);
    expect(await world.historyRecord(drillId)).toMatchObject({
      status: 'REPORTING',
      publishedTo: ['reports'],
      outcome: { verdict: 'FAIL' },
    });

    world.clock.advance(60_000);
    const retry = await world.invoke(event, { engine });
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    // The report topic's subscribers got the report once; the failure topic's now get theirs.
    expect(topicsPublishedTo()).toEqual([TOPIC_ARN, FAILURE_TOPIC_ARN, FAILURE_TOPIC_ARN]);
    const reports = world.published();
    expect(reports[2].subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no recovery point yet');
    expect(reports[2].attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId });
    expect(reports[2].json).toMatchObject({ drillId, verdict: 'FAIL', failure: expect.stringMatching(/^no recovery point yet: /) });
    expect(await world.historyRecord(drillId)).toMatchObject({
      status: 'FINISHED',
      publishedTo: ['reports', 'failures'],
      reportedAt: expect.any(String),
    });
  });

  test('the report-topic publish fails: nothing is recorded as sent, the retry publishes to both topics', async () => {
    failOncePublishingTo(TOPIC_ARN);
    const engine = world.engine({ failureTopicArn: FAILURE_TOPIC_ARN });
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event, { engine })).rejects.toThrow(
      /FAIL: report not sent: Publish InternalErrorException .*\(reports topic\)/,
    );
    // The failure topic was not tried: reports go out in order, each recorded before the next.
    expect(topicsPublishedTo()).toEqual([TOPIC_ARN]);
    const record = await world.historyRecord(drillId);
    expect(record).toMatchObject({ status: 'REPORTING', outcome: { verdict: 'FAIL' } });
    expect(record).not.toHaveProperty('publishedTo');

    world.clock.advance(60_000);
    const retry = await world.invoke(event, { engine });
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(topicsPublishedTo()).toEqual([TOPIC_ARN, TOPIC_ARN, FAILURE_TOPIC_ARN]);
    const [, toReports, toFailures] = world.published();
    expect(toReports.subject).toBe(toFailures.subject);
    expect(toFailures.json).toMatchObject({ drillId, verdict: 'FAIL' });
    expect(await world.historyRecord(drillId)).toMatchObject({ status: 'FINISHED', publishedTo: ['reports', 'failures'] });
  });
});

describe('reporting and cleanup failures', () => {
  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  // aws-sdk-client-mock replaces the client's send(), so the SDK's own retries (SDK_MAX_ATTEMPTS)
  // do not run here; one rejection stands for a publish that failed after them. The e2e scenario
  // "SNS rejecting publishes" proves the retries against the local SNS endpoint.
  test('SNS publish failing: the invocation fails, the verdict stays recorded, the retry sends it once', async () => {
    world.sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Internal error'), { name: 'InternalErrorException' }))
      .resolves({ MessageId: 'message-2' });
    const event = scheduledEvent();
    await expect(world.invoke(event)).rejects.toThrow(
      /1 drill\(s\) did not complete: drill .* \(orders\) PASS: report not sent: Publish InternalErrorException/,
    );
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    expect(await world.historyRecord(drillId)).toMatchObject({ status: 'REPORTING', outcome: { verdict: 'PASS' } });
    // The copy is gone even though the report is not.
    expect(await world.copiesLeft()).toEqual([]);

    // Lambda retries the async invocation with the same event.
    const retry = await world.invoke(event);
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    // The retry sends the same report: the recorded verdict and checks, for the same drill.
    // DynamoDB keeps no order of map keys (nor does DynamoDB Local), so the bodies are compared
    // as JSON documents: the same content, whatever order the history record's maps came back in.
    const decoded = (input: { Message?: string }) =>
      Object.fromEntries(
        Object.entries(JSON.parse(input.Message!) as Record<string, string>).map(([protocol, body]) => [
          protocol,
          protocol === 'email' ? body : JSON.parse(body),
        ]),
      );
    const [failedAttempt, sent] = world.sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect({ ...sent, Message: decoded(sent) }).toEqual({ ...failedAttempt, Message: decoded(failedAttempt) });
    const [report] = world.published().slice(-1);
    expect(report.subject).toMatch(/^\[PASS\] restore drill orders: /);
    expect(report.json).toMatchObject({ drillId, verdict: 'PASS', cleanup: { result: 'deleted' } });
    expect(await world.historyRecord(drillId)).toMatchObject({ status: 'FINISHED' });
    expectCopyDeleted();
    await expectNoCopyLeft();
  });

  const setsFinished = (input: { ExpressionAttributeValues?: Record<string, { S?: string }> }) =>
    Object.values(input.ExpressionAttributeValues ?? {}).some((value) => value.S === 'FINISHED');

  test('SNS accepted the report but recording FINISHED fails once: the write is retried, the report is not sent twice', async () => {
    let failures = 0;
    world.dynamodb.on(UpdateItemCommand).callsFake(async (input) => {
      if (setsFinished(input) && failures++ === 0) throw Object.assign(new Error('connection reset'), { name: 'InternalServerError' });
      return world.passThrough(new UpdateItemCommand(input));
    });
    const event = scheduledEvent();
    const summary = await world.invoke(event);
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(await world.historyRecord(drillIdFor(new Date(event.time), event.id, tableArn('orders')))).toMatchObject({ status: 'FINISHED' });
    // A retry of the same event finds the drill reported: still one message.
    await world.invoke(event);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('dies after SNS accepted the report, before FINISHED is written: the retry sends it again, each copy carrying the drill id', async () => {
    let failing = true;
    world.dynamodb.on(UpdateItemCommand).callsFake(async (input) => {
      if (failing && setsFinished(input)) throw Object.assign(new Error('connection reset'), { name: 'InternalServerError' });
      return world.passThrough(new UpdateItemCommand(input));
    });
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event)).rejects.toThrow(/did not complete/);
    expect(await world.historyRecord(drillId)).toMatchObject({ status: 'REPORTING' });

    failing = false;
    world.clock.advance(20 * 60_000);
    await world.invoke(event);
    expect(await world.historyRecord(drillId)).toMatchObject({ status: 'FINISHED' });
    // At least once: the window between SNS accepting and the history saying so is not closable.
    const reports = world.published();
    expect(reports).toHaveLength(2);
    for (const report of reports) {
      expect(report.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId });
      expect(report.json.drillId).toBe(drillId);
      expect(report.email).toContain(`Drill ${drillId}, triggered by schedule`);
    }
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    await expectNoCopyLeft();
  });

  test('delete failing: FAIL reporting the leftover copy; the next scheduled run deletes it', async () => {
    world.dynamodb
      .on(DeleteTableCommand)
      .rejectsOnce(Object.assign(new Error('not authorized to perform dynamodb:DeleteTable'), { name: 'AccessDeniedException' }));
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.attributes.verdict).toBe('FAIL');
    // Every check passed: the subject names the cleanup, the email says what is left.
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: RTO \d+s, RPO 1h00m - cleanup$/);
    expect(report.email).toMatch(/Cleanup\n {2}failed: could not delete drill-copy-orders-\S+: DeleteTable AccessDeniedException/);
    expect(report.json.cleanup).toMatchObject({ result: 'failed' });
    expect(report.json.failure).toMatch(
      /^cleanup: could not delete drill-copy-orders-\S+: DeleteTable AccessDeniedException .*check dynamodb:DeleteTable on table\/<prefix>\*/,
    );
    expect(await world.copiesLeft()).toHaveLength(1);

    world.dynamodb.on(DeleteTableCommand).callsFake((input) => world.passThrough(new DeleteTableCommand(input)));
    world.clock.advance(24 * 3600_000);
    const next = await world.invoke(scheduledEvent('2026-11-29T06:00:00Z'));
    expect(next.leftoverCopies).toEqual([expect.stringMatching(/^drill-copy-orders-\S+: deleted$/)]);
    await expectNoCopyLeft();
  });
});

describe('structured logs', () => {
  /** Runs the handler with an engine whose logger writes JSON lines here (tests are silent by default). */
  async function logsOf(event: unknown): Promise<Array<Record<string, unknown>>> {
    const lines: string[] = [];
    // Powertools writes INFO to stdout, WARN and ERROR to stderr.
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    const spies = [capture(process.stdout), capture(process.stderr)];
    try {
      await world.invoke(event, { engine: world.engine({}, { logger: new Logger({ serviceName: 'restore-drill', logLevel: 'INFO' }) }) });
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    return lines
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  test('every line written while a drill runs carries its drill id and table', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    const event = scheduledEvent();
    const lines = await logsOf(event);
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    const drillLines = lines.filter((line) => line.drillId !== undefined);
    expect(drillLines.length).toBeGreaterThan(3);
    expect(drillLines.every((line) => line.drillId === drillId && line.table === 'orders')).toBe(true);
    expect(drillLines.map((line) => line.message)).toEqual(expect.arrayContaining(['drill verdict']));
    // Lines without a drill id are the invocation's own (trigger, summary), never a drill step.
    expect(lines.filter((line) => line.drillId === undefined).map((line) => line.message)).not.toContain('drill verdict');
  });

  test('an event that is not a trigger is ignored with a log line saying so', async () => {
    const lines = await logsOf({ Records: [{ s3: {} }] });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'event ignored: not a drill trigger', reason: expect.stringMatching(/.+/) }),
    );
    expect(lines.some((line) => line.drillId !== undefined)).toBe(false);
  });
});

describe('manual payloads that are refused', () => {
  /** Runs the handler with a logger whose warnings land here. */
  async function invokeCapturingWarnings(event: unknown) {
    const engine = world.engine();
    const warn = jest.spyOn(engine.logger, 'warn');
    const summary = await world.invoke(event, { engine });
    return { summary, warnings: warn.mock.calls.map(([message, extra]) => ({ message, extra })) };
  }

  test.each([
    ['a misspelt key', { table: ['orders'] }, /unknown key "table" \(did you mean "tables"\?\)/],
    ['an unknown key beside tables', { tables: ['orders'], dryRun: true }, /unknown key "dryRun"/],
    ['a misspelt idempotency key name', { tables: ['orders'], idempotency_key: 'x' }, /unknown key "idempotency_key"/],
    ['no tables', {}, /"tables" is missing/],
    ['an empty table list', { tables: [] }, /tables: name at least one table/],
    ['tables as a string', { tables: 'orders' }, /tables: /],
    ['an empty table name', { tables: [''] }, /tables\.0: a table name or ARN cannot be empty/],
    ['an idempotency key with spaces', { tables: ['orders'], idempotencyKey: 'on call' }, /idempotencyKey: 1-64 letters, digits/],
    ['an idempotency key that is not text', { tables: ['orders'], idempotencyKey: 42 }, /idempotencyKey: /],
  ])('%s: refused with what is wrong and what is accepted, logged, nothing started', async (_name, payload, why) => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 5 });
    const { summary, warnings } = await invokeCapturingWarnings(payload);
    expect(summary).toMatchObject({ trigger: 'manual', drills: [] });
    expect(summary.refused).toMatch(/^manual drill refused, nothing was started: /);
    expect(summary.refused).toMatch(why);
    expect(summary.refused).toContain('Accepted: {"tables": ["<table name or ARN>", ...], "idempotencyKey": "<optional');
    expect(warnings).toContainEqual({ message: 'manual drill refused', extra: { reason: summary.refused } });
    expect(world.backup.calls()).toHaveLength(0);
    expect(world.sns.calls()).toHaveLength(0);
    expect(world.dynamodb).not.toHaveReceivedCommand(PutItemCommand);
  });

  test('only tables this stack does not drill: refused, naming them and the drilled ones', async () => {
    const { summary } = await invokeCapturingWarnings({ tables: ['invoices'] });
    expect(summary.refused).toBe(
      'manual drill refused, nothing was started: no table named is drilled by this stack (invoices); drilled tables: orders',
    );
    expect(world.backup.calls()).toHaveLength(0);
  });
});

describe('events that are not drill triggers', () => {
  test.each([
    ['a malformed scheduled event', { ...scheduledEvent(), time: 'yesterday' }],
    [
      'a backup job that FAILED',
      { ...backupCompletedEvent('orders'), detail: { ...backupCompletedEvent('orders').detail, state: 'FAILED' } },
    ],
    ['an S3 event', { Records: [{ s3: {} }] }],
    ['an array', [{ tables: ['orders'] }]],
    ['null', null],
  ])('%s is ignored with a log line and nothing is called', async (_name, event) => {
    const summary = await world.invoke(event);
    expect(summary.trigger).toBe('ignored');
    expect(summary.ignored).toEqual(expect.any(String));
    expect(world.backup.calls()).toHaveLength(0);
    expect(world.sns.calls()).toHaveLength(0);
    expect(world.dynamodb).not.toHaveReceivedCommand(PutItemCommand);
    expect(world.dynamodb).not.toHaveReceivedCommand(ScanCommand);
  });

  test('a restore event for a job no drill started is ignored', async () => {
    const summary = await world.invoke(restoreJobEvent('someone-elses-job', 'COMPLETED'));
    expect(summary.ignored).toBe('unknown restore job someone-elses-job');
    expect(world.sns.calls()).toHaveLength(0);
  });
});
