import {
  type BackupClient,
  DescribeRestoreJobCommand,
  PutRestoreValidationResultCommand,
  StartRestoreJobCommand,
  paginateListRecoveryPointsByBackupVault,
  paginateListRestoreJobsByProtectedResource,
} from '@aws-sdk/client-backup';
import type { RecoveryPoint, RestoreJob, RestoreJobStatus, RestoreValidationStatus } from '../domain/backup';

/** The AWS Backup operations the drill uses, in the engine's terms. */

export interface StartRestoreRequest {
  readonly recoveryPointArn: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly iamRoleArn: string;
  readonly idempotencyToken: string;
}

/** A restore job as ListRestoreJobsByProtectedResource lists it (RestoreJobsListMember). */
export interface ListedRestoreJob {
  readonly restoreJobId: string;
  readonly recoveryPointArn?: string;
  readonly iamRoleArn?: string;
  readonly createdResourceArn?: string;
  readonly creationDate?: Date;
  readonly status?: string;
}

export interface BackupPort {
  /** Every recovery point of the resource in the vault, all pages. */
  listRecoveryPoints(vaultName: string, resourceArn: string): AsyncIterable<RecoveryPoint>;
  /**
   * The restore job's id, or undefined: StartRestoreJob API reference, IdempotencyToken:
   * "Retrying a successful request with the same idempotency token results in a success message
   * with no action taken" - a success that may carry no RestoreJobId.
   */
  startRestoreJob(request: StartRestoreRequest): Promise<string | undefined>;
  describeRestoreJob(restoreJobId: string): Promise<RestoreJob>;
  /**
   * Tells AWS Backup the result of a restore test (PUT /restore-jobs/{RestoreJobId}/validations;
   * AWS Backup API reference, PutRestoreValidationResult). "Once a validation status is set, it
   * cannot be changed" (developer guide, "Restore testing validation"): call it once.
   */
  putRestoreValidationResult(restoreJobId: string, status: RestoreValidationStatus, message: string): Promise<void>;
  /** Restore jobs of a protected resource (source table) from recovery points created around the given time, all pages. */
  listRestoreJobs(resourceArn: string, recoveryPointCreatedAt: Date): AsyncIterable<ListedRestoreJob>;
}

export function createBackupPort(client: BackupClient): BackupPort {
  return {
    async *listRecoveryPoints(vaultName, resourceArn) {
      const pages = paginateListRecoveryPointsByBackupVault({ client }, { BackupVaultName: vaultName, ByResourceArn: resourceArn });
      for await (const page of pages) {
        for (const point of page.RecoveryPoints ?? []) {
          if (!point.RecoveryPointArn || !point.CreationDate) continue;
          yield {
            recoveryPointArn: point.RecoveryPointArn,
            backupVaultName: point.BackupVaultName ?? vaultName,
            resourceArn: point.ResourceArn ?? resourceArn,
            status: point.Status ?? 'UNKNOWN',
            creationDate: point.CreationDate,
          };
        }
      }
    },

    async startRestoreJob(request) {
      const output = await client.send(
        new StartRestoreJobCommand({
          RecoveryPointArn: request.recoveryPointArn,
          Metadata: { ...request.metadata },
          IamRoleArn: request.iamRoleArn,
          IdempotencyToken: request.idempotencyToken,
          ResourceType: 'DynamoDB',
        }),
      );
      return output.RestoreJobId || undefined;
    },

    async *listRestoreJobs(resourceArn, recoveryPointCreatedAt) {
      // GET /resources/{resourceArn}/restore-jobs/ (AWS Backup API reference,
      // ListRestoreJobsByProtectedResource): the filters are on the recovery point's creation
      // date; a minute either side keeps a point whose time is rounded on either end.
      const at = recoveryPointCreatedAt.getTime();
      const pages = paginateListRestoreJobsByProtectedResource(
        { client },
        {
          ResourceArn: resourceArn,
          ByRecoveryPointCreationDateAfter: new Date(at - 60_000),
          ByRecoveryPointCreationDateBefore: new Date(at + 60_000),
        },
      );
      for await (const page of pages) {
        for (const job of page.RestoreJobs ?? []) {
          if (!job.RestoreJobId) continue;
          yield {
            restoreJobId: job.RestoreJobId,
            recoveryPointArn: job.RecoveryPointArn,
            iamRoleArn: job.IamRoleArn,
            createdResourceArn: job.CreatedResourceArn,
            creationDate: job.CreationDate,
            status: job.Status,
          };
        }
      }
    },

    async describeRestoreJob(restoreJobId) {
      const job = await client.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
      const percent = job.PercentDone ? Number.parseFloat(job.PercentDone) : undefined;
      return {
        restoreJobId,
        status: (job.Status ?? 'PENDING') as RestoreJobStatus,
        statusMessage: job.StatusMessage,
        percentDone: percent !== undefined && Number.isFinite(percent) ? percent : undefined,
        expectedCompletionTimeMinutes: job.ExpectedCompletionTimeMinutes,
        createdResourceArn: job.CreatedResourceArn,
        creationDate: job.CreationDate,
        completionDate: job.CompletionDate,
        recoveryPointArn: job.RecoveryPointArn,
        backupVaultArn: job.BackupVaultArn,
        sourceResourceArn: job.SourceResourceArn,
        recoveryPointCreationDate: job.RecoveryPointCreationDate,
        restoreTestingPlanArn: job.CreatedBy?.RestoreTestingPlanArn,
        validationStatus: job.ValidationStatus,
        validationStatusMessage: job.ValidationStatusMessage,
        deletionStatus: job.DeletionStatus,
        deletionStatusMessage: job.DeletionStatusMessage,
      };
    },

    async putRestoreValidationResult(restoreJobId, status, message) {
      await client.send(
        new PutRestoreValidationResultCommand({ RestoreJobId: restoreJobId, ValidationStatus: status, ValidationStatusMessage: message }),
      );
    },
  };
}
