import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { HISTORY_TABLE_LAYOUT } from '../../../lambda/config';

/** The drill-history table as the construct creates it, from the port's own layout (every key a string, every index projecting all). */
export function historyTableInput(tableName: string): CreateTableCommandInput {
  const layout = HISTORY_TABLE_LAYOUT;
  const keys = (partitionKey: string, sortKey?: string) => [
    { AttributeName: partitionKey, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
  ];
  const names = new Set<string>([layout.partitionKey, layout.sortKey]);
  for (const index of layout.globalIndexes) {
    names.add(index.partitionKey);
    if ('sortKey' in index) names.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keys(layout.partitionKey, layout.sortKey),
    AttributeDefinitions: [...names].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    GlobalSecondaryIndexes: layout.globalIndexes.map((index) => ({
      IndexName: index.name,
      KeySchema: keys(index.partitionKey, 'sortKey' in index ? index.sortKey : undefined),
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
