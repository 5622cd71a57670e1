import type { TableDescription } from '@aws-sdk/client-dynamodb';

/**
 * Per-table state dynalite does not keep, added back to every TableDescription the harness
 * returns:
 * - CreateTable/UpdateTable settings dynalite accepts but drops: streams, server-side
 *   encryption, deletion protection, table class. The drill lists them (a restore does not carry
 *   streams over) and cleanup must respect deletion protection.
 * - Restores in progress: DynamoDB shows a table being restored as CREATING with a RestoreSummary
 *   (RestoreInProgress true) and refuses to serve it until the restore is done.
 */
interface TableSettingsRequest {
  TableName?: string;
  StreamSpecification?: { StreamEnabled?: boolean; StreamViewType?: string };
  SSESpecification?: { Enabled?: boolean; SSEType?: string; KMSMasterKeyId?: string };
  DeletionProtectionEnabled?: boolean;
  TableClass?: string;
}

interface RememberedSettings {
  stream?: { viewType: string; label: string };
  kmsKey?: string;
  deletionProtection: boolean;
  tableClass?: string;
}

export interface RestoreSummaryFacts {
  readonly sourceBackupArn: string;
  readonly sourceTableArn: string;
  readonly restoreDateTime: Date;
}

export class TableSettings {
  private readonly byTable = new Map<string, RememberedSettings>();
  private readonly restores = new Map<string, RestoreSummaryFacts & { inProgress: boolean }>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** After a successful CreateTable (fresh settings) or UpdateTable (changes only). */
  record(request: TableSettingsRequest, isCreate: boolean): void {
    if (!request.TableName) return;
    const settings: RememberedSettings = (!isCreate && this.byTable.get(request.TableName)) || { deletionProtection: false };
    if (request.StreamSpecification) {
      settings.stream = request.StreamSpecification.StreamEnabled
        ? { viewType: request.StreamSpecification.StreamViewType ?? 'NEW_AND_OLD_IMAGES', label: new Date().toISOString().replace('Z', '') }
        : undefined;
    }
    if (request.SSESpecification) {
      // Enabled without a key means the AWS managed key (alias/aws/dynamodb).
      settings.kmsKey = request.SSESpecification.Enabled
        ? (request.SSESpecification.KMSMasterKeyId ?? `arn:aws:kms:${this.region}:${this.accountId}:alias/aws/dynamodb`)
        : undefined;
    }
    if (request.DeletionProtectionEnabled !== undefined) settings.deletionProtection = request.DeletionProtectionEnabled;
    if (request.TableClass) settings.tableClass = request.TableClass;
    this.byTable.set(request.TableName, settings);
  }

  isDeletionProtected(tableName: string): boolean {
    return this.byTable.get(tableName)?.deletionProtection ?? false;
  }

  forget(tableName: string): void {
    this.byTable.delete(tableName);
    this.restores.delete(tableName);
  }

  /** From now on the table reports CREATING and a RestoreSummary with RestoreInProgress true. */
  markRestoreInProgress(tableName: string, facts: RestoreSummaryFacts): void {
    this.restores.set(tableName, { ...facts, inProgress: true });
  }

  /** The restore is over: the table reports its real status; RestoreSummary stays, not in progress. */
  markRestoreDone(tableName: string): void {
    const restore = this.restores.get(tableName);
    if (restore) restore.inProgress = false;
  }

  isRestoring(tableName: string): boolean {
    return this.restores.get(tableName)?.inProgress ?? false;
  }

  /**
   * Adds the remembered state to a description, the way DynamoDB reports it. The description is
   * in wire form (it is on its way to the SDK), so timestamps are epoch seconds.
   */
  decorate(description: TableDescription): void {
    const settings = this.byTable.get(description.TableName ?? '') ?? { deletionProtection: false };
    description.DeletionProtectionEnabled = settings.deletionProtection;
    if (settings.stream) {
      description.StreamSpecification = { StreamEnabled: true, StreamViewType: settings.stream.viewType as never };
      description.LatestStreamLabel = settings.stream.label;
      description.LatestStreamArn = `${description.TableArn}/stream/${settings.stream.label}`;
    }
    if (settings.kmsKey) description.SSEDescription = { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: settings.kmsKey };
    if (settings.tableClass) description.TableClassSummary = { TableClass: settings.tableClass as never };
    const restore = this.restores.get(description.TableName ?? '');
    if (restore) {
      description.RestoreSummary = {
        SourceBackupArn: restore.sourceBackupArn,
        SourceTableArn: restore.sourceTableArn,
        RestoreDateTime: (restore.restoreDateTime.getTime() / 1000) as unknown as Date,
        RestoreInProgress: restore.inProgress,
      };
      if (restore.inProgress) description.TableStatus = 'CREATING';
    }
  }
}
