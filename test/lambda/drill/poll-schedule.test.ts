import { DEFAULT_WAIT_TUNING } from '../../../lambda/config';
import { nextPollDelayMs } from '../../../lambda/drill/poll-schedule';

const minute = 60_000;

describe('nextPollDelayMs', () => {
  test('starts at the minimum gap', () => {
    expect(nextPollDelayMs({ elapsedMs: 0 }, DEFAULT_WAIT_TUNING)).toBe(15_000);
    expect(nextPollDelayMs({ elapsedMs: minute }, DEFAULT_WAIT_TUNING)).toBe(15_000);
  });

  test('grows with the time already waited, up to the maximum gap', () => {
    expect(nextPollDelayMs({ elapsedMs: 60 * minute }, DEFAULT_WAIT_TUNING)).toBe(0.08 * 60 * minute);
    expect(nextPollDelayMs({ elapsedMs: 24 * 60 * minute }, DEFAULT_WAIT_TUNING)).toBe(30 * minute);
  });

  test('an expected completion far away pushes the poll out, but only a quarter of the way', () => {
    expect(nextPollDelayMs({ elapsedMs: 0, expectedCompletionTimeMinutes: 120 }, DEFAULT_WAIT_TUNING)).toBe(30 * minute);
    expect(nextPollDelayMs({ elapsedMs: 100 * minute, expectedCompletionTimeMinutes: 120 }, DEFAULT_WAIT_TUNING)).toBe(8 * minute);
  });

  test('PercentDone gives the estimate when ExpectedCompletionTimeMinutes is absent', () => {
    // 20 minutes for 10%: ~200 minutes in all, 180 still expected; a quarter of that is 45, capped at 30.
    expect(nextPollDelayMs({ elapsedMs: 20 * minute, percentDone: 10 }, DEFAULT_WAIT_TUNING)).toBe(30 * minute);
    // 40 minutes for 80%: 10 still expected; a quarter is 2.5 min, less than the 8% schedule (3.2 min).
    expect(nextPollDelayMs({ elapsedMs: 40 * minute, percentDone: 80 }, DEFAULT_WAIT_TUNING)).toBe(0.08 * 40 * minute);
    // 10 minutes for 25%: 30 still expected -> 7.5 min.
    expect(nextPollDelayMs({ elapsedMs: 10 * minute, percentDone: 25 }, DEFAULT_WAIT_TUNING)).toBe(7.5 * minute);
  });

  test('PercentDone under 5% or at 100% is not used; ExpectedCompletionTimeMinutes wins over it', () => {
    expect(nextPollDelayMs({ elapsedMs: 10 * minute, percentDone: 2 }, DEFAULT_WAIT_TUNING)).toBe(0.08 * 10 * minute);
    expect(nextPollDelayMs({ elapsedMs: 10 * minute, percentDone: 100 }, DEFAULT_WAIT_TUNING)).toBe(0.08 * 10 * minute);
    expect(nextPollDelayMs({ elapsedMs: 10 * minute, percentDone: 25, expectedCompletionTimeMinutes: 14 }, DEFAULT_WAIT_TUNING)).toBe(
      1 * minute,
    );
  });

  test('PercentDone counts from 5% on: at 5% it already sets the estimate', () => {
    // 10 minutes for 5%: ~200 minutes in all, 190 still expected; a quarter of that, capped at 30 min.
    expect(nextPollDelayMs({ elapsedMs: 10 * minute, percentDone: 5 }, DEFAULT_WAIT_TUNING)).toBe(30 * minute);
    expect(nextPollDelayMs({ elapsedMs: 10 * minute, percentDone: 4.9 }, DEFAULT_WAIT_TUNING)).toBe(0.08 * 10 * minute);
  });

  test('an ExpectedCompletionTimeMinutes of zero or less is no estimate: PercentDone decides', () => {
    // 10 minutes for 25%: 30 still expected -> 7.5 min, as without ExpectedCompletionTimeMinutes.
    for (const expectedCompletionTimeMinutes of [0, -1]) {
      expect(nextPollDelayMs({ elapsedMs: 10 * minute, percentDone: 25, expectedCompletionTimeMinutes }, DEFAULT_WAIT_TUNING)).toBe(
        7.5 * minute,
      );
    }
  });

  test('an expected end sooner than the next scheduled poll: poll at the expected end, not past it', () => {
    // 60 min waited (growth gap 4.8 min), 3 min still expected.
    expect(nextPollDelayMs({ elapsedMs: 60 * minute, expectedCompletionTimeMinutes: 63 }, DEFAULT_WAIT_TUNING)).toBe(3 * minute);
    expect(nextPollDelayMs({ elapsedMs: 60 * minute, percentDone: 96 }, DEFAULT_WAIT_TUNING)).toBe(2.5 * minute);
    // Never sooner than half the scheduled gap.
    expect(nextPollDelayMs({ elapsedMs: 60 * minute, expectedCompletionTimeMinutes: 60.1 }, DEFAULT_WAIT_TUNING)).toBe(2.4 * minute);
  });

  test('a PercentDone stuck at 99% does not turn the backoff into a tight loop', () => {
    const count = (percentDone?: number) => {
      let elapsed = 60 * minute;
      let calls = 0;
      while (elapsed < 7 * 60 * minute) {
        elapsed += nextPollDelayMs({ elapsedMs: elapsed, percentDone }, DEFAULT_WAIT_TUNING);
        calls += 1;
      }
      return calls;
    };
    // Six hours stalled: at most twice the calls of the plain schedule.
    expect(count(99)).toBeLessThanOrEqual(2 * count(undefined));
  });

  test('an estimate already passed does not shorten the gap below the schedule', () => {
    expect(nextPollDelayMs({ elapsedMs: 60 * minute, expectedCompletionTimeMinutes: 10 }, DEFAULT_WAIT_TUNING)).toBe(0.08 * 60 * minute);
  });
});
