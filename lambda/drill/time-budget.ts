import type { Clock } from '../ports/clock';

/**
 * A lease outlives its invocation by this much: enough for clocks to disagree, short enough
 * that Lambda's first retry of a timed-out invocation (about a minute later) can take over.
 */
const LEASE_MARGIN_MS = 10_000;

/** The last seconds of an invocation, which no courtesy wait of the cleanup may eat. */
const LAST_SECONDS_MS = 10_000;

/**
 * The invocation's time, and what each step may spend of it. One reserve (the wait tuning's
 * invocationReserveSeconds) is kept for cleanup, the report and handing a drill over: the checks
 * stop where it begins, no pause runs into it, and a restore that has just ended is checked here
 * only with twice of it left.
 */
export class TimeBudget {
  private constructor(
    private readonly clock: Clock,
    private readonly endsAt: number,
    readonly reserveMs: number,
  ) {}

  /** From what Lambda says is left of the invocation, measured on the engine's clock. */
  static of(clock: Clock, remainingMs: number, reserveMs: number): TimeBudget {
    return new TimeBudget(clock, clock.now() + remainingMs, reserveMs);
  }

  /** Milliseconds to the invocation's deadline. */
  remainingMs(): number {
    return this.endsAt - this.clock.now();
  }

  /** Milliseconds the checks may still spend before the drill must clean up and report. */
  checkTimeMs(): number {
    return this.remainingMs() - this.reserveMs;
  }

  /** True when a pause of `ms` still leaves the reserve; otherwise the drill hands over instead of sleeping. */
  canPause(ms: number): boolean {
    return this.checkTimeMs() - ms >= 0;
  }

  /**
   * True when a restore that has just ended can be checked here: twice the reserve is left.
   * Otherwise its own state-change event starts an invocation with a whole timeout ahead.
   */
  canCheckNow(): boolean {
    return this.remainingMs() - 2 * this.reserveMs >= 0;
  }

  /** How long the restored copy may take to become ACTIVE before the checks: at most `maxMs`, keeping half the reserve. */
  tableWaitMs(maxMs: number): number {
    return Math.min(maxMs, Math.max(0, this.remainingMs() - this.reserveMs / 2));
  }

  /** How long the cleanup may wait on the copy (to become deletable, or gone): at most `maxMs`, keeping the last seconds. */
  cleanupWaitMs(maxMs: number): number {
    return Math.min(maxMs, Math.max(0, this.remainingMs() - LAST_SECONDS_MS));
  }

  /** How long a drill's lease lasts: to the deadline, and a margin for clocks that disagree. */
  leaseMs(): number {
    return Math.max(0, this.remainingMs()) + LEASE_MARGIN_MS;
  }
}
