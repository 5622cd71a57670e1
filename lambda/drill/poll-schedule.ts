import type { WaitTuning } from '../config';

/**
 * When to ask DescribeRestoreJob again. AWS gives no restore-time SLA: a small table restores
 * in minutes, a large one in hours. Polling every ~8% of the time already waited keeps the mean
 * detection delay near 4% of the restore time (the gap just before completion is ~8% of it,
 * and completion lands on average half-way through a gap), while the call count grows only
 * with the logarithm of the duration: ~50 calls in the first hour, ~12 an hour after that.
 *
 * When AWS reports ExpectedCompletionTimeMinutes the poll that would land long before that
 * estimate is pushed out, but never past a quarter of the time still expected, so an early
 * finish is still seen quickly.
 */
export const POLL_GROWTH = 0.08;
const ESTIMATE_SHARE = 0.25;

export interface PollState {
  /** Milliseconds since the restore job started. */
  readonly elapsedMs: number;
  /** AWS's estimate of the whole restore, when it gives one. */
  readonly expectedCompletionTimeMinutes?: number;
}

export function nextPollDelayMs(state: PollState, tuning: WaitTuning): number {
  const minMs = tuning.minPollSeconds * 1000;
  const maxMs = tuning.maxPollSeconds * 1000;
  let delay = Math.min(maxMs, Math.max(minMs, state.elapsedMs * POLL_GROWTH));
  if (state.expectedCompletionTimeMinutes && state.expectedCompletionTimeMinutes > 0) {
    const expectedRemainingMs = state.expectedCompletionTimeMinutes * 60_000 - state.elapsedMs;
    delay = Math.min(maxMs, Math.max(delay, expectedRemainingMs * ESTIMATE_SHARE));
  }
  return Math.round(delay);
}
