import { listenOnLoopback } from '../http/loopback-server';
import { InjectedFailures } from '../faults/injected-failures';
import { LostResponses } from '../faults/lost-responses';
import {
  backupJobStateChangeEvent,
  restoreJobStateChangeEvent,
  type BackupJobStateChangeEvent,
  type RestoreJobStateChangeEvent,
} from '../events/backup-events';
import { backupRequestHandler } from './backup-http';
import { BackupService, type ExistingTargetTableHandling, type IdempotentRetryAnswer } from './backup-service';
import type { RecoveryPoint, RecoveryPointArnStyle, RecoveryPointStatus } from './recovery-points';
import type { RestoreBehaviour } from './restore-behaviour';
import type { RestoreTestingPlan } from './restore-testing';
import { FINAL_RESTORE_STATUSES, type RestoreJob, type RestoreJobStatus, type RestoreJobView } from './restore-job';
import { RestoreRunner, type RestoreTarget } from './restore-runner';
import { takeTableSnapshot, type TableSnapshot } from './table-snapshot';
import { sleep } from '../dynamodb/table-operations';

export interface LocalBackupOptions {
  readonly accountId: string;
  readonly region: string;
  /** The local DynamoDB: snapshots and restores go through its harness client and table hooks. */
  readonly dynamodb: RestoreTarget;
  /** Backup vaults that exist from the start (default ["Default"]). */
  readonly vaultNames?: readonly string[];
  /** IAM roles AWS Backup can assume; StartRestoreJob/StartBackupJob refuse others. */
  readonly knownRoleArns: readonly string[];
  /** Most items per List* page, whatever MaxResults asks (default 20): small values exercise pagination. */
  readonly listPageSize?: number;
  /** Default total time of a restore job (default 400 ms). */
  readonly restoreDurationMs?: number;
  /** ARN form of new recovery points (default "backup"). */
  readonly recoveryPointArnStyle?: RecoveryPointArnStyle;
  /** Existing target table: FAILED job (default, like DynamoDB's restore) or StartRestoreJob error. */
  readonly existingTargetTable?: ExistingTargetTableHandling;
  /** Default 50, the documented account quota for concurrent restore jobs. */
  readonly maxConcurrentRestoreJobs?: number;
  /** StartRestoreJob's answer to a repeated IdempotencyToken (default "sameRestoreJobId"; see IdempotentRetryAnswer). */
  readonly idempotentRetryAnswer?: IdempotentRetryAnswer;
  /** Real milliseconds per hour of a restore test's validation window (default 3,600,000, as on AWS). */
  readonly validationHourMs?: number;
  /** Called on every restore job status change (after the change). */
  readonly onRestoreJobStatusChange?: (job: RestoreJobView, event: RestoreJobStateChangeEvent) => void;
}

export interface BackupTableOptions {
  readonly vaultName?: string;
  /** Back-date the recovery point, e.g. to make one older than the RPO target. */
  readonly creationDate?: Date;
  /** Default COMPLETED; PARTIAL, EXPIRED... to test filtering. */
  readonly status?: RecoveryPointStatus;
  readonly statusMessage?: string;
  readonly arnStyle?: RecoveryPointArnStyle;
  /** Role recorded on the recovery point (default: the first known role). */
  readonly iamRoleArn?: string;
}

/** A read-only copy of a recovery point. */
export interface RecoveryPointView {
  readonly recoveryPointArn: string;
  readonly backupVaultName: string;
  readonly resourceArn: string;
  readonly status: RecoveryPointStatus;
  readonly creationDate: Date;
  readonly itemCount: number;
  readonly arnStyle: RecoveryPointArnStyle;
}

export interface LocalBackup {
  readonly url: string;
  /** Queue failures per operation name, e.g. failures.failNext('DescribeRestoreJob', 2, {...}). */
  readonly failures: InjectedFailures;
  /** Answers to lose after the request took effect, e.g. lostResponses.loseNext('StartRestoreJob', 1). */
  readonly lostResponses: LostResponses;
  /** Every restore job status change as the EventBridge event AWS would emit, in order. */
  readonly restoreEvents: readonly RestoreJobStateChangeEvent[];
  createVault(name: string): void;
  /** Snapshots the table now (through DynamoDB) into a recovery point, without the API. */
  backupTable(tableName: string, options?: BackupTableOptions): Promise<RecoveryPointView>;
  /** Adds a recovery point holding a given snapshot (e.g. content the table never had). */
  addRecoveryPoint(snapshot: TableSnapshot, options?: BackupTableOptions): RecoveryPointView;
  recoveryPoints(): RecoveryPointView[];
  restoreJobs(): RestoreJobView[];
  restoreJob(restoreJobId: string): RestoreJobView | undefined;
  /** The behaviour of the next StartRestoreJob (queued, first in first out). */
  nextRestore(behaviour: RestoreBehaviour): void;
  /** The behaviour of every restore of this source table (until cleared with undefined). */
  whenRestoring(sourceTableName: string, behaviour: RestoreBehaviour | undefined): void;
  /** Lets a stalled restore job finish; resolves false if it was not stalled. */
  releaseRestoreJob(restoreJobId: string): Promise<boolean>;
  /** The next `count` requests of `operation` answer ThrottlingException (HTTP 400), which the SDK retries. */
  throttleNext(operation: string, count: number): void;
  /** The "Backup Job State Change" (COMPLETED) event AWS emits for the job that made this recovery point. */
  backupJobCompletedEvent(recoveryPointArn: string): BackupJobStateChangeEvent;
  /** Restore testing plans created through the API (CreateRestoreTestingPlan), by name. */
  restoreTestingPlans(): readonly RestoreTestingPlan[];
  /** What AWS Backup does when a plan's schedule fires: starts its restore tests; returns their job ids. */
  runRestoreTestingPlan(planName: string): Promise<string[]>;
  /** AWS Backup fails to delete the copy of the next restore test it deletes (DeletionStatus FAILED, with this message). */
  failNextRestoreTestDeletion(message: string): void;
  /** Resolves when a restore test's copy deletion is final (SUCCESSFUL or FAILED). */
  waitForRestoreTestDeletion(restoreJobId: string, timeoutMs?: number): Promise<RestoreJobView>;
  /** Resolves when the job reaches one of `statuses` (default: a final status). */
  waitForRestoreJob(restoreJobId: string, statuses?: readonly RestoreJobStatus[], timeoutMs?: number): Promise<RestoreJobView>;
  close(): Promise<void>;
}

export const DEFAULT_RESTORE_DURATION_MS = 400;
export const DEFAULT_LIST_PAGE_SIZE = 20;

export async function startLocalBackup(options: LocalBackupOptions): Promise<LocalBackup> {
  const restoreEvents: RestoreJobStateChangeEvent[] = [];
  const envelope = { account: options.accountId, region: options.region };
  const announce = (job: RestoreJob, status: RestoreJobStatus | 'CREATED') => {
    const view = job.view();
    const event = restoreJobStateChangeEvent(
      {
        ...view,
        status,
        // AWS's documented restore events all say percentDone 0, COMPLETED included: the
        // builder's default, so the drill cannot come to read progress from events.
        percentDone: undefined,
        // Events for advanced (arn:aws:backup) DynamoDB recovery points have been seen with
        // "DynamoDB.FullyManaged" in public code; the API itself says "DynamoDB". Emitting both
        // keeps the engine from depending on either.
        resourceType: job.recoveryPoint.arnStyle === 'backup' ? 'DynamoDB.FullyManaged' : 'DynamoDB',
      },
      envelope,
    );
    restoreEvents.push(event);
    if (status === 'COMPLETED') service.openValidationWindow(job);
    if (status !== 'CREATED') options.onRestoreJobStatusChange?.(view, event);
  };

  const runner = new RestoreRunner({
    tables: options.dynamodb,
    onStatusChange: (job) => announce(job, job.status),
  });
  const service = new BackupService(
    {
      accountId: options.accountId,
      region: options.region,
      knownRoleArns: options.knownRoleArns,
      listPageSize: options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE,
      restoreDurationMs: options.restoreDurationMs ?? DEFAULT_RESTORE_DURATION_MS,
      recoveryPointArnStyle: options.recoveryPointArnStyle ?? 'backup',
      existingTargetTable: options.existingTargetTable ?? 'failJob',
      maxConcurrentRestoreJobs: options.maxConcurrentRestoreJobs ?? 50,
      idempotentRetryAnswer: options.idempotentRetryAnswer ?? 'sameRestoreJobId',
      validationHourMs: options.validationHourMs ?? 3_600_000,
    },
    options.dynamodb.client,
    runner,
    (job) => {
      announce(job, 'CREATED');
      announce(job, 'PENDING');
    },
  );
  for (const name of options.vaultNames ?? ['Default']) service.vaults.add(name);
  const failures = new InjectedFailures();
  const lostResponses = new LostResponses();
  const server = await listenOnLoopback(backupRequestHandler(service, failures, lostResponses));

  const addPoint = (snapshot: TableSnapshot, backupOptions: BackupTableOptions = {}) =>
    viewOf(
      service.addRecoveryPoint({
        snapshot,
        backupVaultName: backupOptions.vaultName ?? [...service.vaults][0],
        iamRoleArn: backupOptions.iamRoleArn ?? options.knownRoleArns[0],
        status: backupOptions.status,
        statusMessage: backupOptions.statusMessage,
        creationDate: backupOptions.creationDate,
        arnStyle: backupOptions.arnStyle,
      }),
    );

  return {
    url: server.url,
    failures,
    lostResponses,
    restoreEvents,
    createVault: (name) => void service.vaults.add(name),
    backupTable: async (tableName, backupOptions) => addPoint(await takeTableSnapshot(options.dynamodb.client, tableName), backupOptions),
    addRecoveryPoint: addPoint,
    recoveryPoints: () => service.recoveryPoints.map(viewOf),
    restoreJobs: () => [...service.restoreJobs.values()].map((job) => job.view()),
    restoreJob: (restoreJobId) => service.restoreJobs.get(restoreJobId)?.view(),
    nextRestore: (behaviour) => service.queueRestoreBehaviour(behaviour),
    whenRestoring: (sourceTableName, behaviour) => service.setRestoreBehaviourFor(sourceTableName, behaviour),
    async releaseRestoreJob(restoreJobId) {
      // A job stalls only once its table is written; wait for that point if it is on its way.
      const deadline = Date.now() + 10_000;
      while (!runner.isStalled(restoreJobId) && !service.restoreJobs.get(restoreJobId)?.isFinal && Date.now() < deadline) await sleep(10);
      return runner.release(restoreJobId);
    },
    throttleNext: (operation, count) =>
      failures.failNext(operation, count, { code: 'ThrottlingException', httpStatus: 400, message: 'Rate exceeded' }),
    backupJobCompletedEvent(recoveryPointArn) {
      const point = service.recoveryPoints.find((p) => p.recoveryPointArn === recoveryPointArn);
      if (!point) throw new Error(`no recovery point ${recoveryPointArn}`);
      return backupJobStateChangeEvent(
        {
          backupJobId: point.backupJobId ?? point.recoveryPointArn.split(':').pop()!.toUpperCase(),
          state: 'COMPLETED',
          creationDate: point.creationDate,
          completionDate: point.completionDate,
          backupVaultName: point.backupVaultName,
          backupVaultArn: service.vaultArn(point.backupVaultName),
          resourceArn: point.resourceArn,
          iamRoleArn: point.iamRoleArn,
          recoveryPointArn: point.recoveryPointArn,
          backupSizeInBytes: point.snapshot.sizeBytes,
          // AWS Backup's default start window is 8 hours; the documented COMPLETED example's
          // startBy is creationDate + 8 h.
          startBy: new Date(point.creationDate.getTime() + 8 * 3_600_000),
        },
        { ...envelope, time: point.completionDate },
      );
    },
    restoreTestingPlans: () => [...service.restoreTestingPlans.values()],
    runRestoreTestingPlan: async (planName) => (await service.runRestoreTestingPlan(planName)).map((job) => job.restoreJobId),
    failNextRestoreTestDeletion: (message) => void service.failingDeletions.push(message),
    async waitForRestoreTestDeletion(restoreJobId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = service.restoreJobs.get(restoreJobId);
        const status = job?.restoreTest?.deletionStatus;
        if (job && (status === 'SUCCESSFUL' || status === 'FAILED')) return job.view();
        if (Date.now() > deadline)
          throw new Error(`restore test ${restoreJobId} copy deletion still ${status ?? 'not started'} after ${timeoutMs} ms`);
        await sleep(10);
      }
    },
    async waitForRestoreJob(restoreJobId, statuses = FINAL_RESTORE_STATUSES, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = service.restoreJobs.get(restoreJobId);
        if (!job) throw new Error(`no restore job ${restoreJobId}`);
        if (statuses.includes(job.status)) return job.view();
        if (Date.now() > deadline) throw new Error(`restore job ${restoreJobId} still ${job.status} after ${timeoutMs} ms`);
        await sleep(10);
      }
    },
    async close() {
      service.closeValidationWindows();
      await runner.stop();
      await server.close();
    },
  };
}

function viewOf(point: RecoveryPoint): RecoveryPointView {
  return {
    recoveryPointArn: point.recoveryPointArn,
    backupVaultName: point.backupVaultName,
    resourceArn: point.resourceArn,
    status: point.status,
    creationDate: point.creationDate,
    itemCount: point.snapshot.items.length,
    arnStyle: point.arnStyle,
  };
}
