import { drillIdFor } from '../../../lambda/drill/drill-id';
import { formatTime } from '../../../lambda/report/format';
import { awsError } from '../support/aws-errors';
import { backupCompletedEvent, FlowWorld, orderItems, PREFIX, RESTORE_ROLE_ARN, scheduledEvent, tableArn } from '../support/flow-world';
import { expectNoCopyLeft } from '../support/flow-expectations';

/**
 * The drill flow, start to end, through the handler on in-memory fakes of its ports: which
 * recovery point is restored, what is asked of AWS Backup and KMS, what the report says, that
 * the copy is deleted and the history closed. (Moved from handler.test.ts, which ran it on
 * aws-sdk-client-mock and DynamoDB Local; what each request looks like on the wire is now
 * test/lambda/ports/*-port.test.ts's.)
 */

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
});

describe('pass', () => {
  test('restores the newest COMPLETED recovery point, checks it, reports PASS and deletes the copy', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 600 });
    const newest = world.addRecoveryPoint({ table: 'orders', ageMinutes: 180 });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60, status: 'PARTIAL' });

    const event = scheduledEvent();
    const summary = await world.invoke(event);

    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.backup.calls('listRecoveryPoints')).toEqual([['drill-vault', tableArn('orders')]]);
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    expect(world.backup.calls('startRestoreJob')).toEqual([
      [
        expect.objectContaining({
          recoveryPointArn: newest,
          iamRoleArn: RESTORE_ROLE_ARN,
          idempotencyToken: drillId,
          metadata: expect.objectContaining({ targetTableName: `${PREFIX}orders-${drillId}` }),
        }),
      ],
    ]);
    expect(world.deletedTables()).toEqual([`${PREFIX}orders-${drillId}`]);

    const [report] = world.published();
    expect(world.published()).toHaveLength(1);
    expect(report.subject).toBe('[PASS] restore drill orders: RTO 10s, RPO 3h00m');
    expect(report.subject.length).toBeLessThanOrEqual(100);
    expect(report.topic).toBe('reports');
    expect(report.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId: report.json.drillId });
    expect(report.email).toContain('PASS: restore drill of orders');
    expect(report.email).toContain(newest);
    expect(report.email).toContain('restore-job-1');
    expect(report.email).toMatch(/PASS\s+item count\s+restored 40, source 40/);
    expect(report.email).toMatch(/PASS\s+schema\s+keys, 3 attribute definitions, 1 GSI, 0 LSI match/);
    expect(report.email).toMatch(/deleted: deleted drill-copy-orders-/);
    expect(report.email).toMatch(/reads: restored copy: 40 items in one parallel scan, [\d.]+ read units; source: [\d.]+ read units/);
    expect(report.json.reads.restoredScan).toEqual({ items: 40, readUnits: expect.any(Number) });
    expect(report.json).toMatchObject({
      verdict: 'PASS',
      table: 'orders',
      drillId,
      recoveryPoint: { recoveryPointArn: newest, ageSeconds: 3 * 3600 },
      restoreJob: { restoreJobId: 'restore-job-1', status: 'COMPLETED' },
      cleanup: { result: 'deleted' },
    });
    expect(report.json.checks.map((c: { check: string; status: string }) => `${c.check}:${c.status}`)).toEqual([
      'restored:PASS',
      'RPO:PASS',
      'RTO:PASS',
      'schema:PASS',
      'item count:PASS',
      'sample compare:PASS',
    ]);
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'FINISHED', outcome: { verdict: 'PASS' } });
    // FINISHED closes the drill: it is off the open list (the history table's sparse openMarker).
    expect(await world.history.listOpen()).toEqual([]);
    expectNoCopyLeft(world);
  });

  test('metrics: one drill result, its restore duration and recovery-point age', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 90 });
    const engine = world.engine();
    const addMetric = jest.spyOn(engine.metrics, 'addMetric');
    const publish = jest.spyOn(engine.metrics, 'publishStoredMetrics');
    await world.invoke(scheduledEvent(), { engine });
    const metrics = Object.fromEntries(addMetric.mock.calls.map(([name, , value]) => [name, value]));
    expect(metrics).toEqual({
      DrillCompleted: 1,
      DrillFailed: 0,
      // The fake restore runs 10 s of the engine's clock.
      RestoreDurationSeconds: 10,
      RecoveryPointAgeSeconds: 90 * 60,
    });
    expect(publish).toHaveBeenCalledTimes(1);
  });

  test('a Backup Job State Change COMPLETED event drills that table only', async () => {
    world.addSourceTable({ name: 'invoices', items: orderItems(5) });
    world.addRecoveryPoint({ table: 'invoices', ageMinutes: 5 });
    const summary = await world.invoke(backupCompletedEvent('invoices'));
    expect(summary.drills).toEqual([expect.objectContaining({ table: 'invoices', verdict: 'PASS' })]);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expect(world.published()[0].attributes.table).toBe('invoices');
  });

  test('a manual drill repeated with the same idempotency key (the CLI retrying with a new request id) continues the same drill: one restore, one report', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 5 });
    world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
    const payload = { tables: ['orders'], idempotencyKey: '2026-11-30-oncall' };
    // `aws lambda invoke` gives up after 60 s and sends the request again, with a new request id.
    const first = await world.invoke(payload, { requestId: 'cli-attempt-1', remainingMs: 5 * 60_000 });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'waiting' })]);
    world.completeRestore('restore-job-1');
    world.clock.advance(60_000);
    const repeat = await world.invoke(payload, { requestId: 'cli-attempt-2' });
    expect(repeat.drills).toEqual([expect.objectContaining({ drillId: first.drills[0].drillId, status: 'finished', verdict: 'PASS' })]);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expect(world.published()).toHaveLength(1);
    const [report] = world.published();
    expect(report.json).toMatchObject({ drillId: first.drills[0].drillId, trigger: 'manual' });
    expectNoCopyLeft(world);
  });

  test('a different idempotency key is a new drill', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 5 });
    const one = await world.invoke({ tables: ['orders'], idempotencyKey: 'monday' });
    const two = await world.invoke({ tables: ['orders'], idempotencyKey: 'tuesday' });
    expect(one.drills[0].drillId).not.toBe(two.drills[0].drillId);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(2);
  });

  test('a manual invocation drills the named tables (by name or ARN) and lists unknown ones', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 5 });
    const summary = await world.invoke({ tables: [tableArn('orders'), 'not-drilled'] });
    expect(summary.drills).toEqual([expect.objectContaining({ table: 'orders', verdict: 'PASS' })]);
    expect(summary.unknownTables).toEqual(['not-drilled']);
  });
});

describe('restore metadata', () => {
  // AWS Backup "Restore testing inferred metadata" and "Restore a DynamoDB table": for DynamoDB the
  // metadata is targetTableName, encryptionType (Default | KMS), kmsMasterKeyArn, deletionProtection.
  test('built from the documented keys only: a new table name, the AWS owned key, no deletion protection', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    const event = scheduledEvent();
    await world.invoke(event);
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    const [[start]] = world.backup.calls('startRestoreJob');
    // Exactly these keys: nothing of the source's configuration (its deletion protection, its key) is passed on.
    expect(start.metadata).toEqual({
      targetTableName: `${PREFIX}orders-${drillId}`,
      encryptionType: 'Default',
      deletionProtection: 'false',
    });
    // ResourceType DynamoDB, and no GetRecoveryPointRestoreMetadata: backup-port.test.ts.
    expect(world.published()[0].attributes.verdict).toBe('PASS');
  });

  test('with a restore key: encryptionType KMS and that key, still without deletion protection', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    const restoreKmsKeyArn = `arn:aws:kms:us-east-1:123456789012:key/0b7a3c1e-5d7f-4c55-9a57-0a1b2c3d4e5f`;
    await world.invoke(scheduledEvent(), { engine: world.engine({ restoreKmsKeyArn }) });
    expect(world.backup.calls('startRestoreJob')[0][0].metadata).toEqual({
      targetTableName: expect.stringMatching(new RegExp(`^${PREFIX}orders-`)),
      encryptionType: 'KMS',
      kmsMasterKeyArn: restoreKmsKeyArn,
      deletionProtection: 'false',
    });
  });
});

describe('sources encrypted with a KMS key', () => {
  const CUSTOMER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1f0e3c9a-2b6d-4a57-8c1e-0d9b7a6f5e4c';
  const OTHER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
  const AWS_MANAGED_KEY = 'arn:aws:kms:us-east-1:123456789012:key/6c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f';

  /**
   * The source as DynamoDB describes a KMS-encrypted table: SSEDescription with Status ENABLED,
   * SSEType KMS and the key's ARN (SSEDescription API reference).
   */
  function encryptSource(keyArn: string) {
    world.dynamodb.describeAs('orders', { encryption: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: keyArn } });
  }

  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  test('a customer-managed key the drill was not given: FAIL before any restore, naming tables[].kmsKeyArn', async () => {
    encryptSource(CUSTOMER_KEY);
    world.keys.add(CUSTOMER_KEY, 'CUSTOMER');
    const event = scheduledEvent();
    const summary = await world.invoke(event);
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.keys.calls('keyManager')).toEqual([[CUSTOMER_KEY]]);
    expect(world.backup.calls('startRestoreJob')).toEqual([]);
    const [report] = world.published();
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO 1h00m - KMS key not granted');
    expect(report.json.failure).toBe(
      `KMS key not granted: source table orders is encrypted with the customer-managed KMS key ${CUSTOMER_KEY}; the drill cannot read the table or its native backups with it, so no restore was started — set tables[].kmsKeyArn = ${CUSTOMER_KEY} for orders and redeploy`,
    );
    expect(report.email).toContain(
      `What failed: KMS key not granted: source table orders is encrypted with the customer-managed KMS key ${CUSTOMER_KEY}`,
    );
    // As any early failure: the recovery point and its age are reported, nothing was restored or deleted.
    expect(report.json.recoveryPoint).toMatchObject({ ageSeconds: 3600 });
    expect(report.json.checks).toEqual([expect.objectContaining({ check: 'RPO', status: 'PASS' })]);
    expect(report.json.cleanup).toMatchObject({ result: 'absent' });
    expect(world.historyRecord(drillIdFor(new Date(event.time), event.id, tableArn('orders')))).toMatchObject({
      status: 'FINISHED',
      earlyFailure: expect.stringMatching(/^KMS key not granted: /),
      outcome: { verdict: 'FAIL' },
    });
    expect(world.deletedTables()).toEqual([]);
    expectNoCopyLeft(world);
  });

  test('tables[].kmsKeyArn names another key than the table uses: FAIL naming the key to set', async () => {
    encryptSource(CUSTOMER_KEY);
    world.keys.add(CUSTOMER_KEY, 'CUSTOMER');
    await world.invoke(scheduledEvent(), {
      engine: world.engine({ tables: [{ tableName: 'orders', tableArn: tableArn('orders'), kmsKeyArn: OTHER_KEY }] }),
    });
    const [report] = world.published();
    expect(report.json.failure).toContain(
      `the customer-managed KMS key ${CUSTOMER_KEY}, not the key its tables[].kmsKeyArn names (${OTHER_KEY})`,
    );
    expect(report.json.failure).toMatch(new RegExp(`set tables\\[\\]\\.kmsKeyArn = ${CUSTOMER_KEY} for orders`));
    expect(world.backup.calls('startRestoreJob')).toEqual([]);
  });

  test('DescribeKey refused: a key of the customer (AWS managed keys are describable by the account), FAIL naming the setting', async () => {
    encryptSource(CUSTOMER_KEY);
    world.keys.failAlways('keyManager', awsError('AccessDeniedException', 'not authorized to perform: kms:DescribeKey'));
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.subject).toMatch(/ - KMS key not granted$/);
    expect(report.json.failure).toMatch(/KMS refused DescribeKey on it.*set tables\[\]\.kmsKeyArn = /);
    expect(world.backup.calls('startRestoreJob')).toEqual([]);
  });

  test('a key in another account is a customer key: FAIL without asking KMS', async () => {
    const foreign = 'arn:aws:kms:us-east-1:210987654321:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    encryptSource(foreign);
    await world.invoke(scheduledEvent());
    expect(world.published()[0].json.failure).toMatch(
      /^KMS key not granted: .*set tables\[\]\.kmsKeyArn = arn:aws:kms:us-east-1:210987654321:key\//,
    );
    expect(world.keys.calls('keyManager')).toEqual([]);
  });

  test('the AWS managed key aws/dynamodb: the drill goes ahead', async () => {
    encryptSource(AWS_MANAGED_KEY);
    world.keys.add(AWS_MANAGED_KEY, 'AWS');
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.keys.calls('keyManager')).toEqual([[AWS_MANAGED_KEY]]);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
  });

  test('the key tables[].kmsKeyArn names: the drill goes ahead without asking KMS', async () => {
    encryptSource(CUSTOMER_KEY);
    const summary = await world.invoke(scheduledEvent(), {
      engine: world.engine({ tables: [{ tableName: 'orders', tableArn: tableArn('orders'), kmsKeyArn: CUSTOMER_KEY }] }),
    });
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'PASS' })]);
    expect(world.keys.calls('keyManager')).toEqual([]);
  });

  test('the AWS owned key (no SSEDescription): nothing to ask', async () => {
    await world.invoke(scheduledEvent());
    expect(world.keys.calls('keyManager')).toEqual([]);
    expect(world.published()[0].attributes.verdict).toBe('PASS');
  });
});

describe('tables of another account or Region than the stack (an environment-agnostic stack cannot refuse them at synth)', () => {
  const elsewhere = (tableArn: string) => world.engine({ tables: [{ tableName: 'orders', tableArn }] });

  test.each([
    ['another Region', 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders', 'account 123456789012, Region eu-west-1'],
    ['another account', 'arn:aws:dynamodb:us-east-1:210987654321:table/orders', 'account 210987654321, Region us-east-1'],
  ])('%s: an early FAIL naming both and what to do, with no AWS Backup call', async (_name, arn, where) => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    const event = scheduledEvent();
    const summary = await world.invoke(event, { engine: elsewhere(arn) });
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.backup.all()).toHaveLength(0);
    // Nor is the table of the same name in the stack's own Region looked at in its place.
    expect(world.dynamodb.calls('describeTable')).not.toContainEqual(['orders']);
    expect(world.dynamodb.calls('putItem').filter(([table]) => table === 'orders')).toEqual([]);
    const [report] = world.published();
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - table in another account or Region');
    expect(report.json.failure).toBe(
      `table in another account or Region: orders is ${arn} (${where}), but this drill's stack is in account 123456789012, Region us-east-1; nothing was asked of AWS Backup — the backup vault and plan are regional: drill it from a stack in that account and Region, and remove it from this stack's tables`,
    );
    expect(report.email).toContain(`What failed: table in another account or Region: orders is ${arn}`);
    expect(report.json.cleanup).toMatchObject({ result: 'absent' });
    expect(world.historyRecord(drillIdFor(new Date(event.time), event.id, arn))).toMatchObject({
      status: 'FINISHED',
      earlyFailure: expect.stringMatching(/^table in another account or Region: /),
    });
  });

  test("a table of the stack's account and Region is drilled as usual", async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    const summary = await world.invoke(scheduledEvent(), { engine: elsewhere(tableArn('orders')) });
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'PASS' })]);
  });
});

describe('recovery point problems', () => {
  /** The source as DescribeTable reports it, its CreationDateTime this long before the drill. */
  function sourceCreatedAgo(ms: number) {
    world.dynamodb.describeAs('orders', { createdAt: world.clock.now() - ms });
  }

  test('first drill of a table older than the RPO target, without recovery points: "no recovery point yet", naming it the first drill; still FAIL', async () => {
    sourceCreatedAgo(30 * 24 * 3600_000);
    const event = scheduledEvent();
    const summary = await world.invoke(event);
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.backup.calls('startRestoreJob')).toEqual([]);
    expect(world.deletedTables()).toEqual([]);
    // The drill asked the history once whether the table was drilled before.
    expect(world.history.calls('hasEarlierDrill')).toHaveLength(1);
    const [report] = world.published();
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no recovery point yet');
    expect(report.attributes).toEqual({
      verdict: 'FAIL',
      table: 'orders',
      drillId: drillIdFor(new Date(event.time), event.id, tableArn('orders')),
    });
    expect(report.json.failure).toBe(
      `no recovery point yet: this is the first drill of orders, and no backup of orders has completed since the table was created 30d00h ago (${formatTime(new Date(world.clock.now() - 30 * 24 * 3600_000))}; searched vault drill-vault) — expected for a table just added to the drill: its first backup comes with the backup plan's next run. The drill FAILs until then because nothing is proven restorable yet; if the next drill says this again, backups are not happening`,
    );
    expect(report.email).toContain('What failed: no recovery point yet: this is the first drill of orders');
    expect(report.email).toContain('Recovery point  none found');
    expect(report.json.cleanup.result).toBe('absent');
    expectNoCopyLeft(world);
  });

  test('a table drilled before that has no recovery point now: FAIL "no recovery point", backups are not happening; no restore, nothing to delete', async () => {
    sourceCreatedAgo(30 * 24 * 3600_000);
    // Yesterday's drill restored a recovery point that has expired since; none came after it.
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    await world.invoke(scheduledEvent('2026-11-27T06:00:00Z'));
    expect(world.published()[0].attributes.verdict).toBe('PASS');
    world.backup.expireRecoveryPoints('orders');
    const startsBefore = world.backup.calls('startRestoreJob').length;
    const deletesBefore = world.deletedTables().length;
    world.clock.advance(24 * 3600_000);
    sourceCreatedAgo(30 * 24 * 3600_000);
    const summary = await world.invoke(scheduledEvent('2026-11-28T06:00:00Z'));
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'FAIL' })]);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(startsBefore);
    expect(world.deletedTables()).toHaveLength(deletesBefore);
    const report = world.published()[1];
    expect(world.published()).toHaveLength(2);
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no recovery point');
    expect(report.email).toContain(
      `What failed: no recovery point: no backup of orders has completed since the table was created 30d00h ago (${formatTime(new Date(world.clock.now() - 30 * 24 * 3600_000))}; searched vault drill-vault) — backups are not happening; check the backup plan selects this table and its backup jobs succeed`,
    );
    expect(report.json.cleanup.result).toBe('absent');
    expectNoCopyLeft(world);
  });

  test('a drill before the first backup of a new table says so plainly: "no recovery point yet", still FAIL', async () => {
    sourceCreatedAgo(2 * 3600_000);
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'FAIL' })]);
    expect(world.backup.calls('startRestoreJob')).toEqual([]);
    const [report] = world.published();
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no recovery point yet');
    expect(report.json.failure).toBe(
      `no recovery point yet: no backup of orders has completed since the table was created 2h00m ago (${formatTime(new Date(world.clock.now() - 2 * 3600_000))}; searched vault drill-vault) — expected for a table younger than the RPO target (1d02h): its first backup comes with the backup plan's next run. The drill FAILs until then because nothing is proven restorable yet; nothing is broken`,
    );
    expect(report.email).toContain('Recovery point  none found');
  });

  test('recovery points that never completed: "no recovery point", counted by status', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60, status: 'PARTIAL' });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 1500, status: 'PARTIAL' });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 3000, status: 'EXPIRED' });
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.subject).toMatch(/ - no recovery point$/);
    expect(report.json.failure).toBe(
      'no recovery point: 3 recovery points of orders in vault drill-vault, none COMPLETED (2 PARTIAL, 1 EXPIRED) — backup jobs of this table do not complete; see them in the AWS Backup console (Jobs)',
    );
  });

  test('stale recovery point: RPO FAIL, but the point is still restored and checked', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 30 * 60 });
    await world.invoke(scheduledEvent());
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    const [report] = world.published();
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO 10s, RPO 1d06h - RPO');
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: 'RPO', status: 'FAIL', summary: 'newest recovery point is 1d06h old (target 1d02h)' }),
        expect.objectContaining({ check: 'item count', status: 'PASS' }),
      ]),
    );
    expectNoCopyLeft(world);
  });
});
