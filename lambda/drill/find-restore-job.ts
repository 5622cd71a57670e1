import type { DrillRecord, RecoveryPointFacts } from '../domain/drill-record';
import { step } from '../errors/drill-step';
import type { BackupPort, ListedRestoreJob } from '../ports/backup-port';
import type { Clock } from '../ports/clock';
import type { HistoryPort } from '../ports/history-port';
import { formatDuration, formatTime } from '../report/format';
import type { TimeBudget } from './time-budget';

/**
 * StartRestoreJob is idempotent by token, and a repeated request "results in a success message
 * with no action taken" (StartRestoreJob API reference): the drill's job exists, but its id did
 * not come back. It is found among the restore jobs of the source table
 * (ListRestoreJobsByProtectedResource, which AWS Backup keeps per protected resource): the job
 * must restore this drill's recovery point, with the drill's restore role, be created no earlier
 * than the drill first asked for it, and - once AWS names the table it created - have created this
 * drill's copy. A job another drill already recorded is someone else's.
 */

/** Clocks of Lambda and AWS Backup may disagree by this much. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface RestoreJobSearch {
  readonly drillId: string;
  readonly sourceTableArn: string;
  readonly recoveryPointArn: string;
  readonly recoveryPointCreatedAt: Date;
  readonly iamRoleArn: string;
  readonly restoredTableName: string;
  /** When the drill first called StartRestoreJob (epoch ms). */
  readonly requestedAt: number;
}

export async function findStartedRestoreJob(
  backup: BackupPort,
  history: Pick<HistoryPort, 'findByRestoreJob'>,
  search: RestoreJobSearch,
): Promise<string | undefined> {
  const createsOurCopy = (job: ListedRestoreJob) => job.createdResourceArn?.endsWith(`:table/${search.restoredTableName}`) === true;
  const candidates: ListedRestoreJob[] = [];
  for await (const job of backup.listRestoreJobs(search.sourceTableArn, search.recoveryPointCreatedAt)) {
    if (job.recoveryPointArn !== search.recoveryPointArn) continue;
    if (job.iamRoleArn !== undefined && job.iamRoleArn !== search.iamRoleArn) continue;
    if (job.creationDate !== undefined && job.creationDate.getTime() < search.requestedAt - CLOCK_SKEW_MS) continue;
    if (job.createdResourceArn !== undefined && !createsOurCopy(job)) continue;
    const owner = await history.findByRestoreJob(job.restoreJobId);
    if (owner && owner.drillId !== search.drillId) continue;
    candidates.push(job);
  }
  // Two drills of one table restoring the same point at the same time cannot be told apart
  // until AWS names the created table: better to look again later than to adopt the twin's job.
  const named = candidates.filter(createsOurCopy);
  if (named.length === 1) return named[0].restoreJobId;
  return candidates.length === 1 ? candidates[0].restoreJobId : undefined;
}

/** Looks for the job of an accepted StartRestoreJob that returned no id: now, then after short pauses. */
export const LOCATE_PAUSES_MS = [0, 2_000, 5_000, 10_000];
/** Any job AWS Backup accepted is listed long before this; after it, the drill neither asks again nor waits for a listing. */
export const LOCATE_GIVE_UP_MS = 2 * 3600_000;

/** findStartedRestoreJob now and after each pause, as long as a pause leaves the invocation's reserve. */
export async function lookForRestoreJob(args: {
  backup: BackupPort;
  history: Pick<HistoryPort, 'findByRestoreJob'>;
  clock: Clock;
  time: TimeBudget;
  pausesMs: readonly number[];
  search: RestoreJobSearch;
}): Promise<string | undefined> {
  for (const pause of args.pausesMs) {
    if (pause > 0) {
      if (!args.time.canPause(pause)) break;
      await args.clock.sleep(pause);
    }
    const found = await step('ListRestoreJobsByProtectedResource', () => findStartedRestoreJob(args.backup, args.history, args.search));
    if (found) return found;
  }
  return undefined;
}

/** The early FAIL of a drill whose requested restore is still not listed hours later. */
export function restoreJobNotListed(late: {
  drill: Pick<DrillRecord, 'sourceTable' | 'restoredTableName'>;
  recoveryPoint: RecoveryPointFacts;
  restoreStartedAt: string;
  restoreRoleArn: string;
  now: number;
}): string {
  const { drill, recoveryPoint } = late;
  const requestedAt = Date.parse(late.restoreStartedAt);
  const age = formatDuration((late.now - requestedAt) / 1000);
  return `restore job not found: the restore of ${recoveryPoint.recoveryPointArn} was requested ${formatTime(new Date(requestedAt))} (${age} ago) and no restore job of that recovery point run with the restore role ${late.restoreRoleArn} is listed for ${drill.sourceTable}; the drill cannot follow or judge that restore and does not request it again this late — if a table ${drill.restoredTableName} appears, delete it by hand`;
}
