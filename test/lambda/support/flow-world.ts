import { randomUUID } from 'node:crypto';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { DrillConfig, DrilledTable } from '../../../lambda/config';
import { DEFAULT_WAIT_TUNING, LATEST_RECOVERY_POINT } from '../../../lambda/config';
import type { Engine } from '../../../lambda/drill/engine';
import { createEngine, handleEvent, type InvocationSummary } from '../../../lambda/handler';
import type { Item } from '../../../lambda/ports/dynamodb-port';
import {
  backupJobStateChangeEvent,
  scheduledEvent as harnessScheduledEvent,
  type RestoreJobEventStatus,
  type RestoreJobFacts,
  restoreJobStateChangeEvent,
} from '../../harness/events/backup-events';
import { FakeClock } from './fake-clock';
import { FakeBackup, type RecoveryPointSpec, type RestorePlan } from './fakes/fake-backup';
import { FakeKeys } from './fakes/fake-keys';
import { FakeNotifier } from './fakes/fake-notifier';
import { InMemoryDynamoDb, type TableOptions } from './fakes/in-memory-dynamodb';
import { InMemoryHistory } from './fakes/in-memory-history';

/**
 * The drill flow's world: the real handler and engine over in-memory fakes of its ports (AWS
 * Backup, DynamoDB, the drill history, KMS, SNS) on a virtual clock. No SDK client and no DynamoDB
 * Local: a drill runs in milliseconds, and a test says what happens in AWS's terms
 * (`world.backup.completeRestore(id)`, `world.dynamodb.failNext('describeTable', throttled())`).
 * The contract tests (test/lambda/ports/*-contract.test.ts) hold the fakes to the real ports; the
 * requests the ports build are the port tests'; the local AWS harness, the one fake of AWS's
 * APIs, is the end-to-end tests'.
 */

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const VAULT = 'drill-vault';
export const RESTORE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/drill-restore`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:drill-reports`;
export const HISTORY_TABLE = 'drill-history';
export const PREFIX = 'drill-copy-';

export type { Item };
export const tableArn = (name: string): string => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;

export type TableSchema = Omit<CreateTableCommandInput, 'TableName'>;

export interface SourceTableSpec {
  readonly name: string;
  readonly items: readonly Item[];
  /** Key schema and indexes (default: the orders schema, pk/sk with GSI byCustomer). */
  readonly schema?: TableSchema;
  readonly drill?: Partial<DrilledTable>;
  /** CreationDateTime, encryption and settings as DescribeTable and friends report them. */
  readonly options?: TableOptions;
}

/** The orders table of the flow tests (and of the port contract tests): a sort key and a global secondary index. */
export const ORDERS_SCHEMA: TableSchema = {
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'customerId', AttributeType: 'S' },
  ],
  GlobalSecondaryIndexes: [
    { IndexName: 'byCustomer', KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
  ],
};

export function orderItems(count: number, extra: (i: number) => Item = () => ({})): Item[] {
  return Array.from({ length: count }, (_, i) => ({
    pk: { S: `ORDER#${String(i).padStart(4, '0')}` },
    sk: { S: 'META' },
    customerId: { S: `C${i % 7}` },
    total: { N: String(10 + i * 1.25) },
    ...extra(i),
  }));
}

/** A report as the notifier was given it, decoded as a subscriber reads it. */
export interface PublishedReport {
  readonly topic: 'reports' | 'failures';
  readonly subject: string;
  readonly email: string;
  readonly json: any;
  readonly attributes: Readonly<Record<string, string>>;
}

export class FlowWorld {
  readonly clock = new FakeClock();
  readonly dynamodb = new InMemoryDynamoDb(this.clock, { account: ACCOUNT, region: REGION });
  readonly backup = new FakeBackup(this.clock, this.dynamodb, { account: ACCOUNT, region: REGION, vaultName: VAULT });
  readonly history = new InMemoryHistory();
  readonly keys = new FakeKeys();
  readonly notifier = new FakeNotifier();
  private readonly sources: SourceTableSpec[] = [];

  constructor() {
    process.env.AWS_REGION = REGION;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  }

  addSourceTable(spec: SourceTableSpec): void {
    this.dynamodb.createTable({ ...(spec.schema ?? ORDERS_SCHEMA), TableName: spec.name }, spec.items, spec.options);
    this.sources.push(spec);
  }

  /** A recovery point of the table, `ageMinutes` old, holding the table's items as they are now (or `items`). */
  addRecoveryPoint(spec: RecoveryPointSpec): string {
    return this.backup.addRecoveryPoint(spec);
  }

  /** How the restores started from now on run: `{ durationMs: Infinity }` holds them until completeRestore. */
  nextRestores(plan: Partial<RestorePlan>): void {
    this.backup.nextRestores(plan);
  }

  completeRestore(restoreJobId: string): void {
    this.backup.completeRestore(restoreJobId);
  }

  config(overrides: Partial<DrillConfig> = {}): DrillConfig {
    return {
      tables: this.sources.map((s) => ({ tableName: s.name, tableArn: tableArn(s.name), ...s.drill })),
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
    const config = this.config(overrides);
    this.notifier.configure({ reports: config.topicArn, failures: config.failureTopicArn });
    return createEngine({
      config,
      clock: this.clock,
      random: seededRandom(7),
      backup: this.backup,
      dynamodb: this.dynamodb,
      history: this.history,
      keys: this.keys,
      notifier: this.notifier,
      ...engineOverrides,
    });
  }

  invoke(event: unknown, options: { engine?: Engine; remainingMs?: number; requestId?: string } = {}): Promise<InvocationSummary> {
    const engine = options.engine ?? this.engine();
    const remaining = options.remainingMs ?? 15 * 60_000;
    const startedAt = this.clock.now();
    return handleEvent(engine, event, {
      awsRequestId: options.requestId ?? `request-${randomUUID()}`,
      getRemainingTimeInMillis: () => remaining - (this.clock.now() - startedAt),
    });
  }

  /** Reports the notifier accepted, in order, decoded. */
  published(): PublishedReport[] {
    return this.notifier.published.map(({ topic, message }) => {
      const bodies = message.bodies as { default: string; email: string };
      return { topic, subject: message.subject, email: bodies.email, json: JSON.parse(bodies.default), attributes: message.attributes };
    });
  }

  /** Restored copies that exist now. */
  copiesLeft(): string[] {
    return this.dynamodb.tableNames().filter((name) => name.startsWith(PREFIX));
  }

  /** Tables the drill deleted, in order. */
  deletedTables(): string[] {
    return this.dynamodb.calls('deleteTable').map(([name]) => name);
  }

  historyRecord(drillId: string) {
    return this.history.record(drillId);
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
