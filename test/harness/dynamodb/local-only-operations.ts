import type { ServerResponse } from 'node:http';
import { sendDynamoDbError, sendDynamoDbJson } from './dynamodb-wire';

/**
 * Operations AWS's DynamoDB Local 3.3 does not serve but the drill reads, to list what a restore
 * does not carry over: Describe/UpdateContinuousBackups ("UnknownOperationException") and the
 * tagging API ("Tagging is not currently supported in DynamoDB Local"). The harness keeps their
 * state per table name, in the shapes of the DynamoDB API reference; a new table (a restored
 * copy) starts with point-in-time recovery off and no tags, as on AWS. TTL is DynamoDB Local's
 * own.
 */
export const LOCAL_ONLY_OPERATIONS = [
  'DescribeContinuousBackups',
  'UpdateContinuousBackups',
  'ListTagsOfResource',
  'TagResource',
  'UntagResource',
];

interface Tag {
  readonly Key: string;
  readonly Value: string;
}

interface KeptState {
  pointInTimeRecovery?: { enabledAt: Date; recoveryPeriodInDays: number };
  tags: Tag[];
}

interface LocalOnlyRequest {
  TableName?: string;
  ResourceArn?: string;
  PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled?: boolean; RecoveryPeriodInDays?: number };
  Tags?: Tag[];
  TagKeys?: string[];
}

export class LocalOnlyOperations {
  private readonly state = new Map<string, KeptState>();

  constructor(private readonly tableExists: (tableName: string) => Promise<boolean>) {}

  /** Tags given to CreateTable, which DynamoDB Local accepts and drops. */
  recordCreateTags(tableName: string, tags: readonly Tag[] | undefined): void {
    this.state.set(tableName, { tags: [...(tags ?? [])] });
  }

  /** Forget a deleted table, so a table later created with that name starts clean. */
  forgetTable(tableName: string): void {
    this.state.delete(tableName);
  }

  async handle(operation: string, body: string, response: ServerResponse): Promise<void> {
    const request = JSON.parse(body || '{}') as LocalOnlyRequest;
    // Tagging takes the table ARN; the continuous-backups API the table name (or ARN).
    const tableName = tableNameOf(request.ResourceArn ?? request.TableName ?? '');
    if (!(await this.tableExists(tableName))) {
      // DynamoDB names the missing table differently per API family; the SDK maps both.
      const code = operation.endsWith('ContinuousBackups') ? 'TableNotFoundException' : 'ResourceNotFoundException';
      sendDynamoDbError(response, code, `Requested resource not found: Table: ${tableName} not found`);
      return;
    }
    const state = this.state.get(tableName) ?? { tags: [] };
    this.state.set(tableName, state);
    switch (operation) {
      case 'DescribeContinuousBackups':
        sendDynamoDbJson(response, { ContinuousBackupsDescription: continuousBackupsDescription(state) });
        return;
      case 'UpdateContinuousBackups': {
        const specification = request.PointInTimeRecoverySpecification ?? {};
        state.pointInTimeRecovery = specification.PointInTimeRecoveryEnabled
          ? { enabledAt: new Date(), recoveryPeriodInDays: specification.RecoveryPeriodInDays ?? 35 }
          : undefined;
        sendDynamoDbJson(response, { ContinuousBackupsDescription: continuousBackupsDescription(state) });
        return;
      }
      case 'ListTagsOfResource':
        sendDynamoDbJson(response, { Tags: state.tags });
        return;
      case 'TagResource':
        for (const tag of request.Tags ?? []) {
          state.tags = [...state.tags.filter((kept) => kept.Key !== tag.Key), tag];
        }
        sendDynamoDbJson(response, {});
        return;
      case 'UntagResource':
        state.tags = state.tags.filter((kept) => !(request.TagKeys ?? []).includes(kept.Key));
        sendDynamoDbJson(response, {});
        return;
      default:
        sendDynamoDbError(response, 'UnknownOperationException', `not served locally: ${operation}`);
    }
  }
}

function tableNameOf(nameOrArn: string): string {
  return /:table\/([^/]+)$/.exec(nameOrArn)?.[1] ?? nameOrArn;
}

function continuousBackupsDescription(state: KeptState) {
  const pitr = state.pointInTimeRecovery;
  return {
    // On-demand backups are always possible on DynamoDB, so this status is always ENABLED.
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: pitr
      ? {
          PointInTimeRecoveryStatus: 'ENABLED',
          RecoveryPeriodInDays: pitr.recoveryPeriodInDays,
          EarliestRestorableDateTime: pitr.enabledAt.getTime() / 1000,
          LatestRestorableDateTime: Date.now() / 1000,
        }
      : { PointInTimeRecoveryStatus: 'DISABLED' },
  };
}
