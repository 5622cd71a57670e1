import type { CheckDefinition, CheckRun } from '../../../lambda/checks/check';
import type { CheckResult } from '../../../lambda/domain/check-result';
import { itemObserver } from '../../../lambda/drill/item-observers';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import { ObjectItem } from '../../../lambda/ports/scan-wire';
import type { CheckWorld } from './check-context';

/**
 * One check run split as fan-out workers run it, in shares a test chooses (split-runs.test.ts
 * draws them at random): one run per share of the restored items, fed through the engine's own
 * dispatch, each run's partial() carried as JSON and absorbed, in order, by the first share's run.
 */
export async function splitSharesResult(definition: CheckDefinition, world: CheckWorld, shares: readonly Item[][]): Promise<CheckResult> {
  const { context } = world;
  const runs = shares.map((share) => {
    const run = definition.begin(context) as CheckRun;
    const observe = itemObserver([run], context.isScannedDrillItem);
    for (const found of share) observe(new ObjectItem(found));
    return run;
  });
  const [final, ...others] = runs;
  for (const other of others) final.absorb?.(JSON.parse(JSON.stringify(other.partial?.())));
  return final.result();
}
