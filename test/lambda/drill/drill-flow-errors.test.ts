import { drillIdFor } from '../../../lambda/drill/drill-id';
import { awsError, denied, serverFault, throttled } from '../support/aws-errors';
import { FlowWorld, orderItems, scheduledEvent, tableArn } from '../support/flow-world';
import { expectCopyDeleted, expectNoCopyLeft } from '../support/flow-expectations';

/**
 * The drill flow when AWS says no: errors before the restore starts (transient ones are no
 * verdict, permanent ones are), restores that fail, and a StartRestoreJob that answers without a
 * restore job id. Each fault stands for an error that outlasted the SDK's own retries. (Moved from
 * handler.test.ts; the requests themselves are test/lambda/ports/*-port.test.ts's.)
 */

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
});

const publishCalls = () => world.notifier.calls('publish');

describe('AWS errors before the restore starts: transient ones are no verdict, permanent ones are', () => {
  /** DescribeTable of the source failing once with `error`; every other call answered. */
  function describeSourceFailsOnce(error: Error) {
    world.dynamodb.failNext('describeTable', error, { when: (name) => name === 'orders' });
  }

  /** The first invocation fails without a verdict and gives its lease back; Lambda's retry of the same event finishes the drill. */
  async function expectNoVerdictThenRetryFinishes(why: RegExp, verdict: 'PASS' | 'FAIL' = 'PASS') {
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event)).rejects.toThrow(why);
    expect(publishCalls()).toEqual([]);
    const record = world.historyRecord(drillId);
    expect(record).toMatchObject({ status: 'STARTED' });
    expect(record).not.toHaveProperty('earlyFailure');
    // The lease went back: the retry a minute later need not wait for it to run out.
    expect(record).not.toHaveProperty('leaseOwner');

    world.clock.advance(60_000);
    const retry = await world.invoke(event);
    expect(retry.drills).toEqual([expect.objectContaining({ drillId, status: 'finished', verdict })]);
    expect(publishCalls()).toHaveLength(1);
    expect(world.published()[0].json).toMatchObject({ drillId, verdict });
    return world.published()[0];
  }

  test('DescribeTable of the source throttled: no verdict, the lease is released, and the retry finishes the drill', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    describeSourceFailsOnce(throttled());
    await expectNoVerdictThenRetryFinishes(
      /1 drill\(s\) did not complete: drill \S+ \(orders\): DescribeTable ThrottlingException \(Rate exceeded\): .*nothing was judged: the drill stays STARTED/,
    );
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expectNoCopyLeft(world);
  });

  test('DescribeTable of the source denied: an early FAIL naming the permission, no restore', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    describeSourceFailsOnce(denied('dynamodb:DescribeTable'));
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.backup.all()).toHaveLength(0);
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
    expect(world.backup.calls('startRestoreJob')).toEqual([]);
    expect(world.published()[0].json.failure).toMatch(/^DescribeTable TypeError .*unexpected error — see the drill Lambda logs/);
  });

  test("a fault on AWS's side ($fault server, as the SDK marks a 5xx): no verdict; the retry finishes the drill", async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    describeSourceFailsOnce(serverFault('InternalServerError', 'We encountered an internal error'));
    await expectNoVerdictThenRetryFinishes(/DescribeTable InternalServerError/);
  });

  test('listing the recovery points throttled: no verdict; the retry finishes the drill', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.backup.failNext('listRecoveryPoints', throttled());
    await expectNoVerdictThenRetryFinishes(/ListRecoveryPointsByBackupVault ThrottlingException/);
  });

  test('listing the recovery points denied: an early FAIL naming the permission', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.backup.failAlways('listRecoveryPoints', denied('backup:ListRecoveryPointsByBackupVault'));
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.attributes.verdict).toBe('FAIL');
    expect(report.json.failure).toMatch(
      /^ListRecoveryPointsByBackupVault AccessDeniedException .*check backup:ListRecoveryPointsByBackupVault on the vault/,
    );
    expect(world.backup.calls('startRestoreJob')).toEqual([]);
  });

  test('DescribeKey of the source key throttled: no verdict; the retry finishes the drill', async () => {
    const AWS_MANAGED_KEY = 'arn:aws:kms:us-east-1:123456789012:key/6c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f';
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.dynamodb.describeAs('orders', { encryption: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: AWS_MANAGED_KEY } });
    world.keys.add(AWS_MANAGED_KEY, 'AWS');
    world.keys.failNext('keyManager', throttled());
    await expectNoVerdictThenRetryFinishes(/DescribeKey ThrottlingException/);
    expect(world.keys.calls('keyManager')).toEqual([[AWS_MANAGED_KEY], [AWS_MANAGED_KEY]]);
  });

  test('StartRestoreJob throttled: no verdict; the retry asks again with the same token and finishes the drill', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.backup.failNext('startRestoreJob', throttled());
    await expectNoVerdictThenRetryFinishes(/StartRestoreJob ThrottlingException/);
    const starts = world.backup.calls('startRestoreJob').map(([request]) => request);
    expect(starts).toHaveLength(2);
    expect(starts[1]).toEqual(starts[0]);
    expect(world.backup.restoreJobs).toHaveLength(1);
  });

  test('the drill history throttled while asking whether the table was drilled before: no verdict; the retry reports "no recovery point yet"', async () => {
    world.history.failNext(
      'hasEarlierDrill',
      awsError('ProvisionedThroughputExceededException', 'Throughput exceeds the current capacity'),
    );
    const report = await expectNoVerdictThenRetryFinishes(/Query ProvisionedThroughputExceededException/, 'FAIL');
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no recovery point yet');
  });
});

describe('restore problems', () => {
  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  test('StartRestoreJob denied: FAIL naming iam:PassRole, no copy, no delete', async () => {
    world.backup.failAlways('startRestoreJob', denied('iam:PassRole'));
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.attributes.verdict).toBe('FAIL');
    expect(report.json.failure).toMatch(
      /^StartRestoreJob AccessDeniedException \(User is not authorized to perform: iam:PassRole\): the Lambda role cannot start the restore or pass the restore role — check backup:StartRestoreJob and iam:PassRole/,
    );
    expect(report.json.checks).toEqual([expect.objectContaining({ check: 'RPO', status: 'PASS' })]);
    expect(world.deletedTables()).toEqual([]);
    expectNoCopyLeft(world);
  });

  test('restore FAILED: FAIL with the status message; the partial table it left is deleted', async () => {
    world.nextRestores({ outcome: 'FAILED', statusMessage: 'Access denied to KMS key' });
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: RTO n\/a, RPO 1h00m - restored$/);
    expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: report.json.drillId });
    expect(report.json.failure).toBe('restored: restore job restore-job-1 FAILED: Access denied to KMS key');
    expect(report.email).toContain('next: check the restore role');
    expect(report.json.checks.map((c: { check: string }) => c.check)).toEqual(['restored', 'RPO']);
    expect(report.json.cleanup.result).toBe('deleted');
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expect(publishCalls()).toHaveLength(1);
    expectCopyDeleted(world);
    expectNoCopyLeft(world);
  });

  test('restore ABORTED: FAIL, nothing created, nothing deleted', async () => {
    world.nextRestores({ outcome: 'ABORTED', createsTable: false });
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: .* - restored$/);
    expect(report.json.failure).toBe('restored: restore job restore-job-1 was ABORTED');
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expect(report.json.cleanup).toMatchObject({ result: 'absent' });
    expect(world.deletedTables()).toEqual([]);
    expectNoCopyLeft(world);
  });

  test('table never ACTIVE: FAIL after a bounded wait; the copy DynamoDB will not delete yet is reported, and the next run deletes it', async () => {
    // The job COMPLETED, its table stays CREATING; as on AWS, DeleteTable of a table still CREATING is refused.
    world.nextRestores({ tableActiveLagMs: Number.POSITIVE_INFINITY });
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
    expect(world.deletedTables()).toEqual([]);
    const [copy] = world.copiesLeft();
    expect(world.copiesLeft()).toHaveLength(1);

    // The copy becomes ACTIVE at last; restores from now on run as usual.
    world.dynamodb.activate(copy);
    world.nextRestores({});
    world.clock.advance(24 * 3600_000);
    const next = await world.invoke(scheduledEvent('2026-11-29T06:00:00Z'));
    expect(next.leftoverCopies).toEqual([`${copy}: deleted`]);
    expectNoCopyLeft(world);
  });

  test('DescribeRestoreJob denied: FAIL at once naming the permission, and the copy is deleted', async () => {
    world.backup.failAlways('describeRestoreJob', denied('backup:DescribeRestoreJob'));
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: RTO n\/a, RPO 1h00m - drill error$/);
    expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId: report.json.drillId });
    expect(report.json.failure).toMatch(/DescribeRestoreJob AccessDeniedException .*check backup:DescribeRestoreJob/);
    expect(report.json.cleanup.result).toBe('deleted');
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expectCopyDeleted(world);
    expectNoCopyLeft(world);
  });

  test('DescribeRestoreJob failing transiently (after the SDK retries): the invocation fails for Lambda to retry, nothing is reported yet', async () => {
    world.backup.failNext('describeRestoreJob', awsError('ServiceUnavailableException', 'Service unavailable', 'server'));
    const event = scheduledEvent();
    await expect(world.invoke(event)).rejects.toThrow(/ServiceUnavailableException/);
    expect(publishCalls()).toEqual([]);
    world.clock.advance(20 * 60_000);
    const retry = await world.invoke(event);
    expect(retry.drills.some((d) => d.status === 'finished' && d.verdict === 'PASS')).toBe(true);
    expect(publishCalls()).toHaveLength(1);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expectNoCopyLeft(world);
  });
});

describe('StartRestoreJob succeeding without a RestoreJobId', () => {
  // StartRestoreJob API reference, IdempotencyToken: "Retrying a successful request with the same
  // idempotency token results in a success message with no action taken" - and no RestoreJobId.
  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    world.backup.answerStartWithoutId();
  });

  const listingCalls = () => world.backup.calls('listRestoreJobs');

  test('the drill finds its job among the restore jobs of the table and finishes once', async () => {
    const point = world.addRecoveryPoint({ table: 'orders', ageMinutes: 30 });
    // Someone restoring the same recovery point by hand, with another role, a minute earlier.
    world.backup.restoreElsewhere({
      recoveryPointArn: point,
      iamRoleArn: 'arn:aws:iam::123456789012:role/ops',
      idempotencyToken: 'by-hand',
      metadata: { targetTableName: 'orders-by-hand' },
    });
    world.clock.advance(60_000);
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(listingCalls().map(([resourceArn]) => resourceArn)).toContain(tableArn('orders'));
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    const [report] = world.published();
    expect(report.json.restoreJob).toMatchObject({ restoreJobId: 'restore-job-2', status: 'COMPLETED' });
    expect(report.json.cleanup).toMatchObject({ result: 'deleted' });
    // Only the drill's own copy was deleted; the operator's table stays.
    expectCopyDeleted(world);
    expect(world.dynamodb.tableNames()).toContain('orders-by-hand');
    expect(world.copiesLeft()).toEqual([]);
  });

  test('not listed yet: the invocation fails, the drill stays STARTED, and the retry finds the job (same token, same recovery point)', async () => {
    let listed = false;
    world.backup.listRestoreJobsWhere(() => listed);
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event)).rejects.toThrow(
      /returned no restore job id, and no restore job of that recovery point .* is listed for orders yet/,
    );
    expect(world.historyRecord(drillId)).toMatchObject({
      status: 'STARTED',
      recoveryPoint: expect.any(Object),
      restoreStartedAt: expect.any(String),
    });
    expect(world.historyRecord(drillId)).not.toHaveProperty('earlyFailure');
    expect(publishCalls()).toEqual([]);

    listed = true;
    world.clock.advance(60_000); // Lambda retries a failed asynchronous invocation about a minute later
    const retry = await world.invoke(event);
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    const starts = world.backup.calls('startRestoreJob').map(([request]) => request);
    expect(starts).toHaveLength(2);
    expect(starts[1]).toEqual(starts[0]);
    expect(world.backup.restoreJobs).toHaveLength(1);
    expect(publishCalls()).toHaveLength(1);
    expectNoCopyLeft(world);
  });

  test('listing the restore jobs denied: FAIL at once, naming the permission', async () => {
    world.backup.failAlways('listRestoreJobs', denied('backup:ListRestoreJobsByProtectedResource'));
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.published()[0].json.failure).toMatch(
      /^ListRestoreJobsByProtectedResource AccessDeniedException .*check backup:ListRestoreJobsByProtectedResource$/,
    );
  });

  test('listing throttled past the SDK retries: not a verdict, the invocation fails and the drill stays STARTED for the retry', async () => {
    world.backup.failAlways('listRestoreJobs', throttled());
    const event = scheduledEvent();
    await expect(world.invoke(event)).rejects.toThrow(/is listed for orders yet/);
    expect(world.historyRecord(drillIdFor(new Date(event.time), event.id, tableArn('orders')))).toMatchObject({ status: 'STARTED' });
    expect(publishCalls()).toEqual([]);
  });

  test('never listed: hours later the drill FAILs saying what happened, and names the copy to watch for', async () => {
    world.backup.listRestoreJobsWhere(() => false);
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
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
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
    type Job = (typeof world.backup.restoreJobs)[number];
    /** Which restore jobs ListRestoreJobsByProtectedResource shows (none, at first). */
    let listed: (job: Job) => boolean;

    /**
     * The first run: StartRestoreJob answers without an id, the job is not listed, the drill stays
     * STARTED. The restore itself runs until the test ends it; later restores run as usual.
     */
    async function requestedThreeHoursAgo() {
      listed = () => false;
      world.backup.listRestoreJobsWhere((job) => listed(job));
      world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
      const first = scheduledEvent('2026-11-28T06:00:00Z');
      const drillId = drillIdFor(new Date(first.time), first.id, tableArn('orders'));
      await expect(world.invoke(first)).rejects.toThrow(/is listed for orders yet/);
      expect(world.historyRecord(drillId)).toMatchObject({ status: 'STARTED', restoreStartedAt: expect.any(String) });
      world.nextRestores({});
      world.clock.advance(3 * 3600_000);
      return drillId;
    }
    const startsOf = (drillId: string) => world.backup.calls('startRestoreJob').filter(([request]) => request.idempotencyToken === drillId);
    const reportOf = (drillId: string) => world.published().filter((r) => r.json.drillId === drillId);

    test('its job is listed now: the drill follows it without sending StartRestoreJob again', async () => {
      const drillId = await requestedThreeHoursAgo();
      // It completed just now, three hours after it was requested.
      world.completeRestore('restore-job-1');
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
      expectNoCopyLeft(world);
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
      expect(world.historyRecord(drillId)).toMatchObject({
        status: 'FINISHED',
        earlyFailure: expect.stringMatching(/^restore job not found: /),
      });
    });

    test('the listing throttled: not a verdict, the drill stays STARTED for the next look', async () => {
      const drillId = await requestedThreeHoursAgo();
      world.backup.failAlways('listRestoreJobs', throttled());
      await expect(world.invoke(scheduledEvent('2026-11-28T09:00:00Z'))).rejects.toThrow(/ThrottlingException/);
      expect(startsOf(drillId)).toHaveLength(1);
      expect(world.historyRecord(drillId)).toMatchObject({ status: 'STARTED' });
      expect(reportOf(drillId)).toEqual([]);
    });
  });
});
