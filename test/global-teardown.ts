import type { DynamoDbLocalProcess } from './harness/dynamodb/dynamodb-local';

/** Stops the DynamoDB Local that test/global-setup.ts started. */
export default async function globalTeardown(): Promise<void> {
  const dynamoDbLocal = (globalThis as { restoreDrillDynamoDbLocal?: DynamoDbLocalProcess }).restoreDrillDynamoDbLocal;
  await dynamoDbLocal?.stop();
}
