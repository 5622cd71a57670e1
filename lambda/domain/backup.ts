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
  readonly recoveryPointArn?: string;
  readonly backupVaultArn?: string;
  readonly sourceResourceArn?: string;
  readonly recoveryPointCreationDate?: Date;
  /** Restore testing: the plan that created the job (CreatedBy.RestoreTestingPlanArn). */
  readonly restoreTestingPlanArn?: string;
  /** Restore testing: FAILED | SUCCESSFUL | TIMED_OUT | VALIDATING, once set. */
  readonly validationStatus?: string;
  readonly validationStatusMessage?: string;
  /** Restore testing: DELETING | FAILED | SUCCESSFUL, once AWS Backup deletes the copy. */
  readonly deletionStatus?: string;
  readonly deletionStatusMessage?: string;
}

/** What a validator tells AWS Backup about a restore test (PutRestoreValidationResult's ValidationStatus). */
export type RestoreValidationStatus = 'SUCCESSFUL' | 'FAILED';

export const TERMINAL_RESTORE_STATUSES: ReadonlySet<RestoreJobStatus> = new Set(['COMPLETED', 'ABORTED', 'FAILED']);
