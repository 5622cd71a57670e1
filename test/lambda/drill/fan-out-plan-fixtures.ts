import type { FanOutConfig } from '../../../lambda/config';
import type { TableShape } from '../../../lambda/ports/dynamodb-port';

/**
 * What the fan-out plan tests (fan-out-plan.test.ts, fan-out-plan-state.test.ts) plan over: a
 * fan-out state machine of 8 workers at 30,000 items a second, and a copy whose count and size
 * each test sets. The plan reads only the item count, the size and the read capacity of a shape.
 */

export const FAN_OUT: FanOutConfig = {
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:fan-out',
  maxWorkers: 8,
  segmentsPerWorker: 4,
  timeoutHours: 12,
  itemsPerSecond: 30_000,
};

/** The restored copy (or source) `copy`, with the overrides given. */
export const copyShape = (overrides: Partial<TableShape>): TableShape => ({
  name: 'copy',
  status: 'ACTIVE',
  keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  attributeDefinitions: [{ name: 'pk', type: 'S' }],
  globalSecondaryIndexes: [],
  localSecondaryIndexes: [],
  streamEnabled: false,
  deletionProtection: false,
  ...overrides,
});
