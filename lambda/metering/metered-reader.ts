import type { DynamoDbReader, Item, ScanOptions } from '../ports/dynamodb-port';
import type { CheckContext, CheckDefinition } from '../checks/check';

/** Eventually consistent GetItem of an item up to 4 KB: what a read is charged when DynamoDB does not say. */
const GET_ITEM_UNITS = 0.5;

export class SourceReadBudgetSpent extends Error {
  override readonly name = 'SourceReadBudgetSpent';
  constructor(tableName: string, limitUnits: number) {
    super(`the read budget of ${limitUnits} units for source table ${tableName} is spent (sourceReadBudgetUnits)`);
  }
}

/**
 * A custom check's view of DynamoDB: reads of the source table are charged to the drill's read
 * budget and paced, whatever the check does, so a hand-fitted validation cannot scan a
 * production table without limit. A scan stops early when the budget or the time runs out (its
 * summary says stoppedEarly); a BatchGetItem or GetItem the budget cannot cover throws
 * {@link SourceReadBudgetSpent}, which the drill reports as that check's FAIL. Reads of the
 * restored copy are not charged: it is the drill's own table.
 */
/**
 * One page of a source scan, metered: charged to the budget, then (when more pages follow) the
 * pace kept before the next. Returns why reading must stop - the budget is spent, or no time is
 * left - or undefined to go on. Built-in checks and the metered reader share it.
 */
export async function meterSourcePage(
  context: Pick<CheckContext, 'sourceReads' | 'hasTime'>,
  units: number,
  more: boolean,
): Promise<'budget' | 'time' | undefined> {
  if (!context.sourceReads.charge(units)) return 'budget';
  if (more && !(await context.sourceReads.pace())) return 'time';
  if (!context.hasTime()) return 'time';
  return undefined;
}

export function meteredCustomCheck(definition: CheckDefinition): CheckDefinition {
  return { ...definition, begin: (context) => definition.begin({ ...context, dynamodb: meteredReader(context) }) };
}

function meteredReader(context: CheckContext): DynamoDbReader {
  const { dynamodb, sourceReads } = context;
  const isSource = (tableName: string) => context.source !== undefined && tableName === context.source.name;
  const spent = (tableName: string) => new SourceReadBudgetSpent(tableName, sourceReads.limitUnits);

  const guarded = (options: ScanOptions): ScanOptions => ({
    ...options,
    onPage: async (units, more) => {
      if ((await meterSourcePage(context, units, more)) !== undefined) return false;
      return options.onPage ? options.onPage(units, more) : true;
    },
  });
  const beforeRead = async (tableName: string, units: number) => {
    if (!sourceReads.canAfford(units)) throw spent(tableName);
    if (!(await sourceReads.pace())) throw new Error(`no time left to read source table ${tableName} at the read pace`);
  };

  return {
    describeTable: (tableName) => dynamodb.describeTable(tableName),
    async scanItems(tableName, options, onItem) {
      if (!isSource(tableName)) return dynamodb.scanItems(tableName, options, onItem);
      if (!sourceReads.canAfford(GET_ITEM_UNITS)) return { count: 0, consumedUnits: 0, stoppedEarly: true };
      return dynamodb.scanItems(tableName, guarded(options), onItem);
    },
    async countItems(tableName, options) {
      if (!isSource(tableName)) return dynamodb.countItems(tableName, options);
      if (!sourceReads.canAfford(GET_ITEM_UNITS)) return { count: 0, consumedUnits: 0, stoppedEarly: true };
      return dynamodb.countItems(tableName, guarded(options));
    },
    async batchGetItems(tableName, keys) {
      if (!isSource(tableName)) return dynamodb.batchGetItems(tableName, keys);
      await beforeRead(tableName, keys.length * GET_ITEM_UNITS);
      const result = await dynamodb.batchGetItems(tableName, keys);
      sourceReads.charge(result.consumedUnits);
      return result;
    },
    async getItem(tableName: string, key: Item) {
      if (!isSource(tableName)) return dynamodb.getItem(tableName, key);
      await beforeRead(tableName, GET_ITEM_UNITS);
      const item = await dynamodb.getItem(tableName, key);
      sourceReads.charge(GET_ITEM_UNITS);
      return item;
    },
  };
}
