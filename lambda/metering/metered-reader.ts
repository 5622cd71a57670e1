import type { Clock } from '../ports/clock';
import type { DynamoDbReader, Item, ScannedItem, ScanOptions, ScanSummary } from '../ports/dynamodb-port';
import { ReadBudget } from './read-budget';

/**
 * What every check reads DynamoDB through, built-in or custom. Reads of the source table are
 * charged to the drill's read budget and paced, whatever the check does, so no check can scan a
 * production table without limit; reads of the restored copy are not charged (it is the drill's
 * own table). A source scan stops early when the budget or the time runs out and says which
 * (`stoppedBy`); a BatchGetItem or GetItem that the budget or the time cannot cover throws a
 * {@link SourceReadStopped} with the reason, which a custom check's FAIL names. Checks never see
 * the budget: they ask `shortfall` before a read too large to start blindly.
 */

/** Why a source read stopped: the read budget is spent, or the invocation's time is up. */
export type SourceReadStop = 'budget' | 'time';

export interface MeteredScanSummary extends ScanSummary {
  /** Why the meter stopped a source scan before the end of the table. */
  readonly stoppedBy?: SourceReadStop;
}

/** Why a source read of some size would not finish: beyond the budget left, or, at the pace, longer than the time left. */
export type SourceReadShortfall =
  | { readonly reason: 'budget'; readonly remainingUnits: number }
  | { readonly reason: 'pace'; readonly unitsPerSecond: number; readonly seconds: number };

export interface MeteredReader extends DynamoDbReader {
  scanItems(tableName: string, options: ScanOptions, onItem: (item: Item) => void): Promise<MeteredScanSummary>;
  scanScannedItems(tableName: string, options: ScanOptions, onItem: (item: ScannedItem) => void): Promise<MeteredScanSummary>;
  countItems(tableName: string, options: ScanOptions): Promise<MeteredScanSummary>;
  /** Undefined when a source read of about `units` fits the budget and, at the pace, the time left; else why not. */
  shortfall(units: number): SourceReadShortfall | undefined;
}

/** A source read the meter would not let through. */
export class SourceReadStopped extends Error {
  constructor(
    readonly reason: SourceReadStop,
    message: string,
  ) {
    super(message);
  }
}

export class SourceReadBudgetSpent extends SourceReadStopped {
  override readonly name = 'SourceReadBudgetSpent';
  constructor(tableName: string, limitUnits: number) {
    super('budget', `the read budget of ${limitUnits} units for source table ${tableName} is spent (sourceReadBudgetUnits)`);
  }
}

export interface SourceReadMeter {
  readonly dynamodb: DynamoDbReader;
  /** The source table; undefined when it no longer exists (nothing to meter). */
  readonly sourceTableName: string | undefined;
  /** Read units the checks may take from the source in this drill (sourceReadBudgetUnits). */
  readonly budgetUnits: number;
  /** The pace of source reads (sourceReadPace). */
  readonly unitsPerSecond: number;
  readonly clock: Clock;
  /** Milliseconds the checks may still spend before the drill must clean up and report. */
  readonly timeLeftMs: () => number;
}

/** Eventually consistent GetItem of an item up to 4 KB: what a read is charged when DynamoDB does not say. */
const GET_ITEM_UNITS = 0.5;

export function createMeteredReader(meter: SourceReadMeter): MeteredReader {
  const { dynamodb, sourceTableName, unitsPerSecond, clock, timeLeftMs } = meter;
  const budget = new ReadBudget(meter.budgetUnits, { unitsPerSecond, clock, timeLeftMs });
  const hasTime = () => timeLeftMs() > 0;
  const isSource = (tableName: string) => sourceTableName !== undefined && tableName === sourceTableName;

  /** One page of a source scan: charged, then (when more pages follow) the pace kept before the next. */
  const meterPage = async (units: number, more: boolean): Promise<SourceReadStop | undefined> => {
    if (!budget.charge(units)) return 'budget';
    if (more && !(await budget.pace())) return 'time';
    if (!hasTime()) return 'time';
    return undefined;
  };

  const meteredScan = async (options: ScanOptions, scan: (options: ScanOptions) => Promise<ScanSummary>): Promise<MeteredScanSummary> => {
    if (!budget.canAfford(GET_ITEM_UNITS)) return { count: 0, consumedUnits: 0, stoppedEarly: true, stoppedBy: 'budget' };
    let stoppedBy: SourceReadStop | undefined;
    const summary = await scan({
      ...options,
      onPage: async (units, more) => {
        const stop = await meterPage(units, more);
        if (stop !== undefined) {
          stoppedBy ??= stop;
          return false;
        }
        return options.onPage ? options.onPage(units, more) : true;
      },
    });
    return summary.stoppedEarly && stoppedBy !== undefined ? { ...summary, stoppedBy } : summary;
  };

  const beforePointRead = async (tableName: string, units: number) => {
    if (!budget.canAfford(units)) throw new SourceReadBudgetSpent(tableName, budget.limitUnits);
    if (!(await budget.pace())) throw new SourceReadStopped('time', `no time left to read source table ${tableName} at the read pace`);
    if (!hasTime())
      throw new SourceReadStopped('time', `no time left to read source table ${tableName}: the rest is kept for cleanup and the report`);
  };

  return {
    describeTable: (tableName) => dynamodb.describeTable(tableName),
    scanItems: (tableName, options, onItem) =>
      isSource(tableName)
        ? meteredScan(options, (metered) => dynamodb.scanItems(tableName, metered, onItem))
        : dynamodb.scanItems(tableName, options, onItem),
    scanScannedItems: (tableName, options, onItem) =>
      isSource(tableName)
        ? meteredScan(options, (metered) => dynamodb.scanScannedItems(tableName, metered, onItem))
        : dynamodb.scanScannedItems(tableName, options, onItem),
    countItems: (tableName, options) =>
      isSource(tableName)
        ? meteredScan(options, (metered) => dynamodb.countItems(tableName, metered))
        : dynamodb.countItems(tableName, options),
    async batchGetItems(tableName, keys) {
      if (!isSource(tableName)) return dynamodb.batchGetItems(tableName, keys);
      await beforePointRead(tableName, keys.length * GET_ITEM_UNITS);
      const result = await dynamodb.batchGetItems(tableName, keys);
      budget.charge(result.consumedUnits);
      return result;
    },
    async getItem(tableName, key) {
      if (!isSource(tableName)) return dynamodb.getItem(tableName, key);
      await beforePointRead(tableName, GET_ITEM_UNITS);
      const item = await dynamodb.getItem(tableName, key);
      budget.charge(GET_ITEM_UNITS);
      return item;
    },
    shortfall(units) {
      if (!budget.canAfford(units)) return { reason: 'budget', remainingUnits: budget.remainingUnits };
      if (budget.wouldOutlast(units)) return { reason: 'pace', unitsPerSecond, seconds: budget.secondsFor(units) };
      return undefined;
    },
  };
}
