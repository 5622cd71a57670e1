import type { CheckContext, CheckDefinition, CheckRun } from '../../../lambda/checks/check';
import type { CheckResult } from '../../../lambda/domain/check-result';
import { itemObserver } from '../../../lambda/drill/item-observers';
import type { Json } from '../../../lambda/fanout/contract';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { ObjectItem } from '../../../lambda/ports/scan-wire';
import type { CheckWorld } from './check-context';

/**
 * Check runs split as fan-out workers run them: each worker's run observes its share of the
 * restored items through the engine's own dispatch (item-observers), and its partial() travels to
 * the run that absorbs it as JSON text, as it does through a Step Functions state.
 */

/** A run of `definition` begun on `context` that has observed `share`, as one worker's run. */
export function runOverShare(definition: CheckDefinition, context: CheckContext, share: readonly Item[]): CheckRun {
  const run = definition.begin(context) as CheckRun;
  const observe = itemObserver([run], context.isScannedDrillItem);
  for (const found of share) observe(new ObjectItem(found));
  return run;
}

/** A run's partial as it travels between workers: through JSON text. */
export const partialViaJson = (run: CheckRun): Json => JSON.parse(JSON.stringify(run.partial?.()));

/** The result of one run per share, the first share's run absorbing the others' partials in order. */
export async function splitSharesResult(definition: CheckDefinition, world: CheckWorld, shares: readonly Item[][]): Promise<CheckResult> {
  const [final, ...others] = shares.map((share) => runOverShare(definition, world.context, share));
  for (const other of others) final.absorb?.(partialViaJson(other));
  return final.result();
}
