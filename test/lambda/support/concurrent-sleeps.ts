import type { FakeClock } from './fake-clock';

/**
 * Makes the clock's sleeps run side by side, as real timers do: ten drills that each sleep 15 s
 * at once take 15 s of virtual time, not 150 s (FakeClock moves the clock by each sleep in turn,
 * which is right for one drill and too slow for many). Sleepers wait in a queue; once everything
 * runnable has run (setImmediate), the one due first wakes at its own time, then the next. The
 * flow's fakes answer in microtasks, so nothing else is pending when a sleeper is woken.
 */
export function runSleepsConcurrently(clock: FakeClock): void {
  const sleepers: { readonly wakeAt: number; readonly order: number; readonly wake: () => void }[] = [];
  let scheduled = false;
  let order = 0;

  const wakeNext = () => {
    scheduled = false;
    sleepers.sort((a, b) => a.wakeAt - b.wakeAt || a.order - b.order);
    const next = sleepers.shift();
    if (!next) return;
    clock.advance(Math.max(0, next.wakeAt - clock.now()));
    next.wake();
    schedule();
  };
  const schedule = () => {
    if (scheduled || sleepers.length === 0) return;
    scheduled = true;
    setImmediate(wakeNext);
  };

  clock.sleep = (ms: number) => {
    clock.sleeps.push(ms);
    return new Promise<void>((wake) => {
      sleepers.push({ wakeAt: clock.now() + Math.max(0, ms), order: order++, wake });
      schedule();
    });
  };
}
