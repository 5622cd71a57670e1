import { ListTagsOfResourceCommand, type DynamoDBClient, type TableDescription, type Tag } from '@aws-sdk/client-dynamodb';
import { describeTableOrUndefined, scanAllItems, type Item } from '../dynamodb/table-operations';
import { invalidParameter } from './backup-errors';

/**
 * What a DynamoDB backup holds: the table's description (keys, attribute definitions, GSIs and
 * LSIs with projections, billing mode) and every item, as they were when it was taken.
 * Deep copies, so later writes to the source never leak into a backup.
 */
export interface TableSnapshot {
  readonly tableName: string;
  readonly tableArn: string;
  readonly description: TableDescription;
  readonly items: readonly Item[];
  readonly tags: readonly Tag[];
  /** Sum of the items' JSON sizes: close enough to DynamoDB's item size for reporting. */
  readonly sizeBytes: number;
}

export async function takeTableSnapshot(client: DynamoDBClient, tableName: string): Promise<TableSnapshot> {
  const description = await describeTableOrUndefined(client, tableName);
  if (description?.TableStatus !== 'ACTIVE') {
    throw invalidParameter(`Resource arn:aws:dynamodb:...:table/${tableName} is not an ACTIVE DynamoDB table`);
  }
  const items = await scanAllItems(client, tableName);
  const tags = (await client.send(new ListTagsOfResourceCommand({ ResourceArn: description.TableArn }))).Tags ?? [];
  return snapshotOf(description, items, tags);
}

export function snapshotOf(description: TableDescription, items: readonly Item[], tags: readonly Tag[] = []): TableSnapshot {
  const copiedItems = structuredClone(items) as Item[];
  return {
    tableName: description.TableName!,
    tableArn: description.TableArn!,
    description: structuredClone(description),
    items: copiedItems,
    tags: structuredClone(tags) as Tag[],
    sizeBytes: copiedItems.reduce((total, item) => total + Buffer.byteLength(JSON.stringify(item)), 0),
  };
}

/** "arn:aws:dynamodb:us-east-1:123456789012:table/orders" -> "orders"; undefined if not a table ARN. */
export function tableNameFromArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:dynamodb:[^:]*:\d*:table\/([^/]+)$/.exec(arn)?.[1];
}
