import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';

/**
 * Builders for the EventBridge events the drill consumes, shaped like AWS's own samples
 * (AWS Backup developer guide, "Monitoring AWS Backup events using Amazon EventBridge", and a
 * public DynamoDB restore-validation handler's test event):
 * - sizes are strings ("backupSizeInBytes": "36048"), percentDone is a number;
 * - dates in detail are ISO 8601 with milliseconds; the envelope time has whole seconds;
 * - restore jobs report `status`, backup jobs `state`; a restore job's CREATED event is the
 *   exception and carries `state: "CREATED"` with only restoreJobId and creationDate;
 * - resources holds the recovery point ARN.
 */
export interface EventEnvelope {
  readonly account: string;
  readonly region: string;
  /** Default: now. */
  readonly time?: Date;
  /** Default: a random UUID. */
  readonly id?: string;
}

export type RestoreJobEventStatus = 'CREATED' | 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABORTED';

export interface RestoreJobFacts {
  readonly restoreJobId: string;
  readonly status: RestoreJobEventStatus;
  readonly creationDate: Date;
  readonly recoveryPointArn: string;
  readonly backupVaultArn?: string;
  readonly sourceResourceArn?: string;
  readonly iamRoleArn?: string;
  /** "DynamoDB" in the Backup API; events for advanced DynamoDB backups have shown "DynamoDB.FullyManaged". */
  readonly resourceType?: string;
  readonly backupSizeInBytes?: number;
  readonly percentDone?: number;
  readonly statusMessage?: string;
  readonly createdResourceArn?: string;
  readonly completionDate?: Date;
}

export interface RestoreJobStateChangeDetail {
  readonly restoreJobId: string;
  readonly creationDate: string;
  readonly status?: Exclude<RestoreJobEventStatus, 'CREATED'>;
  readonly state?: 'CREATED';
  readonly backupSizeInBytes?: string;
  readonly iamRoleArn?: string;
  readonly percentDone?: number;
  readonly resourceType?: string;
  readonly statusMessage?: string;
  readonly createdResourceArn?: string;
  readonly completionDate?: string;
  readonly backupVaultArn?: string;
  readonly recoveryPointArn?: string;
  readonly sourceResourceArn?: string;
}

export type RestoreJobStateChangeEvent = EventBridgeEvent<'Restore Job State Change', RestoreJobStateChangeDetail>;

export function restoreJobStateChangeEvent(job: RestoreJobFacts, envelope: EventEnvelope): RestoreJobStateChangeEvent {
  const detail: RestoreJobStateChangeDetail =
    job.status === 'CREATED'
      ? { restoreJobId: job.restoreJobId, creationDate: job.creationDate.toISOString(), state: 'CREATED' }
      : withoutUndefined({
          restoreJobId: job.restoreJobId,
          backupSizeInBytes: job.backupSizeInBytes === undefined ? undefined : String(job.backupSizeInBytes),
          creationDate: job.creationDate.toISOString(),
          iamRoleArn: job.iamRoleArn,
          percentDone: job.percentDone ?? 0,
          resourceType: job.resourceType,
          status: job.status,
          statusMessage: job.statusMessage,
          createdResourceArn: job.createdResourceArn,
          completionDate: job.completionDate?.toISOString(),
          backupVaultArn: job.backupVaultArn,
          recoveryPointArn: job.recoveryPointArn,
          sourceResourceArn: job.sourceResourceArn,
        });
  return envelopeOf('Restore Job State Change', 'aws.backup', [job.recoveryPointArn], detail, envelope);
}

export type BackupJobEventState = 'CREATED' | 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABORTED' | 'EXPIRED';

export interface BackupJobFacts {
  readonly backupJobId: string;
  readonly state: BackupJobEventState;
  readonly creationDate: Date;
  readonly backupVaultName: string;
  readonly backupVaultArn: string;
  readonly resourceArn: string;
  readonly resourceType?: string;
  readonly iamRoleArn?: string;
  readonly recoveryPointArn?: string;
  readonly backupSizeInBytes?: number;
  readonly percentDone?: number;
  readonly statusMessage?: string;
  readonly completionDate?: Date;
  readonly startBy?: Date;
}

export interface BackupJobStateChangeDetail {
  readonly backupJobId: string;
  readonly state: BackupJobEventState;
  readonly creationDate: string;
  readonly backupVaultName?: string;
  readonly backupVaultArn?: string;
  readonly resourceArn?: string;
  readonly resourceType?: string;
  readonly iamRoleArn?: string;
  readonly backupSizeInBytes?: string;
  readonly bytesTransferred?: string;
  readonly percentDone?: number;
  readonly statusMessage?: string;
  readonly completionDate?: string;
  readonly startBy?: string;
}

export type BackupJobStateChangeEvent = EventBridgeEvent<'Backup Job State Change', BackupJobStateChangeDetail>;

export function backupJobStateChangeEvent(job: BackupJobFacts, envelope: EventEnvelope): BackupJobStateChangeEvent {
  const detail: BackupJobStateChangeDetail = withoutUndefined({
    backupJobId: job.backupJobId,
    backupSizeInBytes: job.backupSizeInBytes === undefined ? undefined : String(job.backupSizeInBytes),
    backupVaultArn: job.backupVaultArn,
    backupVaultName: job.backupVaultName,
    bytesTransferred: job.backupSizeInBytes === undefined ? undefined : String(job.state === 'COMPLETED' ? job.backupSizeInBytes : 0),
    creationDate: job.creationDate.toISOString(),
    iamRoleArn: job.iamRoleArn,
    resourceArn: job.resourceArn,
    resourceType: job.resourceType ?? 'DynamoDB',
    state: job.state,
    statusMessage: job.statusMessage,
    completionDate: job.completionDate?.toISOString(),
    startBy: job.startBy?.toISOString(),
    percentDone: job.percentDone ?? (job.state === 'COMPLETED' ? 100 : 0),
  });
  // AWS lists the recovery point in resources only once the job has produced it.
  const resources = job.state === 'COMPLETED' && job.recoveryPointArn ? [job.recoveryPointArn] : [];
  return envelopeOf('Backup Job State Change', 'aws.backup', resources, detail, envelope);
}

export type ScheduledEvent = EventBridgeEvent<'Scheduled Event', Record<string, never>>;

/** What an EventBridge schedule rule delivers: source aws.events, the rule ARN in resources, an empty detail. */
export function scheduledEvent(ruleArn: string, envelope: EventEnvelope): ScheduledEvent {
  return envelopeOf('Scheduled Event', 'aws.events', [ruleArn], {}, envelope);
}

function envelopeOf<TType extends string, TDetail>(
  detailType: TType,
  source: string,
  resources: string[],
  detail: TDetail,
  { account, region, time = new Date(), id = randomUUID() }: EventEnvelope,
): EventBridgeEvent<TType, TDetail> {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source,
    account,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources,
    detail,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
