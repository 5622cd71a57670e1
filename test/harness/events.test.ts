import { backupJobStateChangeEvent, restoreJobStateChangeEvent, scheduledEvent } from './events/backup-events';
import { FAST_OPTIONS, createFixtureTable, startHarnessUnderTest, type HarnessUnderTest } from './harness-test-support';

const envelope = { account: '123456789012', region: 'us-east-1', time: new Date('2026-11-28T03:00:07.123Z'), id: 'event-1' };

describe('EventBridge event builders', () => {
  it('builds a "Restore Job State Change" with the documented detail fields and types', () => {
    const event = restoreJobStateChangeEvent(
      {
        restoreJobId: 'AB123456-78C9-0123-456D-789012E34567',
        status: 'FAILED',
        statusMessage: 'Access denied',
        creationDate: new Date('2026-11-28T02:59:00.500Z'),
        completionDate: new Date('2026-11-28T03:00:05.250Z'),
        recoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:rp',
        backupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:v',
        sourceResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
        iamRoleArn: 'arn:aws:iam::123456789012:role/r',
        resourceType: 'DynamoDB',
        backupSizeInBytes: 1880,
        percentDone: 0,
      },
      envelope,
    );
    expect(event).toEqual({
      version: '0',
      id: 'event-1',
      'detail-type': 'Restore Job State Change',
      source: 'aws.backup',
      account: '123456789012',
      time: '2026-11-28T03:00:07Z',
      region: 'us-east-1',
      resources: ['arn:aws:backup:us-east-1:123456789012:recovery-point:rp'],
      detail: {
        restoreJobId: 'AB123456-78C9-0123-456D-789012E34567',
        backupSizeInBytes: '1880',
        creationDate: '2026-11-28T02:59:00.500Z',
        iamRoleArn: 'arn:aws:iam::123456789012:role/r',
        percentDone: 0,
        resourceType: 'DynamoDB',
        status: 'FAILED',
        statusMessage: 'Access denied',
        completionDate: '2026-11-28T03:00:05.250Z',
        backupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:v',
        recoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:rp',
        sourceResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
      },
    });
  });

  it('builds a "Backup Job State Change" that uses state, with the recovery point in resources once COMPLETED', () => {
    const facts = {
      backupJobId: 'job-1',
      creationDate: new Date('2026-11-28T01:00:00.000Z'),
      backupVaultName: 'drill-vault',
      backupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:drill-vault',
      resourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
      recoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:rp',
      backupSizeInBytes: 36048,
    };
    const completed = backupJobStateChangeEvent({ ...facts, state: 'COMPLETED', completionDate: new Date('2026-11-28T01:00:41.000Z') }, envelope);
    expect(completed).toMatchObject({
      'detail-type': 'Backup Job State Change',
      source: 'aws.backup',
      resources: [facts.recoveryPointArn],
      detail: { backupJobId: 'job-1', state: 'COMPLETED', resourceType: 'DynamoDB', backupSizeInBytes: '36048', bytesTransferred: '36048', percentDone: 100 },
    });
    expect(completed.detail).not.toHaveProperty('status');
    expect(backupJobStateChangeEvent({ ...facts, state: 'RUNNING' }, envelope).resources).toEqual([]);
  });

  it('builds a "Scheduled Event" from aws.events with the rule ARN and an empty detail', () => {
    expect(scheduledEvent('arn:aws:events:us-east-1:123456789012:rule/daily', envelope)).toEqual({
      version: '0',
      id: 'event-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-11-28T03:00:07Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/daily'],
      detail: {},
    });
  });
});

describe('events from the running harness', () => {
  let harness: HarnessUnderTest;
  beforeAll(async () => {
    harness = await startHarnessUnderTest(FAST_OPTIONS);
  });
  afterAll(() => harness.stop());

  it('gives the Backup Job State Change (COMPLETED) of the job behind a recovery point', async () => {
    await createFixtureTable(harness.local, 'orders', 1);
    const point = await harness.local.backup.backupTable('orders');
    const event = harness.local.backup.backupJobCompletedEvent(point.recoveryPointArn);
    expect(event).toMatchObject({
      source: 'aws.backup',
      'detail-type': 'Backup Job State Change',
      resources: [point.recoveryPointArn],
      detail: { state: 'COMPLETED', resourceArn: point.resourceArn, backupVaultName: 'Default', iamRoleArn: harness.local.restoreRoleArn },
    });
  });

  it('gives a Scheduled Event for a named rule of this account', () => {
    expect(harness.local.scheduledEvent('nightly-drill').resources).toEqual(['arn:aws:events:us-east-1:123456789012:rule/nightly-drill']);
  });
});
