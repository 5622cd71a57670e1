import { withoutCanaryFilter } from '../drill/canary';
import type { Item } from '../ports/dynamodb-port';
import { formatCount, formatPercent } from '../report/format';
import type { CheckContext, CheckDefinition, CheckResult } from './check';
import { estimatedScanUnits } from './read-budget';
import { allOf, timestampBeforeFilter, timestampOf } from './timestamps';

/**
 * The restored copy holds as many items as the source. Two modes:
 * - exact: the table declares a created-at attribute, so both sides count only items created
 *   before the recovery point, and the counts must be equal;
 * - tolerance: restored vs the whole source, within a percentage (the source kept changing
 *   after the backup).
 * The source is counted with a Select COUNT scan, one segment, charged to the read budget; when
 * the budget cannot cover it, DynamoDB's own item-count estimate stands in, and a difference is
 * a WARN, not a FAIL.
 */
export const itemCountCheck: CheckDefinition = {
  name: 'item count',
  needs: 'restored-table',
  begin: (context) => {
    const createdAt = context.table.createdAtAttribute;
    const before = context.recoveryPoint.creationDate.getTime();
    let restoredTotal = 0;
    let restoredBefore = 0;
    let restoredWithoutTimestamp = 0;
    return {
      observeItem(item: Item) {
        restoredTotal += 1;
        if (!createdAt) return;
        const created = timestampOf(item[createdAt]);
        if (created === undefined) restoredWithoutTimestamp += 1;
        else if (created < before) restoredBefore += 1;
      },
      result: () =>
        createdAt
          ? exactCount(context, createdAt, restoredBefore, restoredWithoutTimestamp)
          : toleranceCount(context, restoredTotal),
    };
  },
};

function sourceMissing(context: CheckContext): CheckResult {
  return {
    check: 'item count',
    status: 'WARN',
    summary: `source table ${context.table.tableName} not found; restored items were not compared`,
    nextStep: 'if the source was deleted on purpose, remove it from the drill settings',
  };
}

async function countSource(context: CheckContext, filter: ReturnType<typeof allOf>) {
  const source = context.source!;
  const estimate = estimatedScanUnits(source.sizeBytes ?? 0);
  if (!context.sourceReads.canAfford(estimate)) return { affordable: false as const, estimate };
  const summary = await context.dynamodb.countItems(source.name, {
    segments: 1,
    filter,
    onPage: (units) => context.sourceReads.charge(units),
  });
  return { affordable: true as const, ...summary };
}

async function exactCount(
  context: CheckContext,
  createdAt: string,
  restored: number,
  restoredWithoutTimestamp: number,
): Promise<CheckResult> {
  if (!context.source) return sourceMissing(context);
  const cutoff = context.recoveryPoint.creationDate;
  const counted = await countSource(context, allOf(timestampBeforeFilter(createdAt, cutoff), withoutCanaryFilter(context.source)));
  if (!counted.affordable || counted.stoppedEarly) {
    return budgetWarning(context, restored, counted.affordable ? counted.consumedUnits : 0, counted.affordable ? undefined : counted.estimate);
  }
  const numbers = {
    mode: 'exact',
    createdBefore: cutoff.toISOString(),
    restoredItems: restored,
    sourceItems: counted.count,
    restoredItemsWithoutTimestamp: restoredWithoutTimestamp,
  };
  const summary = `restored ${formatCount(restored)}, source ${formatCount(counted.count)} items created before the recovery point${
    restoredWithoutTimestamp ? ` (${formatCount(restoredWithoutTimestamp)} without ${createdAt} not counted)` : ''
  }`;
  if (restored === counted.count) {
    return { check: 'item count', status: 'PASS', summary, numbers, sourceReadUnits: counted.consumedUnits };
  }
  return {
    check: 'item count',
    status: 'FAIL',
    summary: `${summary}: ${formatCount(Math.abs(counted.count - restored))} ${restored < counted.count ? 'missing' : 'extra'}`,
    nextStep:
      restored < counted.count
        ? 'the backup lost items (or items were deleted from the source after the recovery point): compare keys with the sample compare check'
        : `the restore holds items the source does not: check whether ${createdAt} is set at creation and never rewritten`,
    numbers,
    sourceReadUnits: counted.consumedUnits,
  };
}

async function toleranceCount(context: CheckContext, restored: number): Promise<CheckResult> {
  if (!context.source) return sourceMissing(context);
  const tolerance = context.table.itemCountTolerancePercent ?? context.targets.itemCountTolerancePercent;
  const counted = await countSource(context, withoutCanaryFilter(context.source));
  const estimated = !counted.affordable || counted.stoppedEarly;
  const sourceCount = estimated ? context.source.itemCount : counted.count;
  if (sourceCount === undefined) return budgetWarning(context, restored, counted.affordable ? counted.consumedUnits : 0);
  const differencePercent = sourceCount === 0 ? (restored === 0 ? 0 : 100) : ((restored - sourceCount) / sourceCount) * 100;
  const numbers = {
    mode: estimated ? 'estimate' : 'tolerance',
    restoredItems: restored,
    sourceItems: sourceCount,
    differencePercent: Number(differencePercent.toFixed(3)),
    tolerancePercent: tolerance,
  };
  const sourceReadUnits = counted.affordable ? counted.consumedUnits : 0;
  const summary = `restored ${formatCount(restored)}, source ${estimated ? '~' : ''}${formatCount(sourceCount)} (${
    differencePercent >= 0 ? '+' : ''
  }${formatPercent(differencePercent)}, tolerance ${formatPercent(tolerance)})`;
  if (Math.abs(differencePercent) <= tolerance) {
    return {
      check: 'item count',
      status: 'PASS',
      summary: estimated ? `${summary}; source count is DynamoDB's estimate (read budget)` : summary,
      numbers,
      sourceReadUnits,
    };
  }
  return {
    check: 'item count',
    status: estimated ? 'WARN' : 'FAIL',
    summary: estimated ? `${summary}; source count is DynamoDB's ~6-hourly estimate` : summary,
    nextStep: estimated
      ? 'raise sourceReadBudgetUnits to count the source exactly, or declare a created-at attribute'
      : 'the restore differs from the source by more than the tolerance: check for lost items, or widen the tolerance if the table churns fast',
    numbers,
    sourceReadUnits,
  };
}

function budgetWarning(context: CheckContext, restored: number, consumed: number, estimate?: number): CheckResult {
  return {
    check: 'item count',
    status: 'WARN',
    summary: `restored ${formatCount(restored)} items; the source was not counted: ${
      estimate !== undefined
        ? `a count would cost ~${formatCount(Math.ceil(estimate))} read units, over the remaining budget of ${formatCount(context.sourceReads.remainingUnits)}`
        : `read budget of ${formatCount(context.sourceReads.limitUnits)} units spent`
    }`,
    nextStep: 'raise sourceReadBudgetUnits for this table to count it exactly',
    numbers: { restoredItems: restored, sourceReadBudgetUnits: context.sourceReads.limitUnits },
    sourceReadUnits: consumed,
  };
}
