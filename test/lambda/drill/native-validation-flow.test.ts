import { awsError } from '../support/aws-errors';
import { orderItems } from '../support/flow-world';
import { NativeWorld, ownPlan, planArn, restoreTestEvent } from '../support/native-world';

/**
 * The verdict of a restore test told to AWS Backup, through the handler: PutRestoreValidationResult
 * once, SUCCESSFUL for a PASS and FAILED for a FAIL, with a one-line message of what passed or
 * failed (the message AWS Backup shows with the job: its wording is the contract); nothing sent
 * when AWS Backup has set a status already, or when the restore itself failed; the copy left to
 * AWS Backup, and the report's `validation result` check saying whether AWS Backup took the result.
 */

const PLAN = planArn('drill_plan-7a1b2c');
let world: NativeWorld;
let point: string;

beforeEach(() => {
  world = new NativeWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(30) });
  point = world.addRecoveryPoint({ table: 'orders', ageMinutes: 120 });
});

/** The plan's job (its restore as nextRestores says), and its COMPLETED event once 10 s have passed. */
function runRestoreTest() {
  const job = world.backup.runRestoreTest({ planArn: PLAN, recoveryPointArn: point });
  world.clock.advance(10_000);
  return { ...job, event: restoreTestEvent({ ...job, recoveryPointArn: point }, PLAN) };
}

const engine = () => world.engine({ restoreTesting: ownPlan(PLAN) });
const checksOf = (report: { json: { checks: { check: string; status: string }[] } }) =>
  report.json.checks.map((c) => `${c.check}:${c.status}`);

test('PASS: SUCCESSFUL sent once, naming the checks that passed; the copy left to AWS Backup', async () => {
  const job = runRestoreTest();
  const summary = await world.invoke(job.event, { engine: engine() });
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
  const [report] = world.published();
  const passed = report.json.checks
    .filter((c: { check: string }) => c.check !== 'validation result')
    .map((c: { check: string }) => c.check);
  expect(passed.length).toBeGreaterThan(3);
  expect(world.backup.calls('putRestoreValidationResult')).toEqual([
    [job.restoreJobId, 'SUCCESSFUL', `restore-drill PASS: ${passed.join(', ')} passed`],
  ]);
  expect(checksOf(report)).toContain('validation result:PASS');
  expect(report.json.cleanup).toEqual({
    result: 'aws-backup',
    tableName: job.copy,
    detail: `AWS Backup deletes ${job.copy} (restore testing); the drill does not`,
  });
  expect(world.deletedTables()).toEqual([]);
  expect(world.backup.restoreTests.get(job.restoreJobId)?.validation?.status).toBe('SUCCESSFUL');
});

test('FAIL of the data: FAILED sent, saying what failed first; the validation result check itself PASSes', async () => {
  world.nextRestores({ mutateItems: (items) => items.slice(5) });
  const job = runRestoreTest();
  const summary = await world.invoke(job.event, { engine: engine() });
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
  const [report] = world.published();
  const failed = report.json.checks.filter((c: { status: string }) => c.status === 'FAIL').map((c: { check: string }) => c.check);
  expect(failed).toContain('item count');
  const [[restoreJobId, status, message]] = world.backup.calls('putRestoreValidationResult');
  expect([restoreJobId, status]).toEqual([job.restoreJobId, 'FAILED']);
  expect(message).toMatch(/^restore-drill FAIL: item count: restored 25, source 30 /);
  expect(message).not.toMatch(/[^\x20-\x7e]/);
  expect(checksOf(report)).toContain('validation result:PASS');
});

test('a restore test whose job FAILED: nothing to validate, no result sent, FAIL reported, AWS Backup removes what it made', async () => {
  world.nextRestores({ durationMs: Number.POSITIVE_INFINITY, createsTable: false });
  const job = world.backup.runRestoreTest({ planArn: PLAN, recoveryPointArn: point });
  world.backup.failRestore(job.restoreJobId, 'Restore failed: access denied to the KMS key');
  const summary = await world.invoke(restoreTestEvent({ ...job, recoveryPointArn: point }, PLAN, 'FAILED'), { engine: engine() });
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
  expect(world.backup.calls('putRestoreValidationResult')).toEqual([]);
  const record = world.historyRecord(summary.drills[0].drillId);
  expect(record?.restoredTableName).toBe('awsbackup-restore-test-(none)');
  expect(record?.outcome?.cleanup).toEqual({
    result: 'aws-backup',
    tableName: 'awsbackup-restore-test-(none)',
    detail: 'the restore test FAILED: no copy to validate; AWS Backup removes what it made',
  });
  expect(world.published()[0].json.checks.map((c: { check: string }) => c.check)).not.toContain('validation result');
});

describe('a status AWS Backup has already set', () => {
  test('TIMED_OUT (the window closed): nothing sent; the check FAILs and the cleanup says how far the deletion is', async () => {
    const job = runRestoreTest();
    world.backup.setValidationStatus(job.restoreJobId, 'TIMED_OUT', 'Validation window expired');
    world.backup.setDeletionStatus(job.restoreJobId, 'DELETING');
    const summary = await world.invoke(job.event, { engine: engine() });
    expect(world.backup.calls('putRestoreValidationResult')).toEqual([]);
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'FAIL' })]);
    const [report] = world.published();
    expect(checksOf(report)).toContain('validation result:FAIL');
    expect(report.json.cleanup.detail).toBe(
      `AWS Backup deletes ${job.copy} (restore testing); the drill does not; DeletionStatus DELETING`,
    );
    expect(world.historyRecord(summary.drills[0].drillId)?.restoreTest?.validation).toMatchObject({
      result: 'already-set',
      status: 'TIMED_OUT',
      message: 'Validation window expired',
    });
  });

  test('the status this drill would send (an earlier attempt): taken as sent; no deletion status in the cleanup', async () => {
    const job = runRestoreTest();
    world.backup.setValidationStatus(job.restoreJobId, 'SUCCESSFUL');
    world.backup.setDeletionStatus(job.restoreJobId, 'DELETING');
    const summary = await world.invoke(job.event, { engine: engine() });
    expect(world.backup.calls('putRestoreValidationResult')).toEqual([]);
    expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'PASS' })]);
    const [report] = world.published();
    expect(checksOf(report)).toContain('validation result:PASS');
    expect(report.json.cleanup.detail).toBe(`AWS Backup deletes ${job.copy} (restore testing); the drill does not`);
  });

  test('VALIDATING is no result yet: the verdict is sent', async () => {
    const job = runRestoreTest();
    world.backup.setValidationStatus(job.restoreJobId, 'VALIDATING');
    await world.invoke(job.event, { engine: engine() });
    expect(world.backup.calls('putRestoreValidationResult')).toEqual([
      [job.restoreJobId, 'SUCCESSFUL', expect.stringMatching(/^restore-drill PASS: /)],
    ]);
  });
});

describe('PutRestoreValidationResult fails', () => {
  test('refused: reported as not accepted (check FAIL, verdict FAIL), never retried', async () => {
    const job = runRestoreTest();
    world.backup.failNext('putRestoreValidationResult', awsError('InvalidRequestException', 'Restore job is not in a valid state'));
    const summary = await world.invoke(job.event, { engine: engine() });
    expect(world.backup.calls('putRestoreValidationResult')).toHaveLength(1);
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(checksOf(world.published()[0])).toContain('validation result:FAIL');
    expect(world.historyRecord(summary.drills[0].drillId)?.restoreTest?.validation).toMatchObject({
      result: 'refused',
      status: 'SUCCESSFUL',
    });
  });

  test('throttled: the invocation fails with no report, and its retry sends the result and reports once', async () => {
    const job = runRestoreTest();
    const drills = engine();
    world.backup.failNext('putRestoreValidationResult', awsError('ThrottlingException', 'Rate exceeded'));
    // Lambda retries an asynchronous invocation with the same request id.
    await expect(world.invoke(job.event, { engine: drills, requestId: 'request-1' })).rejects.toThrow();
    expect(world.published()).toEqual([]);
    const retry = await world.invoke(job.event, { engine: drills, requestId: 'request-1' });
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.backup.restoreTests.get(job.restoreJobId)?.validation?.status).toBe('SUCCESSFUL');
    expect(world.published()).toHaveLength(1);
  });
});
