import type { TableDescription } from '@aws-sdk/client-dynamodb';

/**
 * Per-table state AWS's DynamoDB Local does not keep, added back to every TableDescription the
 * harness returns (checked against DynamoDB Local 3.3.0 by test/harness/dynamodb.test.ts):
 * - CreateTable/UpdateTable settings it accepts but drops: server-side encryption
 *   (SSEDescription) and the table class. The drill reads a source's encryption before a
 *   restore. Streams and deletion protection DynamoDB Local keeps itself.
 * - OnDemandThroughput: DynamoDB Local refuses it on an on-demand CreateTable ("Table read and
 *   write throughput must be at least 1"), which AWS accepts; the harness takes it out of the
 *   request and reports it back. The drill paces source reads to a quarter of it.
 * - Table lifecycle: DynamoDB Local creates and deletes tables at once, where DynamoDB shows
 *   CREATING and DELETING for seconds. The harness reports CREATING for `createTableMs` after a
 *   CreateTable (item operations refused) and DELETING for `deleteTableMs` after a DeleteTable,
 *   so the drill's waits see the states in their real order, only shorter.
 * - Restores in progress: DynamoDB shows a table being restored as CREATING with a RestoreSummary
 *   (RestoreInProgress true) and refuses to serve it until the restore is done.
 */
interface TableSettingsRequest {
  TableName?: string;
  SSESpecification?: { Enabled?: boolean; SSEType?: string; KMSMasterKeyId?: string };
  TableClass?: string;
  OnDemandThroughput?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
}

interface RememberedSettings {
  kmsKey?: string;
  tableClass?: string;
  onDemandThroughput?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
}

export interface RestoreSummaryFacts {
  readonly sourceBackupArn: string;
  readonly sourceTableArn: string;
  readonly restoreDateTime: Date;
}

/** What the settings need of KMS: the key ARN DescribeTable reports for a table's key. */
export interface KeyDirectory {
  awsManagedDynamoDbKeyArn(): string;
  keyArnOf(keyIdOrName: string): string | undefined;
}

export class TableSettings {
  private readonly byTable = new Map<string, RememberedSettings>();
  private readonly restores = new Map<string, RestoreSummaryFacts & { inProgress: boolean }>();
  private readonly creatingUntil = new Map<string, number>();
  private readonly deleting = new Map<string, { until: number; description: TableDescription }>();

  constructor(private readonly keys: KeyDirectory) {}

  /** After a successful CreateTable (fresh settings) or UpdateTable (changes only). */
  record(request: TableSettingsRequest, isCreate: boolean): void {
    if (!request.TableName) return;
    const settings: RememberedSettings = (!isCreate && this.byTable.get(request.TableName)) || {};
    if (request.SSESpecification) {
      // Enabled without a key means the AWS managed key (aws/dynamodb); not enabled, the AWS owned
      // key, which DescribeTable does not report. Either way DescribeTable reports the key's ARN,
      // whatever form KMSMasterKeyId named it in (DynamoDB API reference, SSESpecification and
      // SSEDescription).
      const keyId = request.SSESpecification.KMSMasterKeyId;
      settings.kmsKey = request.SSESpecification.Enabled
        ? keyId === undefined
          ? this.keys.awsManagedDynamoDbKeyArn()
          : (this.keys.keyArnOf(keyId) ?? keyId)
        : undefined;
    }
    if (request.TableClass) settings.tableClass = request.TableClass;
    if (request.OnDemandThroughput) settings.onDemandThroughput = request.OnDemandThroughput;
    this.byTable.set(request.TableName, settings);
  }

  /** A new table stays CREATING this long. */
  startCreating(tableName: string, durationMs: number): void {
    if (durationMs > 0) this.creatingUntil.set(tableName, Date.now() + durationMs);
  }

  /** A deleted table is reported DELETING, with its last description, this long. */
  startDeleting(tableName: string, description: TableDescription, durationMs: number): void {
    this.forget(tableName);
    if (durationMs > 0) this.deleting.set(tableName, { until: Date.now() + durationMs, description });
  }

  isCreating(tableName: string): boolean {
    const until = this.creatingUntil.get(tableName);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.creatingUntil.delete(tableName);
    return false;
  }

  /** The description of a table DynamoDB would still show as DELETING, else undefined. */
  deletingDescription(tableName: string): TableDescription | undefined {
    const entry = this.deleting.get(tableName);
    if (!entry) return undefined;
    if (Date.now() < entry.until) return { ...entry.description, TableStatus: 'DELETING' };
    this.deleting.delete(tableName);
    return undefined;
  }

  forget(tableName: string): void {
    this.byTable.delete(tableName);
    this.restores.delete(tableName);
    this.creatingUntil.delete(tableName);
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
    const tableName = description.TableName ?? '';
    const settings = this.byTable.get(tableName) ?? {};
    if (settings.kmsKey) description.SSEDescription = { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: settings.kmsKey };
    if (settings.tableClass) description.TableClassSummary = { TableClass: settings.tableClass as never };
    if (settings.onDemandThroughput) description.OnDemandThroughput = settings.onDemandThroughput;
    if (this.isCreating(tableName)) {
      description.TableStatus = 'CREATING';
      for (const index of description.GlobalSecondaryIndexes ?? []) index.IndexStatus = 'CREATING';
    }
    const restore = this.restores.get(tableName);
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
