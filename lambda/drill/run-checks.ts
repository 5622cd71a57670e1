import { type CheckContext, type CheckDefinition, type CheckRun, observesItems } from '../checks/check';
import type { CheckResult } from '../domain/check-result';
import { step } from '../errors/drill-step';
import { explainError } from '../report/failure-advice';
import { itemObserver } from './item-observers';

/**
 * Runs the checks of one drill: those that need only the recovery point always; those that need
 * the restored copy only when "restored" passed. Item-observing checks share one parallel scan
 * of the restored copy, so a table is read once however many checks look at its items. A check
 * that throws becomes a FAIL naming the error; it never stops the other checks or the cleanup.
 *
 * The scan stops when `context.hasTime()` says the invocation must keep its time for cleanup and
 * the report: a table too large for one invocation fails the checks it could not finish, saying
 * so, instead of a timed-out drill whose copy outlives it. A drill never passes unchecked.
 */
export interface CheckRunSummary {
  readonly results: CheckResult[];
  /** The shared scan of the restored copy, when one ran: items seen and read capacity consumed. */
  readonly restoredScan?: { readonly items: number; readonly readUnits: number };
}

/** How observing runs see the restored items; says which of them have no verdict (undefined: evaluated). */
export type ObserveItems = (
  observers: readonly (readonly [CheckDefinition, CheckRun])[],
  context: CheckContext,
) => Promise<{
  readonly restoredScan?: CheckRunSummary['restoredScan'];
  readonly unobserved: (definition: CheckDefinition) => CheckResult | undefined;
}>;

/** A check that could not run, naming the error. */
export const failedCheck = (name: string, error: unknown): CheckResult => ({
  check: name,
  status: 'FAIL',
  summary: `the check could not run: ${explainError(name, error)}`,
  nextStep: 'see the drill Lambda logs for this drill id',
});

/** The single-invocation path: one shared parallel scan of the copy feeds every observing run. */
export const sharedScan: ObserveItems = async (observers, context) => {
  try {
    const scan = await step('Scan', () =>
      context.dynamodb.scanScannedItems(
        context.restoredTableName,
        { segments: context.targets.scanSegments, onPage: () => context.hasTime() },
        itemObserver(
          observers.map(([, run]) => run),
          context.isScannedDrillItem,
        ),
      ),
    );
    const restoredScan = { items: scan.count, readUnits: scan.consumedUnits };
    if (!scan.stoppedEarly) return { restoredScan, unobserved: () => undefined };
    return {
      restoredScan,
      unobserved: (definition) => ({
        check: definition.name,
        status: 'FAIL',
        summary: `not evaluated: the scan of the restored copy stopped after ${scan.count} items to leave time for cleanup and the report`,
        nextStep: 'the table is too large to check in one invocation: raise scanSegments or the drill Lambda memory',
        numbers: { scannedItems: scan.count },
      }),
    };
  } catch (error) {
    return { unobserved: (definition) => failedCheck(definition.name, error) };
  }
};

export async function runChecks(
  definitions: readonly CheckDefinition[],
  context: CheckContext,
  observe: ObserveItems = sharedScan,
): Promise<CheckRunSummary> {
  const results: CheckResult[] = [];
  const begin = (definition: CheckDefinition): [CheckDefinition, CheckRun | undefined] => {
    try {
      return [definition, definition.begin(context)];
    } catch (error) {
      return [definition, { result: async () => failedCheck(definition.name, error) }];
    }
  };
  const finish = async ([definition, run]: [CheckDefinition, CheckRun]) => {
    try {
      return await run.result();
    } catch (error) {
      return failedCheck(definition.name, error);
    }
  };

  const early = definitions.filter((d) => d.needs === 'recovery-point').map(begin);
  for (const [definition, run] of early) if (run) results.push(await finish([definition, run]));

  const restored = results.find((r) => r.check === 'restored');
  if (restored?.status !== 'PASS' || !context.restored) return { results };

  const runs = definitions
    .filter((d) => d.needs === 'restored-table')
    .map(begin)
    .filter((entry): entry is [CheckDefinition, CheckRun] => entry[1] !== undefined);
  const observers = runs.filter(([, run]) => observesItems(run));
  const observed = observers.length > 0 ? await observe(observers, context) : { unobserved: () => undefined };
  const observing = new Set(observers.map(([definition]) => definition));
  for (const entry of runs) {
    const unobserved = observing.has(entry[0]) ? observed.unobserved(entry[0]) : undefined;
    results.push(unobserved ?? (await finish(entry)));
  }
  return { results, restoredScan: observed.restoredScan };
}
