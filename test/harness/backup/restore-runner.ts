import { CreateTableCommand, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import { composeRewrites } from '../dynamodb/item-rewrites';
import type { LocalDynamoDb } from '../dynamodb/local-dynamodb';
import { describeTableOrUndefined, sleep, waitForTableActive, writeAllItems } from '../dynamodb/table-operations';
import { prepareRestoreContent, type RestoreOutcome } from './restore-behaviour';
import type { RestoreJob } from './restore-job';
import { tableSettingsFromMetadata } from './restore-metadata';

/** What restores need of the local DynamoDB: its harness client (not subject to injected failures) and table hooks. */
export type RestoreTarget = Pick<LocalDynamoDb, 'client' | 'setReadRewrite' | 'markRestoreInProgress' | 'markRestoreDone'>;

export interface RestoreRunnerDependencies {
  readonly tables: RestoreTarget;
  readonly onStatusChange: (job: RestoreJob) => void;
}

/** Share of a restore's duration spent PENDING before it starts RUNNING. */
const PENDING_SHARE = 0.1;

/**
 * Drives restore jobs through PENDING -> RUNNING -> COMPLETED | FAILED | ABORTED in real time:
 * the table is created from the snapshot's schema and filled with the snapshot's items while
 * it reports CREATING with a RestoreSummary in progress (as a DynamoDB restore does), and only
 * then reported done.
 */
export class RestoreRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly releases = new Map<string, () => void>();
  private readonly shutdown = new AbortController();

  constructor(private readonly deps: RestoreRunnerDependencies) {}

  start(job: RestoreJob): void {
    const run = this.run(job).finally(() => this.running.delete(job.restoreJobId));
    this.running.set(job.restoreJobId, run);
  }

  /** Lets a stalled job go on to complete. False if the job is not stalled (yet). */
  release(restoreJobId: string): boolean {
    const release = this.releases.get(restoreJobId);
    this.releases.delete(restoreJobId);
    release?.();
    return Boolean(release);
  }

  isStalled(restoreJobId: string): boolean {
    return this.releases.has(restoreJobId);
  }

  /** Stops every job where it is (no more writes, no more status changes) and waits for them. */
  async stop(): Promise<void> {
    this.shutdown.abort(new Error('local Backup endpoint closed'));
    await Promise.allSettled([...this.running.values()]);
  }

  private async run(job: RestoreJob): Promise<void> {
    const signal = this.shutdown.signal;
    const { tables } = this.deps;
    const dynamodb = tables.client;
    const outcome: RestoreOutcome = job.behaviour.outcome ?? { kind: 'complete' };
    try {
      await sleep(job.durationMs * PENDING_SHARE, signal);
      this.changeStatus(job, 'RUNNING');

      // Not documented: what AWS Backup does for a restore that names no role. The local endpoint
      // accepts the request, as the model allows, and fails the job rather than invent a role.
      if (!job.iamRoleArn) {
        this.changeStatus(job, 'FAILED', 'No IAM role to create the target resource with: StartRestoreJob named no IamRoleArn');
        return;
      }

      // DynamoDB's RestoreTableFromBackup refuses an existing table name; AWS Backup reports that
      // as a failed job, and the job then has no CreatedResourceArn.
      if (await describeTableOrUndefined(dynamodb, job.targetTableName)) {
        this.changeStatus(job, 'FAILED', `Table already exists: ${job.targetTableName}`);
        return;
      }
      if (outcome.kind !== 'complete' && !outcome.leavePartialTable) {
        await sleep(job.durationMs * 0.3, signal);
        this.finishUnsuccessfully(job, outcome);
        return;
      }

      const content = prepareRestoreContent(job.recoveryPoint.snapshot, job.targetTableName, job.behaviour.mutations);
      job.appliedMutations = content.applied;
      await dynamodb.send(new CreateTableCommand({ ...content.createTable, ...tableSettingsFromMetadata(job.metadata) }), {
        abortSignal: signal,
      });
      job.tableCreated = true;
      const table = await waitForTableActive(dynamodb, job.targetTableName, { signal });
      tables.markRestoreInProgress(job.targetTableName, {
        sourceBackupArn: job.recoveryPoint.recoveryPointArn,
        sourceTableArn: job.recoveryPoint.resourceArn,
        restoreDateTime: job.recoveryPoint.creationDate,
      });
      const items = outcome.kind === 'complete' ? content.items : content.items.slice(0, Math.floor(content.items.length / 2));
      await writeAllItems(dynamodb, job.targetTableName, items, { signal });
      if (outcome.kind !== 'complete') {
        tables.markRestoreDone(job.targetTableName);
        this.finishUnsuccessfully(job, outcome);
        return;
      }

      if (job.copySourceTags && job.recoveryPoint.snapshot.tags.length > 0) {
        await dynamodb.send(new TagResourceCommand({ ResourceArn: table.TableArn, Tags: [...job.recoveryPoint.snapshot.tags] }), {
          abortSignal: signal,
        });
      }
      if (job.behaviour.stall) await this.stallUntilReleased(job, signal);
      await sleepUntil(job.creationDate.getTime() + job.durationMs, signal);

      if (content.readRewrites.length > 0) tables.setReadRewrite(job.targetTableName, composeRewrites(content.readRewrites));
      job.createdResourceArn = table.TableArn;
      const lagMs = job.behaviour.tableActiveLagMs ?? 0;
      if (lagMs === 0) tables.markRestoreDone(job.targetTableName);
      this.changeStatus(job, 'COMPLETED');
      if (lagMs > 0) {
        await sleep(lagMs, signal);
        tables.markRestoreDone(job.targetTableName);
      }
    } catch (error) {
      if (job.tableCreated) tables.markRestoreDone(job.targetTableName);
      if (signal.aborted || job.isFinal) return;
      // A harness problem (bad mutation, DynamoDB Local refusing the schema) shows as a failed job with
      // the cause, and on the console so the test author sees it.
      console.error(`[local-aws] restore job ${job.restoreJobId} failed inside the harness`, error);
      this.changeStatus(job, 'FAILED', `Local harness error: ${(error as Error).message}`);
    }
  }

  private finishUnsuccessfully(job: RestoreJob, outcome: Exclude<RestoreOutcome, { kind: 'complete' }>): void {
    if (outcome.kind === 'fail')
      this.changeStatus(job, 'FAILED', outcome.statusMessage ?? 'Restore failed (fault injected by the local harness)');
    else this.changeStatus(job, 'ABORTED', outcome.statusMessage ?? 'Restore job was aborted');
  }

  private stallUntilReleased(job: RestoreJob, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.releases.set(job.restoreJobId, () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private changeStatus(job: RestoreJob, status: RestoreJob['status'], statusMessage?: string): void {
    job.setStatus(status, statusMessage);
    this.deps.onStatusChange(job);
  }
}

/** Timers can fire a millisecond before Date.now() reaches the target; a job must never finish early. */
async function sleepUntil(timestamp: number, signal: AbortSignal): Promise<void> {
  while (Date.now() < timestamp) await sleep(timestamp - Date.now(), signal);
}
