import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
  type RestoreTestingPlan,
  type RestoreTestingSelection,
  VALIDATION_STATUSES,
  parseRestoreTestingPlan,
  parseRestoreTestingSelection,
} from './restore-testing';
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
  /** Real milliseconds per hour of a restore test's validation window (AWS: 3,600,000; small here so a window closes in a test). */
  readonly validationHourMs: number;
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
  readonly restoreTestingPlans = new Map<string, RestoreTestingPlan>();
  readonly restoreTestingSelections: RestoreTestingSelection[] = [];
  /** Messages of the next restore test deletions to fail (DeletionStatus FAILED), first in first out. */
  readonly failingDeletions: string[] = [];
  private readonly windows = new Set<NodeJS.Timeout>();

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
   * the restore-testing ones (CreatedBy, ValidationStatus, DeletionStatus...) only for jobs a
   * restore testing plan started; ParentJobId is left out.
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
      // Restore testing's members (Backup model, DescribeRestoreJobOutput): only for its jobs.
      CreatedBy: view.restoreTestingPlanArn ? { RestoreTestingPlanArn: view.restoreTestingPlanArn } : undefined,
      ValidationStatus: view.validationStatus,
      ValidationStatusMessage: view.validationStatusMessage,
      DeletionStatus: view.deletionStatus,
      DeletionStatusMessage: view.deletionStatusMessage,
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

  // ---- CreateRestoreTestingPlan: PUT /restore-testing/plans

  createRestoreTestingPlan(body: Record<string, unknown>) {
    const plan = parseRestoreTestingPlan(body, this.settings.region, this.settings.accountId);
    if (this.restoreTestingPlans.has(plan.name)) {
      throw new BackupApiError('AlreadyExistsException', `Restore testing plan ${plan.name} already exists`);
    }
    this.restoreTestingPlans.set(plan.name, plan);
    return { CreationTime: epochSeconds(plan.creationTime), RestoreTestingPlanArn: plan.arn, RestoreTestingPlanName: plan.name };
  }

  // ---- GetRestoreTestingPlan: GET /restore-testing/plans/{RestoreTestingPlanName}

  getRestoreTestingPlan(name: string) {
    const plan = this.restoreTestingPlans.get(name);
    if (!plan) throw notFound(`Restore testing plan ${name} not found`);
    return {
      RestoreTestingPlan: {
        CreationTime: epochSeconds(plan.creationTime),
        RestoreTestingPlanArn: plan.arn,
        RestoreTestingPlanName: plan.name,
        ScheduleExpression: plan.scheduleExpression,
        ScheduleExpressionTimezone: plan.scheduleExpressionTimezone,
        StartWindowHours: plan.startWindowHours,
        RecoveryPointSelection: {
          Algorithm: plan.algorithm,
          IncludeVaults: plan.includeVaults,
          ExcludeVaults: plan.excludeVaults,
          RecoveryPointTypes: plan.recoveryPointTypes,
          SelectionWindowDays: plan.selectionWindowDays,
        },
      },
    };
  }

  // ---- CreateRestoreTestingSelection: PUT /restore-testing/plans/{RestoreTestingPlanName}/selections

  createRestoreTestingSelection(planName: string, body: Record<string, unknown>) {
    const plan = this.restoreTestingPlans.get(planName);
    if (!plan) throw notFound(`Restore testing plan ${planName} not found`);
    const selection = parseRestoreTestingSelection(planName, body, this.settings.knownRoleArns);
    if (this.restoreTestingSelections.some((s) => s.planName === planName && s.name === selection.name)) {
      throw new BackupApiError('AlreadyExistsException', `Selection ${selection.name} already exists in ${planName}`);
    }
    this.restoreTestingSelections.push(selection);
    return {
      CreationTime: epochSeconds(selection.creationTime),
      RestoreTestingPlanArn: plan.arn,
      RestoreTestingPlanName: planName,
      RestoreTestingSelectionName: selection.name,
    };
  }

  /**
   * What AWS Backup does when a plan's schedule fires (no API starts it): for each protected
   * resource of its selections, a recovery point from the included vaults within the selection
   * window (the newest, or one at random), restored into `awsbackup-restore-test-<random>` with
   * the selection's role and overrides [META]. Returns the jobs started.
   */
  async runRestoreTestingPlan(planName: string, random: () => number = Math.random): Promise<RestoreJob[]> {
    const plan = this.restoreTestingPlans.get(planName);
    if (!plan) throw new Error(`no restore testing plan ${planName}`);
    const since = Date.now() - plan.selectionWindowDays * 86_400_000;
    const inVaults = (point: RecoveryPoint) =>
      plan.includeVaults.some((vault) => vault === '*' || vault === this.vaultArn(point.backupVaultName)) &&
      !plan.excludeVaults.includes(this.vaultArn(point.backupVaultName));
    const jobs: RestoreJob[] = [];
    for (const selection of this.restoreTestingSelections.filter((s) => s.planName === planName)) {
      for (const resourceArn of selection.protectedResourceArns) {
        const points = this.recoveryPoints
          .filter((p) => p.resourceArn === resourceArn && p.status === 'COMPLETED' && inVaults(p) && p.creationDate.getTime() >= since)
          .sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime());
        if (points.length === 0) continue;
        const point = plan.algorithm === 'LATEST_WITHIN_WINDOW' ? points[0] : points[Math.floor(random() * points.length)];
        const targetTableName = `awsbackup-restore-test-${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        const behaviour = this.queuedBehaviours.shift() ?? this.behavioursBySource.get(point.resourceName) ?? {};
        const job = new RestoreJob({
          restoreJobId: randomUUID().toUpperCase(),
          recoveryPoint: point,
          backupVaultArn: this.vaultArn(point.backupVaultName),
          targetTableName,
          iamRoleArn: selection.iamRoleArn,
          metadata: { targetTableName, deletionProtection: 'false', encryptionType: 'Default', ...selection.restoreMetadataOverrides },
          behaviour,
          durationMs: behaviour.durationMs ?? this.settings.restoreDurationMs,
          copySourceTags: false,
          restoreTest: { planArn: plan.arn, validationWindowHours: selection.validationWindowHours },
        });
        this.restoreJobs.set(job.restoreJobId, job);
        this.onRestoreJobCreated(job);
        this.runner.start(job);
        jobs.push(job);
      }
    }
    return jobs;
  }

  /** A restore test COMPLETED: its validation window opens; when it closes without a result, TIMED_OUT and the copy goes. */
  openValidationWindow(job: RestoreJob): void {
    const test = job.restoreTest;
    if (!test) return;
    const timer = setTimeout(() => {
      this.windows.delete(timer);
      if (test.validationStatus === undefined || test.validationStatus === 'VALIDATING') {
        test.validationStatus = 'TIMED_OUT';
        void this.deleteRestoreTestCopy(job);
      }
    }, test.validationWindowHours * this.settings.validationHourMs);
    timer.unref();
    this.windows.add(timer);
  }

  closeValidationWindows(): void {
    for (const timer of this.windows) clearTimeout(timer);
    this.windows.clear();
  }

  // ---- PutRestoreValidationResult: PUT /restore-jobs/{RestoreJobId}/validations (HTTP 204)

  /**
   * Accepted once, for a COMPLETED restore test in its window: "Once a validation status is set,
   * it cannot be changed" ([RT-VAL] step 4), so a second status is refused (InvalidRequestException
   * here: AWS's exact error is not documented), as is one for a job no restore testing plan made.
   * A final status ends the window: AWS Backup deletes the copy ("Once the optional validation
   * completes or the validation window closes, AWS Backup deletes the resources", [RT]).
   */
  putRestoreValidationResult(restoreJobId: string, body: Record<string, unknown>) {
    const status = body.ValidationStatus;
    if (status === undefined) throw missingParameter('ValidationStatus is required');
    if (typeof status !== 'string' || !VALIDATION_STATUSES.includes(status)) {
      throw invalidParameter(`ValidationStatus must be one of ${VALIDATION_STATUSES.join(', ')}`);
    }
    if (body.ValidationStatusMessage !== undefined && typeof body.ValidationStatusMessage !== 'string') {
      throw invalidParameter('ValidationStatusMessage must be a string');
    }
    const job = this.restoreJobs.get(restoreJobId);
    if (!job) throw notFound(`Restore job ${restoreJobId} not found`);
    const test = job.restoreTest;
    if (!test) throw invalidRequest(`Restore job ${restoreJobId} was not created by a restore testing plan`);
    if (job.status !== 'COMPLETED') throw invalidRequest(`Restore job ${restoreJobId} is ${job.status}, not COMPLETED`);
    if (test.validationStatus !== undefined && test.validationStatus !== 'VALIDATING') {
      throw invalidRequest(`Validation status of ${restoreJobId} is already ${test.validationStatus} and cannot be changed`);
    }
    test.validationStatus = status;
    test.validationStatusMessage = body.ValidationStatusMessage as string | undefined;
    if (status !== 'VALIDATING') void this.deleteRestoreTestCopy(job);
    return undefined;
  }

  /** AWS Backup deletes a restore test's copy: DELETING, then SUCCESSFUL once gone, or FAILED (failingDeletions). */
  private async deleteRestoreTestCopy(job: RestoreJob): Promise<void> {
    const test = job.restoreTest;
    if (!test || test.deletionStatus !== undefined) return;
    test.deletionStatus = 'DELETING';
    const failure = this.failingDeletions.shift();
    await new Promise((resolve) => setTimeout(resolve, 20).unref());
    if (failure !== undefined) {
      test.deletionStatus = 'FAILED';
      test.deletionStatusMessage = failure;
      return;
    }
    try {
      await this.dynamodb.send(new DeleteTableCommand({ TableName: job.targetTableName }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') {
        test.deletionStatus = 'FAILED';
        test.deletionStatusMessage = (error as Error).message;
        return;
      }
    }
    while (await describeTableOrUndefined(this.dynamodb, job.targetTableName)) await new Promise((resolve) => setTimeout(resolve, 20));
    test.deletionStatus = 'SUCCESSFUL';
  }

  private checkRole(iamRoleArn: string | undefined): void {
    if (!iamRoleArn) throw missingParameter('IamRoleArn is required');
    if (!this.settings.knownRoleArns.includes(iamRoleArn)) {
      throw invalidParameter(`Invalid IAM role ARN ${iamRoleArn}: AWS Backup cannot assume it`);
    }
  }
}
