import type { FailedBackupJob } from '../triggers';
import type { DrillMessage } from '../ports/notifier-port';
import { SUBJECT_LIMIT, asciiOnly, clip, shortenMiddle } from './drill-report';
import { formatTime } from './format';

/**
 * Messages that are not a drill's report but reach the same subscribers, with the same message
 * attributes (`verdict` FAIL, `table`), so a failures-only subscriber gets them: a failed backup
 * or copy job of a drilled table, and a restore test copy AWS Backup could not delete.
 */

/**
 * AWS Backup's statusMessage: the documented event examples wrap it in literal double quotes
 * ("\"Backup job failed because ...\""), which a subject does not need.
 */
export function awsReason(statusMessage: string | undefined): string {
  const text = (statusMessage ?? '')
    .trim()
    .replace(/^"+|"+$/g, '')
    .trim();
  return text || 'no status message from AWS Backup';
}

/** `<head><table>: <reason>` in at most 99 printable ASCII characters: the table shortened in the middle first, then the reason clipped. */
function subjectWith(head: string, table: string, reason: string): string {
  const name = shortenMiddle(asciiOnly(table), 48);
  const start = `${head}${name}: `;
  return clip(`${start}${asciiOnly(reason)}`, SUBJECT_LIMIT);
}

const NEXT_STEP: Record<string, string> = {
  FAILED:
    'open the job in the AWS Backup console (Jobs), fix what its message names (often the backup role, the vault or its key policy), then start an on-demand backup so the next drill has a fresh recovery point',
  ABORTED:
    'find who or what stopped the job (CloudTrail StopBackupJob); start an on-demand backup so the next drill has a fresh recovery point',
  EXPIRED:
    'the job did not start within the backup rule start window: widen backupStartWindowMinutes or move the backup schedule, and start an on-demand backup now',
};

export function backupFailureMessage(job: FailedBackupJob, table: string): DrillMessage {
  const what = job.kind === 'backup' ? 'backup job' : 'copy job';
  const reason = awsReason(job.statusMessage);
  const head = job.kind === 'backup' ? `[BACKUP ${job.state}] ` : `[COPY ${job.state}] `;
  const nextStep =
    job.kind === 'copy'
      ? 'open the copy job in the AWS Backup console (Jobs); check the destination vault exists, its access policy and key allow the copy, then copy the recovery point again'
      : (NEXT_STEP[job.state] ?? NEXT_STEP.FAILED);
  const lines = [
    `FAIL: the ${what} of ${table} ${job.state}`,
    '',
    `Job            ${job.jobId} (${what}, ${job.state})`,
    `Table          ${job.resourceArn}`,
    `Vault          ${job.vault ?? 'not named in the event'}`,
    `Time           ${formatTime(job.time)}`,
    `AWS Backup     ${reason}`,
    '',
    `Next step: ${nextStep}`,
    '',
    `Until a backup completes, ${table}'s newest recovery point grows older; the next drill checks it against the RPO target.`,
  ];
  const document = {
    verdict: 'FAIL',
    kind: job.kind === 'backup' ? 'backup-job-failed' : 'copy-job-failed',
    table,
    tableArn: job.resourceArn,
    jobId: job.jobId,
    state: job.state,
    vault: job.vault,
    time: job.time.toISOString(),
    statusMessage: reason,
    nextStep,
  };
  const json = JSON.stringify(document);
  return {
    subject: subjectWith(head, table, reason),
    bodies: { default: json, email: lines.join('\n'), 'email-json': json },
    attributes: { verdict: 'FAIL', table, jobId: job.jobId },
  };
}

export interface UndeletedCopy {
  readonly drillId: string;
  readonly sourceTable: string;
  readonly restoredTableName: string;
  readonly restoreJobId: string;
  readonly planArn: string;
  readonly deletionStatusMessage?: string;
}

/** A restore test whose copy AWS Backup failed to delete (DescribeRestoreJob DeletionStatus FAILED). */
export function copyNotDeletedMessage(copy: UndeletedCopy): DrillMessage {
  const reason = awsReason(copy.deletionStatusMessage);
  const nextStep = `delete ${copy.restoredTableName} by hand (it is billed until then); AWS Backup deletes only tables that keep the tag awsbackup-restore-test`;
  const lines = [
    `FAIL: AWS Backup did not delete the restore test copy ${copy.restoredTableName} of ${copy.sourceTable}`,
    '',
    `Restore job    ${copy.restoreJobId} (restore testing plan ${copy.planArn})`,
    `Copy           ${copy.restoredTableName}`,
    `AWS Backup     DeletionStatus FAILED: ${reason}`,
    '',
    `Next step: ${nextStep}`,
    '',
    `Drill ${copy.drillId}.`,
  ];
  const document = {
    verdict: 'FAIL',
    kind: 'restore-test-copy-not-deleted',
    table: copy.sourceTable,
    drillId: copy.drillId,
    restoreJobId: copy.restoreJobId,
    restoredTable: copy.restoredTableName,
    deletionStatus: 'FAILED',
    deletionStatusMessage: reason,
    nextStep,
  };
  const json = JSON.stringify(document);
  return {
    subject: clip(asciiOnly(`[FAIL] copy not deleted: ${copy.restoredTableName} of ${shortenMiddle(copy.sourceTable, 32)}`), SUBJECT_LIMIT),
    bodies: { default: json, email: lines.join('\n'), 'email-json': json },
    attributes: { verdict: 'FAIL', table: copy.sourceTable, drillId: copy.drillId },
  };
}
