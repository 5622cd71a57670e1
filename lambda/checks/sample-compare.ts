import { itemsEqual } from '../digest/canonical-item';
import { SourceReadStopped } from '../metering/metered-reader';
import type { Item, TableShape } from '../ports/dynamodb-port';
import type { Json } from '../fanout/contract';
import { BottomKSample, type SampleEntry, type SamplePartial } from './bottom-k-sample';
import { formatCount } from '../report/format';
import type { CheckResult } from '../domain/check-result';
import type { CheckContext, CheckDefinition } from './check';
import { describeKeys, keyId, keyOf } from './item-keys';
import { timestampOf } from './timestamps';

/**
 * N random restored items (bottom-k sampling on a keyed hash during the shared scan, so every
 * item is equally likely whatever the table size, and samples of shares merge: bottom-k-sample.ts) are fetched from the source by key with BatchGetItem and
 * deep-compared with DynamoDB's equality (canonical-item.ts). When the table declares an
 * updated-at attribute, a source item changed after the recovery point is skipped, and any
 * other difference is a FAIL; without it a difference cannot be told from a later change, so
 * it is a WARN. Source reads go through the metered reader; when it stops them (the read budget
 * is spent, or the time left is kept for cleanup) the check compares the items it has.
 */
/**
 * The sampled items: those this run read, and those merged in from fan-out workers' partials
 * (keys only), read again by key from the restored copy - not the source, so not metered.
 */
async function sampledItems(context: CheckContext, entries: readonly SampleEntry[], keySchema: TableShape['keySchema']): Promise<Item[]> {
  const missing = entries.filter((entry) => !entry.item).map((entry) => entry.key);
  const reread = new Map<string, Item>();
  if (missing.length > 0) {
    const read = await context.dynamodb.batchGetItems(context.restoredTableName, missing);
    for (const item of read.items) reread.set(keyId(item, keySchema), item);
  }
  const items: Item[] = [];
  for (const entry of entries) {
    const item = entry.item ?? reread.get(entry.id);
    if (item) items.push(item);
  }
  return items;
}

export const sampleCompareCheck: CheckDefinition = {
  name: 'sample compare',
  needs: 'restored-table',
  begin: (context) => {
    const size = context.targets.sampleSize;
    if (size <= 0 || !context.restored) return undefined;
    const keySchema = context.restored.keySchema;
    // Seeded by the copy's name, which holds the drill id: another drill samples other items.
    const sample = new BottomKSample(size, context.restoredTableName, keySchema);
    return {
      observeScannedItem: (item) => sample.observe(item),
      partial: () => sample.partial(context.partialBytes) as unknown as Json,
      absorb: (partial) => sample.absorb(partial as unknown as SamplePartial),
      async result(): Promise<CheckResult> {
        const source = context.source;
        if (!source) {
          return {
            check: 'sample compare',
            status: 'WARN',
            summary: `source table ${context.table.tableName} not found; nothing to compare with`,
            nextStep: 'if the source was deleted on purpose, remove it from the drill settings',
          };
        }
        const reservoir = await sampledItems(context, sample.entries(), keySchema);
        if (reservoir.length === 0) {
          return {
            check: 'sample compare',
            status: 'PASS',
            summary: 'the restored copy is empty; nothing to sample',
            numbers: { sampled: 0 },
          };
        }
        // Fetch in chunks so the meter is asked between reads: a sample it stops is compared as far as it got.
        const sourceByKey = new Map<string, Item>();
        let fetched = 0;
        let consumed = 0;
        for (let i = 0; i < reservoir.length; i += 25) {
          const chunk = reservoir.slice(i, i + 25);
          let read: { items: Item[]; consumedUnits: number };
          try {
            read = await context.dynamodb.batchGetItems(
              source.name,
              chunk.map((item) => keyOf(item, keySchema)),
            );
          } catch (error) {
            if (error instanceof SourceReadStopped) break;
            throw error;
          }
          consumed += read.consumedUnits;
          fetched += chunk.length;
          for (const item of read.items) sourceByKey.set(keyId(item, keySchema), item);
        }
        const compared = reservoir.slice(0, fetched);
        const mismatched: Item[] = [];
        const goneFromSource: Item[] = [];
        let matched = 0;
        let skipped = 0;
        const updatedAt = context.table.updatedAtAttribute;
        const pointTime = context.recoveryPoint.creationDate.getTime();
        for (const restoredItem of compared) {
          const sourceItem = sourceByKey.get(keyId(restoredItem, keySchema));
          if (!sourceItem) goneFromSource.push(restoredItem);
          else if (itemsEqual(restoredItem, sourceItem)) matched += 1;
          else if (updatedAt && (timestampOf(sourceItem[updatedAt]) ?? 0) > pointTime) skipped += 1;
          else mismatched.push(restoredItem);
        }
        const numbers = {
          sampled: compared.length,
          matched,
          skippedChangedSinceBackup: skipped,
          mismatched: mismatched.length,
          goneFromSource: goneFromSource.length,
          notFetchedReadBudget: reservoir.length - fetched,
        };
        const parts = [`${formatCount(matched)} of ${formatCount(compared.length)} sampled items equal the source`];
        if (skipped) parts.push(`${skipped} skipped (changed after the recovery point)`);
        if (goneFromSource.length) parts.push(`${goneFromSource.length} no longer in the source`);
        if (reservoir.length > fetched) parts.push(`${reservoir.length - fetched} not fetched (read budget or time)`);
        if (mismatched.length) parts.push(`${mismatched.length} differ: ${describeKeys(mismatched, keySchema)}`);
        const summary = parts.join('; ');
        if (mismatched.length > 0) {
          return updatedAt
            ? {
                check: 'sample compare',
                status: 'FAIL',
                summary,
                nextStep: `restored items differ from the source though ${updatedAt} says they did not change after the backup: inspect these keys in both tables`,
                numbers,
                sourceReadUnits: consumed,
              }
            : {
                check: 'sample compare',
                status: 'WARN',
                summary,
                nextStep: 'declare an updatedAtAttribute for this table so changes after the backup are told apart from corruption',
                numbers,
                sourceReadUnits: consumed,
              };
        }
        const warn = goneFromSource.length > 0 || reservoir.length > fetched;
        return {
          check: 'sample compare',
          status: warn ? 'WARN' : 'PASS',
          summary,
          nextStep: warn
            ? goneFromSource.length > 0
              ? 'items deleted from the source after the backup cannot be compared; expected on a table with deletes'
              : 'raise sourceReadBudgetUnits (or sourceReadUnitsPerSecond, if the table has capacity to spare) to compare the whole sample, or give the drill more time (scanSegments)'
            : undefined,
          numbers,
          sourceReadUnits: consumed,
        };
      },
    };
  },
};
