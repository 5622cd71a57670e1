import 'aws-sdk-client-mock-jest';
import {
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
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
import { formatTime } from '../../lambda/report/format';
import {
  DrillWorld,
  PREFIX,
  RESTORE_ROLE_ARN,
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

describe('pass', () => {
  test('restores the newest COMPLETED recovery point, checks it, reports PASS and deletes the copy', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 600 });
    const newest = world.addRecoveryPoint({ table: 'orders', ageMinutes: 180 });
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60, status: 'PARTIAL' });

    const event = scheduledEvent();
    const summary = await world.invoke(event);

    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    // Read every page of the vault listing (one recovery point per page).
    expect(world.backup).toHaveReceivedCommandTimes(ListRecoveryPointsByBackupVaultCommand, 3);
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    expect(world.backup).toHaveReceivedCommandWith(StartRestoreJobCommand, {
      RecoveryPointArn: newest,
      IamRoleArn: RESTORE_ROLE_ARN,
      IdempotencyToken: drillId,
      Metadata: expect.objectContaining({ targetTableName: `${PREFIX}orders-${drillId}` }),
    });
    expect(world.dynamodb).toHaveReceivedCommandWith(DeleteTableCommand, { TableName: `${PREFIX}orders-${drillId}` });
    expect(world.dynamodb).not.toHaveReceivedCommandWith(DeleteTableCommand, { TableName: 'orders' });

    const [report] = world.published();
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(report.subject).toMatch(/^\[PASS\] restore drill orders: RTO \d+s, RPO 3h00m$/);
    expect(report.subject.length).toBeLessThanOrEqual(100);
    expect(report.structure).toBe('json');
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
    const record = await world.historyRecord(drillId);
    expect(record).toMatchObject({ status: 'FINISHED', outcome: { verdict: 'PASS' } });
    expect(record?.openMarker).toBeUndefined();
    await expectNoCopyLeft();
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
      RestoreDurationSeconds: expect.any(Number),
      RecoveryPointAgeSeconds: 90 * 60,
    });
    expect(publish).toHaveBeenCalledTimes(1);
  });

  test('a Backup Job State Change COMPLETED event drills that table only', async () => {
    await world.addSourceTable({ name: 'invoices', items: orderItems(5) });
    world.addRecoveryPoint({ table: 'invoices', ageMinutes: 5 });
    const summary = await world.invoke(backupCompletedEvent('invoices'));
    expect(summary.drills).toEqual([expect.objectContaining({ table: 'invoices', verdict: 'PASS' })]);
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expect(world.published()[0].attributes.table).toBe('invoices');
  });

  test('a manual drill repeated with the same idempotency key (the CLI retrying with a new request id) continues the same drill: one restore, one report', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 5 });
    world.scenario = { statuses: [...Array(40).fill('RUNNING'), 'COMPLETED'], createTable: true };
    const payload = { tables: ['orders'], idempotencyKey: '2026-11-30-oncall' };
    // `aws lambda invoke` gives up after 60 s and sends the request again, with a new request id.
    const first = await world.invoke(payload, { requestId: 'cli-attempt-1', remainingMs: 5 * 60_000 });
    expect(first.drills).toEqual([expect.objectContaining({ status: 'waiting' })]);
    world.restoreJobs[0].scenario.statuses = ['COMPLETED'];
    world.clock.advance(60_000);
    const repeat = await world.invoke(payload, { requestId: 'cli-attempt-2' });
    expect(repeat.drills).toEqual([expect.objectContaining({ drillId: first.drills[0].drillId, status: 'finished', verdict: 'PASS' })]);
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    expect(world.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const [report] = world.published();
    expect(report.json).toMatchObject({ drillId: first.drills[0].drillId, trigger: 'manual' });
    await expectNoCopyLeft();
  });

  test('a different idempotency key is a new drill', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 5 });
    const one = await world.invoke({ tables: ['orders'], idempotencyKey: 'monday' });
    const two = await world.invoke({ tables: ['orders'], idempotencyKey: 'tuesday' });
    expect(one.drills[0].drillId).not.toBe(two.drills[0].drillId);
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 2);
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
    const [start] = world.backup.commandCalls(StartRestoreJobCommand);
    // Exactly these keys: nothing of the source's configuration (its deletion protection, its key) is passed on.
    expect(start.args[0].input.Metadata).toEqual({
      targetTableName: `${PREFIX}orders-${drillId}`,
      encryptionType: 'Default',
      deletionProtection: 'false',
    });
    expect(start.args[0].input.ResourceType).toBe('DynamoDB');
    expect(world.backup).not.toHaveReceivedCommand(GetRecoveryPointRestoreMetadataCommand);
    expect(world.published()[0].attributes.verdict).toBe('PASS');
  });

  test('with a restore key: encryptionType KMS and that key, still without deletion protection', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    const restoreKmsKeyArn = `arn:aws:kms:us-east-1:123456789012:key/0b7a3c1e-5d7f-4c55-9a57-0a1b2c3d4e5f`;
    await world.invoke(scheduledEvent(), { engine: world.engine({ restoreKmsKeyArn }) });
    expect(world.backup.commandCalls(StartRestoreJobCommand)[0].args[0].input.Metadata).toEqual({
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
   * DescribeTable of the source as DynamoDB reports a KMS-encrypted table: SSEDescription with
   * Status ENABLED, SSEType KMS and the key's ARN (SSEDescription API reference).
   */
  function encryptSource(keyArn: string) {
    world.dynamodb.on(DescribeTableCommand).callsFake(async (input) => {
      const real = await world.passThrough(new DescribeTableCommand(input));
      if (input.TableName !== 'orders') return real;
      return { Table: { ...real.Table, SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: keyArn } } };
    });
  }

  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  test('a customer-managed key the drill was not given: FAIL before any restore, naming tables[].kmsKeyArn', async () => {
    encryptSource(CUSTOMER_KEY);
    world.kmsKeys.set(CUSTOMER_KEY, 'CUSTOMER');
    const event = scheduledEvent();
    const summary = await world.invoke(event);
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: CUSTOMER_KEY });
    expect(world.backup).not.toHaveReceivedCommand(StartRestoreJobCommand);
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
    expect(await world.historyRecord(drillIdFor(new Date(event.time), event.id, tableArn('orders')))).toMatchObject({
      status: 'FINISHED',
      earlyFailure: expect.stringMatching(/^KMS key not granted: /),
      outcome: { verdict: 'FAIL' },
    });
    expect(world.dynamodb).not.toHaveReceivedCommand(DeleteTableCommand);
    await expectNoCopyLeft();
  });

  test('tables[].kmsKeyArn names another key than the table uses: FAIL naming the key to set', async () => {
    encryptSource(CUSTOMER_KEY);
    world.kmsKeys.set(CUSTOMER_KEY, 'CUSTOMER');
    await world.invoke(scheduledEvent(), {
      engine: world.engine({ tables: [{ tableName: 'orders', tableArn: tableArn('orders'), kmsKeyArn: OTHER_KEY }] }),
    });
    const [report] = world.published();
    expect(report.json.failure).toContain(
      `the customer-managed KMS key ${CUSTOMER_KEY}, not the key its tables[].kmsKeyArn names (${OTHER_KEY})`,
    );
    expect(report.json.failure).toMatch(new RegExp(`set tables\\[\\]\\.kmsKeyArn = ${CUSTOMER_KEY} for orders`));
    expect(world.backup).not.toHaveReceivedCommand(StartRestoreJobCommand);
  });

  test('DescribeKey refused: a key of the customer (AWS managed keys are describable by the account), FAIL naming the setting', async () => {
    encryptSource(CUSTOMER_KEY);
    world.kms
      .on(DescribeKeyCommand)
      .rejects(Object.assign(new Error('not authorized to perform: kms:DescribeKey'), { name: 'AccessDeniedException' }));
    await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.subject).toMatch(/ - KMS key not granted$/);
    expect(report.json.failure).toMatch(/KMS refused DescribeKey on it.*set tables\[\]\.kmsKeyArn = /);
    expect(world.backup).not.toHaveReceivedCommand(StartRestoreJobCommand);
  });

  test('a key in another account is a customer key: FAIL without asking KMS', async () => {
    const foreign = 'arn:aws:kms:us-east-1:210987654321:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    encryptSource(foreign);
    await world.invoke(scheduledEvent());
    expect(world.published()[0].json.failure).toMatch(
      /^KMS key not granted: .*set tables\[\]\.kmsKeyArn = arn:aws:kms:us-east-1:210987654321:key\//,
    );
    expect(world.kms).not.toHaveReceivedCommand(DescribeKeyCommand);
  });

  test('the AWS managed key aws/dynamodb: the drill goes ahead', async () => {
    encryptSource(AWS_MANAGED_KEY);
    world.kmsKeys.set(AWS_MANAGED_KEY, 'AWS');
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: AWS_MANAGED_KEY });
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
  });

  test('the key tables[].kmsKeyArn names: the drill goes ahead without asking KMS', async () => {
    encryptSource(CUSTOMER_KEY);
    const summary = await world.invoke(scheduledEvent(), {
      engine: world.engine({ tables: [{ tableName: 'orders', tableArn: tableArn('orders'), kmsKeyArn: CUSTOMER_KEY }] }),
    });
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'PASS' })]);
    expect(world.kms).not.toHaveReceivedCommand(DescribeKeyCommand);
  });

  test('the AWS owned key (no SSEDescription): nothing to ask', async () => {
    await world.invoke(scheduledEvent());
    expect(world.kms).not.toHaveReceivedCommand(DescribeKeyCommand);
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
    expect(world.backup.calls()).toHaveLength(0);
    // Nor is the table of the same name in the stack's own Region looked at in its place.
    expect(world.dynamodb).not.toHaveReceivedCommandWith(DescribeTableCommand, { TableName: 'orders' });
    expect(world.dynamodb).not.toHaveReceivedCommandWith(PutItemCommand, { TableName: 'orders' });
    const [report] = world.published();
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - table in another account or Region');
    expect(report.json.failure).toBe(
      `table in another account or Region: orders is ${arn} (${where}), but this drill's stack is in account 123456789012, Region us-east-1; nothing was asked of AWS Backup — the backup vault and plan are regional: drill it from a stack in that account and Region, and remove it from this stack's tables`,
    );
    expect(report.email).toContain(`What failed: table in another account or Region: orders is ${arn}`);
    expect(report.json.cleanup).toMatchObject({ result: 'absent' });
    expect(await world.historyRecord(drillIdFor(new Date(event.time), event.id, arn))).toMatchObject({
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
  /** DescribeTable of the source reporting its CreationDateTime this long before the drill. */
  function sourceCreatedAgo(ms: number) {
    world.dynamodb.on(DescribeTableCommand).callsFake(async (input) => {
      const real = await world.passThrough(new DescribeTableCommand(input));
      if (input.TableName !== 'orders') return real;
      return { Table: { ...real.Table, CreationDateTime: new Date(world.clock.now() - ms) } };
    });
  }

  /** The byTable queries of the drill history (the index the drill asks whether a table was drilled before). */
  const historyByTableQueries = () =>
    world.dynamodb.commandCalls(QueryCommand).filter((call) => call.args[0].input.IndexName === 'byTable');

  test('first drill of a table older than the RPO target, without recovery points: "no recovery point yet", naming it the first drill; still FAIL', async () => {
    sourceCreatedAgo(30 * 24 * 3600_000);
    const event = scheduledEvent();
    const summary = await world.invoke(event);
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(world.backup).not.toHaveReceivedCommand(StartRestoreJobCommand);
    expect(world.dynamodb).not.toHaveReceivedCommand(DeleteTableCommand);
    expect(historyByTableQueries()).toHaveLength(1);
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
    await expectNoCopyLeft();
  });

  test('a table drilled before that has no recovery point now: FAIL "no recovery point", backups are not happening; no restore, nothing to delete', async () => {
    sourceCreatedAgo(30 * 24 * 3600_000);
    // Yesterday's drill restored a recovery point that has expired since; none came after it.
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    await world.invoke(scheduledEvent('2026-11-27T06:00:00Z'));
    expect(world.published()[0].attributes.verdict).toBe('PASS');
    world.expireRecoveryPoints('orders');
    world.backup.resetHistory();
    world.sns.resetHistory();
    world.dynamodb.resetHistory();
    world.clock.advance(24 * 3600_000);
    const summary = await world.invoke(scheduledEvent('2026-11-28T06:00:00Z'));
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'FAIL' })]);
    expect(world.backup).not.toHaveReceivedCommand(StartRestoreJobCommand);
    expect(world.dynamodb).not.toHaveReceivedCommand(DeleteTableCommand);
    const [report] = world.published();
    expect(report.subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no recovery point');
    expect(report.email).toContain(
      `What failed: no recovery point: no backup of orders has completed since the table was created 30d00h ago (${formatTime(new Date(world.clock.now() - 30 * 24 * 3600_000))}; searched vault drill-vault) — backups are not happening; check the backup plan selects this table and its backup jobs succeed`,
    );
    expect(report.json.cleanup.result).toBe('absent');
    await expectNoCopyLeft();
  });

  test('a drill before the first backup of a new table says so plainly: "no recovery point yet", still FAIL', async () => {
    sourceCreatedAgo(2 * 3600_000);
    const summary = await world.invoke(scheduledEvent());
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'FAIL' })]);
    expect(world.backup).not.toHaveReceivedCommand(StartRestoreJobCommand);
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
    expect(world.backup).toHaveReceivedCommandTimes(StartRestoreJobCommand, 1);
    const [report] = world.published();
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: RTO \d+s, RPO 1d06h - RPO$/);
    expect(report.json.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: 'RPO', status: 'FAIL', summary: 'newest recovery point is 1d06h old (target 1d02h)' }),
        expect.objectContaining({ check: 'item count', status: 'PASS' }),
      ]),
    );
    await expectNoCopyLeft();
  });
});

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
          summary: 'restored 37, source 40 (-7.50%, tolerance 5.00%)',
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
      'a backup job that is RUNNING',
      { ...backupCompletedEvent('orders'), detail: { ...backupCompletedEvent('orders').detail, state: 'RUNNING' } },
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

  test('a backup job of a drilled table that FAILED: one FAIL message, none for the repeated event, no restore', async () => {
    const failed = { ...backupCompletedEvent('orders'), detail: { ...backupCompletedEvent('orders').detail, state: 'FAILED' } };
    const first = await world.invoke(failed, { requestId: 'delivery-1' });
    expect(first).toMatchObject({ trigger: 'backup-job-failed', notified: expect.stringMatching(/^\[BACKUP FAILED\] orders: /) });
    const repeated = await world.invoke(failed, { requestId: 'delivery-2' });
    expect(repeated.ignored).toMatch(/^already notified: backup job /);
    expect(world.sns.calls()).toHaveLength(1);
    expect(world.backup.calls()).toHaveLength(0);
  });

  test('a restore event for a job no drill started is ignored', async () => {
    const summary = await world.invoke(restoreJobEvent('someone-elses-job', 'COMPLETED'));
    expect(summary.ignored).toBe('unknown restore job someone-elses-job');
    expect(world.sns.calls()).toHaveLength(0);
  });
});
