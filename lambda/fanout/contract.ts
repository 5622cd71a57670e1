import { createHash } from 'node:crypto';

/**
 * The fan-out contract: the JSON the drill Lambda, the fan-out Lambda (worker and combiner,
 * lambda/fanout/handler.ts) and the state machine (lib/constructs/scan-fan-out.ts) exchange.
 * The state machine reads only `groups`, `maxConcurrency`, `done`, `drillId`, `totals`, `error`;
 * `facts` and `observers` are the engine's, opaque to it. Every state between rounds must stay
 * well under Step Functions' 256 KiB payload limit (Step Functions quotas): observer partials are
 * bounded whatever the table's size or the sample size (test/lambda/fanout/state-size.test.ts).
 *
 * Flow: the drill starts an execution (name: fanOutExecutionName) with a FanOutState as input; a
 * Map over `$.groups` runs one worker per group (`ScanPayload` -> PartialScan, collected in
 * `$.partials`); the combiner (`CombinePayload` -> FanOutState) merges them and groups what
 * workers left for the next round; when `done`, the state machine invokes the DRILL function
 * with FanOutFinished; a Catch on Map and combiner invokes it with FanOutFailed; an execution
 * that ends otherwise reaches the drill as the EventBridge "Step Functions Execution Status
 * Change" event (ExecutionStatusChange).
 *
 * The drill fails an invocation with FanOutBusyError when the end reaches a drill another
 * invocation holds for a moment (the hand-off releasing its lease, a twin event): the state
 * machine's drill tasks should retry States.TaskFailed (twice, with backoff) as the worker's do.
 */

/** A DynamoDB key as JSON: B as base64, as on the wire. */
export type JsonKey = Record<string, { S?: string; N?: string; B?: string }>;

/** Where one segment of a parallel scan starts or resumes (its LastEvaluatedKey). */
export interface JsonPosition {
  readonly segment: number;
  readonly totalSegments: number;
  readonly startKey?: JsonKey;
}

/** One worker's share: segments of the restored copy, from where each starts. */
export interface ScanGroupInput {
  readonly tableName: string;
  readonly positions: readonly JsonPosition[];
  /** Items per page (tests); 0: DynamoDB's 1 MB page. */
  readonly pageItemLimit: number;
}

/** Any JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** What a worker read, and what the combiner adds up; merges in any order. */
export interface PartialScan {
  /** TableDigest.toString() of the items read. */
  readonly digest: string;
  readonly items: number;
  readonly readUnits: number;
  /** Where a worker stopped when it ran short of time: the next round scans from there. Empty in totals. */
  readonly remaining: readonly JsonPosition[];
  /** Each observing check's partial result (CheckRun.partial()), by check name; merged by CheckRun.absorb. */
  readonly observers: Record<string, Json>;
}

/**
 * What the drill knew when it handed the scan over, as JSON (ISO dates): enough for the worker to
 * begin the same checks (checkContext) and for the drill to finish them. Built and read by
 * lambda/fanout/facts.ts.
 */
export interface FanOutFacts {
  readonly drillId: string;
  /** The drilled table's name in the drill's config (the worker reads the same config). */
  readonly sourceTableName: string;
  readonly restoredTableName: string;
  readonly drillStartedAt: string;
  readonly recoveryPoint: {
    readonly recoveryPointArn: string;
    readonly backupVaultName: string;
    readonly creationDate: string;
    readonly selectedBy?: string;
    readonly newestCreationDate?: string;
  };
  readonly restoreJob: Record<string, Json>;
  readonly source?: Record<string, Json>;
  readonly sourceSettings?: Record<string, Json>;
  readonly restored: Record<string, Json>;
  readonly restoredActiveAt?: number;
  readonly sourceReadUnitsPerSecond: number;
  /** Bytes one check's partial may take (CheckContext.partialBytes): every partial of a round fits in one state. */
  readonly partialBytes: number;
}

/** The execution's input, and the state between rounds (what the combiner returns). */
export interface FanOutState {
  readonly drillId: string;
  readonly facts: FanOutFacts;
  readonly tableName: string;
  /** This round's workers; empty when done. */
  readonly groups: readonly ScanGroupInput[];
  readonly segmentsPerWorker: number;
  /** Workers at once (the Map's MaxConcurrencyPath): from the copy's read capacity and fanOutMaxWorkers. */
  readonly maxConcurrency: number;
  readonly pageItemLimit: number;
  readonly totals: PartialScan;
  /** True when nothing remains to scan: the state machine reports FanOutFinished. */
  readonly done: boolean;
}

/** The worker task's payload: `{ "action": "scan", "group.$": "$.group", "facts.$": "$.facts" }`. */
export interface ScanPayload {
  readonly action: 'scan';
  readonly group: ScanGroupInput;
  readonly facts: FanOutFacts;
}

/** The combiner's payload: `{ "action": "combine", "state.$": "$" }`, the Map's results in `partials`. */
export interface CombinePayload {
  readonly action: 'combine';
  readonly state: FanOutState & { readonly partials: readonly PartialScan[] };
}

/** Drill payload 1 (state machine, when done): the whole copy is read; the drill finishes the checks. */
export interface FanOutFinished {
  readonly fanOut: 'finished';
  readonly drillId: string;
  readonly executionArn: string;
  readonly totals: PartialScan;
}

/** Drill payload 2 (state machine, Catch States.ALL on Map or combiner, after retries). */
export interface FanOutFailed {
  readonly fanOut: 'failed';
  readonly drillId: string;
  readonly executionArn: string;
  /** Step Functions' error output (ResultPath $.error). */
  readonly error: { readonly Error?: string; readonly Cause?: string };
}

/**
 * Drill payload 3 (EventBridge rule on the state machine): an execution that ended FAILED,
 * TIMED_OUT or ABORTED. The documented event ("Step Functions Execution Status Change", Step
 * Functions developer guide, "Automating Step Functions event delivery with EventBridge"):
 * detail carries executionArn, stateMachineArn, name, status, startDate, stopDate (epoch ms),
 * input, output (JSON text) and more. Parsed with zod in lambda/triggers.ts.
 */
export interface ExecutionStatusChange {
  readonly source: 'aws.states';
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'SUCCEEDED' | 'RUNNING' | 'PENDING_REDRIVE';
    readonly startDate?: number;
    readonly stopDate?: number | null;
    readonly input?: string;
    readonly output?: string | null;
  };
}

const MAX_NAME = 80;

/**
 * The execution's name for a drill: deterministic, so a retried StartExecution with the same
 * input is idempotent for a STANDARD workflow (Step Functions API reference, StartExecution), and
 * within the name rules (1-80 characters; here only A-Z a-z 0-9 _ -, which CloudWatch also takes).
 * A drill id too long after the prefix keeps its start and a hash of the whole.
 */
export function fanOutExecutionName(drillId: string): string {
  const name = `drill-${drillId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(drillId).digest('hex').slice(0, 16);
  return `${name.slice(0, MAX_NAME - hash.length - 1)}-${hash}`;
}
