import { randomUUID } from 'node:crypto';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { RecoveryPoint, RestoreJob, RestoreJobStatus, RestoreValidationStatus } from '../../../../lambda/domain/backup';
import type { BackupPort, ListedRestoreJob, StartRestoreRequest } from '../../../../lambda/ports/backup-port';
import type { Clock } from '../../../../lambda/ports/clock';
import type { Item } from '../../../../lambda/ports/dynamodb-port';
import { BackupApiError } from '../../../harness/backup/backup-errors';
import { checkDynamoDbRestoreMetadata, tableSettingsFromMetadata } from '../../../harness/backup/restore-metadata';
import { awsError } from '../aws-errors';
import type { InMemoryDynamoDb } from './in-memory-dynamodb';
import { PortCalls } from './port-calls';

/**
 * The Backup port, in memory: recovery points holding a snapshot of a table, and restore jobs
 * that copy the snapshot into a new table of the in-memory DynamoDB, on the engine's clock. It
 * fakes our port, not AWS Backup's API - the one fake of that API is the local harness
 * (test/harness/backup), which the end-to-end tests drive. What AWS answers, and how the port
 * reads it (pages, PercentDone as text, CreatedResourceArn only once COMPLETED), is
 * backup-port.test.ts's business. The restore metadata is checked by the harness's rules from the
 * Backup model, so both worlds refuse the same requests.
 *
 * A restore job runs for its plan's duration (10 s unless told: RTO is then exactly 10 s), its
 * copy CREATING meanwhile, then ends as planned; or, held, until a test ends it
 * (completeRestore, failRestore, abortRestore).
 */

export interface RestorePlan {
  /** How long the job runs, in ms of the engine's clock (Infinity: until a test ends it). */
  readonly durationMs: number;
  readonly outcome: 'COMPLETED' | 'FAILED' | 'ABORTED';
  readonly statusMessage?: string;
  /** false: the job ends before creating its table. */
  readonly createsTable: boolean;
  /** What the restore writes instead of the snapshot's items (lost items, changed values...). */
  readonly mutateItems?: (items: Item[]) => Item[];
  /** The copy comes back without the source's global secondary indexes. */
  readonly dropGlobalIndexes?: boolean;
  /** The copy stays CREATING this long after the job COMPLETED (Infinity: until the test activates it). */
  readonly tableActiveLagMs?: number;
  /** PercentDone while running (default: the share of the duration gone; none for a held job). */
  readonly percentDone?: number;
  readonly expectedCompletionTimeMinutes?: number;
}

export const DEFAULT_RESTORE_PLAN: RestorePlan = { durationMs: 10_000, outcome: 'COMPLETED', createsTable: true };

export interface RecoveryPointSpec {
  readonly table: string;
  readonly ageMinutes: number;
  readonly status?: string;
  readonly vaultName?: string;
  /** What the backup captured (default: the table's items now). */
  readonly items?: readonly Item[];
}

export interface StoredRecoveryPoint extends RecoveryPoint {
  readonly table: string;
  readonly snapshot: { readonly definition: CreateTableCommandInput; readonly items: readonly Item[] };
}

export interface FakeRestoreJob {
  readonly id: string;
  readonly token: string;
  readonly recoveryPointArn: string;
  readonly recoveryPointCreatedAt: number;
  readonly sourceTable: string;
  readonly targetTable: string;
  readonly iamRoleArn: string;
  readonly createdAt: number;
  readonly plan: RestorePlan;
  /** Set when a test ended the job. */
  ended?: { readonly status: 'COMPLETED' | 'FAILED' | 'ABORTED'; readonly at: number; readonly message?: string };
}

export class FakeBackup extends PortCalls<BackupPort> implements BackupPort {
  readonly restoreJobs: FakeRestoreJob[] = [];
  protected recoveryPoints: StoredRecoveryPoint[] = [];
  private plan: RestorePlan = DEFAULT_RESTORE_PLAN;
  private answersWithoutId = false;
  private answersToLose = 0;
  private listed: (job: FakeRestoreJob) => boolean = () => true;

  constructor(
    protected readonly clock: Clock,
    private readonly dynamodb: InMemoryDynamoDb,
    protected readonly env: { readonly account: string; readonly region: string; readonly vaultName: string },
  ) {
    super();
  }

  // --- the test's hand on AWS Backup ---

  tableArn(table: string): string {
    return `arn:aws:dynamodb:${this.env.region}:${this.env.account}:table/${table}`;
  }

  /** A recovery point of `table`, taken `ageMinutes` ago, holding the table as it is now (or `items`). */
  addRecoveryPoint(spec: RecoveryPointSpec): string {
    const arn = `arn:aws:backup:${this.env.region}:${this.env.account}:recovery-point:${randomUUID()}`;
    this.recoveryPoints.push({
      recoveryPointArn: arn,
      backupVaultName: spec.vaultName ?? this.env.vaultName,
      resourceArn: this.tableArn(spec.table),
      status: spec.status ?? 'COMPLETED',
      creationDate: new Date(this.clock.now() - spec.ageMinutes * 60_000),
      table: spec.table,
      snapshot: { definition: this.dynamodb.definitionOf(spec.table), items: spec.items ?? this.dynamodb.itemsOf(spec.table) },
    });
    return arn;
  }

  /** AWS Backup deleting every recovery point of `table`, as it does when their retention ends. */
  expireRecoveryPoints(table: string): void {
    this.recoveryPoints = this.recoveryPoints.filter((point) => point.table !== table);
  }

  /**
   * Someone else's restore of a recovery point (an operator in the console, with their own role
   * and table name): a restore job as the drill's are, but no call of the drill's port.
   */
  restoreElsewhere(request: StartRestoreRequest): string {
    const targetTable = refusedAsBackupRefuses(() => checkDynamoDbRestoreMetadata(request.metadata));
    const point = this.recoveryPoints.find((p) => p.recoveryPointArn === request.recoveryPointArn);
    if (!point) throw new Error(`no recovery point ${request.recoveryPointArn}`);
    return this.start(point, targetTable, request).id;
  }

  /** How restores started from now on run (merged over the default: 10 s, COMPLETED). */
  nextRestores(plan: Partial<RestorePlan>): void {
    this.plan = { ...DEFAULT_RESTORE_PLAN, ...plan };
  }

  /** StartRestoreJob succeeds without a RestoreJobId from now on, as AWS documents for a retried token. */
  answerStartWithoutId(): void {
    this.answersWithoutId = true;
  }

  /** The next StartRestoreJob starts its job, but the answer never arrives (the SDK's retries lost it too). */
  loseNextStartAnswer(): void {
    this.answersToLose += 1;
  }

  /** Which restore jobs ListRestoreJobsByProtectedResource shows (default: all). */
  listRestoreJobsWhere(listed: (job: FakeRestoreJob) => boolean): void {
    this.listed = listed;
  }

  completeRestore(jobId: string): void {
    const job = this.end(jobId, 'COMPLETED');
    if (job.plan.createsTable) this.dynamodb.activate(job.targetTable, this.clock.now() + (job.plan.tableActiveLagMs ?? 0));
  }

  failRestore(jobId: string, message: string): void {
    const job = this.end(jobId, 'FAILED', message);
    if (job.plan.createsTable) this.dynamodb.activate(job.targetTable);
  }

  abortRestore(jobId: string): void {
    const job = this.end(jobId, 'ABORTED');
    if (job.plan.createsTable) this.dynamodb.activate(job.targetTable);
  }

  // --- the port ---

  async *listRecoveryPoints(vaultName: string, resourceArn: string): AsyncIterable<RecoveryPoint> {
    await this.enter('listRecoveryPoints', [vaultName, resourceArn]);
    for (const { table: _table, snapshot: _snapshot, ...point } of this.recoveryPoints) {
      if (point.backupVaultName === vaultName && point.resourceArn === resourceArn) yield point;
    }
  }

  async startRestoreJob(request: StartRestoreRequest): Promise<string | undefined> {
    await this.enter('startRestoreJob', [request]);
    const targetTable = refusedAsBackupRefuses(() => checkDynamoDbRestoreMetadata(request.metadata));
    let job = this.restoreJobs.find((j) => j.token === request.idempotencyToken);
    if (!job) {
      const point = this.recoveryPoints.find((p) => p.recoveryPointArn === request.recoveryPointArn);
      if (!point) throw awsError('ResourceNotFoundException', `Recovery point ${request.recoveryPointArn} not found`);
      job = this.start(point, targetTable, request);
    }
    if (this.answersToLose > 0) {
      this.answersToLose -= 1;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    return this.answersWithoutId ? undefined : job.id;
  }

  async describeRestoreJob(restoreJobId: string): Promise<RestoreJob> {
    await this.enter('describeRestoreJob', [restoreJobId]);
    const job = this.restoreJobs.find((j) => j.id === restoreJobId);
    if (!job) throw awsError('ResourceNotFoundException', `Restore job ${restoreJobId} not found`);
    const { status, at, message } = this.stateOf(job);
    const running = status === 'RUNNING';
    return {
      restoreJobId,
      status,
      statusMessage: status === 'COMPLETED' ? undefined : message,
      percentDone: running ? this.percentDone(job) : status === 'COMPLETED' ? 100 : undefined,
      expectedCompletionTimeMinutes: running ? job.plan.expectedCompletionTimeMinutes : undefined,
      createdResourceArn: status === 'COMPLETED' ? this.tableArn(job.targetTable) : undefined,
      creationDate: new Date(job.createdAt),
      completionDate: at === undefined ? undefined : new Date(at),
    };
  }

  /**
   * The drill's own restore jobs (StartRestoreJob) were made by no restore testing plan, and AWS
   * Backup refuses a validation result for them. Restore tests are FakeRestoreTestingBackup's
   * (fake-restore-testing.ts), which takes their results and hands the rest here.
   */
  async putRestoreValidationResult(restoreJobId: string, status: RestoreValidationStatus, message: string): Promise<void> {
    await this.enter('putRestoreValidationResult', [restoreJobId, status, message]);
    if (!this.restoreJobs.some((j) => j.id === restoreJobId))
      throw awsError('ResourceNotFoundException', `Restore job ${restoreJobId} not found`);
    throw awsError('InvalidRequestException', `Restore job ${restoreJobId} was not created by a restore testing plan`);
  }

  async *listRestoreJobs(resourceArn: string, recoveryPointCreatedAt: Date): AsyncIterable<ListedRestoreJob> {
    await this.enter('listRestoreJobs', [resourceArn, recoveryPointCreatedAt]);
    // "Around the given time" (the port): within the minute either side the port asks AWS for.
    const around = (at: number) => Math.abs(at - recoveryPointCreatedAt.getTime()) < 60_000;
    for (const job of this.restoreJobs) {
      if (this.tableArn(job.sourceTable) !== resourceArn || !around(job.recoveryPointCreatedAt) || !this.listed(job)) continue;
      const { status } = this.stateOf(job);
      yield {
        restoreJobId: job.id,
        recoveryPointArn: job.recoveryPointArn,
        iamRoleArn: job.iamRoleArn,
        createdResourceArn: status === 'COMPLETED' ? this.tableArn(job.targetTable) : undefined,
        creationDate: new Date(job.createdAt),
        status,
      };
    }
  }

  // --- inside ---

  /** A restore job of `point` into `targetTable`, running from now as the restores' plan says (`id`: AWS Backup's RestoreJobId, default restore-job-<n>). */
  protected start(point: StoredRecoveryPoint, targetTable: string, request: StartRestoreRequest, id?: string): FakeRestoreJob {
    const now = this.clock.now();
    const job: FakeRestoreJob = {
      id: id ?? `restore-job-${this.restoreJobs.length + 1}`,
      token: request.idempotencyToken,
      recoveryPointArn: point.recoveryPointArn,
      recoveryPointCreatedAt: point.creationDate.getTime(),
      sourceTable: point.table,
      targetTable,
      iamRoleArn: request.iamRoleArn,
      createdAt: now,
      plan: this.plan,
    };
    this.restoreJobs.push(job);
    if (job.plan.createsTable) {
      const { definition, items } = point.snapshot;
      const restored = job.plan.mutateItems ? job.plan.mutateItems(structuredClone([...items])) : items;
      // The copy is CREATING while the job restores it; a failed job leaves what it wrote, ACTIVE.
      const lag = job.plan.outcome === 'COMPLETED' ? (job.plan.tableActiveLagMs ?? 0) : 0;
      this.dynamodb.createTable(copyDefinition(definition, targetTable, request.metadata, job.plan), restored, {
        createdAt: now,
        creatingMs: job.plan.durationMs + lag,
        encryption: encryptionOf(request.metadata),
      });
    }
    return job;
  }

  private end(jobId: string, status: 'COMPLETED' | 'FAILED' | 'ABORTED', message?: string): FakeRestoreJob {
    const job = this.restoreJobs.find((j) => j.id === jobId);
    if (!job) throw new Error(`no restore job ${jobId}`);
    if (this.stateOf(job).status !== 'RUNNING') throw new Error(`restore job ${jobId} has ended already`);
    job.ended = { status, at: this.clock.now(), message };
    return job;
  }

  private stateOf(job: FakeRestoreJob): { status: RestoreJobStatus; at?: number; message?: string } {
    if (job.ended) return job.ended;
    const endsAt = job.createdAt + job.plan.durationMs;
    if (this.clock.now() < endsAt) return { status: 'RUNNING' };
    return { status: job.plan.outcome, at: endsAt, message: job.plan.statusMessage };
  }

  private percentDone(job: FakeRestoreJob): number | undefined {
    if (job.plan.percentDone !== undefined) return job.plan.percentDone;
    if (!Number.isFinite(job.plan.durationMs)) return undefined;
    return Math.floor(((this.clock.now() - job.createdAt) / job.plan.durationMs) * 100);
  }
}

/** The harness's refusals (BackupApiError, from the Backup model) as the SDK raises them: by name. */
function refusedAsBackupRefuses<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof BackupApiError) throw awsError(error.code, error.message);
    throw error;
  }
}

/** The restored table: the source's definition at backup time, under the new name, with the metadata's settings. */
function copyDefinition(
  source: CreateTableCommandInput,
  tableName: string,
  metadata: Readonly<Record<string, string>>,
  plan: RestorePlan,
): CreateTableCommandInput {
  const copy: CreateTableCommandInput = { ...structuredClone(source), TableName: tableName, ...tableSettingsFromMetadata(metadata) };
  if (!plan.dropGlobalIndexes) return copy;
  const keyNames = new Set([
    ...(copy.KeySchema ?? []).map((k) => k.AttributeName),
    ...(copy.LocalSecondaryIndexes ?? []).flatMap((index) => (index.KeySchema ?? []).map((k) => k.AttributeName)),
  ]);
  return {
    ...copy,
    GlobalSecondaryIndexes: undefined,
    AttributeDefinitions: copy.AttributeDefinitions?.filter((a) => keyNames.has(a.AttributeName)),
  };
}

/** SSEDescription of a copy restored with the metadata's encryption (Default: the AWS owned key, none reported). */
function encryptionOf(metadata: Readonly<Record<string, string>>) {
  const { SSESpecification } = tableSettingsFromMetadata(metadata);
  return SSESpecification?.KMSMasterKeyId
    ? { Status: 'ENABLED' as const, SSEType: 'KMS' as const, KMSMasterKeyArn: SSESpecification.KMSMasterKeyId }
    : undefined;
}
