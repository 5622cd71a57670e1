/**
 * Time, as the engine sees it. Production uses the wall clock; tests use a virtual clock so a
 * six-hour restore is simulated in milliseconds without touching the flow. What an invocation may
 * spend of it is drill/time-budget.ts.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
