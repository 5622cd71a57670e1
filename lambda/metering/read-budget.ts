import type { Clock } from '../ports/clock';

/** The pace of source reads, the clock to wait on, and how long the invocation may still wait. */
export interface ReadPace {
  readonly unitsPerSecond: number;
  readonly clock: Clock;
  /** Milliseconds the checks may still spend before the drill must clean up and report. */
  readonly timeLeftMs: () => number;
}

/**
 * Read capacity the checks may take from one source table in one drill. A daily drill must
 * never be the reason a production table throttles, so every source read is charged here:
 * checks degrade (estimate, sample less, WARN) instead of overspending the total, and
 * {@link ReadBudget.pace} spaces the reads so that on average they do not run faster than the
 * rate. One read is never split: a 1 MB Scan page is up to 128 units at once, a burst that
 * DynamoDB's burst capacity (unused capacity of the last five minutes) normally absorbs.
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
    private readonly rate?: ReadPace,
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
   * Call before each read after the first: waits until the units charged so far fit the rate,
   * `consumed / unitsPerSecond` seconds after the first read. Returns false, without waiting,
   * when that wait would run into the time the drill keeps for cleanup and the report: the
   * caller stops reading.
   */
  async pace(): Promise<boolean> {
    if (!this.rate || this.firstChargeAt === undefined) return true;
    const allowedAt = this.firstChargeAt + (this.consumed / this.rate.unitsPerSecond) * 1000;
    const wait = allowedAt - this.rate.clock.now();
    if (wait <= 0) return true;
    if (wait > this.rate.timeLeftMs()) return false;
    await this.rate.clock.sleep(wait);
    return true;
  }

  /** True when reading `units` at the pace would take longer than the time left. */
  wouldOutlast(units: number): boolean {
    return this.rate !== undefined && this.secondsFor(units) * 1000 > this.rate.timeLeftMs();
  }

  /** Seconds reading `units` takes at the pace (0 when unpaced). */
  secondsFor(units: number): number {
    return this.rate ? units / this.rate.unitsPerSecond : 0;
  }
}

/** Read units an eventually consistent Scan of `bytes` costs: 0.5 unit per 4 KB. */
export function estimatedScanUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096)) / 2;
}

/**
 * The pace for one source table: the configured rate, and for a table with a read capacity
 * (provisioned read capacity units, or an on-demand table's maximum read request units) at
 * most a quarter of it, so on average production keeps three quarters while the drill reads.
 */
export function sourceReadPace(configuredUnitsPerSecond: number, tableReadUnitsPerSecond: number | undefined): number {
  if (tableReadUnitsPerSecond === undefined || tableReadUnitsPerSecond <= 0) return configuredUnitsPerSecond;
  return Math.min(configuredUnitsPerSecond, tableReadUnitsPerSecond / 4);
}
