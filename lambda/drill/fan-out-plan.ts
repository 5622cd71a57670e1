import { type CheckDefinition, type CheckRun, splittable } from '../checks/check';
import type { FanOutConfig } from '../config';
import type { CheckResult } from '../domain/check-result';
import type { FanOutRecord } from '../domain/drill-record';
import type { FanOutFacts, FanOutState, PartialScan } from '../fanout/contract';
import { EMPTY_PARTIAL, firstRound } from '../fanout/scan-worker';
import type { TableShape } from '../ports/dynamodb-port';
import { formatCount } from '../report/format';
import type { ObserveItems } from './run-checks';

/**
 * The drill's switch to fan-out and what it hands over (lambda/fanout/contract.ts).
 *
 * The switch: the copy's size in 1 KB items (its item count, or its size / 1 KB if more; the
 * larger of the source's and the copy's, DynamoDB's ~6-hourly estimates) at scanItemsPerSecond
 * - the measured rate of one invocation with every check on board - against half the time the
 * checks have left (the other half stays for the source reads of the count and the sample).
 *
 * Workers at once: fanOutMaxWorkers, held to what the copy serves: its read capacity (an
 * on-demand restored copy: ~12,000 read units/s at first) at 8 eventually consistent 1 KB items
 * per read unit, over the rate per worker.
 */

/** A new on-demand table's initial read throughput (DynamoDB developer guide, "Initial throughput for on-demand capacity mode"). */
export const ON_DEMAND_INITIAL_READ_UNITS = 12_000;
/** One read unit: two eventually consistent reads of up to 4 KB a second, i.e. 8 KB: eight 1 KB items. */
const ITEMS_PER_READ_UNIT = 8;
/** What all partials of a round may take of a state (Step Functions' 256 KiB limit, less the facts and totals). */
export const PARTIALS_BUDGET_BYTES = 160_000;
/** How long past the state machine's timeout the sweep waits for the execution's own word. */
export const DEADLINE_MARGIN_MS = 60 * 60_000;

export interface FanOutPlan {
  readonly estimatedItems: number;
  readonly workers: number;
  readonly segmentsPerWorker: number;
  readonly partialBytes: number;
}

export function fanOutPlan(
  fanOut: FanOutConfig | undefined,
  tables: { readonly source?: TableShape; readonly restored?: TableShape },
  checkTimeMs: number,
): FanOutPlan | undefined {
  if (!fanOut || !tables.restored) return undefined;
  const shapes = [tables.source, tables.restored].filter((shape): shape is TableShape => shape !== undefined);
  const estimatedItems = Math.max(0, ...shapes.map((shape) => Math.max(shape.itemCount ?? 0, Math.ceil((shape.sizeBytes ?? 0) / 1024))));
  if (estimatedItems / fanOut.itemsPerSecond <= checkTimeMs / 1000 / 2) return undefined;
  const readItemsPerSecond = (tables.restored.readCapacityUnits ?? ON_DEMAND_INITIAL_READ_UNITS) * ITEMS_PER_READ_UNIT;
  const workers = Math.max(1, Math.min(fanOut.maxWorkers, Math.floor(readItemsPerSecond / fanOut.itemsPerSecond)));
  return {
    estimatedItems,
    workers,
    segmentsPerWorker: fanOut.segmentsPerWorker,
    partialBytes: Math.floor(PARTIALS_BUDGET_BYTES / (workers + 1)),
  };
}

/** The execution's input: the first round, every segment from its start. */
export function firstState(drillId: string, facts: FanOutFacts, plan: FanOutPlan, pageItemLimit = 0): FanOutState {
  const round = firstRound(
    facts.restoredTableName,
    plan.workers * plan.segmentsPerWorker,
    plan.segmentsPerWorker,
    plan.workers,
    pageItemLimit,
  );
  return {
    drillId,
    facts,
    tableName: round.tableName,
    groups: round.groups,
    segmentsPerWorker: round.segmentsPerWorker,
    maxConcurrency: round.maxConcurrency,
    pageItemLimit: round.pageItemLimit,
    totals: { ...EMPTY_PARTIAL, observers: {} },
    done: false,
  };
}

/** The record of the hand-off. */
export function fanOutRecord(args: {
  readonly executionArn: string;
  readonly startedAt: string;
  readonly plan: FanOutPlan;
  readonly facts: FanOutFacts;
  readonly fanOut: FanOutConfig;
}): FanOutRecord {
  const { plan, fanOut } = args;
  return {
    executionArn: args.executionArn,
    startedAt: args.startedAt,
    workers: plan.workers,
    segments: plan.workers * plan.segmentsPerWorker,
    estimatedItems: plan.estimatedItems,
    itemsPerSecond: fanOut.itemsPerSecond,
    deadline: new Date(Date.parse(args.startedAt) + fanOut.timeoutHours * 3_600_000 + DEADLINE_MARGIN_MS).toISOString(),
    facts: args.facts,
  };
}

/** The observing checks take the workers' merged partials instead of a scan of their own. */
export function absorbTotals(totals: PartialScan, executionArn: string): ObserveItems {
  return async (observers) => {
    const runs = new Map<CheckDefinition, CheckRun>(observers.map(([definition, run]) => [definition, run]));
    for (const [definition, run] of observers) {
      const partial = totals.observers[definition.name];
      if (splittable(run) && partial !== undefined && partial !== null) run.absorb?.(partial);
    }
    return {
      restoredScan: { items: totals.items, readUnits: totals.readUnits },
      unobserved: (definition) => {
        const run = runs.get(definition);
        if (run && !splittable(run)) return cannotCombine(definition.name);
        const partial = totals.observers[definition.name];
        return partial === undefined || partial === null
          ? notEvaluated(definition.name, `the fan-out execution ${executionArn} returned no partial result for it`, totals.items)
          : undefined;
      },
    };
  };
}

/** The observing checks have no verdict: the execution failed, timed out, was aborted or never reported back. */
export function withoutScan(why: string): ObserveItems {
  return async () => ({ unobserved: (definition) => notEvaluated(definition.name, why) });
}

function notEvaluated(check: string, why: string, items?: number): CheckResult {
  return {
    check,
    status: 'FAIL',
    summary: `not evaluated: ${why}`,
    nextStep:
      'the copy was scanned by Step Functions: see the execution in the Step Functions console and the fan-out Lambda logs for this drill id',
    ...(items !== undefined ? { numbers: { scannedItems: items } } : {}),
  };
}

function cannotCombine(check: string): CheckResult {
  return {
    check,
    status: 'FAIL',
    summary: `not evaluated: the copy was too large for one invocation (scanned by fan-out workers), and this check observes items but cannot combine partial results (it has no partial() and absorb())`,
    nextStep: 'give the custom check partial() and absorb() (README "Custom checks"), or build it with itemRuleCheck, which has both',
  };
}

export const describePlan = (plan: FanOutPlan) =>
  `~${formatCount(plan.estimatedItems)} items, ${plan.workers} workers at once, ${plan.workers * plan.segmentsPerWorker} segments`;
