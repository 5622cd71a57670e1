import type { WaitTuning } from '../config';

/**
 * When to ask DescribeRestoreJob again. AWS gives no restore-time SLA: a small table restores
 * in minutes, a large one in hours. Polling every ~8% of the time already waited keeps the mean
 * detection delay near 4% of the restore time (the gap just before completion is ~8% of it,
 * and completion lands on average half-way through a gap), while the call count grows only
 * with the logarithm of the duration: ~50 calls in the first hour, ~12 an hour after that.
 *
 * AWS's estimate of the end, when there is one, moves the polls: ExpectedCompletionTimeMinutes,
 * else PercentDone (elapsed / share done, once at least 5% is done: below that one poll's
 * rounding swings it). While the end is far, the gap grows to a quarter of the time still
 * expected (an early finish is still seen quickly); when the end is expected before the next
 * scheduled poll, the poll goes there instead of past it, but never sooner than half the
 * scheduled gap: a PercentDone stuck at 99% keeps "expecting" the end moments away, and must
 * not turn the backoff into a tight loop. Once an ExpectedCompletionTimeMinutes has passed, the
 * growth schedule alone decides. `npm run bench:polling` measures these cases.
 */
export const POLL_GROWTH = 0.08;
const ESTIMATE_SHARE = 0.25;
const MIN_PERCENT_FOR_ESTIMATE = 5;

export interface PollState {
  /** Milliseconds since the restore job started. */
  readonly elapsedMs: number;
  /** AWS's estimate of the whole restore, when it gives one. */
  readonly expectedCompletionTimeMinutes?: number;
  /** AWS's PercentDone (0-100), when it gives one. */
  readonly percentDone?: number;
}

export function nextPollDelayMs(state: PollState, tuning: WaitTuning): number {
  const minMs = tuning.minPollSeconds * 1000;
  const maxMs = tuning.maxPollSeconds * 1000;
  const growth = Math.min(maxMs, Math.max(minMs, state.elapsedMs * POLL_GROWTH));
  const expectedTotalMs = expectedTotalMsOf(state);
  const expectedRemainingMs = expectedTotalMs === undefined ? 0 : expectedTotalMs - state.elapsedMs;
  let delay = growth;
  if (expectedRemainingMs * ESTIMATE_SHARE > growth) delay = Math.min(maxMs, expectedRemainingMs * ESTIMATE_SHARE);
  else if (expectedRemainingMs > 0 && expectedRemainingMs < growth) delay = Math.max(minMs, growth / 2, expectedRemainingMs);
  return Math.round(delay);
}

function expectedTotalMsOf(state: PollState): number | undefined {
  if (state.expectedCompletionTimeMinutes && state.expectedCompletionTimeMinutes > 0) return state.expectedCompletionTimeMinutes * 60_000;
  const percent = state.percentDone;
  if (percent !== undefined && percent >= MIN_PERCENT_FOR_ESTIMATE && percent < 100 && state.elapsedMs > 0) {
    return state.elapsedMs / (percent / 100);
  }
  return undefined;
}
