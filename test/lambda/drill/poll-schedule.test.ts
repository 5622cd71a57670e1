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

  test('an estimate already passed does not shorten the gap below the schedule', () => {
    expect(nextPollDelayMs({ elapsedMs: 60 * minute, expectedCompletionTimeMinutes: 10 }, DEFAULT_WAIT_TUNING)).toBe(0.08 * 60 * minute);
  });
});
