import type { Context } from 'aws-lambda';
import { CUSTOM_CHECKS } from '../checks/custom';
import { checksByName, checksOfModule } from '../checks/custom/module-checks';
import type { Engine } from '../drill/engine';
import { createEngine } from '../handler';
import type { CombinePayload, FanOutState, PartialScan, ScanPayload } from './contract';
import { combineState, scanShare } from './worker';

/**
 * The fan-out Lambda (worker and combiner, contract.ts): `scan` one group of segments of the
 * restored copy with the table's observing checks on board, or `combine` a round's partial
 * results. It reads the drill's configuration (the same environment) to begin the same checks,
 * custom ones included. A worker stops reading when less than RESERVE_MS of its invocation is
 * left and hands its positions back for the next round.
 */
export const RESERVE_MS = 60_000;

export type FanOutPayload = ScanPayload | CombinePayload;

export function handleFanOut(
  engine: Engine,
  event: FanOutPayload,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<PartialScan> | FanOutState {
  const remaining = context.getRemainingTimeInMillis();
  if (event.action === 'scan') {
    return scanShare(engine, event, () => context.getRemainingTimeInMillis() > RESERVE_MS, remaining, RESERVE_MS);
  }
  if (event.action === 'combine') return combineState(engine, event, remaining, RESERVE_MS);
  throw new Error(`fan-out Lambda: unknown action ${JSON.stringify((event as { action?: unknown }).action)}`);
}

let engine: Engine | undefined;

export async function handler(event: FanOutPayload, context: Context) {
  engine ??= createEngine();
  return handleFanOut(engine, event, context);
}

/** The fan-out Lambda with the custom checks of the user's modules, as the drill's handlerWithChecks. */
export function handlerWithChecks(modules: readonly Record<string, unknown>[]) {
  const customChecks = checksByName(
    CUSTOM_CHECKS,
    modules.flatMap((exports) => checksOfModule(exports)),
  );
  let withChecks: Engine | undefined;
  return async (event: FanOutPayload, context: Context) => {
    withChecks ??= createEngine({ customChecks });
    return handleFanOut(withChecks, event, context);
  };
}
