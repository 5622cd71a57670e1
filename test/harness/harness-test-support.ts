import { BackupClient } from '@aws-sdk/client-backup';
import { DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { FIXTURE_SCHEMA, fixtureItems, type Item } from '../../lambda/fixture/fixture-items';
import { startLocalAws, type LocalAws, type LocalAwsOptions } from './local-aws';

/** Delays small enough for a suite of seconds, large enough that every status is observable. */
export const FAST_OPTIONS: LocalAwsOptions = {
  dynamodb: { createTableMs: 40, deleteTableMs: 40 },
  backup: { restoreDurationMs: 200 },
};

export interface HarnessUnderTest {
  readonly local: LocalAws;
  /** SDK clients built with no endpoint option: they reach the harness through the environment. */
  readonly dynamodb: DynamoDBClient;
  readonly backup: BackupClient;
  readonly sns: SNSClient;
  stop(): Promise<void>;
}

/** Starts the harness, applies its environment and builds plain SDK clients, as the drill Lambda does. */
export async function startHarnessUnderTest(options: LocalAwsOptions = FAST_OPTIONS): Promise<HarnessUnderTest> {
  const local = await startLocalAws(options);
  const restoreEnv = local.applyEnv();
  const clients = { dynamodb: new DynamoDBClient({}), backup: new BackupClient({}), sns: new SNSClient({}) };
  return {
    local,
    ...clients,
    async stop() {
      for (const client of Object.values(clients)) client.destroy();
      restoreEnv();
      await local.close();
    },
  };
}

/** The fixture table's schema: a GSI (byScan) and an LSI (byCreatedAt), on-demand. */
export function fixtureTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: FIXTURE_SCHEMA.partitionKey, AttributeType: 'S' },
      { AttributeName: FIXTURE_SCHEMA.sortKey, AttributeType: 'S' },
      { AttributeName: FIXTURE_SCHEMA.scanIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: FIXTURE_SCHEMA.createdIndex.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: FIXTURE_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: FIXTURE_SCHEMA.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: FIXTURE_SCHEMA.scanIndex.name,
        KeySchema: [
          { AttributeName: FIXTURE_SCHEMA.scanIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: FIXTURE_SCHEMA.scanIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: FIXTURE_SCHEMA.createdIndex.name,
        KeySchema: [
          { AttributeName: FIXTURE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: FIXTURE_SCHEMA.createdIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['type'] },
      },
    ],
  };
}

/** Creates a fixture table with a few properties' records; returns the items written. */
export async function createFixtureTable(local: LocalAws, tableName: string, propertyCount = 2): Promise<Item[]> {
  await local.dynamodb.createTable(fixtureTableInput(tableName));
  const items = fixtureItems(propertyCount);
  await local.dynamodb.putItems(tableName, items);
  return items;
}

export const keyOf = (item: Item) => ({ pk: item.pk, sk: item.sk });

/** Item keys as sortable text, to compare item sets regardless of order. */
export const keyTexts = (items: readonly Item[]) => items.map((item) => `${item.pk.S}|${item.sk.S}`).sort();
