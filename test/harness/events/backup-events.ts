import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';

/**
 * The one place that builds the EventBridge events the drill consumes; the harness, the flow world
 * and the tests all use it. Each shape follows AWS's own example events, field for field:
 *
 * - "Backup Job State Change" and "Restore Job State Change": AWS Backup Developer Guide,
 *   "Monitoring AWS Backup events using Amazon EventBridge"
 *   (https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html), sections
 *   "Backup Job events" and "Restore Job events". The examples are kept verbatim in
 *   documented-examples.ts, and events.test.ts compares these builders with them.
 * - "Scheduled Event": the EventBridge example of a scheduled rule's event (source aws.events,
 *   the rule ARN in resources, an empty detail).
 *
 * What the documented examples show, and the builders reproduce:
 * - backup jobs report `state`; restore jobs report `status`, except their CREATED event, which
 *   carries `state: "CREATED"` with nothing but restoreJobId and creationDate;
 * - sizes are strings ("backupSizeInBytes": "36048", "bytesTransferred"), percentDone is a
 *   number; dates in detail are ISO 8601 with milliseconds ("2020-07-15T21:40:31.207Z"); the
 *   envelope time has whole seconds ("2020-07-15T21:41:17Z");
 * - a restore job event carries backupVaultArn, recoveryPointArn, sourceResourceArn,
 *   createdResourceArn and completionDate only when COMPLETED; PENDING, RUNNING and FAILED carry
 *   restoreJobId, backupSizeInBytes, creationDate, iamRoleArn, percentDone, resourceType, status
 *   (and statusMessage when there is one); restoreTestingPlanArn only for a job a restore
 *   testing plan started ("if your restore job is part of a restore testing plan, the parameter
 *   restoreTestingPlanArn is included");
 * - every documented restore event, COMPLETED included, says `percentDone: 0`: the builder
 *   defaults to that, so nothing may read progress from a restore event;
 * - a backup job event names its recovery point only in `resources`, once COMPLETED (the detail
 *   has no recoveryPointArn); its CREATED event has only backupJobId, state and creationDate;
 * - restore events list the recovery point in `resources` (for native backups, the
 *   resource's own backup ARN, as arn:aws:dynamodb:...:table/T/backup/... is).
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
  /**
   * The Backup API's resource type ("DynamoDB"); events for advanced (arn:aws:backup) DynamoDB
   * recovery points have been seen with "DynamoDB.FullyManaged" in public code, not in AWS's docs.
   */
  readonly resourceType?: string;
  readonly backupSizeInBytes?: number;
  /** Default 0, as in every documented restore event. */
  readonly percentDone?: number;
  readonly statusMessage?: string;
  /** Only emitted on COMPLETED, as documented. */
  readonly createdResourceArn?: string;
  /** Only emitted on COMPLETED, as documented. */
  readonly completionDate?: Date;
  /** The restore testing plan that started the job, if one did. */
  readonly restoreTestingPlanArn?: string;
  /**
   * The event's `resources` (default: [recoveryPointArn]). AWS lists the recovery point there,
   * as the resource's own backup ARN where it has one: the documented RDS example names the
   * RDS snapshot while detail.recoveryPointArn names the arn:aws:backup recovery point.
   */
  readonly resources?: readonly string[];
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
  readonly restoreTestingPlanArn?: string;
}

export type RestoreJobStateChangeEvent = EventBridgeEvent<'Restore Job State Change', RestoreJobStateChangeDetail>;

export function restoreJobStateChangeEvent(job: RestoreJobFacts, envelope: EventEnvelope): RestoreJobStateChangeEvent {
  const resources = [...(job.resources ?? [job.recoveryPointArn])];
  if (job.status === 'CREATED') {
    const detail = { restoreJobId: job.restoreJobId, creationDate: isoMillis(job.creationDate), state: 'CREATED' as const };
    return envelopeOf('Restore Job State Change', 'aws.backup', resources, detail, envelope);
  }
  const completed = job.status === 'COMPLETED';
  // Key order as in the documented COMPLETED example.
  const detail: RestoreJobStateChangeDetail = withoutUndefined({
    restoreJobId: job.restoreJobId,
    backupVaultArn: completed ? job.backupVaultArn : undefined,
    recoveryPointArn: completed ? job.recoveryPointArn : undefined,
    sourceResourceArn: completed ? job.sourceResourceArn : undefined,
    backupSizeInBytes: job.backupSizeInBytes === undefined ? undefined : String(job.backupSizeInBytes),
    creationDate: isoMillis(job.creationDate),
    iamRoleArn: job.iamRoleArn,
    percentDone: job.percentDone ?? 0,
    resourceType: job.resourceType,
    status: job.status,
    statusMessage: job.statusMessage,
    createdResourceArn: completed ? job.createdResourceArn : undefined,
    completionDate: completed && job.completionDate ? isoMillis(job.completionDate) : undefined,
    restoreTestingPlanArn: job.restoreTestingPlanArn,
  });
  return envelopeOf('Restore Job State Change', 'aws.backup', resources, detail, envelope);
}

export type BackupJobEventState = 'CREATED' | 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABORTED' | 'EXPIRED';

export interface BackupJobFacts {
  readonly backupJobId: string;
  readonly state: BackupJobEventState;
  readonly creationDate: Date;
  readonly backupVaultName: string;
  readonly backupVaultArn: string;
  readonly resourceArn: string;
  /** Default "DynamoDB", the Backup API's resource type. */
  readonly resourceType?: string;
  readonly iamRoleArn?: string;
  /** Listed in `resources` once COMPLETED; never in detail (not in any documented example). */
  readonly recoveryPointArn?: string;
  readonly backupSizeInBytes?: number;
  readonly percentDone?: number;
  readonly statusMessage?: string;
  readonly completionDate?: Date;
  readonly startBy?: Date;
  readonly retryCount?: number;
  readonly createdBy?: {
    readonly backupPlanId: string;
    readonly backupPlanArn: string;
    readonly backupPlanVersion: string;
    readonly backupPlanRuleId: string;
  };
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
  readonly retryCount?: number;
  readonly createdBy?: BackupJobFacts['createdBy'];
}

export type BackupJobStateChangeEvent = EventBridgeEvent<'Backup Job State Change', BackupJobStateChangeDetail>;

export function backupJobStateChangeEvent(job: BackupJobFacts, envelope: EventEnvelope): BackupJobStateChangeEvent {
  if (job.state === 'CREATED') {
    const detail = { backupJobId: job.backupJobId, state: 'CREATED' as const, creationDate: isoMillis(job.creationDate) };
    return envelopeOf('Backup Job State Change', 'aws.backup', [], detail, envelope);
  }
  const completed = job.state === 'COMPLETED';
  // Key order as in the documented COMPLETED example.
  const detail: BackupJobStateChangeDetail = withoutUndefined({
    backupJobId: job.backupJobId,
    backupSizeInBytes: job.backupSizeInBytes === undefined ? undefined : String(job.backupSizeInBytes),
    backupVaultArn: job.backupVaultArn,
    backupVaultName: job.backupVaultName,
    bytesTransferred: String(completed ? (job.backupSizeInBytes ?? 0) : 0),
    creationDate: isoMillis(job.creationDate),
    iamRoleArn: job.iamRoleArn,
    resourceArn: job.resourceArn,
    resourceType: job.resourceType ?? 'DynamoDB',
    state: job.state,
    statusMessage: job.statusMessage,
    completionDate: job.completionDate ? isoMillis(job.completionDate) : undefined,
    startBy: job.startBy ? isoMillis(job.startBy) : undefined,
    percentDone: job.percentDone ?? (completed ? 100 : 0),
    retryCount: job.retryCount,
    createdBy: job.createdBy,
  });
  const resources = completed && job.recoveryPointArn ? [job.recoveryPointArn] : [];
  return envelopeOf('Backup Job State Change', 'aws.backup', resources, detail, envelope);
}

export type ScheduledEvent = EventBridgeEvent<'Scheduled Event', Record<string, never>>;

/**
 * What an EventBridge schedule rule delivers, as in AWS's example scheduled event
 * ({"version":"0","id":"53dc4d37-...","detail-type":"Scheduled Event","source":"aws.events",
 * "account":"123456789012","time":"2015-10-08T16:53:06Z","region":"us-east-1",
 * "resources":["arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule"],"detail":{}}).
 */
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

/** "2020-07-15T21:40:31.207Z": ISO 8601 with milliseconds, as in detail dates of the examples. */
const isoMillis = (date: Date) => date.toISOString();

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
