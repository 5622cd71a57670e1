import { fixtureItems } from '../fixture/fixture-items';
import { FIXTURE_GENERATOR_VERSION, type FixtureMarker, isFixtureMarker, readFixtureMarker } from '../fixture/fixture-marker';
import type { Item, TableShape } from '../ports/dynamodb-port';
import type { SourceReadShortfall, SourceReadStop } from '../metering/metered-reader';
import { estimatedScanUnits } from '../metering/read-budget';
import { formatCount, formatPercent } from '../report/format';
import type { CheckResult } from '../domain/check-result';
import type { CheckContext, CheckDefinition } from './check';
import { withoutDrillItemsFilter } from './drill-items';
import { findMissingKeys, MissingKeyExamples, missingKeysText, RestoredKeys, type RestoredKeysPartial } from './missing-keys';
import type { Json } from '../fanout/contract';
import { timestampOf } from './timestamps';

/** A run's partial result (CheckRun.partial): counts, the fixture marker if read, the keys as far as carried. */
interface ItemCountPartial {
  readonly t: number;
  readonly b: number;
  readonly w: number;
  readonly m: FixtureMarker | 'malformed' | null;
  readonly k: RestoredKeysPartial;
}

/**
 * The restored copy holds as many items as the source. Two modes:
 * - exact: the table declares a created-at attribute, so both sides count only items created
 *   before the recovery point: fewer in the restore is a FAIL (the backup lost them), more is a
 *   WARN (items deleted from the source since the backup);
 * - tolerance: restored vs the whole source, within a percentage (the source kept changing
 *   after the backup).
 * The source is counted with a Select COUNT scan, one segment, through the metered reader (charged
 * to the read budget, paced); when the budget cannot cover it, or the pace would not finish it in
 * the time left, DynamoDB's own item-count estimate stands in, and a difference is a WARN, not a FAIL.
 * Neither side counts the drill's own items (canary, fixture version marker: drill-items.ts).
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
    let marker: FixtureMarker | 'malformed' | undefined;
    // Keys of the restored items, to name examples of what a short count lacks (missing-keys.ts).
    const restoredKeys = new RestoredKeys(context.restored?.keySchema ?? context.source?.keySchema ?? []);
    return {
      observeDrillItem(item: Item) {
        if (context.table.fixture && isFixtureMarker(item)) marker = readFixtureMarker(item);
      },
      observeScannedItem(item) {
        restoredTotal += 1;
        restoredKeys.remember(item);
        if (!createdAt) return;
        const created = timestampOf(item.attribute(createdAt));
        if (created === undefined) restoredWithoutTimestamp += 1;
        else if (created < before) restoredBefore += 1;
      },
      partial: () => ({
        t: restoredTotal,
        b: restoredBefore,
        w: restoredWithoutTimestamp,
        m: (marker ?? null) as Json,
        k: restoredKeys.partial() as unknown as Json,
      }),
      absorb(json) {
        const partial = json as unknown as ItemCountPartial;
        restoredTotal += partial.t;
        restoredBefore += partial.b;
        restoredWithoutTimestamp += partial.w;
        // One marker item exists: whichever share read it says what it holds.
        marker ??= partial.m ?? undefined;
        restoredKeys.absorb(partial.k);
      },
      result: async () => {
        const reseeded = reseededFixtureCount(context, marker, restoredTotal);
        if (reseeded) return reseeded;
        return createdAt
          ? exactCount(context, createdAt, restoredBefore, restoredWithoutTimestamp, restoredKeys)
          : toleranceCount(context, restoredTotal, restoredKeys);
      },
    };
  },
};

/**
 * The fixture table after its settings changed: the source holds the fixture deployed now, the
 * recovery point the one in force when it was taken (its version marker says which). Counting
 * the source would compare two different fixtures - and the generated items' creation times are
 * synthetic, so an exact count cannot tell the new ones apart - so the restore is counted against
 * the items of the fixture the marker names. Undefined when the marker names the fixture deployed
 * now, or there is none (a backup taken before markers existed): the source is counted as for any
 * table.
 */
function reseededFixtureCount(
  context: CheckContext,
  marker: FixtureMarker | 'malformed' | undefined,
  restored: number,
): CheckResult | undefined {
  const fixture = context.table.fixture;
  if (!fixture || marker === undefined || marker === 'malformed') return undefined;
  if (marker.propertyCount === fixture.propertyCount && marker.generatorVersion === FIXTURE_GENERATOR_VERSION) return undefined;
  const inForce = `the fixture in force when the recovery point was taken (${marker.propertyCount} properties)`;
  const since = `the source has since been reseeded (${fixture.propertyCount} properties), so it is not counted`;
  if (marker.generatorVersion !== FIXTURE_GENERATOR_VERSION) {
    return {
      check: 'item count',
      status: 'WARN',
      summary: `restored ${formatCount(restored)} items of a fixture written by generator version ${marker.generatorVersion}; this engine regenerates only version ${FIXTURE_GENERATOR_VERSION}, so they cannot be counted against it`,
      nextStep: 'expected for backups taken before an upgrade that changed the fixture generator',
      numbers: { mode: 'fixture', restoredItems: restored, fixtureGeneratorVersion: marker.generatorVersion },
    };
  }
  const expected = fixtureItems(marker.propertyCount).length;
  const numbers = { mode: 'fixture', restoredItems: restored, expectedItems: expected, fixturePropertyCount: marker.propertyCount };
  const summary = `restored ${formatCount(restored)}, ${inForce} holds ${formatCount(expected)}; ${since}`;
  if (restored === expected) return { check: 'item count', status: 'PASS', summary, numbers };
  return {
    check: 'item count',
    status: 'FAIL',
    summary: `${summary}: ${formatCount(Math.abs(expected - restored))} ${restored < expected ? 'missing' : 'more in the restore'}`,
    nextStep: 'the restore does not hold the fixture its backup was taken of: see the content digest for the items that differ',
    numbers,
  };
}

function sourceMissing(context: CheckContext): CheckResult {
  return {
    check: 'item count',
    status: 'WARN',
    summary: `source table ${context.table.tableName} not found; restored items were not compared`,
    nextStep: 'if the source was deleted on purpose, remove it from the drill settings',
  };
}

interface SourceCount {
  readonly count?: number;
  readonly consumedUnits: number;
  /** Why the count stopped short: the read budget, or the invocation's time running out mid-count. */
  readonly stoppedBy?: SourceReadStop;
  /** Why no count was started: a full one, of about `estimate` read units, would overspend the budget or, at the pace, outlast the time left. */
  readonly ruledOut?: SourceReadShortfall & { readonly estimate: number };
  readonly withoutTimestamp?: number;
}

/** Undefined when a full count fits the budget and, at the pace, the time left. */
function ruledOut(context: CheckContext, source: TableShape): SourceCount | undefined {
  const estimate = estimatedScanUnits(source.sizeBytes ?? 0);
  const shortfall = context.dynamodb.shortfall(estimate);
  return shortfall && { consumedUnits: 0, ruledOut: { ...shortfall, estimate } };
}

/** Select COUNT of the whole source (one segment, gentle), the drill's own items left out. */
async function countWholeSource(context: CheckContext, source: TableShape): Promise<SourceCount> {
  const notCounted = ruledOut(context, source);
  if (notCounted) return notCounted;
  const summary = await context.dynamodb.countItems(source.name, { segments: 1, filter: withoutDrillItemsFilter(context.table, source) });
  return summary.stoppedEarly
    ? { consumedUnits: summary.consumedUnits, stoppedBy: summary.stoppedBy }
    : { count: summary.count, consumedUnits: summary.consumedUnits };
}

/**
 * Source items created before the cutoff, counted here with the same timestampOf() the restored
 * side uses, so ISO text with offsets, fractions or epoch numbers count alike on both sides.
 * Reads only the key and timestamp attributes over the wire (the read units are the same).
 */
async function countSourceCreatedBefore(
  context: CheckContext,
  source: TableShape,
  createdAt: string,
  cutoff: number,
  examples?: MissingKeyExamples,
): Promise<SourceCount> {
  const notCounted = ruledOut(context, source);
  if (notCounted) return notCounted;
  // Stryker disable next-line StringLiteral: DescribeTable names every key attribute; the default only meets the SDK's optional type
  const keyNames = source.keySchema.map((k) => k.AttributeName ?? '');
  const names = Object.fromEntries([...new Set([...keyNames, createdAt])].map((name, i) => [`#p${i}`, name]));
  let before = 0;
  let withoutTimestamp = 0;
  const summary = await context.dynamodb.scanItems(
    source.name,
    { segments: 1, projection: { expression: Object.keys(names).join(', '), names } },
    (item) => {
      if (context.isDrillItem(item)) return;
      const created = timestampOf(item[createdAt]);
      if (created === undefined) withoutTimestamp += 1;
      else if (created < cutoff) {
        before += 1;
        examples?.consider(item);
      }
    },
  );
  return summary.stoppedEarly
    ? { consumedUnits: summary.consumedUnits, stoppedBy: summary.stoppedBy }
    : { count: before, consumedUnits: summary.consumedUnits, withoutTimestamp };
}

function notEvaluated(restored: number, consumed: number): CheckResult {
  return {
    check: 'item count',
    status: 'FAIL',
    summary: `not evaluated: counting the source stopped to leave time for cleanup and the report (restored ${formatCount(restored)})`,
    nextStep:
      'the source is too large to count in the time left: declare no created-at attribute (Select COUNT is cheaper) or drill it on its own schedule',
    numbers: { restoredItems: restored },
    sourceReadUnits: consumed,
  };
}

async function exactCount(
  context: CheckContext,
  createdAt: string,
  restored: number,
  restoredWithoutTimestamp: number,
  restoredKeys: RestoredKeys,
): Promise<CheckResult> {
  if (!context.source) return sourceMissing(context);
  const cutoff = context.recoveryPoint.creationDate;
  // The count reads every source key anyway: examples of missing ones cost no extra reads.
  const examples = new MissingKeyExamples(restoredKeys, context.source.keySchema);
  const counted = await countSourceCreatedBefore(context, context.source, createdAt, cutoff.getTime(), examples);
  if (counted.stoppedBy === 'time') return notEvaluated(restored, counted.consumedUnits);
  if (counted.count === undefined) return notCountedWarning(context, restored, counted);
  const numbers = {
    mode: 'exact',
    createdBefore: cutoff.toISOString(),
    restoredItems: restored,
    sourceItems: counted.count,
    restoredItemsWithoutTimestamp: restoredWithoutTimestamp,
    sourceItemsWithoutTimestamp: counted.withoutTimestamp ?? 0,
  };
  const summary = `restored ${formatCount(restored)}, source ${formatCount(counted.count)} items created before the recovery point${
    restoredWithoutTimestamp ? ` (${formatCount(restoredWithoutTimestamp)} without ${createdAt} not counted)` : ''
  }`;
  const result = { numbers, sourceReadUnits: counted.consumedUnits };
  if (restored === counted.count) return { check: 'item count', status: 'PASS', summary, ...result };
  // Stryker disable next-line EqualityOperator: restored === counted.count returned just above, so < and <= agree here
  if (restored < counted.count) {
    return {
      check: 'item count',
      status: 'FAIL',
      summary: `${summary}: ${formatCount(counted.count - restored)} missing${missingKeysText(examples, restoredKeys, false)}`,
      nextStep:
        'the source holds items created before the recovery point that the restore lacks: the backup lost them; compare keys between the tables',
      ...result,
    };
  }
  // More in the restore: items deleted from the source since the backup, which is normal churn.
  return {
    check: 'item count',
    status: 'WARN',
    summary: `${summary}: ${formatCount(restored - counted.count)} more in the restore`,
    nextStep: `expected when items are deleted from the source after the backup; otherwise check that ${createdAt} is set at creation and never rewritten`,
    ...result,
  };
}

async function toleranceCount(context: CheckContext, restored: number, restoredKeys: RestoredKeys): Promise<CheckResult> {
  if (!context.source) return sourceMissing(context);
  const tolerance = context.table.itemCountTolerancePercent ?? context.targets.itemCountTolerancePercent;
  const counted = await countWholeSource(context, context.source);
  if (counted.stoppedBy === 'time') return notEvaluated(restored, counted.consumedUnits);
  const estimated = counted.count === undefined;
  const sourceCount = counted.count ?? context.source.itemCount;
  if (sourceCount === undefined) return notCountedWarning(context, restored, counted);
  const differencePercent = sourceCount === 0 ? (restored === 0 ? 0 : 100) : ((restored - sourceCount) / sourceCount) * 100;
  const numbers = {
    mode: estimated ? 'estimate' : 'tolerance',
    restoredItems: restored,
    sourceItems: sourceCount,
    differencePercent: Number(differencePercent.toFixed(3)),
    tolerancePercent: tolerance,
  };
  const sourceReadUnits = counted.consumedUnits;
  const summary = `restored ${formatCount(restored)}, source ${estimated ? '~' : ''}${formatCount(sourceCount)} (${
    differencePercent >= 0 ? '+' : ''
  }${formatPercent(differencePercent)}, tolerance ${formatPercent(tolerance)})`;
  if (Math.abs(differencePercent) <= tolerance) {
    return {
      check: 'item count',
      status: 'PASS',
      summary: estimated
        ? `${summary}; source count is DynamoDB's estimate (${counted.ruledOut?.reason === 'pace' ? 'read pace' : 'read budget'})`
        : summary,
      numbers,
      sourceReadUnits,
    };
  }
  // A counted shortfall: look for example keys within what is left of the read budget.
  let missing = '';
  let searchUnits = 0;
  if (!estimated && restored < sourceCount) {
    const search = await findMissingKeys(context, context.source, restoredKeys);
    missing = missingKeysText(search.examples, restoredKeys, search.stoppedShort);
    searchUnits = search.consumedUnits;
  }
  return {
    check: 'item count',
    status: estimated ? 'WARN' : 'FAIL',
    summary: estimated ? `${summary}; source count is DynamoDB's ~6-hourly estimate` : `${summary}${missing}`,
    nextStep: estimated
      ? counted.ruledOut?.reason === 'pace'
        ? 'the source cannot be counted at sourceReadUnitsPerSecond in one invocation: raise it if the table has capacity to spare, or drill this table on its own schedule'
        : 'raise sourceReadBudgetUnits to count the source exactly, or declare a created-at attribute'
      : 'the restore differs from the source by more than the tolerance: check for lost items, or widen the tolerance if the table churns fast',
    numbers,
    sourceReadUnits: sourceReadUnits + searchUnits,
  };
}

function notCountedWarning(context: CheckContext, restored: number, counted: SourceCount): CheckResult {
  const { ruledOut, consumedUnits } = counted;
  if (ruledOut?.reason === 'pace') {
    return {
      check: 'item count',
      status: 'WARN',
      summary: `restored ${formatCount(restored)} items; the source was not counted: ~${formatCount(Math.ceil(ruledOut.estimate))} read units at ${formatCount(ruledOut.unitsPerSecond)} units/s would take ~${formatCount(Math.ceil(ruledOut.seconds))} s, more than this invocation has left`,
      nextStep: 'raise sourceReadUnitsPerSecond if the table has capacity to spare, or drill this table on its own schedule',
      numbers: {
        restoredItems: restored,
        estimatedReadUnits: Math.ceil(ruledOut.estimate),
        sourceReadUnitsPerSecond: ruledOut.unitsPerSecond,
      },
      sourceReadUnits: consumedUnits,
    };
  }
  const budgetUnits = context.targets.sourceReadBudgetUnits;
  return {
    check: 'item count',
    status: 'WARN',
    summary: `restored ${formatCount(restored)} items; the source was not counted: ${
      ruledOut
        ? `a count would cost ~${formatCount(Math.ceil(ruledOut.estimate))} read units, over the remaining budget of ${formatCount(ruledOut.remainingUnits)}`
        : `read budget of ${formatCount(budgetUnits)} units spent`
    }`,
    nextStep: 'raise sourceReadBudgetUnits for this table to count it exactly',
    numbers: { restoredItems: restored, sourceReadBudgetUnits: budgetUnits },
    sourceReadUnits: consumedUnits,
  };
}
