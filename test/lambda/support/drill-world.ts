import { randomUUID } from 'node:crypto';
import * as BackupExceptions from '@aws-sdk/client-backup';
import {
  BackupClient,
  DescribeRestoreJobCommand,
  type DescribeRestoreJobCommandInput,
  type RecoveryPointStatus,
  type RestoreJobStatus,
  ListRecoveryPointsByBackupVaultCommand,
  type ListRecoveryPointsByBackupVaultCommandInput,
  ListRestoreJobsByProtectedResourceCommand,
  type ListRestoreJobsByProtectedResourceCommandInput,
  StartRestoreJobCommand,
  type StartRestoreJobCommandInput,
} from '@aws-sdk/client-backup';
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  InvalidParameterException,
  InvalidParameterValueException as SnsInvalidParameterValueException,
  PublishCommand,
  type PublishCommandInput,
  SNSClient,
  SNSServiceException,
} from '@aws-sdk/client-sns';
import { DescribeKeyCommand, type DescribeKeyCommandInput, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import type { DrilledTable, DrillConfig } from '../../../lambda/config';
import { DEFAULT_WAIT_TUNING, LATEST_RECOVERY_POINT } from '../../../lambda/config';
import type { Engine } from '../../../lambda/drill/engine';
import { createEngine, handleEvent, type InvocationSummary } from '../../../lambda/handler';
import { HISTORY_TABLE_LAYOUT } from '../../../lambda/config';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../harness/dynamodb/local-dynamodb';
import {
  backupJobStateChangeEvent,
  restoreJobStateChangeEvent,
  scheduledEvent as harnessScheduledEvent,
  type RestoreJobEventStatus,
  type RestoreJobFacts,
} from '../../harness/events/backup-events';
import { BackupApiError } from '../../harness/backup/backup-errors';
import { checkBackupVaultName, checkMaxResults, checkResourceType, checkStartRestoreJobShape } from '../../harness/backup/request-rules';
import { checkDynamoDbRestoreMetadata } from '../../harness/backup/restore-metadata';
import { publishRefusal } from '../../harness/sns/publish-limits';
import { FakeClock } from './fake-clock';

/**
 * The engine's unit-test world: the real handler and ports, AWS Backup and SNS replaced by
 * aws-sdk-client-mock, DynamoDB by aws-sdk-client-mock in front of AWS's DynamoDB Local (every
 * command passes through to it unless a test overrides it, so tests can both inject a failure
 * and assert the calls made, and DynamoDB's own validation refuses a malformed request), and a
 * virtual clock.
 */

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const VAULT = 'drill-vault';
export const RESTORE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/drill-restore`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:drill-reports`;
export const HISTORY_TABLE = 'drill-history';
export const PREFIX = 'drill-copy-';

export type Item = Record<string, AttributeValue>;
const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const vaultArn = (name: string) => `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:${name}`;

/** Runs a fake's answer, turning the harness's refusals into the exceptions the Backup SDK raises. */
async function asSdkError<T>(answer: () => T | Promise<T>): Promise<T> {
  try {
    return await answer();
  } catch (error) {
    if (!(error instanceof BackupApiError)) throw error;
    const Exception = (BackupExceptions as Record<string, unknown>)[error.code] as
      | (new (options: {
          message: string;
          $metadata: object;
        }) => Error)
      | undefined;
    if (!Exception) throw error;
    throw new Exception({ message: error.message, $metadata: { httpStatusCode: error.httpStatus } });
  }
}

/**
 * The fake SNS Publish: refuses what the local SNS endpoint refuses (test/harness/sns/
 * publish-limits.ts, from the SNS model and guide) with the SDK's exception classes, and answers
 * a PublishResponse with a fresh MessageId as SNS does.
 */
function acceptedBySns(input: PublishCommandInput) {
  const refusal = publishRefusal({
    topicArn: input.TopicArn ?? input.TargetArn,
    message: input.Message,
    subject: input.Subject,
    messageStructure: input.MessageStructure,
    messageAttributes: Object.fromEntries(
      Object.entries(input.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          DataType: value.DataType,
          StringValue: value.StringValue,
          BinaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
        },
      ]),
    ),
  });
  if (!refusal) return { MessageId: randomUUID() };
  const options = { message: refusal.message, $metadata: { httpStatusCode: 400 } };
  if (refusal.code === 'InvalidParameter') throw new InvalidParameterException(options);
  if (refusal.code === 'ParameterValueInvalid') throw new SnsInvalidParameterValueException(options);
  throw new SNSServiceException({ ...options, name: refusal.code, $fault: 'client' });
}

export type TableSchema = Omit<CreateTableCommandInput, 'TableName'>;

export interface SourceTableSpec {
  readonly name: string;
  readonly items: Item[];
  readonly withGsi?: boolean;
  /** Key schema and indexes (default: the orders schema, pk/sk with GSI byCustomer). */
  readonly schema?: TableSchema;
  readonly drill?: Partial<DrilledTable>;
}

export interface RecoveryPointSpec {
  readonly table: string;
  readonly ageMinutes: number;
  readonly status?: string;
  readonly arn?: string;
  /** The items the backup captured (default: the source items as given to addSourceTable). */
  readonly items?: Item[];
}

/** How the fake AWS Backup treats the next restore jobs. */
export interface RestoreScenario {
  /** Statuses DescribeRestoreJob reports, one per call; the last one repeats. */
  statuses: string[];
  statusMessage?: string;
  /** Create the target table at StartRestoreJob (false: e.g. a job that FAILED before creating it). */
  createTable: boolean;
  /** Change the items the restore writes (lost items, changed attributes...). */
  mutateItems?: (items: Item[]) => Item[];
  dropGsi?: boolean;
  expectedCompletionTimeMinutes?: number;
}

interface FakeRestoreJob {
  id: string;
  token?: string;
  target: string;
  recoveryPointArn: string;
  sourceTable: string;
  /** Fixed when the job starts: a recovery point's creation date does not move. */
  recoveryPointCreatedAt: number;
  iamRoleArn?: string;
  createdAt: number;
  completedAt?: number;
  calls: number;
  scenario: RestoreScenario;
}

export function orderItems(count: number, extra: (i: number) => Item = () => ({})): Item[] {
  return Array.from({ length: count }, (_, i) => ({
    pk: { S: `ORDER#${String(i).padStart(4, '0')}` },
    sk: { S: 'META' },
    customerId: { S: `C${i % 7}` },
    total: { N: String(10 + i * 1.25) },
    ...extra(i),
  }));
}

export class DrillWorld {
  readonly clock = new FakeClock();
  readonly backup = mockClient(BackupClient);
  readonly sns = mockClient(SNSClient);
  readonly dynamodb = mockClient(DynamoDBClient);
  readonly kms = mockClient(KMSClient);
  /** KMS keys DescribeKey knows, by key ARN, with who manages them. */
  readonly kmsKeys = new Map<string, 'AWS' | 'CUSTOMER'>();
  readonly restoreJobs: FakeRestoreJob[] = [];
  scenario: RestoreScenario = { statuses: ['RUNNING', 'COMPLETED'], createTable: true };
  private sources = new Map<string, SourceTableSpec>();
  private recoveryPoints: RecoveryPointSpec[] = [];
  private readonly direct: DynamoDBClient;
  private readonly realSend: (command: unknown) => Promise<any>;

  /** Sends a command straight to DynamoDB Local, past the mock (for fakes that wrap the real answer). */
  passThrough(command: unknown): Promise<any> {
    return this.realSend(command);
  }

  private constructor(
    private readonly local: LocalDynamoDb,
    endpoint: string,
  ) {
    process.env.AWS_REGION = REGION;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    this.direct = new DynamoDBClient({ region: REGION, endpoint });
    // The un-stubbed send of the SDK base class: reaches DynamoDB Local even while the mock is active.
    const baseSend = Object.getPrototypeOf(DynamoDBClient.prototype).send as (command: unknown) => Promise<unknown>;
    this.realSend = (command) => baseSend.call(this.direct, command);
  }

  /** A database of its own in the run's DynamoDB Local; tables are ACTIVE at once (virtual time). */
  static async start(): Promise<DrillWorld> {
    const local = await startLocalDynamoDb({ accountId: ACCOUNT, region: REGION, createTableMs: 0, deleteTableMs: 0 });
    return new DrillWorld(local, local.url);
  }

  async stop(): Promise<void> {
    this.backup.restore();
    this.sns.restore();
    this.kms.restore();
    this.dynamodb.restore();
    this.direct.destroy();
    await this.local.close();
  }

  /** Fresh state for a test: no tables, default mocks, the default restore scenario. */
  async reset(): Promise<void> {
    this.backup.reset();
    this.sns.reset();
    this.kms.reset();
    this.kmsKeys.clear();
    this.dynamodb.reset();
    this.restoreJobs.length = 0;
    this.sources.clear();
    this.recoveryPoints = [];
    this.scenario = { statuses: ['RUNNING', 'COMPLETED'], createTable: true };
    const { TableNames = [] } = await this.realSend(new ListTablesCommand({}));
    for (const name of TableNames) await this.realSend(new DeleteTableCommand({ TableName: name }));
    await this.waitGone(TableNames);
    this.passDynamoDbThrough();
    this.installBackup();
    this.installKms();
    this.sns.on(PublishCommand).callsFake((input: PublishCommandInput) => acceptedBySns(input));
    await this.createHistoryTable();
  }

  private async waitGone(names: string[]) {
    for (let i = 0; i < 100; i++) {
      const { TableNames = [] } = await this.realSend(new ListTablesCommand({}));
      if (!TableNames.some((n: string) => names.includes(n))) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  passDynamoDbThrough(): void {
    const commands = [
      BatchGetItemCommand,
      DeleteTableCommand,
      DescribeContinuousBackupsCommand,
      DescribeTableCommand,
      DescribeTimeToLiveCommand,
      GetItemCommand,
      ListTablesCommand,
      ListTagsOfResourceCommand,
      PutItemCommand,
      QueryCommand,
      ScanCommand,
      UpdateItemCommand,
    ] as const;
    for (const Command of commands) {
      this.dynamodb.on(Command as any).callsFake((input: any) => this.realSend(new (Command as any)(input)));
    }
  }

  /** The history table as the construct creates it, from the port's own layout. */
  private async createHistoryTable() {
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
    await this.createRaw({
      TableName: HISTORY_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keys(layout.partitionKey, layout.sortKey),
      AttributeDefinitions: [...names].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
      GlobalSecondaryIndexes: layout.globalIndexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keys(index.partitionKey, 'sortKey' in index ? index.sortKey : undefined),
        Projection: { ProjectionType: 'ALL' as const },
      })),
    });
  }

  private async createRaw(input: CreateTableCommandInput) {
    await this.realSend(new CreateTableCommand(input));
    for (let i = 0; i < 200; i++) {
      const { Table } = await this.realSend(new DescribeTableCommand({ TableName: input.TableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error(`table ${input.TableName} never became ACTIVE`);
  }

  private schemaOf(name: string, withGsi: boolean, schema?: TableSchema): CreateTableCommandInput {
    if (schema) {
      if (withGsi) return { ...schema, TableName: name };
      const keyNames = new Set([
        ...(schema.KeySchema ?? []).map((k) => k.AttributeName),
        ...(schema.LocalSecondaryIndexes ?? []).flatMap((i) => (i.KeySchema ?? []).map((k) => k.AttributeName)),
      ]);
      return {
        ...schema,
        TableName: name,
        GlobalSecondaryIndexes: undefined,
        AttributeDefinitions: schema.AttributeDefinitions?.filter((a) => keyNames.has(a.AttributeName)),
      };
    }
    return {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        ...(withGsi ? [{ AttributeName: 'customerId', AttributeType: 'S' as const }] : []),
      ],
      GlobalSecondaryIndexes: withGsi
        ? [
            {
              IndexName: 'byCustomer',
              KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ]
        : undefined,
    };
  }

  async writeItems(tableName: string, items: Item[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      await this.realSend(
        new BatchWriteItemCommand({
          RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
  }

  async addSourceTable(spec: SourceTableSpec): Promise<void> {
    await this.createRaw(this.schemaOf(spec.name, spec.withGsi ?? true, spec.schema));
    await this.writeItems(spec.name, spec.items);
    this.sources.set(spec.name, spec);
  }

  addRecoveryPoint(spec: RecoveryPointSpec): string {
    // An advanced DynamoDB backup's ARN, as AWS Backup makes them (arn:aws:backup:...:recovery-point:<uuid>).
    const arn = spec.arn ?? `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:${randomUUID()}`;
    this.recoveryPoints.push({ ...spec, arn });
    return arn;
  }

  /** AWS Backup deleting every recovery point of `table`, as it does when their retention ends. */
  expireRecoveryPoints(table: string): void {
    this.recoveryPoints = this.recoveryPoints.filter((p) => p.table !== table);
  }

  /**
   * The fake AWS Backup answers in the shapes of the API (DescribeRestoreJobOutput,
   * RecoveryPointByBackupVault...) and refuses what the local Backup endpoint refuses, with the
   * SDK's own exception classes: the same rules (test/harness/backup/request-rules.ts and
   * restore-metadata.ts, from the Backup model) hold in both worlds. Listing gives two pages, to
   * prove the engine reads past the first one.
   */
  private installBackup() {
    this.backup.on(ListRecoveryPointsByBackupVaultCommand).callsFake((input) => this.listRecoveryPoints(input));
    this.backup.on(StartRestoreJobCommand).callsFake((input) => asSdkError(() => this.startRestore(input)));
    this.backup.on(DescribeRestoreJobCommand).callsFake((input) => asSdkError(() => this.describeRestore(input)));
    this.backup.on(ListRestoreJobsByProtectedResourceCommand).callsFake((input) => asSdkError(() => this.listRestoreJobs(input)));
  }

  /** The fake ListRecoveryPointsByBackupVault: this world's recovery points of the table, one per page. */
  listRecoveryPoints(input: ListRecoveryPointsByBackupVaultCommandInput) {
    return asSdkError(() => {
      checkBackupVaultName(input.BackupVaultName);
      checkMaxResults(input.MaxResults);
      checkResourceType(input.ByResourceType, 'ByResourceType');
      const points = this.recoveryPoints
        .filter((p) => tableArn(p.table) === input.ByResourceArn)
        .map((p) => {
          const status = p.status ?? 'COMPLETED';
          const creationDate = new Date(this.clock.now() - p.ageMinutes * 60_000);
          return {
            RecoveryPointArn: p.arn,
            BackupVaultName: input.BackupVaultName,
            BackupVaultArn: vaultArn(input.BackupVaultName!),
            ResourceArn: tableArn(p.table),
            ResourceType: 'DynamoDB',
            IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole`,
            Status: status as RecoveryPointStatus,
            CreationDate: creationDate,
            CompletionDate: status === 'COMPLETED' ? new Date(creationDate.getTime() + 41_000) : undefined,
            BackupSizeInBytes: 36048,
            IsEncrypted: true,
            IsParent: false,
            ResourceName: p.table,
            VaultType: 'BACKUP_VAULT' as const,
          };
        });
      const start = input.NextToken ? Number(input.NextToken) : 0;
      const page = points.slice(start, start + 1);
      const next = start + 1 < points.length ? String(start + 1) : undefined;
      return { RecoveryPoints: page, NextToken: next };
    });
  }

  /**
   * The fake ListRestoreJobsByProtectedResource: the jobs restoring recovery points of that table
   * created within the filter dates, one per page, members shaped as RestoreJobsListMember (AWS
   * Backup API reference). `visible` hides jobs not listed yet.
   */
  listRestoreJobs(input: ListRestoreJobsByProtectedResourceCommandInput, visible: (job: FakeRestoreJob) => boolean = () => true) {
    const jobs = this.restoreJobs
      .filter((job) => tableArn(job.sourceTable) === input.ResourceArn && visible(job))
      .map((job) => ({ job, pointCreated: new Date(job.recoveryPointCreatedAt) }))
      .filter(
        ({ pointCreated }) =>
          (!input.ByRecoveryPointCreationDateAfter || pointCreated > input.ByRecoveryPointCreationDateAfter) &&
          (!input.ByRecoveryPointCreationDateBefore || pointCreated < input.ByRecoveryPointCreationDateBefore),
      )
      .map(({ job, pointCreated }) => ({
        AccountId: ACCOUNT,
        RestoreJobId: job.id,
        RecoveryPointArn: job.recoveryPointArn,
        SourceResourceArn: tableArn(job.sourceTable),
        BackupVaultArn: vaultArn(VAULT),
        CreationDate: new Date(job.createdAt),
        Status: (job.completedAt ? 'COMPLETED' : 'RUNNING') as RestoreJobStatus,
        IamRoleArn: job.iamRoleArn,
        CreatedResourceArn: job.completedAt ? tableArn(job.target) : undefined,
        ResourceType: 'DynamoDB',
        RecoveryPointCreationDate: pointCreated,
      }));
    const start = input.NextToken ? Number(input.NextToken) : 0;
    return { RestoreJobs: jobs.slice(start, start + 1), NextToken: start + 1 < jobs.length ? String(start + 1) : undefined };
  }

  private installKms() {
    this.kms.on(DescribeKeyCommand).callsFake((input) => this.describeKey(input));
  }

  /**
   * The fake KMS DescribeKey: KeyMetadata as the KMS API reference shapes it for the keys in
   * `kmsKeys`; any other key is NotFoundException, as KMS answers for a key it does not have.
   */
  describeKey(input: DescribeKeyCommandInput) {
    const arn = input.KeyId!;
    const manager = this.kmsKeys.get(arn);
    if (!manager) throw Object.assign(new Error(`Key '${arn}' does not exist`), { name: 'NotFoundException' });
    return {
      KeyMetadata: {
        AWSAccountId: ACCOUNT,
        KeyId: arn.split('/').pop(),
        Arn: arn,
        CreationDate: new Date('2025-03-01T00:00:00Z'),
        Enabled: true,
        Description: manager === 'AWS' ? 'Default key that protects my DynamoDB data when no other key is defined' : 'orders data key',
        KeyUsage: 'ENCRYPT_DECRYPT' as const,
        KeyState: 'Enabled' as const,
        Origin: 'AWS_KMS' as const,
        KeyManager: manager,
        KeySpec: 'SYMMETRIC_DEFAULT' as const,
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT' as const],
        MultiRegion: false,
      },
    };
  }

  /** The fake AWS Backup's StartRestoreJob (idempotent by token; creates the copy per the scenario). */
  async startRestore(input: StartRestoreJobCommandInput) {
    checkStartRestoreJobShape(input);
    const existing = this.restoreJobs.find((job) => job.token !== undefined && job.token === input.IdempotencyToken);
    if (existing) return { RestoreJobId: existing.id };
    const point = this.recoveryPoints.find((p) => p.arn === input.RecoveryPointArn);
    if (!point) throw new BackupApiError('ResourceNotFoundException', `Recovery point ${input.RecoveryPointArn} not found`);
    const target = checkDynamoDbRestoreMetadata(input.Metadata!);
    const job: FakeRestoreJob = {
      id: `restore-job-${this.restoreJobs.length + 1}`,
      token: input.IdempotencyToken,
      target,
      recoveryPointArn: point.arn!,
      sourceTable: point.table,
      recoveryPointCreatedAt: this.clock.now() - point.ageMinutes * 60_000,
      iamRoleArn: input.IamRoleArn,
      createdAt: this.clock.now(),
      calls: 0,
      scenario: { ...this.scenario, statuses: [...this.scenario.statuses] },
    };
    this.restoreJobs.push(job);
    if (job.scenario.createTable) {
      const source = this.sources.get(point.table)!;
      const schema = this.schemaOf(target, (source.withGsi ?? true) && !job.scenario.dropGsi, source.schema);
      await this.createRaw(schema);
      // The restore holds the source as it was at backup time: snapshot taken when the point was added.
      const snapshot = point.items ?? source.items;
      const items = job.scenario.mutateItems ? job.scenario.mutateItems(structuredClone(snapshot)) : snapshot;
      await this.writeItems(target, items);
    }
    return { RestoreJobId: job.id };
  }

  /**
   * The fake DescribeRestoreJob: the scenario's statuses, one per call, the last one repeating,
   * in DescribeRestoreJobOutput's shape: PercentDone a string, CreatedResourceArn only once
   * COMPLETED, CompletionDate once final, ExpectedCompletionTimeMinutes only while running.
   */
  describeRestore(input: DescribeRestoreJobCommandInput) {
    if (!input.RestoreJobId) throw new BackupApiError('MissingParameterValueException', 'RestoreJobId is required');
    const job = this.restoreJobs.find((j) => j.id === input.RestoreJobId);
    if (!job) throw new BackupApiError('ResourceNotFoundException', `Restore job ${input.RestoreJobId} not found`);
    const statuses = job.scenario.statuses;
    const status = statuses[Math.min(job.calls, statuses.length - 1)] as RestoreJobStatus;
    job.calls += 1;
    const final = ['COMPLETED', 'FAILED', 'ABORTED'].includes(status);
    if (final) job.completedAt ??= this.clock.now();
    return {
      AccountId: ACCOUNT,
      RestoreJobId: job.id,
      RecoveryPointArn: job.recoveryPointArn,
      SourceResourceArn: tableArn(job.sourceTable),
      BackupVaultArn: vaultArn(VAULT),
      CreationDate: new Date(job.createdAt),
      CompletionDate: job.completedAt ? new Date(job.completedAt) : undefined,
      Status: status,
      StatusMessage: status === 'COMPLETED' ? undefined : job.scenario.statusMessage,
      PercentDone: status === 'COMPLETED' ? '100.00%' : status === 'PENDING' ? '0.00%' : '40.00%',
      BackupSizeInBytes: 36048,
      IamRoleArn: job.iamRoleArn,
      ExpectedCompletionTimeMinutes: final ? undefined : job.scenario.expectedCompletionTimeMinutes,
      CreatedResourceArn: status === 'COMPLETED' ? tableArn(job.target) : undefined,
      ResourceType: 'DynamoDB',
      RecoveryPointCreationDate: new Date(job.recoveryPointCreatedAt),
      IsParent: false,
    };
  }

  config(overrides: Partial<DrillConfig> = {}): DrillConfig {
    return {
      tables: [...this.sources.values()].map((s) => ({ tableName: s.name, tableArn: tableArn(s.name), ...s.drill })),
      vaultNames: [VAULT],
      restoreRoleArn: RESTORE_ROLE_ARN,
      restoreTablePrefix: PREFIX,
      topicArn: TOPIC_ARN,
      historyTableName: HISTORY_TABLE,
      targets: {
        rpoTargetMinutes: 26 * 60,
        rtoTargetMinutes: 60,
        itemCountTolerancePercent: 0,
        sampleSize: 20,
        scanSegments: 3,
        sourceReadBudgetUnits: 10_000,
        sourceReadUnitsPerSecond: 1_000,
      },
      wait: DEFAULT_WAIT_TUNING,
      recoveryPointSelection: LATEST_RECOVERY_POINT,
      ...overrides,
    };
  }

  engine(overrides: Partial<DrillConfig> = {}, engineOverrides: Partial<Engine> = {}): Engine {
    return createEngine({ config: this.config(overrides), clock: this.clock, random: seededRandom(7), ...engineOverrides });
  }

  invoke(event: unknown, options: { engine?: Engine; remainingMs?: number; requestId?: string } = {}): Promise<InvocationSummary> {
    const engine = options.engine ?? this.engine();
    const remaining = options.remainingMs ?? 15 * 60_000;
    const startedAt = this.clock.now();
    return handleEvent(engine, event, {
      awsRequestId: options.requestId ?? `request-${Math.floor(Math.random() * 1e9)}`,
      getRemainingTimeInMillis: () => remaining - (this.clock.now() - startedAt),
    });
  }

  /** Reports sent to SNS, decoded. */
  published() {
    return this.sns.commandCalls(PublishCommand).map((call) => {
      const input = call.args[0].input;
      const bodies = JSON.parse(input.Message!) as { default: string; email: string };
      return {
        subject: input.Subject!,
        email: bodies.email,
        json: JSON.parse(bodies.default),
        structure: input.MessageStructure,
        attributes: Object.fromEntries(Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue])),
      };
    });
  }

  async tableNames(): Promise<string[]> {
    const { TableNames = [] } = await this.realSend(new ListTablesCommand({}));
    return TableNames;
  }

  async copiesLeft(): Promise<string[]> {
    return (await this.tableNames()).filter((name) => name.startsWith(PREFIX));
  }

  async historyRecord(drillId: string): Promise<Record<string, any> | undefined> {
    const { unmarshall } = await import('@aws-sdk/util-dynamodb');
    const { Item } = await this.realSend(
      new GetItemCommand({ TableName: HISTORY_TABLE, Key: { pk: { S: `DRILL#${drillId}` }, sk: { S: 'DRILL' } } }),
    );
    return Item ? unmarshall(Item) : undefined;
  }

  async scanTable(name: string): Promise<Item[]> {
    const { Items = [] } = await this.realSend(new ScanCommand({ TableName: name }));
    return Items;
  }
}

export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/**
 * Events as EventBridge delivers them, built by the harness's one set of builders
 * (test/harness/events/backup-events.ts), which follow AWS's documented example events.
 */
const envelope = (time: string, id: string = randomUUID()) => ({ account: ACCOUNT, region: REGION, time: new Date(time), id });

export function scheduledEvent(time = '2026-11-28T06:00:00Z', id?: string) {
  return harnessScheduledEvent(`arn:aws:events:${REGION}:${ACCOUNT}:rule/restore-drill-schedule`, envelope(time, id));
}

/** A "Restore Job State Change" of one of this world's restore jobs (status, not state). */
export function restoreJobEvent(
  restoreJobId: string,
  status: Exclude<RestoreJobEventStatus, 'CREATED'>,
  facts: Partial<RestoreJobFacts> = {},
) {
  const completed = status === 'COMPLETED';
  return restoreJobStateChangeEvent(
    {
      restoreJobId,
      status,
      creationDate: new Date('2026-11-28T06:00:05.120Z'),
      recoveryPointArn: `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:${randomUUID()}`,
      backupVaultArn: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:${VAULT}`,
      iamRoleArn: RESTORE_ROLE_ARN,
      resourceType: 'DynamoDB',
      backupSizeInBytes: 1880,
      completionDate: completed ? new Date('2026-11-28T06:29:51.007Z') : undefined,
      ...facts,
    },
    envelope('2026-11-28T06:30:00Z'),
  );
}

/** A "Backup Job State Change" COMPLETED of a backup of `table` into this world's vault. */
export function backupCompletedEvent(table: string) {
  return backupJobStateChangeEvent(
    {
      backupJobId: randomUUID().toUpperCase(),
      state: 'COMPLETED',
      creationDate: new Date('2026-11-28T03:00:04.500Z'),
      completionDate: new Date('2026-11-28T03:09:41.250Z'),
      startBy: new Date('2026-11-28T11:00:04.500Z'),
      backupVaultName: VAULT,
      backupVaultArn: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:${VAULT}`,
      resourceArn: tableArn(table),
      iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole`,
      recoveryPointArn: `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:${randomUUID()}`,
      backupSizeInBytes: 36048,
    },
    envelope('2026-11-28T03:10:00Z'),
  );
}

export { tableArn };
