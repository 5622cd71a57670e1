import {
  type BackupClient,
  DescribeRestoreJobCommand,
  StartRestoreJobCommand,
  paginateListRecoveryPointsByBackupVault,
} from '@aws-sdk/client-backup';

/** The AWS Backup operations the drill uses, in the engine's terms. */

export interface RecoveryPoint {
  readonly recoveryPointArn: string;
  readonly backupVaultName: string;
  readonly resourceArn: string;
  readonly status: string;
  readonly creationDate: Date;
}

export type RestoreJobStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'ABORTED' | 'FAILED';

export interface RestoreJob {
  readonly restoreJobId: string;
  readonly status: RestoreJobStatus;
  readonly statusMessage?: string;
  readonly percentDone?: number;
  readonly expectedCompletionTimeMinutes?: number;
  readonly createdResourceArn?: string;
  readonly creationDate?: Date;
  readonly completionDate?: Date;
}

export interface StartRestoreRequest {
  readonly recoveryPointArn: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly iamRoleArn: string;
  readonly idempotencyToken: string;
}

export interface BackupPort {
  /** Every recovery point of the resource in the vault, all pages. */
  listRecoveryPoints(vaultName: string, resourceArn: string): AsyncIterable<RecoveryPoint>;
  startRestoreJob(request: StartRestoreRequest): Promise<string>;
  describeRestoreJob(restoreJobId: string): Promise<RestoreJob>;
}

export const TERMINAL_RESTORE_STATUSES: ReadonlySet<RestoreJobStatus> = new Set(['COMPLETED', 'ABORTED', 'FAILED']);

export function createBackupPort(client: BackupClient): BackupPort {
  return {
    async *listRecoveryPoints(vaultName, resourceArn) {
      const pages = paginateListRecoveryPointsByBackupVault(
        { client },
        { BackupVaultName: vaultName, ByResourceArn: resourceArn },
      );
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
      if (!output.RestoreJobId) throw new Error('StartRestoreJob returned no RestoreJobId');
      return output.RestoreJobId;
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
      };
    },
  };
}
