/**
 * Read capacity the checks may take from one source table in one drill. A daily drill must
 * never be the reason a production table throttles, so every source read is charged here and
 * checks degrade (estimate, sample less, WARN) instead of overspending.
 */
export class ReadBudget {
  private consumed = 0;

  constructor(readonly limitUnits: number) {}

  get consumedUnits(): number {
    return this.consumed;
  }

  get remainingUnits(): number {
    return Math.max(0, this.limitUnits - this.consumed);
  }

  /** An empty budget affords nothing, not even a read estimated at zero units. */
  canAfford(units: number): boolean {
    return this.remainingUnits > 0 && units <= this.remainingUnits;
  }

  /** Records what a read consumed; returns false once the budget is spent. */
  charge(units: number): boolean {
    this.consumed += units;
    return this.consumed < this.limitUnits;
  }
}

/** Read units an eventually consistent Scan of `bytes` costs: 0.5 unit per 4 KB. */
export function estimatedScanUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096)) / 2;
}
