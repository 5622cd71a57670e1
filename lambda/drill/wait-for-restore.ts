import type { WaitTuning } from '../config';
import { type RestoreJob, TERMINAL_RESTORE_STATUSES } from '../domain/backup';
import type { BackupPort } from '../ports/backup-port';
import type { Clock } from '../ports/clock';
import type { DynamoDbPort, TableShape } from '../ports/dynamodb-port';
import { step } from '../errors/drill-step';
import { nextPollDelayMs } from './poll-schedule';
import type { TimeBudget } from './time-budget';

export type RestoreWait =
  | { readonly kind: 'finished'; readonly job: RestoreJob }
  /** The invocation is running out of time; the Restore Job State Change event takes over. */
  | { readonly kind: 'handed-over'; readonly job: RestoreJob };

/**
 * Polls the restore job on the schedule of poll-schedule.ts until it is COMPLETED, FAILED or
 * ABORTED, or until the next pause would run into the time kept to hand over.
 */
export async function waitForRestoreJob(args: {
  backup: BackupPort;
  clock: Clock;
  time: TimeBudget;
  tuning: WaitTuning;
  restoreJobId: string;
  restoreStartedAt: number;
  onProgress?: (job: RestoreJob) => void;
}): Promise<RestoreWait> {
  const { backup, clock, time, tuning, restoreJobId, restoreStartedAt } = args;
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
    if (!time.canPause(delay)) return { kind: 'handed-over', job };
    await clock.sleep(delay);
  }
}

export const TABLE_ACTIVE_MAX_WAIT_MS = 10 * 60_000;

/**
 * A COMPLETED restore job normally leaves an ACTIVE table; wait for it at most `waitMs` (the
 * caller's share of the time budget). Our own loop rather than the SDK waiter because the wait
 * must follow the engine's clock and the invocation deadline.
 */
export async function waitForTableActive(args: {
  dynamodb: DynamoDbPort;
  clock: Clock;
  tableName: string;
  waitMs: number;
  pollMs: number;
}): Promise<{ table?: TableShape; activeAt?: number; waitedMs: number }> {
  const { dynamodb, clock, tableName, pollMs } = args;
  const started = clock.now();
  const giveUpAt = started + args.waitMs;
  for (;;) {
    const table = await step('DescribeTable', () => dynamodb.describeTable(tableName));
    if (table?.status === 'ACTIVE') return { table, activeAt: clock.now(), waitedMs: clock.now() - started };
    if (clock.now() + pollMs > giveUpAt) return { table, waitedMs: clock.now() - started };
    await clock.sleep(pollMs);
  }
}
