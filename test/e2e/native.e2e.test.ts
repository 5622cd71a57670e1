import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ENV } from '../../lambda/config';
import { type LocalDeployment, deployLocally } from '../harness/app/local-deployment';
import { type SynthesizedApp, synthesizeApp } from '../harness/app/synthesized-app';
import { backupJobStateChangeEvent } from '../harness/events/backup-events';
import { E2E_OPTIONS, check, historyOf, reports } from './e2e-support';

/**
 * Native mode end to end: the app synthesized with `restoreMode=native` (its restore testing plan
 * and selection created on the local AWS Backup endpoint through CreateRestoreTestingPlan /
 * CreateRestoreTestingSelection from the template's properties), AWS Backup's restore tests run
 * by the endpoint, the bundled drill Lambda invoked with each test's "Restore Job State Change"
 * event (restoreTestingPlanArn set). Also: failures-only subscribers (notifyFailuresOnly), and a
 * table, `orders`, drilled from an existing vault without being added to the stack's plan.
 */

jest.setTimeout(60_000);

const CONTEXT = {
  restoreMode: 'native',
  notifyFailuresOnly: 'true',
  notificationEmail: 'oncall@example.com',
  tables: JSON.stringify([{ table: 'orders', addToBackupPlan: false }]),
  vaultNames: 'existing-vault',
};

let app: SynthesizedApp;
let workDir: string;
let deployment: LocalDeployment;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'restore-drill-native-'));
  app = await synthesizeApp({ outdir: path.join(workDir, 'cdk.out'), context: CONTEXT });
}, 180_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

afterEach(async () => {
  await deployment?.close();
});

async function deploy(validationHourMs?: number) {
  deployment = await deployLocally(app, {
    ...E2E_OPTIONS,
    localAws: { ...E2E_OPTIONS.localAws, backup: { ...E2E_OPTIONS.localAws?.backup, validationHourMs } },
  });
  return deployment;
}

const failureTopic = () => deployment.drill.environment[ENV.failureTopicArn];
/** What subscribers of the report topic received (reports() decodes both topics' messages, in order). */
const reportTopicReports = () => {
  const topics = deployment.local.sns.messages().map((m) => m.topicArn);
  return reports(deployment).filter((_, i) => topics[i] === deployment.topicArn);
};
const messagesTo = (topicArn: string) => deployment.local.sns.messages().filter((m) => m.topicArn === topicArn);

/** AWS Backup runs the plan: one restore test of the fixture, awaited until its job ends; its last event. */
async function restoreTestOfFixture() {
  const plan = deployment.restoreTestingPlanName;
  if (!plan) throw new Error('the native template has no restore testing plan');
  const [jobId] = await deployment.local.backup.runRestoreTestingPlan(plan);
  expect(jobId).toBeDefined();
  const job = await deployment.local.backup.waitForRestoreJob(jobId);
  const event = deployment.local.latestRestoreEvent(jobId);
  return { jobId, job, event };
}

async function backUpFixture() {
  return deployment.local.backup.backupTable(deployment.fixtureTableName, { vaultName: deployment.vaultNames[0] });
}

test('native PASS: the restore test is checked like a drill, reported, SUCCESSFUL sent once, the copy left to AWS Backup, which deletes it', async () => {
  await deploy();
  await backUpFixture();
  const { jobId, job, event } = await restoreTestOfFixture();
  expect(job.targetTableName).toMatch(/^awsbackup-restore-test-/);
  expect(event?.detail).toMatchObject({ status: 'COMPLETED', restoreTestingPlanArn: expect.stringContaining(':restore-testing-plan:') });

  const outcome = await deployment.invokeDrill(event);
  expect(outcome.error).toBeUndefined();
  expect(outcome.result).toMatchObject({ trigger: 'restore-test-ended', drills: [{ status: 'finished', verdict: 'PASS' }] });

  const [report] = reports(deployment);
  expect(reports(deployment)).toHaveLength(1);
  expect(report.subject).toMatch(/^\[PASS\] restore drill RestoreDrill-fixture: RTO \d+s, RPO \d+s$/);
  expect(report.json.trigger).toBe('restore-test');
  expect(report.json.restoredTable).toBe(job.targetTableName);
  expect(report.json.recoveryPoint.selectedBy).toMatch(/^restore testing plan \w+-[0-9a-f]+ \(LATEST_WITHIN_WINDOW, 7 days\)$/);
  expect(check(report, 'content digest')).toMatchObject({ status: 'PASS' });
  expect(check(report, 'validation result')).toMatchObject({
    status: 'PASS',
    summary: expect.stringMatching(/^SUCCESSFUL sent to AWS Backup/),
  });
  expect(report.json.cleanup).toMatchObject({ result: 'aws-backup' });
  expect(report.email).toContain('Restore test    plan arn:aws:backup:');

  const after = await deployment.local.backup.waitForRestoreTestDeletion(jobId);
  expect(after).toMatchObject({ validationStatus: 'SUCCESSFUL', deletionStatus: 'SUCCESSFUL' });
  expect(after.validationStatusMessage).toMatch(/^restore-drill PASS: /);
  expect(after.validationStatusMessage!.length).toBeLessThanOrEqual(250);
  expect(await deployment.local.dynamodb.tableNames()).not.toContain(job.targetTableName);
  const [record] = await historyOf(deployment, deployment.fixtureTableName);
  expect(record).toMatchObject({ status: 'FINISHED', trigger: 'restore-test', restoreTest: { validation: { result: 'sent' } } });

  // A repeated event: the same drill, nothing sent again (PutRestoreValidationResult would be refused).
  const again = await deployment.invokeDrill(event);
  expect(again.result).toMatchObject({ drills: [{ status: 'already-finished', verdict: 'PASS' }] });
  expect(reports(deployment)).toHaveLength(1);
});

test('native FAIL: a corrupted copy FAILs the same checks, FAILED is sent, failures-only subscribers get the report', async () => {
  await deploy();
  await backUpFixture();
  deployment.local.backup.nextRestore({ mutations: [{ kind: 'changeAttribute', attribute: 'areaM2' }] });
  const { jobId, job, event } = await restoreTestOfFixture();
  expect(job.appliedMutations).toHaveLength(1);
  await deployment.invokeDrill(event);
  const [report] = reports(deployment);
  expect(report.json.verdict).toBe('FAIL');
  expect(check(report, 'content digest')).toMatchObject({ status: 'FAIL' });
  expect(check(report, 'validation result')).toMatchObject({ status: 'PASS', summary: expect.stringMatching(/^FAILED sent/) });
  expect(messagesTo(failureTopic())).toHaveLength(1);
  const after = await deployment.local.backup.waitForRestoreTestDeletion(jobId);
  expect(after.validationStatus).toBe('FAILED');
  expect(after.validationStatusMessage).toMatch(/^restore-drill FAIL: (sample compare|content digest): /);
});

test('a validation that arrives too late: AWS Backup set TIMED_OUT and deleted the copy; the report says what was and was not checked', async () => {
  // A validation window of 4 "hours" of 25 ms: closed before the event is delivered.
  await deploy(25);
  await backUpFixture();
  const { jobId, event } = await restoreTestOfFixture();
  const timedOut = await deployment.local.backup.waitForRestoreTestDeletion(jobId);
  expect(timedOut).toMatchObject({ validationStatus: 'TIMED_OUT', deletionStatus: 'SUCCESSFUL' });

  const outcome = await deployment.invokeDrill(event);
  expect(outcome.error).toBeUndefined();
  const [report] = reports(deployment);
  expect(report.json.verdict).toBe('FAIL');
  expect(check(report, 'restored')).toMatchObject({ status: 'FAIL', summary: expect.stringMatching(/missing, not ACTIVE/) });
  expect(check(report, 'validation result')).toMatchObject({
    status: 'FAIL',
    summary: expect.stringMatching(/^not sent: AWS Backup had already set TIMED_OUT \(the validation window closed/),
  });
  expect(report.email).toMatch(/validation\s+not sent: AWS Backup had already set TIMED_OUT/);
  // Nothing was sent after the window: the status is still AWS Backup's.
  expect(deployment.local.backup.restoreJob(jobId)?.validationStatus).toBe('TIMED_OUT');
});

test('a deletion that fails: the report PASSes, then one FAIL message names the copy AWS Backup could not delete', async () => {
  await deploy();
  await backUpFixture();
  deployment.local.backup.failNextRestoreTestDeletion('Access denied: the tag awsbackup-restore-test was removed');
  const { job, event } = await restoreTestOfFixture();
  const outcome = await deployment.invokeDrill(event);
  expect(outcome.error).toBeUndefined();
  const all = reportTopicReports();
  expect(all.map((r) => r.subject)).toEqual([
    expect.stringMatching(/^\[PASS\] restore drill RestoreDrill-fixture/),
    `[FAIL] copy not deleted: ${job.targetTableName} of RestoreDrill-fixture`,
  ]);
  expect(all[1].attributes).toMatchObject({ verdict: 'FAIL', table: 'RestoreDrill-fixture' });
  expect(all[1].email).toContain('DeletionStatus FAILED: Access denied: the tag awsbackup-restore-test was removed');
  expect(messagesTo(failureTopic()).map((m) => m.subject)).toEqual([all[1].subject]);
  const [record] = await historyOf(deployment, deployment.fixtureTableName);
  expect(record.restoreTest.deletion).toMatchObject({ status: 'FAILED' });

  // The next scheduled run looks again and does not send it twice.
  await deployment.invokeDrill(deployment.local.scheduledEvent());
  expect(reportTopicReports()).toHaveLength(2);
});

test('a backup job that fails: one readable message (a repeated event sends nothing), the failures-only subscriber receives it', async () => {
  await deploy();
  const fixtureArn = deployment.drill.environment[ENV.tables].match(/"tableArn":"([^"]+fixture)"/)?.[1];
  expect(fixtureArn).toBeDefined();
  const event = backupJobStateChangeEvent(
    {
      backupJobId: '52B2FF7A-BF8B-4E6A-8AE4-0DEB9C9F0C10',
      state: 'FAILED',
      creationDate: new Date(),
      completionDate: new Date(),
      backupVaultName: deployment.vaultNames[0],
      backupVaultArn: `arn:aws:backup:us-east-1:123456789012:backup-vault:${deployment.vaultNames[0]}`,
      resourceArn: fixtureArn!,
      // Wrapped in literal quotes, as the documented FAILED example is.
      statusMessage: '"Backup job failed because backup vault arn:aws:backup:us-east-1:123456789012:backup-vault:gone does not exist."',
    },
    { account: '123456789012', region: 'us-east-1' },
  );
  const first = await deployment.invokeDrill(event, { requestId: 'first-delivery' });
  expect(first.result).toMatchObject({
    trigger: 'backup-job-failed',
    notified: expect.stringMatching(/^\[BACKUP FAILED\] RestoreDrill-fixture: Backup job failed because/),
  });
  const repeated = await deployment.invokeDrill(event, { requestId: 'second-delivery' });
  expect(repeated.result).toMatchObject({ ignored: expect.stringMatching(/^already notified/) });

  const all = reports(deployment);
  expect(all).toHaveLength(2); // the report topic and the failure topic, once each
  expect(messagesTo(failureTopic())).toHaveLength(1);
  const [message] = all;
  expect(message.subject.length).toBeLessThan(100);
  expect(message.subject).not.toContain('"');
  expect(message.attributes).toMatchObject({ verdict: 'FAIL', table: 'RestoreDrill-fixture' });
  expect(message.email).toContain('Job            52B2FF7A-BF8B-4E6A-8AE4-0DEB9C9F0C10 (backup job, FAILED)');
  expect(message.email).toContain(`Vault          ${deployment.vaultNames[0]}`);
  expect(message.email).toMatch(/Next step: open the job in the AWS Backup console/);
  expect(message.json).toMatchObject({ kind: 'backup-job-failed', state: 'FAILED' });
});

test('a table drilled from an existing vault without being added to the stack plan', async () => {
  // The stack's plan selects the fixture only; the restore testing selection has both.
  const selections = Object.values(app.template.Resources).filter((r) => r.Type === 'AWS::Backup::BackupSelection');
  expect(JSON.stringify(selections)).not.toContain('table/orders');
  await deploy();
  expect(deployment.vaultNames).toContain('existing-vault');
  await deployment.local.dynamodb.createTable({
    TableName: 'orders',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await deployment.local.dynamodb.putItems(
    'orders',
    Array.from({ length: 30 }, (_, i) => ({ id: { S: `order-${i}` }, total: { N: String(i * 3) } })),
  );
  // The user's own backup, in the user's own vault.
  const point = await deployment.local.backup.backupTable('orders', { vaultName: 'existing-vault' });
  const [jobId] = await deployment.local.backup.runRestoreTestingPlan(deployment.restoreTestingPlanName!);
  await deployment.local.backup.waitForRestoreJob(jobId);
  expect(deployment.local.backup.restoreJob(jobId)?.recoveryPointArn).toBe(point.recoveryPointArn);
  await deployment.invokeDrill(deployment.local.latestRestoreEvent(jobId));
  const [report] = reports(deployment);
  expect(report.json).toMatchObject({ verdict: 'PASS', table: 'orders' });
  expect(report.json.recoveryPoint).toMatchObject({ backupVaultName: 'existing-vault', recoveryPointArn: point.recoveryPointArn });
  expect(check(report, 'item count')).toMatchObject({ status: 'PASS' });
});
