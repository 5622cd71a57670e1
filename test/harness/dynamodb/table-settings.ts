import type { TableDescription } from '@aws-sdk/client-dynamodb';

/**
 * CreateTable/UpdateTable settings that dynalite accepts but drops from DescribeTable: streams,
 * server-side encryption, deletion protection, table class. The drill lists them (a restore does
 * not carry streams over, for instance) and cleanup must respect deletion protection, so the
 * harness remembers them per table and adds them back to every TableDescription it returns.
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

export class TableSettings {
  private readonly byTable = new Map<string, RememberedSettings>();

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
  }

  /** Adds the remembered settings to a description, the way DynamoDB reports them. */
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
  }
}
