import { CANARY_KEY_VALUE } from '../../lambda/ports/canary-port';
import { fixtureItems } from '../../lambda/fixture/fixture-items';
import { SDK_MAX_ATTEMPTS } from '../../lambda/ports/aws-clients';
import { snapshotOf } from '../harness';
import type { LocalDeployment } from '../harness/app/local-deployment';
import { E2E_OPTIONS, check, deploy, expectNothingLeftBehind, historyOf, removeSynthesized, reports, synthesizeOnce } from './e2e-support';

/**
 * The whole product on this machine: the template and bundles from `cdk synth`, the stack's
 * tables created from the template, the fixture seeded by the bundled seeder, the bundled drill
 * Lambda invoked with real-shaped EventBridge events against local DynamoDB, Backup and SNS.
 * Every scenario checks what a subscriber got, the verdict in the drill history, that no restored
 * copy is left and that the source is unchanged.
 */

jest.setTimeout(60_000);

let deployment: LocalDeployment;

beforeAll(async () => {
  await synthesizeOnce();
}, 120_000);

afterAll(() => removeSynthesized());

beforeEach(async () => {
  deployment = await deploy();
});

afterEach(async () => {
  await deployment.close();
});

const backUp = (creationDate?: Date) =>
  deployment.local.backup.backupTable(deployment.fixtureTableName, { vaultName: deployment.vaultNames[0], creationDate });

async function drill(event: unknown = deployment.local.scheduledEvent(), options: { timeoutMs?: number } = {}) {
  const outcome = await deployment.invokeDrill(event, options);
  return outcome;
}

async function theOnlyReport() {
  const all = reports(deployment);
  expect(all).toHaveLength(1);
  return all[0];
}

async function expectVerdictRecorded(verdict: 'PASS' | 'FAIL') {
  const history = await historyOf(deployment, deployment.fixtureTableName);
  expect(history.map((record) => [record.status, record.outcome?.verdict])).toEqual([['FINISHED', verdict]]);
}

test('pass: the latest recovery point restores, every check passes, the copy is deleted', async () => {
  const point = await backUp();
  const outcome = await drill();
  expect(outcome.error).toBeUndefined();
  expect(outcome.result).toMatchObject({ trigger: 'schedule', drills: [{ status: 'finished', verdict: 'PASS' }] });

  const report = await theOnlyReport();
  expect(report.subject).toMatch(/^\[PASS\] restore drill RestoreDrill-fixture: RTO \d+s, RPO \d+s$/);
  expect(report.attributes).toEqual({ verdict: 'PASS', table: 'RestoreDrill-fixture', drillId: report.json.drillId });
  expect(report.json.recoveryPoint.recoveryPointArn).toBe(point.recoveryPointArn);
  expect(report.json.checks.map((c: { check: string; status: string }) => `${c.check}:${c.status}`)).toEqual([
    'restored:PASS',
    'RPO:PASS',
    'RTO:PASS',
    'schema:PASS',
    'item count:PASS',
    'sample compare:PASS',
    'content digest:PASS',
    'canary:WARN',
    'polygon-closes:PASS',
  ]);
  expect(report.email).toContain('all 400 items equal the seeded fixture');
  // The fixture is encrypted with the AWS managed key, which DescribeTable reports by its key ARN
  // as on AWS: the drill asked KMS which kind of key it is before restoring.
  expect(deployment.local.kms.describedKeys()).toEqual([deployment.local.kms.awsManagedDynamoDbKeyArn()]);
  // Structured logs: every line about the drill carries its id and table.
  const entries = outcome.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  const drillLines = entries.filter((entry) => entry.message !== 'invoked');
  expect(drillLines.length).toBeGreaterThan(5);
  expect(drillLines.every((entry) => entry.drillId === report.json.drillId && entry.table === 'RestoreDrill-fixture')).toBe(true);
  await expectVerdictRecorded('PASS');
  await expectNothingLeftBehind(deployment);
});

test('no recovery point (a drill before the first backup of a fresh deployment): FAIL "no recovery point yet", nothing restored', async () => {
  await drill();
  const report = await theOnlyReport();
  expect(report.subject).toBe('[FAIL] restore drill RestoreDrill-fixture: RTO n/a, RPO none - no recovery point yet');
  expect(report.json.failure).toMatch(
    /^no recovery point yet: no backup of RestoreDrill-fixture has completed since the table was created \d+s ago /,
  );
  expect(deployment.local.backup.restoreJobs()).toEqual([]);
  await expectVerdictRecorded('FAIL');
  await expectNothingLeftBehind(deployment);
});

test('stale recovery point: RPO FAIL, the point still restored and checked', async () => {
  await backUp(new Date(Date.now() - 30 * 3_600_000));
  await drill();
  const report = await theOnlyReport();
  expect(report.subject).toMatch(/RPO 1d06h - RPO$/);
  expect(check(report, 'RPO')).toMatchObject({ status: 'FAIL' });
  expect(check(report, 'content digest')).toMatchObject({ status: 'PASS' });
  await expectVerdictRecorded('FAIL');
  await expectNothingLeftBehind(deployment);
});

test("restore FAILED: FAIL with AWS Backup's message, and the partial table deleted", async () => {
  await backUp();
  deployment.local.backup.nextRestore({
    outcome: { kind: 'fail', statusMessage: 'Insufficient privileges to perform this action.', leavePartialTable: true },
  });
  await drill();
  const report = await theOnlyReport();
  expect(report.json.failure).toMatch(/^restored: restore job \S+ FAILED: Insufficient privileges to perform this action\.$/);
  expect(report.json.cleanup.result).toBe('deleted');
  await expectVerdictRecorded('FAIL');
  await expectNothingLeftBehind(deployment);
});

test('restore ABORTED: FAIL naming the abort, and the partial table it left deleted', async () => {
  await backUp();
  deployment.local.backup.nextRestore({ outcome: { kind: 'abort', leavePartialTable: true } });
  await drill();
  const report = await theOnlyReport();
  expect(report.subject).toMatch(/^\[FAIL\] restore drill RestoreDrill-fixture: RTO n\/a, RPO \d+s - restored$/);
  expect(report.attributes).toEqual({ verdict: 'FAIL', table: 'RestoreDrill-fixture', drillId: report.json.drillId });
  expect(report.json.failure).toMatch(/^restored: restore job \S+ was ABORTED/);
  expect(report.json.cleanup.result).toBe('deleted');
  await expectVerdictRecorded('FAIL');
  await expectNothingLeftBehind(deployment);
});

test('restore slower than the invocation: handed over, finished by the Restore Job State Change event, reported once', async () => {
  await backUp();
  deployment.local.backup.nextRestore({ durationMs: 5_000 });
  const first = await drill(undefined, { timeoutMs: 2_500 });
  expect(first.error).toBeUndefined();
  expect(first.result).toMatchObject({ drills: [{ status: 'waiting' }] });
  expect(reports(deployment)).toEqual([]);

  const [job] = deployment.local.backup.restoreJobs();
  await deployment.local.backup.waitForRestoreJob(job.restoreJobId, undefined, 10_000);
  const event = deployment.local.latestRestoreEvent(job.restoreJobId)!;
  expect(event.detail.status).toBe('COMPLETED');
  const resumed = await drill(event);
  expect(resumed.result).toMatchObject({ trigger: 'restore-job-changed', drills: [{ status: 'finished', verdict: 'PASS' }] });
  // EventBridge delivers at least once: the same event again changes nothing.
  const again = await drill(event);
  expect(again.result).toMatchObject({ drills: [{ status: 'already-finished', verdict: 'PASS' }] });

  const report = await theOnlyReport();
  expect(report.subject).toMatch(/^\[PASS\] restore drill RestoreDrill-fixture: RTO \d+s, RPO \d+s$/);
  expect(report.attributes).toEqual({ verdict: 'PASS', table: 'RestoreDrill-fixture', drillId: report.json.drillId });
  expect(report.json.restoreJob).toMatchObject({ restoreJobId: job.restoreJobId, status: 'COMPLETED' });
  expect(report.json.cleanup.result).toBe('deleted');
  expect(deployment.local.backup.restoreJobs()).toHaveLength(1);
  await expectVerdictRecorded('PASS');
  await expectNothingLeftBehind(deployment);
});

test('duplicated event (two invocations racing on one event): one restore job, one report', async () => {
  await backUp();
  const event = deployment.local.scheduledEvent();
  const outcomes = await Promise.all([drill(event), drill(event)]);
  expect(outcomes.map((o) => o.error)).toEqual([undefined, undefined]);
  expect(deployment.local.backup.restoreJobs()).toHaveLength(1);
  const report = await theOnlyReport();
  expect(report.subject).toMatch(/^\[PASS\] restore drill RestoreDrill-fixture: /);
  expect(report.attributes).toEqual({ verdict: 'PASS', table: 'RestoreDrill-fixture', drillId: report.json.drillId });
  expect(report.email).toContain('PASS: restore drill of RestoreDrill-fixture');
  expect(outcomes.map((o) => o.result)).toContainEqual(
    expect.objectContaining({ drills: [expect.objectContaining({ status: 'finished', verdict: 'PASS' })] }),
  );
  await expectVerdictRecorded('PASS');
  await expectNothingLeftBehind(deployment);
});

test('throttling that recovers: the SDK retries AWS Backup and DynamoDB throttles, the drill passes', async () => {
  await backUp();
  deployment.local.backup.throttleNext('StartRestoreJob', 2);
  deployment.local.backup.throttleNext('DescribeRestoreJob', 2);
  deployment.local.dynamodb.failures.failNext('Scan', 2, { code: 'ProvisionedThroughputExceededException', httpStatus: 400 });
  await drill();
  const report = await theOnlyReport();
  expect(report.subject).toMatch(/^\[PASS\] restore drill RestoreDrill-fixture: /);
  expect(report.attributes).toEqual({ verdict: 'PASS', table: 'RestoreDrill-fixture', drillId: report.json.drillId });
  expect(deployment.local.backup.failures.servedCount('StartRestoreJob')).toBe(2);
  expect(deployment.local.backup.failures.servedCount('DescribeRestoreJob')).toBe(2);
  expect(deployment.local.dynamodb.failures.servedCount('Scan')).toBe(2);
  expect(deployment.local.backup.restoreJobs()).toHaveLength(1);
  await expectVerdictRecorded('PASS');
  await expectNothingLeftBehind(deployment);
});

test("StartRestoreJob's answer lost, the retry answered without a RestoreJobId: the drill finds its job by listing the source table's restore jobs and passes", async () => {
  // How AWS gets here: the first StartRestoreJob creates the job but its answer is lost (a reset
  // connection), the SDK retries with the same IdempotencyToken, and AWS answers a known token
  // with "a success message with no action taken" (StartRestoreJob API reference), which may lack
  // the RestoreJobId. A first answer without an id is not modelled: the reference documents no
  // such case for a request that starts a job.
  await deployment.close();
  deployment = await deploy({
    ...E2E_OPTIONS,
    localAws: { ...E2E_OPTIONS.localAws, backup: { ...E2E_OPTIONS.localAws?.backup, idempotentRetryAnswer: 'noRestoreJobId' } },
  });
  await backUp();
  deployment.local.backup.lostResponses.loseNext('StartRestoreJob', 1);
  const outcome = await drill();
  expect(outcome.error).toBeUndefined();
  expect(outcome.result).toMatchObject({ trigger: 'schedule', drills: [{ status: 'finished', verdict: 'PASS' }] });
  expect(deployment.local.backup.lostResponses.lostCount('StartRestoreJob')).toBe(1);

  const jobs = deployment.local.backup.restoreJobs();
  expect(jobs).toHaveLength(1);
  expect(jobs[0].startRequests).toBe(2);
  const messages = outcome.logs.map((line) => (JSON.parse(line) as { message?: string }).message);
  expect(messages).toContain('restore job found by listing the restore jobs of the source table');

  const report = await theOnlyReport();
  expect(report.subject).toMatch(/^\[PASS\] restore drill RestoreDrill-fixture: RTO \d+s, RPO \d+s$/);
  expect(report.json.restoreJob).toMatchObject({ restoreJobId: jobs[0].restoreJobId, status: 'COMPLETED' });
  expect(report.json.cleanup.result).toBe('deleted');
  await expectVerdictRecorded('PASS');
  await expectNothingLeftBehind(deployment);
});

test('SNS rejecting publishes: the invocation fails with the verdict kept; the Lambda retry reports once', async () => {
  await backUp();
  deployment.local.sns.rejectNextPublishes(SDK_MAX_ATTEMPTS);
  const event = deployment.local.scheduledEvent();
  const failed = await drill(event);
  expect(failed.error?.message).toMatch(/report not sent: Publish InternalErrorException/);
  // The SDK's standard retry tried every one of its attempts before the engine gave up.
  expect(deployment.local.sns.failures.servedCount('Publish')).toBe(SDK_MAX_ATTEMPTS);
  expect(reports(deployment)).toEqual([]);
  const [record] = await historyOf(deployment, deployment.fixtureTableName);
  expect(record).toMatchObject({ status: 'REPORTING', outcome: { verdict: 'PASS' } });
  await expectNothingLeftBehind(deployment);

  // Lambda retries a failed asynchronous invocation with the same event.
  const retried = await drill(event);
  expect(retried.result).toMatchObject({ drills: [{ status: 'finished', verdict: 'PASS' }] });
  const report = await theOnlyReport();
  expect(report.subject).toMatch(/^\[PASS\] restore drill RestoreDrill-fixture: /);
  expect(report.attributes).toEqual({ verdict: 'PASS', table: 'RestoreDrill-fixture', drillId: report.json.drillId });
  expect(report.json.drillId).toBe(record.drillId);
  expect(deployment.local.backup.restoreJobs()).toHaveLength(1);
  await expectVerdictRecorded('PASS');
  await expectNothingLeftBehind(deployment);
});

test('a restored copy that lost an item: item count and content digest FAIL', async () => {
  await backUp();
  // A fixture item, not the seeder's version marker (the drill's own item, which no check counts).
  const lost = fixtureItems(40).at(-1)!;
  deployment.local.backup.nextRestore({ mutations: [{ kind: 'dropItems', keys: [{ pk: lost.pk, sk: lost.sk }] }] });
  await drill();
  const report = await theOnlyReport();
  expect(report.subject).toMatch(/ - item count, content digest$/);
  // The fixture's 400 items; the version marker and the canary are counted on neither side.
  expect(check(report, 'item count')).toMatchObject({ status: 'FAIL', numbers: { restoredItems: 399, sourceItems: 400 } });
  expect(check(report, 'content digest')).toMatchObject({
    status: 'FAIL',
    numbers: expect.objectContaining({ missing: 1, extra: 0, changed: 0 }),
  });
  await expectVerdictRecorded('FAIL');
  await expectNothingLeftBehind(deployment);
});

test('a restored copy missing a GSI: schema FAIL', async () => {
  await backUp();
  deployment.local.backup.nextRestore({ mutations: [{ kind: 'dropIndex', indexName: 'byScan' }] });
  await drill();
  const report = await theOnlyReport();
  expect(check(report, 'schema')).toMatchObject({ status: 'FAIL', summary: expect.stringContaining('missing GSI byScan') });
  await expectVerdictRecorded('FAIL');
  await expectNothingLeftBehind(deployment);
});

describe('proving the data', () => {
  test('one attribute changed: digest counts 1 changed and names its key; the value never reaches the report', async () => {
    await backUp();
    deployment.local.backup.nextRestore({
      mutations: [
        {
          kind: 'changeAttribute',
          attribute: 'areaM2',
          key: { pk: { S: 'PROPERTY#P0003' }, sk: { S: 'ROOM#P0003-S0#R1' } },
          value: { N: '987.65' },
        },
      ],
    });
    await drill();
    const report = await theOnlyReport();
    expect(check(report, 'content digest')).toMatchObject({
      status: 'FAIL',
      summary:
        'restored content differs from the fixture: 0 missing, 0 extra, 1 changed (changed {pk=PROPERTY#P0003, sk=ROOM#P0003-S0#R1})',
    });
    expect(JSON.stringify(report)).not.toContain('987.65');
    expect(report.attributes.verdict).toBe('FAIL');
    await expectVerdictRecorded('FAIL');
    await expectNothingLeftBehind(deployment);
  });

  test('one extra item: digest counts 1 extra', async () => {
    await backUp();
    deployment.local.backup.nextRestore({
      mutations: [{ kind: 'addItem', item: { pk: { S: 'PROPERTY#P9000' }, sk: { S: 'META' }, type: { S: 'property' } } }],
    });
    await drill();
    const report = await theOnlyReport();
    expect(check(report, 'content digest')).toMatchObject({
      status: 'FAIL',
      numbers: expect.objectContaining({ missing: 0, extra: 1, changed: 0 }),
    });
    expect(report.attributes.verdict).toBe('FAIL');
    await expectVerdictRecorded('FAIL');
    await expectNothingLeftBehind(deployment);
  });

  test.each([
    ['numbers read back in another textual form ("1.5" as "1.50")', 'rewriteNumbers'],
    ['attributes read back in another order', 'shuffleAttributes'],
  ] as const)('%s: still PASS', async (_name, kind) => {
    await backUp();
    deployment.local.backup.nextRestore({ mutations: [{ kind }] });
    await drill();
    const report = await theOnlyReport();
    expect(check(report, 'content digest')).toMatchObject({ status: 'PASS' });
    expect(check(report, 'sample compare')).toMatchObject({ status: 'PASS' });
    expect(report.attributes.verdict).toBe('PASS');
    await expectVerdictRecorded('PASS');
    await expectNothingLeftBehind(deployment);
  });

  test('canary: present after a backup that followed a drill (PASS); missing from a backup that missed it (FAIL)', async () => {
    await backUp();
    await drill(); // writes the first canary to the source
    await new Promise((resolve) => setTimeout(resolve, 20));

    await backUp(); // captures the canary
    await drill(deployment.local.scheduledEvent());
    const withCanary = reports(deployment)[1];
    expect(check(withCanary, 'canary')).toMatchObject({ status: 'PASS' });
    expect(withCanary.attributes.verdict).toBe('PASS');

    // A recovery point made later but without the canary: the backup missed recent writes.
    const source = await deployment.local.dynamodb.describeTable(deployment.fixtureTableName);
    const items = (await deployment.local.dynamodb.scanItems(deployment.fixtureTableName)).filter((item) => item.pk.S !== CANARY_KEY_VALUE);
    deployment.local.backup.addRecoveryPoint(snapshotOf(source!, items), { vaultName: deployment.vaultNames[0] });
    await drill(deployment.local.scheduledEvent());
    const missed = reports(deployment)[2];
    expect(check(missed, 'canary')).toMatchObject({ status: 'FAIL', summary: expect.stringMatching(/is missing from the restore$/) });
    expect(missed.attributes.verdict).toBe('FAIL');
    expect(await historyOf(deployment, deployment.fixtureTableName)).toHaveLength(3);
    await expectNothingLeftBehind(deployment);
  });
});
