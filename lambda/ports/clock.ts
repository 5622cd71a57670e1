/**
 * Time, as the engine sees it. Production uses the wall clock; tests use a virtual clock so a
 * six-hour restore is simulated in milliseconds without touching the flow.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** The end of the current invocation, measured on the engine's clock. */
export class Deadline {
  constructor(
    private readonly clock: Clock,
    private readonly endsAt: number,
  ) {}

  static fromRemaining(clock: Clock, remainingMs: number): Deadline {
    return new Deadline(clock, clock.now() + remainingMs);
  }

  remainingMs(): number {
    return this.endsAt - this.clock.now();
  }
}
