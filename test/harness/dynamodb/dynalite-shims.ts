import type { ServerResponse } from 'node:http';
import { sendDynamoDbError, sendDynamoDbJson } from './dynamodb-wire';

/**
 * Operations dynalite 4 does not implement but the drill reads to list what a restore does not
 * carry over: UpdateTimeToLive (dynalite's DescribeTimeToLive always answers DISABLED) and
 * Describe/UpdateContinuousBackups (unknown to dynalite). The harness keeps their settings per
 * table name; a new table (a restored copy) starts with TTL and PITR off, as on AWS.
 */
export const SHIMMED_OPERATIONS = ['DescribeTimeToLive', 'UpdateTimeToLive', 'DescribeContinuousBackups', 'UpdateContinuousBackups'];

interface TableSettings {
  ttlAttribute?: string;
  pointInTimeRecovery?: { enabledAt: Date; recoveryPeriodInDays: number };
}

interface ShimRequest {
  TableName?: string;
  TimeToLiveSpecification?: { Enabled?: boolean; AttributeName?: string };
  PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled?: boolean; RecoveryPeriodInDays?: number };
}

export class DynaliteShims {
  private readonly settings = new Map<string, TableSettings>();

  constructor(private readonly tableExists: (tableName: string) => Promise<boolean>) {}

  /** Forget a deleted table's settings, so a table later created with that name starts clean. */
  forgetTable(tableName: string): void {
    this.settings.delete(tableName);
  }

  async handle(operation: string, body: string, response: ServerResponse): Promise<void> {
    const request = JSON.parse(body || '{}') as ShimRequest;
    const tableName = request.TableName ?? '';
    if (!(await this.tableExists(tableName))) {
      // DynamoDB names the missing table differently per API family; the SDK maps both.
      const code = operation.endsWith('ContinuousBackups') ? 'TableNotFoundException' : 'ResourceNotFoundException';
      sendDynamoDbError(response, code, `Requested resource not found: Table: ${tableName} not found`);
      return;
    }
    const settings = this.settings.get(tableName) ?? {};
    this.settings.set(tableName, settings);
    switch (operation) {
      case 'DescribeTimeToLive':
        sendDynamoDbJson(response, { TimeToLiveDescription: ttlDescription(settings) });
        return;
      case 'UpdateTimeToLive': {
        const specification = request.TimeToLiveSpecification ?? {};
        settings.ttlAttribute = specification.Enabled ? specification.AttributeName : undefined;
        sendDynamoDbJson(response, { TimeToLiveSpecification: specification });
        return;
      }
      case 'DescribeContinuousBackups':
        sendDynamoDbJson(response, { ContinuousBackupsDescription: continuousBackupsDescription(settings) });
        return;
      case 'UpdateContinuousBackups': {
        const specification = request.PointInTimeRecoverySpecification ?? {};
        settings.pointInTimeRecovery = specification.PointInTimeRecoveryEnabled
          ? { enabledAt: new Date(), recoveryPeriodInDays: specification.RecoveryPeriodInDays ?? 35 }
          : undefined;
        sendDynamoDbJson(response, { ContinuousBackupsDescription: continuousBackupsDescription(settings) });
        return;
      }
      default:
        sendDynamoDbError(response, 'UnknownOperationException', `not shimmed: ${operation}`);
    }
  }
}

function ttlDescription(settings: TableSettings) {
  return settings.ttlAttribute ? { TimeToLiveStatus: 'ENABLED', AttributeName: settings.ttlAttribute } : { TimeToLiveStatus: 'DISABLED' };
}

function continuousBackupsDescription(settings: TableSettings) {
  const pitr = settings.pointInTimeRecovery;
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
