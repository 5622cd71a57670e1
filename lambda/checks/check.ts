import type { DrilledTable, DrillTargets } from '../config';
import type { CheckResult } from '../domain/check-result';
import type { RecoveryPoint, RestoreJob } from '../domain/backup';
import type { Item, ScannedItem, TableSettings, TableShape } from '../ports/dynamodb-port';
import type { CanaryReader } from '../ports/canary-port';
import type { Json } from '../fanout/contract';
import type { MeteredReader } from '../metering/metered-reader';

/**
 * The common shape of every check. A check module exports a {@link CheckDefinition}; for each
 * drill the engine asks it to `begin`, feeds the run every restored item during one shared
 * parallel scan (if it observes items), then asks for its result. Checks read only through the
 * ports in the context, never through SDK clients.
 */

export interface CheckContext {
  readonly table: DrilledTable;
  readonly targets: DrillTargets;
  readonly drillStartedAt: Date;
  readonly recoveryPoint: RecoveryPoint;
  /** The newest COMPLETED point when another was restored (a random choice, a restore test): the RPO is judged on it. */
  readonly newestRecoveryPointCreated?: Date;
  readonly restoreJob: RestoreJob;
  /** The source table now; undefined when it no longer exists (the checks then compare against nothing). */
  readonly source?: TableShape;
  readonly sourceSettings?: TableSettings;
  /** The restored copy, ACTIVE (checks that need it only run when it is). */
  readonly restored?: TableShape;
  readonly restoredTableName: string;
  /** When the restored copy was first seen ACTIVE (epoch ms). */
  readonly restoredActiveAt?: number;
  /**
   * Reads only: a check cannot write, delete or create tables. Reads of the source table are
   * charged to the drill's read budget, paced, and stopped when the budget or the time runs out
   * (metering/metered-reader.ts).
   */
  readonly dynamodb: MeteredReader;
  readonly canaries: CanaryReader;
  /** False once the invocation must keep what is left for cleanup and the report: stop reading. */
  readonly hasTime: () => boolean;
  /**
   * True for the drill's own items (its canary; the fixture's version marker), which every count
   * and content comparison leaves out on both sides (checks/drill-items.ts).
   */
  readonly isDrillItem: (item: Item) => boolean;
  /** The same, for an item as the shared scan reads it. */
  readonly isScannedDrillItem: (item: ScannedItem) => boolean;
  readonly random: () => number;
  /**
   * Set when the checks run split across fan-out workers (lambda/fanout/): the bytes one run's
   * `partial()` may take, so every partial of a round fits in one Step Functions state. A check
   * whose partial could grow with the table (a sample) keeps to it.
   */
  readonly partialBytes?: number;
}

export interface CheckRun {
  /** Sees each restored item once, during the shared scan, except the drill's own items. */
  observeItem?(item: Item): void;
  /**
   * The same items as read from the wire, valid only during the call: for a check that needs a
   * few attributes, a digest or a sample, it costs a fraction of the whole item as objects
   * (`toItem()` gives that, to keep an item). The built-in checks observe this way.
   */
  observeScannedItem?(item: ScannedItem): void;
  /**
   * Sees the drill's own items in the restore, which observeItem never does: for a check that
   * reads what one of them says (the fixture's version marker names the fixture a backup holds).
   */
  observeDrillItem?(item: Item): void;
  /**
   * What this run observed, as JSON, for a run of the same check (same context) to `absorb`: how a
   * check runs split across fan-out workers, each scanning a share of the copy. Partials merge in
   * any order and grouping, giving the result of one run over all items. A check that observes items
   * without both methods cannot run split: on the fan-out path it FAILs "not evaluated".
   */
  partial?(): Json;
  /** Merges another run's `partial()` into this one. */
  absorb?(partial: Json): void;
  result(): Promise<CheckResult>;
}

/** Whether a run observes items (and so needs the shared scan, or partials of it). */
export const observesItems = (run: CheckRun): boolean => Boolean(run.observeItem || run.observeScannedItem || run.observeDrillItem);

/** Whether an observing run can be split across fan-out workers. */
export const splittable = (run: CheckRun): boolean => Boolean(run.partial && run.absorb);

export interface CheckDefinition {
  readonly name: string;
  /**
   * `recovery-point`: runs whenever a recovery point was restored-tested (even if the restore failed);
   * `restored-table`: needs the ACTIVE restored copy.
   */
  readonly needs: 'recovery-point' | 'restored-table';
  /** Returns undefined when the check does not apply to this drill. */
  begin(context: CheckContext): CheckRun | undefined;
}

/** Shorthand for checks that compute their result without observing items. */
export function resultOnly(compute: () => Promise<CheckResult> | CheckResult): CheckRun {
  return { result: async () => compute() };
}
