import { backupJobStateChangeEvent, restoreJobStateChangeEvent, scheduledEvent } from './events/backup-events';
import { DOCUMENTED_BACKUP_JOB_EVENTS, DOCUMENTED_RESTORE_JOB_EVENTS, DOCUMENTED_SCHEDULED_EVENT } from './events/documented-examples';
import { FAST_OPTIONS, createFixtureTable, startHarnessUnderTest, type HarnessUnderTest } from './harness-test-support';

const envelope = { account: '123456789012', region: 'us-east-1', time: new Date('2026-11-28T03:00:07.123Z'), id: 'event-1' };

describe("EventBridge event builders, held to AWS's documented examples", () => {
  type Example = { time: string; id: string; account: string; region: string; resources: readonly string[] };
  const envelopeOf = (example: Example) => ({
    account: example.account,
    region: example.region,
    time: new Date(example.time),
    id: example.id,
  });
  const date = (text: string | undefined) => (text === undefined ? undefined : new Date(text));

  it.each(['FAILED', 'RUNNING', 'COMPLETED', 'PENDING'] as const)(
    '"Restore Job State Change" %s equals the documented example',
    (status) => {
      const example = DOCUMENTED_RESTORE_JOB_EVENTS[status];
      const detail = example.detail as Record<string, string | number | undefined>;
      const built = restoreJobStateChangeEvent(
        {
          restoreJobId: detail.restoreJobId as string,
          status,
          creationDate: new Date(detail.creationDate as string),
          recoveryPointArn: (detail.recoveryPointArn as string | undefined) ?? example.resources[0],
          resources: example.resources,
          backupVaultArn: detail.backupVaultArn as string | undefined,
          sourceResourceArn: detail.sourceResourceArn as string | undefined,
          iamRoleArn: detail.iamRoleArn as string,
          resourceType: detail.resourceType as string,
          backupSizeInBytes: Number(detail.backupSizeInBytes),
          statusMessage: detail.statusMessage as string | undefined,
          createdResourceArn: detail.createdResourceArn as string | undefined,
          completionDate: date(detail.completionDate as string | undefined),
        },
        envelopeOf(example),
      );
      expect(built).toEqual(example);
    },
  );

  it('"Restore Job State Change" CREATED uses state, with only restoreJobId and creationDate', () => {
    const example = DOCUMENTED_RESTORE_JOB_EVENTS.CREATED;
    const built = restoreJobStateChangeEvent(
      {
        restoreJobId: example.detail.restoreJobId,
        status: 'CREATED',
        creationDate: new Date(example.detail.creationDate),
        recoveryPointArn: example.resources[0],
        iamRoleArn: 'arn:aws:iam::1112233445566:role/RestoreTestRole',
        backupSizeInBytes: 36048,
      },
      envelopeOf(example),
    );
    expect(built).toEqual(example);
  });

  it('a restore event names the created resource and the completion only once COMPLETED; a testing plan job names its plan', () => {
    const facts = {
      restoreJobId: 'AB123456-78C9-0123-456D-789012E34567',
      creationDate: new Date('2026-11-28T02:59:00.500Z'),
      completionDate: new Date('2026-11-28T03:00:05.250Z'),
      recoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:rp',
      backupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:v',
      sourceResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
      createdResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/copy',
      iamRoleArn: 'arn:aws:iam::123456789012:role/r',
      resourceType: 'DynamoDB',
      backupSizeInBytes: 1880,
    };
    const failed = restoreJobStateChangeEvent({ ...facts, status: 'FAILED', statusMessage: 'Access denied' }, envelope);
    expect(failed.detail).toEqual({
      restoreJobId: facts.restoreJobId,
      backupSizeInBytes: '1880',
      creationDate: '2026-11-28T02:59:00.500Z',
      iamRoleArn: facts.iamRoleArn,
      percentDone: 0,
      resourceType: 'DynamoDB',
      status: 'FAILED',
      statusMessage: 'Access denied',
    });
    expect(failed.resources).toEqual([facts.recoveryPointArn]);
    const tested = restoreJobStateChangeEvent(
      { ...facts, status: 'COMPLETED', restoreTestingPlanArn: 'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:nightly-abc' },
      envelope,
    );
    expect(tested.detail).toMatchObject({
      status: 'COMPLETED',
      createdResourceArn: facts.createdResourceArn,
      completionDate: '2026-11-28T03:00:05.250Z',
      recoveryPointArn: facts.recoveryPointArn,
      sourceResourceArn: facts.sourceResourceArn,
      backupVaultArn: facts.backupVaultArn,
      restoreTestingPlanArn: 'arn:aws:backup:us-east-1:123456789012:restore-testing-plan:nightly-abc',
    });
    expect(tested.time).toBe('2026-11-28T03:00:07Z');
  });

  it('"Backup Job State Change" COMPLETED and FAILED equal the documented examples', () => {
    for (const state of ['COMPLETED', 'FAILED'] as const) {
      const example = DOCUMENTED_BACKUP_JOB_EVENTS[state];
      const detail = example.detail as Record<string, string | number | undefined>;
      const built = backupJobStateChangeEvent(
        {
          backupJobId: detail.backupJobId as string,
          state,
          creationDate: new Date(detail.creationDate as string),
          backupVaultName: detail.backupVaultName as string,
          backupVaultArn: detail.backupVaultArn as string,
          resourceArn: detail.resourceArn as string,
          resourceType: detail.resourceType as string,
          iamRoleArn: detail.iamRoleArn as string,
          recoveryPointArn: example.resources[0],
          backupSizeInBytes: detail.backupSizeInBytes === undefined ? undefined : Number(detail.backupSizeInBytes),
          statusMessage: detail.statusMessage as string | undefined,
          completionDate: date(detail.completionDate as string | undefined),
          startBy: date(detail.startBy as string),
          retryCount: detail.retryCount as number,
        },
        envelopeOf(example),
      );
      expect(built).toEqual(example);
    }
  });

  it('"Backup Job State Change" CREATED carries only backupJobId, state and creationDate', () => {
    const example = DOCUMENTED_BACKUP_JOB_EVENTS.CREATED;
    const built = backupJobStateChangeEvent(
      {
        backupJobId: example.detail.backupJobId,
        state: 'CREATED',
        creationDate: new Date(example.detail.creationDate),
        backupVaultName: 'v',
        backupVaultArn: 'arn:aws:backup:us-west-2:1112233445566:backup-vault:v',
        resourceArn: 'arn:aws:dynamodb:us-west-2:1112233445566:table/orders',
      },
      envelopeOf(example),
    );
    expect(built).toEqual(example);
  });

  it('"Scheduled Event" equals the documented example', () => {
    const example = DOCUMENTED_SCHEDULED_EVENT;
    expect(scheduledEvent(example.resources[0], envelopeOf(example))).toEqual(example);
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
