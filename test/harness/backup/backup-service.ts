import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeTableOrUndefined } from '../dynamodb/table-operations';
import { BackupApiError, invalidParameter, invalidRequest, missingParameter, notFound } from './backup-errors';
import { paginate, recoveryPointArn, type RecoveryPoint, type RecoveryPointArnStyle, type RecoveryPointStatus } from './recovery-points';
import type { RestoreBehaviour } from './restore-behaviour';
import { RestoreJob } from './restore-job';
import type { RestoreRunner } from './restore-runner';
import { tableNameFromArn, takeTableSnapshot, type TableSnapshot } from './table-snapshot';
import { epochSeconds } from './rest-json-wire';
import { checkDynamoDbRestoreMetadata } from './restore-metadata';
import {
  checkAccountId,
  checkBackupVaultName,
  checkMaxResults,
  checkResourceType,
  checkRestoreJobStatus,
  checkStartRestoreJobShape,
} from './request-rules';

/**
 * What StartRestoreJob answers to a retry with an IdempotencyToken it has seen. The API reference
 * says "Retrying a successful request with the same idempotency token results in a success
 * message with no action taken" without saying whether that message holds the RestoreJobId:
 * "sameRestoreJobId" (default) returns it, "noRestoreJobId" answers 200 with an empty body, so
 * a caller can be tested against both readings.
 */
export type IdempotentRetryAnswer = 'sameRestoreJobId' | 'noRestoreJobId';

/** What StartRestoreJob does when the target table already exists. */
export type ExistingTargetTableHandling = 'failJob' | 'rejectStart';

export interface BackupServiceSettings {
  readonly accountId: string;
  readonly region: string;
  /** Roles AWS Backup may assume (IamRoleArn of StartRestoreJob / StartBackupJob). */
  readonly knownRoleArns: readonly string[];
  readonly listPageSize: number;
  readonly restoreDurationMs: number;
  readonly recoveryPointArnStyle: RecoveryPointArnStyle;
  readonly existingTargetTable: ExistingTargetTableHandling;
  readonly maxConcurrentRestoreJobs: number;
  readonly idempotentRetryAnswer: IdempotentRetryAnswer;
}

export interface BackupJob {
  readonly backupJobId: string;
  readonly backupVaultName: string;
  readonly resourceArn: string;
  readonly iamRoleArn: string;
  readonly creationDate: Date;
  readonly recoveryPoint: RecoveryPoint;
  readonly idempotencyToken?: string;
}

export interface NewRecoveryPoint {
  readonly snapshot: TableSnapshot;
  readonly backupVaultName: string;
  readonly iamRoleArn: string;
  readonly status?: RecoveryPointStatus;
  readonly statusMessage?: string;
  readonly creationDate?: Date;
  readonly arnStyle?: RecoveryPointArnStyle;
  readonly backupJobId?: string;
}

/**
 * The AWS Backup subset the drill uses, as plain methods: inputs as the SDK sends them, outputs
 * as the SDK reads them (dates already epoch seconds). Invalid requests throw BackupApiError
 * with the exception name the real service uses where it matters to the drill.
 */
export class BackupService {
  readonly vaults = new Set<string>();
  readonly recoveryPoints: RecoveryPoint[] = [];
  readonly restoreJobs = new Map<string, RestoreJob>();
  readonly backupJobs = new Map<string, BackupJob>();
  private readonly restoreJobsByToken = new Map<string, RestoreJob>();
  private readonly backupJobsByToken = new Map<string, BackupJob>();
  private readonly queuedBehaviours: RestoreBehaviour[] = [];
  private readonly behavioursBySource = new Map<string, RestoreBehaviour>();

  constructor(
    readonly settings: BackupServiceSettings,
    private readonly dynamodb: DynamoDBClient,
    private readonly runner: RestoreRunner,
    private readonly onRestoreJobCreated: (job: RestoreJob) => void,
  ) {}

  vaultArn(name: string): string {
    return `arn:aws:backup:${this.settings.region}:${this.settings.accountId}:backup-vault:${name}`;
  }

  queueRestoreBehaviour(behaviour: RestoreBehaviour): void {
    this.queuedBehaviours.push(behaviour);
  }

  setRestoreBehaviourFor(sourceTableName: string, behaviour: RestoreBehaviour | undefined): void {
    if (behaviour) this.behavioursBySource.set(sourceTableName, behaviour);
    else this.behavioursBySource.delete(sourceTableName);
  }

  addRecoveryPoint(point: NewRecoveryPoint): RecoveryPoint {
    if (!this.vaults.has(point.backupVaultName)) throw notFound(`Backup vault ${point.backupVaultName} does not exist`);
    const creationDate = point.creationDate ?? new Date();
    const arnStyle = point.arnStyle ?? this.settings.recoveryPointArnStyle;
    const status = point.status ?? 'COMPLETED';
    const recoveryPoint: RecoveryPoint = {
      recoveryPointArn: recoveryPointArn(arnStyle, this.settings.region, this.settings.accountId, point.snapshot.tableName, creationDate),
      backupVaultName: point.backupVaultName,
      resourceArn: point.snapshot.tableArn,
      resourceName: point.snapshot.tableName,
      status,
      statusMessage: point.statusMessage,
      creationDate,
      completionDate: status === 'COMPLETED' ? new Date(creationDate.getTime() + 1000) : undefined,
      iamRoleArn: point.iamRoleArn,
      snapshot: point.snapshot,
      arnStyle,
      backupJobId: point.backupJobId,
    };
    this.recoveryPoints.push(recoveryPoint);
    return recoveryPoint;
  }

  // ---- ListRecoveryPointsByResource: GET /resources/{ResourceArn}/recovery-points

  listRecoveryPointsByResource(input: { resourceArn: string; nextToken?: string; maxResults?: number }) {
    // All local recovery points are made through AWS Backup, so ManagedByAWSBackupOnly keeps them all.
    // Order: creation order (oldest first). AWS documents no order, so callers must sort.
    const matching = this.recoveryPoints.filter((point) => point.resourceArn === input.resourceArn);
    const page = paginate(matching, input, this.settings.listPageSize, `resource:${input.resourceArn}`);
    return {
      NextToken: page.nextToken,
      RecoveryPoints: page.items.map((point) => ({
        RecoveryPointArn: point.recoveryPointArn,
        CreationDate: epochSeconds(point.creationDate),
        Status: point.status,
        StatusMessage: point.statusMessage,
        BackupSizeBytes: point.snapshot.sizeBytes,
        BackupVaultName: point.backupVaultName,
        IsParent: false,
        ResourceName: point.resourceName,
        VaultType: 'BACKUP_VAULT',
      })),
    };
  }

  // ---- ListRecoveryPointsByBackupVault: GET /backup-vaults/{BackupVaultName}/recovery-points

  listRecoveryPointsByBackupVault(input: {
    backupVaultName: string;
    backupVaultAccountId?: string;
    nextToken?: string;
    maxResults?: number;
    byResourceArn?: string;
    byResourceType?: string;
    byCreatedBefore?: Date;
    byCreatedAfter?: Date;
  }) {
    checkBackupVaultName(input.backupVaultName);
    checkAccountId(input.backupVaultAccountId, 'BackupVaultAccountId');
    checkResourceType(input.byResourceType, 'ByResourceType');
    checkMaxResults(input.maxResults);
    if (!this.vaults.has(input.backupVaultName)) throw notFound(`Backup vault ${input.backupVaultName} does not exist`);
    const matching = this.recoveryPoints.filter(
      (point) =>
        point.backupVaultName === input.backupVaultName &&
        (!input.byResourceArn || point.resourceArn === input.byResourceArn) &&
        (!input.byResourceType || input.byResourceType === 'DynamoDB') &&
        (!input.byCreatedBefore || point.creationDate < input.byCreatedBefore) &&
        (!input.byCreatedAfter || point.creationDate > input.byCreatedAfter),
    );
    const fingerprint = JSON.stringify([
      'vault',
      input.backupVaultName,
      input.byResourceArn,
      input.byResourceType,
      input.byCreatedBefore,
      input.byCreatedAfter,
    ]);
    const page = paginate(matching, input, this.settings.listPageSize, fingerprint);
    return {
      NextToken: page.nextToken,
      RecoveryPoints: page.items.map((point) => ({
        RecoveryPointArn: point.recoveryPointArn,
        BackupVaultName: point.backupVaultName,
        BackupVaultArn: this.vaultArn(point.backupVaultName),
        ResourceArn: point.resourceArn,
        ResourceType: 'DynamoDB',
        IamRoleArn: point.iamRoleArn,
        Status: point.status,
        StatusMessage: point.statusMessage,
        CreationDate: epochSeconds(point.creationDate),
        CompletionDate: epochSeconds(point.completionDate),
        BackupSizeInBytes: point.snapshot.sizeBytes,
        IsEncrypted: true,
        IsParent: false,
        ResourceName: point.resourceName,
        VaultType: 'BACKUP_VAULT',
      })),
    };
  }

  // ---- StartRestoreJob: PUT /restore-jobs

  async startRestoreJob(input: {
    RecoveryPointArn?: string;
    Metadata?: Record<string, string>;
    IamRoleArn?: string;
    IdempotencyToken?: string;
    ResourceType?: string;
    CopySourceTagsToRestoredResource?: boolean;
  }) {
    // The model's traits first: RecoveryPointArn and Metadata @required, Metadata a string map,
    // ResourceType's @pattern. IamRoleArn and IdempotencyToken are optional, without traits.
    checkStartRestoreJobShape(input);
    if (input.IdempotencyToken) {
      const earlier = this.restoreJobsByToken.get(input.IdempotencyToken);
      if (earlier) {
        earlier.startRequests += 1;
        return this.settings.idempotentRetryAnswer === 'noRestoreJobId' ? {} : { RestoreJobId: earlier.restoreJobId };
      }
    }
    const point = this.recoveryPoints.find((p) => p.recoveryPointArn === input.RecoveryPointArn);
    if (!point) throw notFound(`Recovery point ${input.RecoveryPointArn} not found`);
    if (point.status !== 'COMPLETED') throw invalidRequest(`Recovery point ${point.recoveryPointArn} is ${point.status}, not restorable`);
    // Not from the model: a type that does not match the recovery point is refused here; AWS's
    // answer to a mismatch is not documented.
    if (input.ResourceType !== undefined && input.ResourceType !== 'DynamoDB') {
      throw invalidParameter(`ResourceType ${input.ResourceType} does not match the recovery point's resource type DynamoDB`);
    }
    // IamRoleArn is optional in the model; a role that is given must be one AWS Backup can assume.
    if (input.IamRoleArn !== undefined) this.checkRole(input.IamRoleArn);
    const metadata = input.Metadata!;
    const targetTableName = checkDynamoDbRestoreMetadata(metadata);
    if (this.settings.existingTargetTable === 'rejectStart' && (await describeTableOrUndefined(this.dynamodb, targetTableName))) {
      throw invalidParameter(`Table already exists: ${targetTableName}`);
    }
    const active = [...this.restoreJobs.values()].filter((job) => !job.isFinal).length;
    if (active >= this.settings.maxConcurrentRestoreJobs) {
      throw new BackupApiError(
        'LimitExceededException',
        `Too many concurrent restore jobs (limit ${this.settings.maxConcurrentRestoreJobs})`,
      );
    }

    const behaviour = this.queuedBehaviours.shift() ?? this.behavioursBySource.get(point.resourceName) ?? {};
    const job = new RestoreJob({
      restoreJobId: randomUUID().toUpperCase(),
      recoveryPoint: point,
      backupVaultArn: this.vaultArn(point.backupVaultName),
      targetTableName,
      iamRoleArn: input.IamRoleArn,
      metadata: { ...metadata },
      behaviour,
      durationMs: behaviour.durationMs ?? this.settings.restoreDurationMs,
      idempotencyToken: input.IdempotencyToken,
      copySourceTags: input.CopySourceTagsToRestoredResource ?? false,
    });
    this.restoreJobs.set(job.restoreJobId, job);
    if (input.IdempotencyToken) this.restoreJobsByToken.set(input.IdempotencyToken, job);
    this.onRestoreJobCreated(job);
    this.runner.start(job);
    return { RestoreJobId: job.restoreJobId };
  }

  // ---- DescribeRestoreJob: GET /restore-jobs/{RestoreJobId}

  describeRestoreJob(restoreJobId: string) {
    const job = this.restoreJobs.get(restoreJobId);
    if (!job) throw notFound(`Restore job ${restoreJobId} not found`);
    return this.restoreJobMembers(job);
  }

  // ---- ListRestoreJobsByProtectedResource: GET /resources/{ResourceArn}/restore-jobs

  /**
   * The restore jobs of recovery points of one resource (the job's SourceResourceArn), filtered
   * as the Backup model's members say: ByStatus (RestoreJobStatus), ByRecoveryPointCreationDate
   * After/Before ("restore jobs of recovery points that were created after/before the specified
   * date"). Creation order, as AWS documents none. Not verified: a resource with no restore job
   * (the model declares ResourceNotFoundException without saying when) answers an empty list.
   */
  listRestoreJobsByProtectedResource(input: {
    resourceArn: string;
    byStatus?: string;
    byRecoveryPointCreationDateAfter?: Date;
    byRecoveryPointCreationDateBefore?: Date;
    nextToken?: string;
    maxResults?: number;
  }) {
    checkRestoreJobStatus(input.byStatus, 'ByStatus');
    checkMaxResults(input.maxResults);
    const after = input.byRecoveryPointCreationDateAfter;
    const before = input.byRecoveryPointCreationDateBefore;
    const matching = [...this.restoreJobs.values()].filter(
      (job) =>
        job.recoveryPoint.resourceArn === input.resourceArn &&
        (!input.byStatus || job.status === input.byStatus) &&
        (!after || job.recoveryPoint.creationDate > after) &&
        (!before || job.recoveryPoint.creationDate < before),
    );
    const fingerprint = JSON.stringify(['restore-jobs', input.resourceArn, input.byStatus, after, before]);
    const page = paginate(matching, input, this.settings.listPageSize, fingerprint);
    return { NextToken: page.nextToken, RestoreJobs: page.items.map((job) => this.restoreJobMembers(job)) };
  }

  /**
   * DescribeRestoreJobOutput and RestoreJobsListMember have the same members in the Backup model;
   * the restore-testing ones (CreatedBy, ValidationStatus, DeletionStatus...) and ParentJobId are
   * left out, as for a restore started with StartRestoreJob.
   */
  private restoreJobMembers(job: RestoreJob) {
    const view = job.view();
    return {
      AccountId: this.settings.accountId,
      RestoreJobId: view.restoreJobId,
      RecoveryPointArn: view.recoveryPointArn,
      SourceResourceArn: view.sourceResourceArn,
      BackupVaultArn: view.backupVaultArn,
      CreationDate: epochSeconds(view.creationDate),
      CompletionDate: epochSeconds(view.completionDate),
      Status: view.status,
      StatusMessage: view.statusMessage,
      // A string in the API; the exact AWS formatting is not documented, so "42.00%" here.
      PercentDone: `${view.percentDone.toFixed(2)}%`,
      BackupSizeInBytes: view.backupSizeInBytes,
      IamRoleArn: view.iamRoleArn,
      ExpectedCompletionTimeMinutes: view.expectedCompletionTimeMinutes,
      CreatedResourceArn: view.createdResourceArn,
      ResourceType: 'DynamoDB',
      RecoveryPointCreationDate: epochSeconds(view.recoveryPointCreationDate),
      IsParent: false,
    };
  }

  // ---- StartBackupJob: PUT /backup-jobs

  async startBackupJob(input: { BackupVaultName?: string; ResourceArn?: string; IamRoleArn?: string; IdempotencyToken?: string }) {
    if (input.IdempotencyToken) {
      const earlier = this.backupJobsByToken.get(input.IdempotencyToken);
      if (earlier) return this.startBackupJobOutput(earlier);
    }
    if (!input.BackupVaultName) throw missingParameter('BackupVaultName is required');
    if (!input.ResourceArn) throw missingParameter('ResourceArn is required');
    if (!this.vaults.has(input.BackupVaultName)) throw notFound(`Backup vault ${input.BackupVaultName} does not exist`);
    this.checkRole(input.IamRoleArn);
    const tableName = tableNameFromArn(input.ResourceArn);
    if (!tableName) throw invalidParameter(`${input.ResourceArn} is not a DynamoDB table ARN (the local endpoint backs up DynamoDB only)`);
    const backupJobId = randomUUID().toUpperCase();
    const snapshot = await takeTableSnapshot(this.dynamodb, tableName);
    const recoveryPoint = this.addRecoveryPoint({
      snapshot,
      backupVaultName: input.BackupVaultName,
      iamRoleArn: input.IamRoleArn!,
      backupJobId,
    });
    const job: BackupJob = {
      backupJobId,
      backupVaultName: input.BackupVaultName,
      resourceArn: input.ResourceArn,
      iamRoleArn: input.IamRoleArn!,
      creationDate: recoveryPoint.creationDate,
      recoveryPoint,
      idempotencyToken: input.IdempotencyToken,
    };
    this.backupJobs.set(backupJobId, job);
    if (input.IdempotencyToken) this.backupJobsByToken.set(input.IdempotencyToken, job);
    return this.startBackupJobOutput(job);
  }

  private startBackupJobOutput(job: BackupJob) {
    return {
      BackupJobId: job.backupJobId,
      RecoveryPointArn: job.recoveryPoint.recoveryPointArn,
      CreationDate: epochSeconds(job.creationDate),
      IsParent: false,
    };
  }

  // ---- DescribeBackupJob: GET /backup-jobs/{BackupJobId}

  describeBackupJob(backupJobId: string) {
    const job = this.backupJobs.get(backupJobId);
    if (!job) throw notFound(`Backup job ${backupJobId} not found`);
    const point = job.recoveryPoint;
    return {
      AccountId: this.settings.accountId,
      BackupJobId: job.backupJobId,
      BackupVaultName: job.backupVaultName,
      BackupVaultArn: this.vaultArn(job.backupVaultName),
      RecoveryPointArn: point.recoveryPointArn,
      ResourceArn: job.resourceArn,
      CreationDate: epochSeconds(job.creationDate),
      CompletionDate: epochSeconds(point.completionDate),
      // A local backup completes within StartBackupJob; its recovery point's status is the job's outcome.
      State: point.status === 'COMPLETED' ? 'COMPLETED' : 'FAILED',
      PercentDone: '100.0',
      BackupSizeInBytes: point.snapshot.sizeBytes,
      IamRoleArn: job.iamRoleArn,
      ResourceType: 'DynamoDB',
      ResourceName: point.resourceName,
      IsParent: false,
    };
  }

  private checkRole(iamRoleArn: string | undefined): void {
    if (!iamRoleArn) throw missingParameter('IamRoleArn is required');
    if (!this.settings.knownRoleArns.includes(iamRoleArn)) {
      throw invalidParameter(`Invalid IAM role ARN ${iamRoleArn}: AWS Backup cannot assume it`);
    }
  }
}
