/**
 * The local AWS harness: AWS's DynamoDB Local, a local AWS Backup endpoint and a local SNS endpoint, reached
 * by the real AWS SDK v3 clients through AWS_ENDPOINT_URL_<SERVICE>. See local-aws.ts.
 */
export { startLocalAws, localRestoreRoleArn, DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from './local-aws';
export type { LocalAws, LocalAwsOptions } from './local-aws';
export { applyAwsEnv, withAwsEnv, localAwsEnv } from './aws-env';
export type { AwsEnv, LocalEndpoints } from './aws-env';
export type { LocalDynamoDb } from './dynamodb/local-dynamodb';
export type { LocalBackup, BackupTableOptions, RecoveryPointView } from './backup/local-backup';
export type { RestoreBehaviour, RestoreOutcome, ContentMutation } from './backup/restore-behaviour';
export type { RestoreJobView, RestoreJobStatus } from './backup/restore-job';
export type { RecoveryPointStatus, RecoveryPointArnStyle } from './backup/recovery-points';
export { snapshotOf, type TableSnapshot } from './backup/table-snapshot';
export type { LocalSns, PublishedMessage } from './sns/local-sns';
export type { InjectedError } from './faults/injected-failures';
export {
  restoreJobStateChangeEvent,
  backupJobStateChangeEvent,
  scheduledEvent,
  type RestoreJobStateChangeEvent,
  type BackupJobStateChangeEvent,
  type ScheduledEvent,
  type RestoreJobFacts,
  type BackupJobFacts,
} from './events/backup-events';
export { DOCUMENTED_RESTORE_JOB_EVENTS, DOCUMENTED_BACKUP_JOB_EVENTS, DOCUMENTED_SCHEDULED_EVENT } from './events/documented-examples';
