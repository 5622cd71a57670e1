import type { WaitTuning } from '../config';
import { type RestoreJob, TERMINAL_RESTORE_STATUSES } from '../domain/backup';
import type { BackupPort } from '../ports/backup-port';
import type { Clock, Deadline } from '../ports/clock';
import type { DynamoDbPort, TableShape } from '../ports/dynamodb-port';
import { step } from '../errors/drill-step';
import { nextPollDelayMs } from './poll-schedule';

export type RestoreWait =
  | { readonly kind: 'finished'; readonly job: RestoreJob }
  /** The invocation is running out of time; the Restore Job State Change event takes over. */
  | { readonly kind: 'handed-over'; readonly job: RestoreJob };

/**
 * Polls the restore job on the schedule of poll-schedule.ts until it is COMPLETED, FAILED or
 * ABORTED, or until the invocation must stop to leave time to hand over.
 */
export async function waitForRestoreJob(args: {
  backup: BackupPort;
  clock: Clock;
  deadline: Deadline;
  tuning: WaitTuning;
  restoreJobId: string;
  restoreStartedAt: number;
  onProgress?: (job: RestoreJob) => void;
}): Promise<RestoreWait> {
  const { backup, clock, deadline, tuning, restoreJobId, restoreStartedAt } = args;
  const reserveMs = tuning.invocationReserveSeconds * 1000;
  for (;;) {
    const job = await step('DescribeRestoreJob', () => backup.describeRestoreJob(restoreJobId));
    if (TERMINAL_RESTORE_STATUSES.has(job.status)) return { kind: 'finished', job };
    args.onProgress?.(job);
    const delay = nextPollDelayMs(
      {
        elapsedMs: clock.now() - restoreStartedAt,
        expectedCompletionTimeMinutes: job.expectedCompletionTimeMinutes,
        percentDone: job.percentDone,
      },
      tuning,
    );
    if (deadline.remainingMs() - delay < reserveMs) return { kind: 'handed-over', job };
    await clock.sleep(delay);
  }
}

export const TABLE_ACTIVE_MAX_WAIT_MS = 10 * 60_000;

/**
 * A COMPLETED restore job normally leaves an ACTIVE table; wait a bounded time for it. Our own
 * loop rather than the SDK waiter because the wait must follow the engine's clock and the
 * invocation deadline.
 */
export async function waitForTableActive(args: {
  dynamodb: DynamoDbPort;
  clock: Clock;
  deadline: Deadline;
  tableName: string;
  maxWaitMs?: number;
  reserveMs: number;
  pollMs: number;
}): Promise<{ table?: TableShape; activeAt?: number; waitedMs: number }> {
  const { dynamodb, clock, deadline, tableName, reserveMs, pollMs } = args;
  const started = clock.now();
  const giveUpAt = started + Math.min(args.maxWaitMs ?? TABLE_ACTIVE_MAX_WAIT_MS, Math.max(0, deadline.remainingMs() - reserveMs));
  for (;;) {
    const table = await step('DescribeTable', () => dynamodb.describeTable(tableName));
    if (table?.status === 'ACTIVE') return { table, activeAt: clock.now(), waitedMs: clock.now() - started };
    if (clock.now() + pollMs > giveUpAt) return { table, waitedMs: clock.now() - started };
    await clock.sleep(pollMs);
  }
}
