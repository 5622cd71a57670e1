import { DYNAMODB_LOCAL_URL_VARIABLE, startDynamoDbLocal } from './harness/dynamodb/dynamodb-local';

/**
 * One AWS DynamoDB Local for the whole jest run: the workers inherit its URL through the
 * environment, and each harness instance works in its own database inside it. Started here
 * rather than per test file because jest gives every file fresh modules, and a JVM takes about
 * two seconds to start and longer to warm up. test/global-teardown.ts stops it; if jest itself
 * dies, the pipe the process waits on closes and it stops anyway (dynamodb-local.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[DYNAMODB_LOCAL_URL_VARIABLE]) return;
  const dynamoDbLocal = await startDynamoDbLocal();
  process.env[DYNAMODB_LOCAL_URL_VARIABLE] = dynamoDbLocal.url;
  (globalThis as { restoreDrillDynamoDbLocal?: typeof dynamoDbLocal }).restoreDrillDynamoDbLocal = dynamoDbLocal;
}
