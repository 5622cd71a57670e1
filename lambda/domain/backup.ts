/** AWS Backup's recovery points and restore jobs, in the engine's terms. */

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

export const TERMINAL_RESTORE_STATUSES: ReadonlySet<RestoreJobStatus> = new Set(['COMPLETED', 'ABORTED', 'FAILED']);
