import { type CheckDefinition, type CheckRun, observesItems, splittable } from '../checks/check';
import { checkContext, checksFor } from '../drill/check-copy';
import type { Engine } from '../drill/engine';
import { itemObserver } from '../drill/item-observers';
import { TimeBudget } from '../drill/time-budget';
import type { CombinePayload, FanOutFacts, FanOutState, Json, PartialScan, ScanPayload } from './contract';
import { copyFactsOf } from './facts';
import { combine, scanGroup } from './scan-worker';

/**
 * The fan-out Lambda's two steps with the checks on board: a worker scans its group of segments
 * of the copy, feeding each item to the table's observing checks begun from the drill's facts,
 * and returns their partial results with the digest and counts; the combiner merges partials by
 * the same checks' `absorb`, so the drill finishes them as if it had scanned the copy itself.
 */

/** A check that observes items but cannot be split is left out here; the drill FAILs it as not evaluated. */
export function splitRuns(engine: Engine, facts: FanOutFacts, remainingMs: number, reserveMs: number) {
  const copy = copyFactsOf(engine.config, facts);
  const time = TimeBudget.of(engine.clock, remainingMs, reserveMs);
  const context = { ...checkContext(engine, time, copy), partialBytes: facts.partialBytes };
  const runs: [CheckDefinition, CheckRun][] = [];
  for (const definition of checksFor(engine, copy.table)) {
    if (definition.needs !== 'restored-table') continue;
    let run: CheckRun | undefined;
    try {
      run = definition.begin(context);
    } catch {
      // Left out: the drill's own begin fails the same way, and runChecks reports it as the check's FAIL.
      continue;
    }
    if (run && observesItems(run) && splittable(run)) runs.push([definition, run]);
  }
  return { context, runs };
}

const partialsOf = (runs: readonly [CheckDefinition, CheckRun][]): Record<string, Json> =>
  Object.fromEntries(runs.map(([definition, run]) => [definition.name, run.partial?.() ?? null]));

export async function scanShare(
  engine: Engine,
  payload: ScanPayload,
  hasTime: () => boolean,
  remainingMs: number,
  reserveMs: number,
): Promise<PartialScan> {
  const { context, runs } = splitRuns(engine, payload.facts, remainingMs, reserveMs);
  const observe = itemObserver(
    runs.map(([, run]) => run),
    context.isScannedDrillItem,
  );
  const scanned = await scanGroup(payload.group, engine.dynamodb, hasTime, observe);
  return { ...scanned, observers: partialsOf(runs) };
}

export function combineState(engine: Engine, payload: CombinePayload, remainingMs: number, reserveMs: number): FanOutState {
  const { partials, ...state } = payload.state;
  const digests = combine({ ...state, partials });
  const { runs } = splitRuns(engine, state.facts, remainingMs, reserveMs);
  for (const observers of [state.totals.observers, ...partials.map((p) => p.observers)]) {
    for (const [definition, run] of runs) {
      const partial = observers[definition.name];
      if (partial !== undefined && partial !== null) run.absorb?.(partial);
    }
  }
  return {
    ...state,
    groups: digests.groups,
    totals: { ...digests.totals, observers: partialsOf(runs) },
    done: digests.done,
  };
}
