/**
 * AWS's own example events, as published, to hold the builders in backup-events.ts and the
 * engine's trigger schemas (lambda/triggers.ts) to the real shapes. Do not "fix" them: their
 * oddities (13-digit account ids, percentDone 0 on a COMPLETED restore, resources that are
 * the recovery point's underlying snapshot) are what AWS documents.
 */

/**
 * AWS Backup Developer Guide, "Monitoring AWS Backup events using Amazon EventBridge"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html), "Restore Job events".
 */
export const DOCUMENTED_RESTORE_JOB_EVENTS = {
  FAILED: {
    version: '0',
    id: 'ab32977c-378d-2122-e985-fgh4596f0709',
    'detail-type': 'Restore Job State Change',
    source: 'aws.backup',
    account: '1112233445566',
    time: '2020-07-15T20:19:29Z',
    region: 'us-west-2',
    resources: ['arn:aws:ec2:us-west-2::image/ami-12b3456dfb7f8cf90'],
    detail: {
      restoreJobId: '1B234A56-789B-01CD-2A34-4567A08901FD',
      backupSizeInBytes: '22548578304',
      creationDate: '2020-07-15T20:19:07.303Z',
      iamRoleArn: 'arn:aws:iam::1112233445566:role/TestAWSBackupRole',
      percentDone: 0,
      resourceType: 'EC2',
      status: 'FAILED',
      statusMessage:
        'AWS Backup does not permit attaching a new instance profile to an EC2 instance. Please restore using the backed up instance profile.',
    },
  },
  RUNNING: {
    version: '0',
    id: 'ab32977c-378d-2122-e985-fgh4596f0709',
    'detail-type': 'Restore Job State Change',
    source: 'aws.backup',
    account: '1112233445566',
    time: '2020-07-29T20:26:06Z',
    region: 'us-west-2',
    resources: ['arn:aws:ec2:us-west-2::snapshot/snap-0fe123ca456cfad7c'],
    detail: {
      restoreJobId: '1B234A56-789B-01CD-2A34-4567A08901FD',
      backupSizeInBytes: '3221225472',
      creationDate: '2020-07-29T20:26:00.098Z',
      iamRoleArn: 'arn:aws:iam::1112233445566:role/RestoreTestRole',
      percentDone: 0,
      resourceType: 'EBS',
      status: 'RUNNING',
    },
  },
  COMPLETED: {
    version: '0',
    id: 'ab32977c-378d-2122-e985-fgh4596f0709',
    'detail-type': 'Restore Job State Change',
    source: 'aws.backup',
    account: '1112233445566',
    time: '2020-07-15T03:14:58Z',
    region: 'us-west-2',
    resources: ['arn:aws:rds:us-west-2:1112233445566:snapshot:awsbackup:job-1a2bcd34-567e-8901-23f4-5g6hijkl7890'],
    detail: {
      restoreJobId: 'AB123456-78C9-0123-456D-789012E34567',
      backupVaultArn: 'arn:aws:backup:us-west-2:1112233445566:backup-vault:ExampleVault',
      recoveryPointArn: 'arn:aws:backup:us-west-2:1112233445566:recovery-point:6f7fc1f8-2f2e-40ac-943b-8f8efa9ba99d',
      sourceResourceArn: 'arn:aws:rds:us-west-2:1112233445566:db:example-database',
      backupSizeInBytes: '0',
      creationDate: '2020-07-15T03:10:01.742Z',
      iamRoleArn: 'arn:aws:iam::1112233445566:role/RestoreTestRole',
      percentDone: 0,
      resourceType: 'RDS',
      status: 'COMPLETED',
      createdResourceArn: 'arn:aws:rds:us-west-2:1112233445566:db:testinginstance1a2bcd34-567e-8901-23f4-5g6hijkl7890',
      completionDate: '2020-07-15T03:14:53.128Z',
    },
  },
  PENDING: {
    version: '0',
    id: 'ab32977c-378d-2122-e985-fgh4596f0709',
    'detail-type': 'Restore Job State Change',
    source: 'aws.backup',
    account: '1112233445566',
    time: '2020-07-29T20:08:26Z',
    region: 'us-west-2',
    resources: ['arn:aws:backup:us-west-2:1112233445566:recovery-point:42bb8260-92cd-46a2-ab8d-b29f4edb47b1'],
    detail: {
      restoreJobId: '123EA45F-C678-EFE9-0123-4D56FC0E789A',
      backupSizeInBytes: '36048',
      creationDate: '2020-07-29T20:08:21.083Z',
      iamRoleArn: 'arn:aws:iam::1112233445566:role/RestoreTestRole',
      percentDone: 0,
      resourceType: 'EC2',
      status: 'PENDING',
    },
  },
  CREATED: {
    version: '0',
    id: 'ab32977c-378d-2122-e985-fgh4596f0709',
    'detail-type': 'Restore Job State Change',
    source: 'aws.backup',
    account: '1112233445566',
    time: '2020-06-22T18:50:49Z',
    region: 'us-west-2',
    resources: ['arn:aws:backup:us-west-2:1112233445566:recovery-point:a6560b33-3660-494c-8d47-efgh939ij32k'],
    detail: {
      restoreJobId: '123EA45F-C678-EFE9-0123-4D56FC0E789A',
      creationDate: '2020-06-22T18:50:46.407Z',
      state: 'CREATED',
    },
  },
} as const;

/** Same page, "Backup Job events". */
export const DOCUMENTED_BACKUP_JOB_EVENTS = {
  COMPLETED: {
    version: '0',
    id: 'dafac799-9b88-0134-26b7-fef4d54a134f',
    'detail-type': 'Backup Job State Change',
    source: 'aws.backup',
    account: '1112233445566',
    time: '2020-07-15T21:41:17Z',
    region: 'us-west-2',
    resources: ['arn:aws:backup:us-west-2:1112233445566:recovery-point:f1d966fe-a3bd-410b-b292-99f442d13b56'],
    detail: {
      backupJobId: 'a827233a-d405-4a86-a440-759fa94f34dd',
      backupSizeInBytes: '36048',
      backupVaultArn: 'arn:aws:backup:us-west-2:1112233445566:backup-vault:9732c1b4-1091-472a-9d9f-52e0565ee39a',
      backupVaultName: '9732c1b4-1091-472a-9d9f-52e0565ee39a',
      bytesTransferred: '36048',
      creationDate: '2020-07-15T21:40:31.207Z',
      iamRoleArn: 'arn:aws:iam::1112233445566:role/MockRCBackupTestRole',
      resourceArn: 'arn:aws:service:us-west-2:1112233445566:resource-type/resource-id',
      resourceType: 'type',
      state: 'COMPLETED',
      completionDate: '2020-07-15T21:41:05.921Z',
      startBy: '2020-07-16T05:40:31.207Z',
      percentDone: 100,
      retryCount: 3,
    },
  },
  FAILED: {
    version: '0',
    id: '710b0398-d48e-f3c3-afca-cfeb2fdaa656',
    'detail-type': 'Backup Job State Change',
    source: 'aws.backup',
    account: '1112233445566',
    time: '2020-07-29T20:15:26Z',
    region: 'us-west-2',
    resources: [],
    detail: {
      backupJobId: '34176239-e96d-4e1d-9fad-529dbb3c3556',
      backupVaultArn: 'arn:aws:backup:us-west-2:1112233445566:backup-vault:9ab3e749-82c6-4342-9320-5edbf4918b86',
      backupVaultName: '9ab3e749-82c6-4342-9320-5edbf4918b86',
      bytesTransferred: '0',
      creationDate: '2020-07-29T20:13:07.392Z',
      iamRoleArn: 'arn:aws:iam::1112233445566:role/MockRCBackupTestRole',
      resourceArn: 'arn:aws:service:us-west-2:1112233445566:resource-type/resource-id',
      resourceType: 'type',
      state: 'FAILED',
      statusMessage:
        '"Backup job failed because backup vault arn:aws:backup:us-west-2:1112233445566:backup-vault:9ab3e749-82c6-4342-9320-5edbf4918b86 does not exist."',
      startBy: '2020-07-30T04:13:07.392Z',
      percentDone: 0,
      retryCount: 3,
    },
  },
  CREATED: {
    version: '0',
    id: '29af2bf2-eace-58ab-da3a-8c0bf738d692',
    'detail-type': 'Backup Job State Change',
    source: 'aws.backup',
    account: '1112233445566',
    time: '2020-06-22T20:32:53Z',
    region: 'us-west-2',
    resources: [],
    detail: {
      backupJobId: '7e8845b5-ca30-415f-a842-e0152bf4d0ca',
      state: 'CREATED',
      creationDate: '2020-06-22T20:32:47.466Z',
    },
  },
} as const;

/**
 * EventBridge's example event of a scheduled rule (EventBridge User Guide and Lambda Developer
 * Guide, "Invoke a Lambda function on a schedule"; the same event is AWS's fixture
 * example-eventbridge-schedule.json in aws/aws-lambda-rust-runtime).
 */
export const DOCUMENTED_SCHEDULED_EVENT = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2015-10-08T16:53:06Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule'],
  detail: {},
} as const;
