import type { FanOutFacts } from '../fanout/contract';
import type { CheckResult } from './check-result';

/** What the history table keeps about one drill. Dates are ISO-8601 text. */

export type DrillStatus =
  /** Recorded; recovery point not yet chosen or restore not yet started. */
  | 'STARTED'
  /** Restore job started; waiting for it (possibly in a later invocation). */
  | 'RESTORING'
  /**
   * The copy's scan was handed to a Step Functions execution (`fanOut`): the drill finishes when
   * the execution reports back (or the sweep, once its deadline has passed).
   */
  | 'CHECKING'
  /** Checks done and recorded (`checked`); the copy is being deleted. */
  | 'CLEANING'
  /** Verdict decided and copy cleaned up; the SNS report is not yet confirmed sent to every topic (`publishedTo`). */
  | 'REPORTING'
  /** Reported. */
  | 'FINISHED';

export type Verdict = 'PASS' | 'FAIL';

/** The report topic, and the failure topic a stack with `notifyFailuresOnly` has. */
export type ReportTopic = 'reports' | 'failures';

/** `restore-test`: a restore job of an AWS Backup restore testing plan, validated by the drill. */
export type TriggerKind = 'schedule' | 'backup-completed' | 'manual' | 'restore-test';

export interface RecoveryPointFacts {
  readonly recoveryPointArn: string;
  readonly backupVaultName: string;
  readonly creationDate: string;
  /** What chose this point, as the report says it: "newest", "random within 7 days", a restore testing plan. */
  readonly selectedBy?: string;
  /** The newest COMPLETED point of the table when another was chosen: the RPO is judged on it. */
  readonly newestCreationDate?: string;
}

/** A restore test of an AWS Backup restore testing plan, as the drill validates it. */
export interface RestoreTestFacts {
  readonly planArn: string;
  /** Known for the stack's own plan; adopted plans' windows are AWS Backup's to keep. */
  readonly validationWindowHours?: number;
  /** What the drill told AWS Backup (PutRestoreValidationResult), or why it could not. */
  readonly validation?: {
    readonly result: 'sent' | 'already-set' | 'refused';
    readonly status?: string;
    readonly message?: string;
    readonly detail: string;
    readonly at: string;
  };
  /** The copy's DeletionStatus as last seen (DescribeRestoreJob). */
  readonly deletion?: { readonly status: string; readonly message?: string; readonly at: string };
}

export interface RestoreJobFacts {
  readonly restoreJobId: string;
  readonly status: string;
  readonly statusMessage?: string;
  readonly creationDate?: string;
  readonly completionDate?: string;
  readonly createdResourceArn?: string;
}

export interface CleanupOutcome {
  /**
   * deleted: DeleteTable accepted; absent: no copy existed; failed: see error; refused: safety rule
   * stopped it; aws-backup: a restore test's copy, which AWS Backup deletes; kept: a FAILed drill's
   * copy kept for investigation (keepFailedCopyHours) until `keptUntil`.
   */
  readonly result: 'deleted' | 'absent' | 'failed' | 'refused' | 'aws-backup' | 'kept';
  readonly tableName?: string;
  readonly detail: string;
  /** ISO time after which the sweep of a scheduled run deletes a kept copy. */
  readonly keptUntil?: string;
}

/** The tested recovery procedure a drill proved (lambda/report/runbook.ts): what a person runs on the day. */
export interface Runbook {
  readonly recoveryPointArn: string;
  readonly backupVaultName: string;
  readonly restoreRoleArn: string;
  /** The StartRestoreJob metadata that worked, its target name left for the person to choose. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The same request as an AWS CLI command. */
  readonly restoreCommand: string;
  readonly restoreDurationSeconds?: number;
  /** What the source has that a restore does not carry, each with the command to re-apply it. */
  readonly reapply: readonly { readonly setting: string; readonly command: string }[];
}

/** What the checks found, recorded before the copy is deleted. */
export interface CheckedOutcome {
  readonly checks: readonly CheckResult[];
  /** Present when the restore completed and the source could be described. */
  readonly runbook?: Runbook;
  /** Set when the drill failed outside any check (no recovery point, a refused restore, an error). */
  readonly failure?: string;
  readonly recoveryPointAgeSeconds?: number;
  readonly restoreDurationSeconds?: number;
  /** The one shared scan of the restored copy: items and read capacity it consumed. */
  readonly restoredScan?: { readonly items: number; readonly readUnits: number };
  /** The pace source reads were held to (read units per second). */
  readonly sourceReadUnitsPerSecond?: number;
}

/** The full outcome of a drill: what the report, the metrics and the audit record are made from. */
export interface DrillOutcome {
  readonly verdict: Verdict;
  /** One line naming what failed and the next step, when the verdict is FAIL. */
  readonly failure?: string;
  readonly checks: readonly CheckResult[];
  readonly cleanup: CleanupOutcome;
  readonly recoveryPointAgeSeconds?: number;
  readonly restoreDurationSeconds?: number;
  /** The one shared scan of the restored copy: items and read capacity it consumed. */
  readonly restoredScan?: { readonly items: number; readonly readUnits: number };
  readonly sourceReadUnitsPerSecond?: number;
  /** Read capacity the checks took from the source table (charged to the read budget). */
  readonly sourceReadUnits?: number;
  readonly finishedAt: string;
}

/** A copy too large for one invocation, scanned by the fan-out state machine (lambda/fanout/). */
export interface FanOutRecord {
  readonly executionArn: string;
  readonly startedAt: string;
  /** Workers at once (the Map's MaxConcurrency) and the copy's scan segments. */
  readonly workers: number;
  readonly segments: number;
  /** Items (1 KB-equivalent) the drill estimated, and the rate it judged them by. */
  readonly estimatedItems: number;
  readonly itemsPerSecond: number;
  /** Past this, the sweep fails the drill and deletes the copy (the state machine's timeout and an hour). */
  readonly deadline: string;
  /** The facts the workers began the checks from; the drill finishes them from the same. */
  readonly facts: FanOutFacts;
  /** How the execution ended, as the drill learnt it. */
  readonly ended?: { readonly status: string; readonly at: string; readonly detail?: string };
}

export interface DrillRecord {
  readonly drillId: string;
  readonly sourceTable: string;
  readonly sourceTableArn: string;
  readonly trigger: TriggerKind;
  readonly startedAt: string;
  readonly status: DrillStatus;
  readonly restoredTableName: string;
  /**
   * When the drill was first made to wait for a restore slot (maxConcurrentRestores); it is
   * re-stamped `startedAt` when it gets one, so its RPO and staleness count from then.
   */
  readonly queuedAt?: string;
  /** The restore slot the drill holds while its restore runs (lambda/drill/restore-slots.ts). */
  readonly restoreSlot?: number;
  readonly recoveryPoint?: RecoveryPointFacts;
  readonly restoreJobId?: string;
  /** When the drill called StartRestoreJob; the poll schedule counts from here. */
  readonly restoreStartedAt?: string;
  /** The restore job as last seen. */
  readonly restoreJob?: RestoreJobFacts;
  /** Set for a restore test of an AWS Backup restore testing plan (native mode). */
  readonly restoreTest?: RestoreTestFacts;
  /** Set when the drill failed before any restore could start (e.g. no recovery point). */
  readonly earlyFailure?: string;
  /** Set when the drill reaches CLEANING. */
  readonly checked?: CheckedOutcome;
  readonly outcome?: DrillOutcome;
  /** Set when the copy's scan was handed to Step Functions. */
  readonly fanOut?: FanOutRecord;
  /** Topics SNS has accepted the report for, each recorded before the next is sent: a resend skips them. */
  readonly publishedTo?: readonly ReportTopic[];
  readonly reportedAt?: string;
  readonly leaseOwner?: string;
  readonly leaseUntil?: number;
}
