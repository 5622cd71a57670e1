import { type FlowWorld, PREFIX } from './flow-world';

/**
 * What the flow tests of the orders table (40 items, added in each file's beforeEach) assert after
 * a drill: one place for the assertions the drill-flow test files share.
 */

/** The one restored copy of orders was deleted by name, and no other table was. */
export function expectCopyDeleted(world: FlowWorld): void {
  expect(world.deletedTables()).toEqual([expect.stringMatching(new RegExp(`^${PREFIX}orders-`))]);
}

/** No copy is left, and the source is untouched, item for item. */
export function expectNoCopyLeft(world: FlowWorld): void {
  expect(world.copiesLeft()).toEqual([]);
  expect(world.dynamodb.itemsOf('orders')).toHaveLength(40);
}
