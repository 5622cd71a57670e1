/**
 * The contract between the `RestoreDrill` construct (which sets these environment variables)
 * and the drill engine (which reads them). Both sides import this file, so a renamed variable
 * or a new field breaks the build, not a 3 a.m. drill.
 */

import type { TableOptions } from './settings/tables';
import type { DrillTargetValues } from './settings/targets';

export const ENV = {
  /** JSON array of {@link DrilledTable}, or of bare names of tables whose ARN is {@link ENV.tableArnPrefix} and the name. */
  tables: 'DRILL_TABLES',
  /** Optional: `arn:<partition>:dynamodb:<region>:<account>:table/`, the ARN of a bare name in DRILL_TABLES without the name. */
  tableArnPrefix: 'DRILL_TABLE_ARN_PREFIX',
  /** Comma-separated backup vault names searched for recovery points. */
  vaultNames: 'DRILL_VAULT_NAMES',
  restoreRoleArn: 'DRILL_RESTORE_ROLE_ARN',
  restoreTablePrefix: 'DRILL_RESTORE_TABLE_PREFIX',
  /** Optional: restore copies with this customer-managed KMS key instead of the default. */
  restoreKmsKeyArn: 'DRILL_RESTORE_KMS_KEY_ARN',
  topicArn: 'DRILL_TOPIC_ARN',
  /**
   * Optional: a second topic that receives the FAIL reports only (with `notifyFailuresOnly`): its
   * subscribers need no filter policy on message attributes.
   */
  failureTopicArn: 'DRILL_FAILURE_TOPIC_ARN',
  historyTableName: 'DRILL_HISTORY_TABLE',
  /** JSON {@link DrillTargets}. */
  targets: 'DRILL_TARGETS',
  /**
   * Optional JSON {@link RestoreTestingConfig}: set in native mode (`restoreMode: native`), it
   * names the restore testing plans whose jobs the drill validates.
   */
  restoreTesting: 'DRILL_RESTORE_TESTING',
  /** Optional JSON {@link RecoveryPointSelection}; absent: the newest recovery point. */
  recoveryPointSelection: 'DRILL_RECOVERY_POINT_SELECTION',
  /**
   * Optional JSON {@link WaitTuning}. Not set by the construct (the engine's defaults are the
   * production values); the local harness sets it so a drill on this machine takes seconds.
   */
  waitTuning: 'DRILL_WAIT_TUNING',
  /** Optional: hours a FAILed drill's copy is kept (the `keepFailedCopyHours` setting); unset or 0: deleted at once. */
  keepFailedCopyHours: 'DRILL_KEEP_FAILED_COPY_HOURS',
  /** Optional: restores the drill runs at once (the `maxConcurrentRestores` setting); unset: its default. */
  maxConcurrentRestores: 'DRILL_MAX_CONCURRENT_RESTORES',
  /** Optional: the fan-out state machine (lambda/fanout/contract.ts); unset: every copy is scanned in the drill's invocation. */
  fanOutStateMachineArn: 'FAN_OUT_STATE_MACHINE_ARN',
  /** Optional JSON {@link FanOutTuning}; unset: the settings' defaults. */
  fanOutTuning: 'DRILL_FAN_OUT',
} as const;

/**
 * How a copy too large for one invocation is scanned by the fan-out state machine (settings
 * fanOutMaxWorkers, fanOutSegmentsPerWorker, fanOutTimeoutHours, scanItemsPerSecond).
 */
export interface FanOutTuning {
  /** Workers at once, at most (the Map's MaxConcurrency is also held to the copy's read capacity). */
  readonly maxWorkers: number;
  /** Scan segments one worker reads. */
  readonly segmentsPerWorker: number;
  /** The state machine's timeout: past it (and a margin) a drill whose execution never reported back is failed by the sweep. */
  readonly timeoutHours: number;
  /** Items (1 KB-equivalent) one invocation scans per second with the checks: the switch's measured rate. */
  readonly itemsPerSecond: number;
}

export interface FanOutConfig extends FanOutTuning {
  readonly stateMachineArn: string;
}

/** Set by Lambda: the function's log group, which the report links to. */
export const LAMBDA_LOG_GROUP_ENV = 'AWS_LAMBDA_LOG_GROUP_NAME';

/** The tag a kept copy carries: its expiry (ISO time), for a person looking at the table. */
export const KEPT_UNTIL_TAG = 'restore-drill:kept-until';

/**
 * One source table the drill restores and checks, with the options of its `tables` entry (each
 * documented in TABLE_OPTIONS, lambda/settings/tables.ts).
 */
export interface DrilledTable extends TableOptions {
  readonly tableName: string;
  readonly tableArn: string;
  /** Present only for the fixture test table: the content its restore must hold exactly. */
  readonly fixture?: FixtureExpectation;
}

export interface FixtureExpectation {
  /** Number of properties the fixture generator was run with (it regenerates the items on a mismatch). */
  readonly propertyCount: number;
  /** {@link TableDigest} string of the seeded items. */
  readonly digest: string;
}

/** Targets and limits of the checks, each a setting (DRILL_TARGET_SETTINGS, lambda/settings/targets.ts). */
export type DrillTargets = DrillTargetValues;

/** How the engine waits for a restore; defaults are the production values. */
export interface WaitTuning {
  /** Shortest gap between DescribeRestoreJob polls. */
  readonly minPollSeconds: number;
  /** Longest gap between polls. */
  readonly maxPollSeconds: number;
  /** Stop waiting when less than this is left of the invocation (leaves time to clean up and hand over). */
  readonly invocationReserveSeconds: number;
  /** Gap between DescribeTable calls while a restored copy becomes ACTIVE or is being deleted. */
  readonly tablePollSeconds: number;
}

export const DEFAULT_WAIT_TUNING: WaitTuning = {
  minPollSeconds: 15,
  maxPollSeconds: 30 * 60,
  invocationReserveSeconds: 120,
  tablePollSeconds: 5,
};

/** Which recovery point a drill restores (the `recoveryPointSelection` settings). */
export interface RecoveryPointSelection {
  readonly policy: 'latest' | 'random';
  /** Days back a random point may be chosen from. */
  readonly windowDays: number;
}

export const LATEST_RECOVERY_POINT: RecoveryPointSelection = { policy: 'latest', windowDays: 0 };

/** Native mode: the restore testing plans whose DynamoDB restore tests of drilled tables the drill validates. */
export interface RestoreTestingConfig {
  /**
   * The plan this stack created, with what it was created with (the report names it); undefined
   * when the stack adopts plans only.
   */
  readonly ownPlan?: {
    readonly arn: string;
    readonly validationWindowHours: number;
    readonly selection: RecoveryPointSelection;
  };
  /**
   * Adopted plans: an ARN, or `arn:...:restore-testing-plan:<name>-` for a plan adopted by name
   * (plan names hold no "-", so the prefix names exactly one plan).
   */
  readonly adoptedPlans: readonly string[];
}

export interface DrillConfig {
  readonly tables: readonly DrilledTable[];
  readonly vaultNames: readonly string[];
  readonly restoreRoleArn: string;
  readonly restoreTablePrefix: string;
  readonly restoreKmsKeyArn?: string;
  readonly topicArn: string;
  readonly failureTopicArn?: string;
  readonly historyTableName: string;
  readonly targets: DrillTargets;
  readonly wait: WaitTuning;
  readonly recoveryPointSelection: RecoveryPointSelection;
  readonly restoreTesting?: RestoreTestingConfig;
  /** Hours a FAILed drill's copy is kept for investigation; 0 or absent: deleted at once. */
  readonly keepFailedCopyHours?: number;
  /** Restores this drill runs at once; the rest wait queued (lambda/drill/restore-queue.ts). Absent: the setting's default. */
  readonly maxConcurrentRestores?: number;
  /** The drill Lambda's log group, linked from reports. */
  readonly logGroupName?: string;
  /** Set when FAN_OUT_STATE_MACHINE_ARN is: large copies are scanned by Step Functions. */
  readonly fanOut?: FanOutConfig;
}

/** Index names of the drill-history table, as the engine queries them. */
export const HISTORY_INDEX = { byRestoreJob: 'byRestoreJob', openDrills: 'openDrills', byTable: 'byTable' } as const;

/**
 * Key and index layout of the table (every key attribute a string, every index projecting all
 * attributes). The construct creates the table from it, so the two cannot drift apart.
 */
export const HISTORY_TABLE_LAYOUT = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [
    { name: HISTORY_INDEX.byRestoreJob, partitionKey: 'restoreJobId' },
    // Sparse: only unfinished drills carry `openMarker`.
    { name: HISTORY_INDEX.openDrills, partitionKey: 'openMarker', sortKey: 'startedAt' },
    { name: HISTORY_INDEX.byTable, partitionKey: 'sourceTable', sortKey: 'startedAt' },
  ],
} as const satisfies {
  partitionKey: string;
  sortKey: string;
  globalIndexes: ReadonlyArray<{ name: string; partitionKey: string; sortKey?: string }>;
};

/**
 * The key value of the drill's canary item in a source table (every key attribute of type S).
 * The engine writes it; the construct's IAM lets the drill PutItem on no other partition key.
 */
export const CANARY_KEY_VALUE = 'restore-drill#canary';
