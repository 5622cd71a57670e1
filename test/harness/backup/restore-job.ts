import type { RecoveryPoint } from './recovery-points';
import type { RestoreBehaviour } from './restore-behaviour';

/** RestoreJobStatus of the Backup API. */
export type RestoreJobStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'ABORTED' | 'FAILED';

export const FINAL_RESTORE_STATUSES: readonly RestoreJobStatus[] = ['COMPLETED', 'ABORTED', 'FAILED'];

/** A read-only copy of a restore job for test assertions. */
export interface RestoreJobView {
  readonly restoreJobId: string;
  readonly status: RestoreJobStatus;
  readonly statusMessage?: string;
  /** 0-100, as the job would report it now. */
  readonly percentDone: number;
  readonly creationDate: Date;
  readonly completionDate?: Date;
  readonly createdResourceArn?: string;
  readonly targetTableName: string;
  readonly recoveryPointArn: string;
  readonly recoveryPointCreationDate: Date;
  readonly backupVaultArn: string;
  readonly sourceResourceArn: string;
  /** Absent when StartRestoreJob named no role (the model makes IamRoleArn optional). */
  readonly iamRoleArn?: string;
  readonly idempotencyToken?: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly backupSizeInBytes: number;
  readonly expectedCompletionTimeMinutes?: number;
  /** True when the job created a table (also on FAILED/ABORTED with a partial table). */
  readonly tableCreated: boolean;
  /** What the content mutations did (which items, which index). */
  readonly appliedMutations: readonly string[];
  readonly statusHistory: readonly { readonly status: RestoreJobStatus; readonly at: Date }[];
  /** How many StartRestoreJob calls returned this job (more than 1: idempotent replays). */
  readonly startRequests: number;
  /** Restore testing: the plan that started the job, and what AWS Backup says about validation and deletion. */
  readonly restoreTestingPlanArn?: string;
  readonly validationStatus?: string;
  readonly validationStatusMessage?: string;
  readonly deletionStatus?: string;
  readonly deletionStatusMessage?: string;
}

/** A restore test's own state (restore testing plans start these jobs, not StartRestoreJob). */
export interface RestoreTestState {
  readonly planArn: string;
  readonly validationWindowHours: number;
  validationStatus?: string;
  validationStatusMessage?: string;
  deletionStatus?: 'DELETING' | 'FAILED' | 'SUCCESSFUL';
  deletionStatusMessage?: string;
}

export interface RestoreJobInit {
  readonly restoreJobId: string;
  readonly recoveryPoint: RecoveryPoint;
  readonly backupVaultArn: string;
  readonly targetTableName: string;
  readonly iamRoleArn?: string;
  readonly metadata: Record<string, string>;
  readonly behaviour: RestoreBehaviour;
  readonly durationMs: number;
  readonly idempotencyToken?: string;
  readonly copySourceTags: boolean;
  readonly restoreTest?: RestoreTestState;
}

/** The mutable record behind a job; only the Backup endpoint and its runner change it. */
export class RestoreJob {
  status: RestoreJobStatus = 'PENDING';
  statusMessage?: string;
  completionDate?: Date;
  createdResourceArn?: string;
  tableCreated = false;
  appliedMutations: string[] = [];
  startRequests = 1;
  readonly statusHistory: { status: RestoreJobStatus; at: Date }[];
  private frozenPercent?: number;

  readonly restoreJobId: string;
  readonly recoveryPoint: RecoveryPoint;
  readonly backupVaultArn: string;
  readonly targetTableName: string;
  readonly iamRoleArn?: string;
  readonly metadata: Record<string, string>;
  readonly behaviour: RestoreBehaviour;
  readonly durationMs: number;
  readonly idempotencyToken?: string;
  readonly copySourceTags: boolean;
  readonly restoreTest?: RestoreTestState;
  readonly creationDate = new Date();

  constructor(init: RestoreJobInit) {
    this.restoreJobId = init.restoreJobId;
    this.recoveryPoint = init.recoveryPoint;
    this.backupVaultArn = init.backupVaultArn;
    this.targetTableName = init.targetTableName;
    this.iamRoleArn = init.iamRoleArn;
    this.metadata = init.metadata;
    this.behaviour = init.behaviour;
    this.durationMs = init.durationMs;
    this.idempotencyToken = init.idempotencyToken;
    this.copySourceTags = init.copySourceTags;
    this.restoreTest = init.restoreTest;
    this.statusHistory = [{ status: 'PENDING', at: this.creationDate }];
  }

  get isFinal(): boolean {
    return FINAL_RESTORE_STATUSES.includes(this.status);
  }

  /** Time-based estimate while running, never 100 before COMPLETED; frozen at the final status. */
  get percentDone(): number {
    if (this.frozenPercent !== undefined) return this.frozenPercent;
    if (this.status === 'PENDING') return 0;
    const elapsed = Date.now() - this.creationDate.getTime();
    return Math.min(99, Math.floor((elapsed / Math.max(1, this.durationMs)) * 100));
  }

  setStatus(status: RestoreJobStatus, statusMessage?: string): void {
    if (FINAL_RESTORE_STATUSES.includes(status)) {
      this.frozenPercent = status === 'COMPLETED' ? 100 : this.percentDone;
      this.completionDate = new Date();
    }
    this.status = status;
    this.statusMessage = statusMessage;
    this.statusHistory.push({ status, at: new Date() });
  }

  view(): RestoreJobView {
    return {
      restoreJobId: this.restoreJobId,
      status: this.status,
      statusMessage: this.statusMessage,
      percentDone: this.percentDone,
      creationDate: this.creationDate,
      completionDate: this.completionDate,
      createdResourceArn: this.createdResourceArn,
      targetTableName: this.targetTableName,
      recoveryPointArn: this.recoveryPoint.recoveryPointArn,
      recoveryPointCreationDate: this.recoveryPoint.creationDate,
      backupVaultArn: this.backupVaultArn,
      sourceResourceArn: this.recoveryPoint.resourceArn,
      iamRoleArn: this.iamRoleArn,
      idempotencyToken: this.idempotencyToken,
      metadata: { ...this.metadata },
      backupSizeInBytes: this.recoveryPoint.snapshot.sizeBytes,
      expectedCompletionTimeMinutes: this.isFinal ? undefined : Math.max(1, Math.ceil(this.durationMs / 60_000)),
      tableCreated: this.tableCreated,
      appliedMutations: [...this.appliedMutations],
      statusHistory: this.statusHistory.map((entry) => ({ ...entry })),
      startRequests: this.startRequests,
      restoreTestingPlanArn: this.restoreTest?.planArn,
      validationStatus: this.restoreTest?.validationStatus,
      validationStatusMessage: this.restoreTest?.validationStatusMessage,
      deletionStatus: this.restoreTest?.deletionStatus,
      deletionStatusMessage: this.restoreTest?.deletionStatusMessage,
    };
  }
}
