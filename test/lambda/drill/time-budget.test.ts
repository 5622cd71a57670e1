import { TimeBudget } from '../../../lambda/drill/time-budget';
import { FakeClock } from '../support/fake-clock';

/** An invocation with `remainingMs` left and a reserve of `reserveMs`, on a clock that reads 1 000 000. */
function budget(remainingMs: number, reserveMs = 60_000) {
  const clock = new FakeClock(1_000_000);
  return { clock, time: TimeBudget.of(clock, remainingMs, reserveMs) };
}

describe('TimeBudget: what an invocation may spend of its time', () => {
  test('the time left counts down on the engine clock from what Lambda said was left', () => {
    const { clock, time } = budget(300_000);
    expect(time.remainingMs()).toBe(300_000);
    clock.advance(120_000);
    expect(time.remainingMs()).toBe(180_000);
    expect(time.reserveMs).toBe(60_000);
  });

  test('the checks may spend what is left above the reserve, and may run out', () => {
    const { clock, time } = budget(300_000);
    expect(time.checkTimeMs()).toBe(240_000);
    clock.advance(250_000);
    expect(time.checkTimeMs()).toBe(-10_000);
  });

  test('a pause is allowed when it leaves the whole reserve: exactly to it, not a millisecond into it', () => {
    const { time } = budget(300_000);
    expect(time.canPause(239_999)).toBe(true);
    expect(time.canPause(240_000)).toBe(true);
    expect(time.canPause(240_001)).toBe(false);
  });

  test('a restore that has just ended is checked here only with twice the reserve left', () => {
    expect(budget(120_001).time.canCheckNow()).toBe(true);
    expect(budget(120_000).time.canCheckNow()).toBe(true);
    expect(budget(119_999).time.canCheckNow()).toBe(false);
  });

  test('the wait for an ACTIVE copy keeps half the reserve, never more than asked, never negative', () => {
    expect(budget(300_000).time.tableWaitMs(600_000)).toBe(270_000);
    expect(budget(300_000).time.tableWaitMs(100_000)).toBe(100_000);
    expect(budget(20_000).time.tableWaitMs(100_000)).toBe(0);
  });

  test('the cleanup waits keep the last ten seconds, never more than asked, never negative', () => {
    expect(budget(40_000).time.cleanupWaitMs(60_000)).toBe(30_000);
    expect(budget(400_000).time.cleanupWaitMs(60_000)).toBe(60_000);
    expect(budget(5_000).time.cleanupWaitMs(60_000)).toBe(0);
  });

  test('a lease lasts to the deadline and ten seconds more, and never starts in the past', () => {
    const { clock, time } = budget(300_000);
    expect(time.leaseMs()).toBe(310_000);
    clock.advance(400_000);
    expect(time.leaseMs()).toBe(10_000);
  });
});
