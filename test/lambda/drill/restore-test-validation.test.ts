import {
  BackupClient,
  DescribeRestoreJobCommand,
  type DescribeRestoreJobCommandOutput,
  PutRestoreValidationResultCommand,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import type { DrillRecord, RestoreTestFacts } from '../../../lambda/domain/drill-record';
import { sendValidationResult } from '../../../lambda/drill/restore-test';
import { logger } from '../../../lambda/observability';
import { createBackupPort } from '../../../lambda/ports/backup-port';
import { awsError } from '../support/aws-errors';

/**
 * Telling AWS Backup the verdict of a restore test (sendValidationResult), on the real Backup
 * port over aws-sdk-client-mock. DescribeRestoreJob and PutRestoreValidationResult as the AWS
 * Backup API reference documents them: ValidationStatus FAILED | SUCCESSFUL | TIMED_OUT |
 * VALIDATING, and a status once set "cannot be changed" (developer guide, "Restore testing
 * validation"), so the drill sends only while none is set (or VALIDATING), once.
 */

const backup = mockClient(BackupClient);
const port = createBackupPort(new BackupClient({ region: 'us-east-1' }));

const PLAN_ARN = 'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:drill_plan-7a1b2c';
const RESTORE_JOB_ID = '4B9E2C1A-57D3-4F8E-9C0B-6A2D3E4F5A6B';
const COPY = 'awsbackup-restore-test-3f9a1c2b7d';
const NOW = Date.parse('2026-11-28T06:40:00.000Z');

const drill: DrillRecord = {
  drillId: 'restore-test-4b9e2c1a-57d3-4f8e-9c0b-6a2d3e4f5a6b',
  sourceTable: 'orders',
  sourceTableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
  trigger: 'restore-test',
  startedAt: '2026-11-28T06:00:00.000Z',
  status: 'CLEANING',
  restoredTableName: COPY,
  restoreJobId: RESTORE_JOB_ID,
};
const restoreTest: RestoreTestFacts = { planArn: PLAN_ARN, validationWindowHours: 4 };

beforeEach(() => backup.reset());
afterAll(() => backup.restore());

/** DescribeRestoreJob of the completed restore test, with whatever validation and deletion AWS Backup has set. */
function describedAs(fields: Partial<DescribeRestoreJobCommandOutput> = {}) {
  backup.on(DescribeRestoreJobCommand).resolves({
    RestoreJobId: RESTORE_JOB_ID,
    Status: 'COMPLETED',
    CreatedResourceArn: `arn:aws:dynamodb:us-east-1:123456789012:table/${COPY}`,
    CreatedBy: { RestoreTestingPlanArn: PLAN_ARN },
    ...fields,
  });
}

const send = (verdict: 'PASS' | 'FAIL', facts: RestoreTestFacts = restoreTest, record: DrillRecord = drill) =>
  sendValidationResult({
    backup: port,
    log: logger,
    drill: record,
    restoreTest: facts,
    verdict,
    message: `restore-drill ${verdict}`,
    now: () => NOW,
  });

const putCalls = () => backup.commandCalls(PutRestoreValidationResultCommand).map((call) => call.args[0].input);

describe('sendValidationResult', () => {
  test.each([
    ['PASS', 'SUCCESSFUL'],
    ['FAIL', 'FAILED'],
  ] as const)('no status set yet: a %s is sent as %s, once, and the validation result check PASSes', async (verdict, status) => {
    describedAs();
    backup.on(PutRestoreValidationResultCommand).resolves({});
    const outcome = await send(verdict);
    expect(putCalls()).toEqual([
      { RestoreJobId: RESTORE_JOB_ID, ValidationStatus: status, ValidationStatusMessage: `restore-drill ${verdict}` },
    ]);
    expect(outcome.restoreTest).toEqual({
      ...restoreTest,
      validation: {
        result: 'sent',
        status,
        message: `restore-drill ${verdict}`,
        at: new Date(NOW).toISOString(),
        detail: expect.any(String),
      },
    });
    expect(outcome.check).toMatchObject({ check: 'validation result', status: 'PASS' });
    expect(outcome.cleanup).toMatchObject({ result: 'aws-backup', tableName: COPY });
  });

  test('VALIDATING is no result yet: the verdict is sent', async () => {
    describedAs({ ValidationStatus: 'VALIDATING' });
    backup.on(PutRestoreValidationResultCommand).resolves({});
    const outcome = await send('PASS');
    expect(putCalls()).toHaveLength(1);
    expect(outcome.restoreTest.validation).toMatchObject({ result: 'sent', status: 'SUCCESSFUL' });
  });

  test('TIMED_OUT already (the window closed): nothing is sent, and the validation result check FAILs saying what to raise', async () => {
    describedAs({ ValidationStatus: 'TIMED_OUT', ValidationStatusMessage: 'Validation window expired', DeletionStatus: 'DELETING' });
    const outcome = await send('PASS');
    expect(putCalls()).toEqual([]);
    expect(outcome.restoreTest.validation).toMatchObject({
      result: 'already-set',
      status: 'TIMED_OUT',
      message: 'Validation window expired',
    });
    expect(outcome.check).toMatchObject({
      check: 'validation result',
      status: 'FAIL',
      nextStep: expect.stringMatching(/^AWS Backup did not take the result: raise validationWindowHours/),
    });
  });

  test('the same status already set (an earlier attempt of this drill): nothing is sent again, and it counts as accepted', async () => {
    describedAs({ ValidationStatus: 'FAILED' });
    const outcome = await send('FAIL');
    expect(putCalls()).toEqual([]);
    expect(outcome.restoreTest.validation).toMatchObject({ result: 'already-set', status: 'FAILED' });
    expect(outcome.check).toMatchObject({ check: 'validation result', status: 'PASS' });
  });

  test('another status already set: not this drill’s, so the check FAILs', async () => {
    describedAs({ ValidationStatus: 'SUCCESSFUL' });
    const outcome = await send('FAIL');
    expect(putCalls()).toEqual([]);
    expect(outcome.check).toMatchObject({ check: 'validation result', status: 'FAIL' });
  });

  test('a result already recorded by this drill (a retry): no AWS call at all', async () => {
    const validation = {
      result: 'sent' as const,
      status: 'SUCCESSFUL',
      message: 'restore-drill PASS',
      at: '2026-11-28T06:30:00.000Z',
      detail: 'sent',
    };
    const outcome = await send('PASS', { ...restoreTest, validation });
    expect(backup.calls()).toEqual([]);
    expect(outcome.restoreTest.validation).toEqual(validation);
    expect(outcome.check).toMatchObject({ check: 'validation result', status: 'PASS' });
  });

  test('PutRestoreValidationResult refused: reported as not accepted (check FAIL), never retried', async () => {
    describedAs();
    backup
      .on(PutRestoreValidationResultCommand)
      .rejects(awsError('InvalidRequestException', 'Restore job is not in a state to accept a validation result'));
    const outcome = await send('PASS');
    expect(putCalls()).toHaveLength(1);
    expect(outcome.restoreTest.validation).toMatchObject({ result: 'refused', status: 'SUCCESSFUL' });
    expect(outcome.check).toMatchObject({ check: 'validation result', status: 'FAIL' });
  });

  test('PutRestoreValidationResult throttled: thrown, for the Lambda retry to send it', async () => {
    describedAs();
    backup.on(PutRestoreValidationResultCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(send('PASS')).rejects.toMatchObject({ name: 'DrillStepError', operation: 'PutRestoreValidationResult' });
  });

  test('a failed DescribeRestoreJob names its operation, and nothing is sent', async () => {
    backup.on(DescribeRestoreJobCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(send('PASS')).rejects.toMatchObject({ name: 'DrillStepError', operation: 'DescribeRestoreJob' });
    expect(putCalls()).toEqual([]);
  });

  test('a restore test recorded without its restore job id is a bug, said so', async () => {
    const { restoreJobId: _id, ...withoutJob } = drill;
    await expect(send('PASS', restoreTest, withoutJob)).rejects.toThrow(/has no restore job id/);
    expect(backup.calls()).toEqual([]);
  });
});
