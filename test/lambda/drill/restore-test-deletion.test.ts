import { BackupClient, DescribeRestoreJobCommand, type DescribeRestoreJobCommandOutput } from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import type { DrillRecord } from '../../../lambda/domain/drill-record';
import { checkCopyDeletion, watchRestoreTestDeletions } from '../../../lambda/drill/restore-test-deletion';
import { createBackupPort } from '../../../lambda/ports/backup-port';
import { awsError } from '../support/aws-errors';
import { FlowWorld } from '../support/flow-world';

/**
 * Watching AWS Backup delete a restore test's copy (checkCopyDeletion, watchRestoreTestDeletions):
 * DescribeRestoreJob's DeletionStatus (DELETING | FAILED | SUCCESSFUL, API reference), polled
 * every tablePollSeconds within the time given, on the real Backup port over aws-sdk-client-mock
 * and the flow world's history, notifier and clock. A FAILED deletion is one FAIL message naming
 * the copy, to every topic a FAIL goes to, sent once; the watch ends on a final status only.
 */

const backup = mockClient(BackupClient);
const FAILURE_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:drill-failures';
const PLAN_ARN = 'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:drill_plan-7a1b2c';
const RESTORE_JOB_ID = '4B9E2C1A-57D3-4F8E-9C0B-6A2D3E4F5A6B';
const COPY = 'awsbackup-restore-test-3f9a1c2b7d';
const second = 1_000;

let world: FlowWorld;

const drill: DrillRecord = {
  drillId: 'restore-test-4b9e2c1a-57d3-4f8e-9c0b-6a2d3e4f5a6b',
  sourceTable: 'orders',
  sourceTableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
  trigger: 'restore-test',
  startedAt: '2026-11-28T05:30:00.000Z',
  status: 'FINISHED',
  restoredTableName: COPY,
  restoreJobId: RESTORE_JOB_ID,
  restoreTest: { planArn: PLAN_ARN },
};

beforeEach(async () => {
  backup.reset();
  world = new FlowWorld();
  await world.history.create(drill);
  await world.history.watchDeletion(drill.drillId, true);
});
afterAll(() => backup.restore());

const engine = () =>
  world.engine({ failureTopicArn: FAILURE_TOPIC_ARN }, { backup: createBackupPort(new BackupClient({ region: 'us-east-1' })) });

/** DescribeRestoreJob answering each DeletionStatus in turn (the last one from then on). */
function deletion(...answers: Partial<DescribeRestoreJobCommandOutput>[]) {
  const base = { RestoreJobId: RESTORE_JOB_ID, Status: 'COMPLETED' as const, CreatedBy: { RestoreTestingPlanArn: PLAN_ARN } };
  let stub = backup.on(DescribeRestoreJobCommand);
  for (const answer of answers.slice(0, -1)) stub = stub.resolvesOnce({ ...base, ...answer });
  stub.resolves({ ...base, ...answers[answers.length - 1] });
}

const describeCalls = () => backup.commandCalls(DescribeRestoreJobCommand).length;
const watched = async () => (await world.history.listDeletionWatches()).map((d) => d.drillId);
const check = (record: DrillRecord, waitMs: number) => {
  const e = engine();
  return checkCopyDeletion(e, record, e.logger, waitMs);
};

describe('checkCopyDeletion', () => {
  test('SUCCESSFUL: recorded, the watch ends, nothing is sent', async () => {
    deletion({ DeletionStatus: 'SUCCESSFUL' });
    await check(drill, 60 * second);
    expect(describeCalls()).toBe(1);
    expect(world.historyRecord(drill.drillId)?.restoreTest?.deletion).toEqual({
      status: 'SUCCESSFUL',
      at: new Date(world.clock.now()).toISOString(),
    });
    expect(await watched()).toEqual([]);
    expect(world.notifier.calls('publish')).toEqual([]);
  });

  test('DELETING, then SUCCESSFUL: polled every tablePollSeconds within the time given', async () => {
    deletion({ DeletionStatus: 'DELETING' }, { DeletionStatus: 'DELETING' }, { DeletionStatus: 'SUCCESSFUL' });
    await check(drill, 60 * second);
    expect(world.clock.sleeps).toEqual([5 * second, 5 * second]);
    expect(describeCalls()).toBe(3);
    expect(world.historyRecord(drill.drillId)?.restoreTest?.deletion).toMatchObject({ status: 'SUCCESSFUL' });
    expect(await watched()).toEqual([]);
  });

  test('still DELETING when the time given is up: recorded as DELETING, still watched', async () => {
    deletion({ DeletionStatus: 'DELETING' });
    const started = world.clock.now();
    await check(drill, 10 * second);
    // Looks at 0, 5 and 10 s; stops once 10 s have passed.
    expect(describeCalls()).toBe(3);
    expect(world.clock.now()).toBe(started + 10 * second);
    expect(world.historyRecord(drill.drillId)?.restoreTest?.deletion).toEqual({
      status: 'DELETING',
      at: new Date(started + 10 * second).toISOString(),
    });
    expect(await watched()).toEqual([drill.drillId]);
  });

  test('no deletion started yet: one look, nothing recorded, still watched', async () => {
    deletion({});
    await check(drill, 0);
    expect(describeCalls()).toBe(1);
    expect(world.historyRecord(drill.drillId)?.restoreTest?.deletion).toBeUndefined();
    expect(await watched()).toEqual([drill.drillId]);
  });

  test('FAILED: one FAIL message naming the copy, to the report and the failure topics; recorded, so not sent again', async () => {
    deletion({ DeletionStatus: 'FAILED', DeletionStatusMessage: 'Access denied deleting the table' });
    await check(drill, 0);
    const sent = world.published();
    expect(sent.map((message) => message.topic)).toEqual(['reports', 'failures']);
    expect(sent[0].json).toMatchObject({
      verdict: 'FAIL',
      kind: 'restore-test-copy-not-deleted',
      drillId: drill.drillId,
      restoreJobId: RESTORE_JOB_ID,
      restoredTable: COPY,
      deletionStatus: 'FAILED',
    });
    const recorded = world.historyRecord(drill.drillId)!;
    expect(recorded.restoreTest?.deletion).toMatchObject({ status: 'FAILED', message: 'Access denied deleting the table' });
    expect(await watched()).toEqual([]);

    await check(recorded, 0);
    expect(world.published()).toHaveLength(2);
  });

  test('a DescribeRestoreJob that fails is left to the next run: no throw, nothing recorded, still watched', async () => {
    backup.on(DescribeRestoreJobCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(check(drill, 0)).resolves.toBeUndefined();
    expect(world.historyRecord(drill.drillId)?.restoreTest?.deletion).toBeUndefined();
    expect(await watched()).toEqual([drill.drillId]);
  });

  test('a drill that is no restore test, or has no job, is not looked at', async () => {
    const { restoreTest: _test, ...plainDrill } = drill;
    const { restoreJobId: _job, ...withoutJob } = drill;
    await check(plainDrill, 0);
    await check(withoutJob, 0);
    expect(describeCalls()).toBe(0);
  });
});

describe('watchRestoreTestDeletions', () => {
  test('looks once at each watched copy and says which it looked at', async () => {
    deletion({ DeletionStatus: 'DELETING' });
    await expect(watchRestoreTestDeletions(engine())).resolves.toEqual([COPY]);
    expect(describeCalls()).toBe(1);
    expect(world.clock.sleeps).toEqual([]);
  });
});
