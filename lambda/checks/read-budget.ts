import type { Clock } from '../ports/clock';

/**
 * Read capacity the checks may take from one source table in one drill. A daily drill must
 * never be the reason a production table throttles, so every source read is charged here:
 * checks degrade (estimate, sample less, WARN) instead of overspending the total, and
 * {@link ReadBudget.pace} spreads the reads so they never run faster than the rate.
 */
export class ReadBudget {
  private consumed = 0;
  private firstChargeAt: number | undefined;

  /**
   * @param limitUnits read units the checks may consume in total
   * @param rate read units per second the checks may consume at most, and the clock to wait on
   */
  constructor(
    readonly limitUnits: number,
    private readonly rate?: { readonly unitsPerSecond: number; readonly clock: Clock },
  ) {}

  get consumedUnits(): number {
    return this.consumed;
  }

  get remainingUnits(): number {
    return Math.max(0, this.limitUnits - this.consumed);
  }

  /** The pace source reads keep to (undefined: not paced). */
  get unitsPerSecond(): number | undefined {
    return this.rate?.unitsPerSecond;
  }

  /** An empty budget affords nothing, not even a read estimated at zero units. */
  canAfford(units: number): boolean {
    return this.remainingUnits > 0 && units <= this.remainingUnits;
  }

  /** Records what a read consumed; returns false once the budget is spent. */
  charge(units: number): boolean {
    if (this.firstChargeAt === undefined && this.rate) this.firstChargeAt = this.rate.clock.now();
    this.consumed += units;
    return this.consumed < this.limitUnits;
  }

  /**
   * Waits until the units charged so far fit the rate: `consumed / unitsPerSecond` seconds after
   * the first read. Call it after each charged read, before the next one. A token bucket with an
   * empty start: the first page is never delayed, bursts never exceed one read's units.
   */
  async pace(): Promise<void> {
    if (!this.rate || this.firstChargeAt === undefined) return;
    const allowedAt = this.firstChargeAt + (this.consumed / this.rate.unitsPerSecond) * 1000;
    const wait = allowedAt - this.rate.clock.now();
    if (wait > 0) await this.rate.clock.sleep(wait);
  }
}

/** Read units an eventually consistent Scan of `bytes` costs: 0.5 unit per 4 KB. */
export function estimatedScanUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096)) / 2;
}

/**
 * The pace for one source table: the configured rate, and for a table with provisioned read
 * capacity at most a quarter of it, so production keeps three quarters even at the drill's peak.
 */
export function sourceReadPace(configuredUnitsPerSecond: number, provisionedReadUnits: number | undefined): number {
  if (provisionedReadUnits === undefined || provisionedReadUnits <= 0) return configuredUnitsPerSecond;
  return Math.min(configuredUnitsPerSecond, provisionedReadUnits / 4);
}
