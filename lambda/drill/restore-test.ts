import type { DrillConfig, RestoreTestingConfig } from '../config';
import type { RestoreJob, RestoreValidationStatus } from '../domain/backup';
import type { CheckResult } from '../domain/check-result';
import type { CleanupOutcome, DrillRecord, RestoreTestFacts, Verdict } from '../domain/drill-record';
import { step } from '../errors/drill-step';
import { isPermanentError } from '../errors/transient';
import type { DrillLogger } from '../observability';
import type { BackupPort } from '../ports/backup-port';
import { explainError } from '../report/failure-advice';
import { formatTime } from '../report/format';

/**
 * AWS Backup restore testing (native mode): AWS Backup restores on its plan's schedule, names the
 * copy `awsbackup-restore-test-<random>` (developer guide, "Restore testing inferred metadata",
 * DynamoDB row) and deletes it once a validation result arrives or the validation window closes
 * (developer guide, "Restore testing", overview). The drill checks the copy as it checks its own,
 * tells AWS Backup the verdict once (PutRestoreValidationResult), and never deletes the copy.
 */

/** The name prefix AWS Backup gives a restore test's DynamoDB copy (and the only tables its service-linked role may delete). */
export const RESTORE_TEST_TABLE_PREFIX = 'awsbackup-restore-test-';

/**
 * Longest ValidationStatusMessage sent. The API reference and model give the member no length
 * limit (type String); the service's real cap is not documented, so the message is kept to one
 * short line, well under any limit AWS uses for status messages it shows in the console.
 */
export const VALIDATION_MESSAGE_LIMIT = 250;

/** The plan matches the stack's own plan or an adopted one (an exact ARN, or `...:restore-testing-plan:<name>-` for a plan adopted by name). */
export function isValidatedPlan(restoreTesting: RestoreTestingConfig | undefined, planArn: string): boolean {
  if (!restoreTesting) return false;
  if (restoreTesting.ownPlan?.arn === planArn) return true;
  return restoreTesting.adoptedPlans.some((plan) => (plan.endsWith('-') ? planArn.startsWith(plan) : planArn === plan));
}

/** The restore test's drill id: one drill per restore job, whichever event or retry brings it. */
export function restoreTestDrillId(restoreJobId: string): string {
  return `restore-test-${restoreJobId.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
}

/** What the report says chose the restored point. */
export function restoreTestSelectedBy(config: Pick<DrillConfig, 'restoreTesting'>, planArn: string): string {
  const own = config.restoreTesting?.ownPlan;
  const name = planArn.split(':restore-testing-plan:')[1] ?? planArn;
  if (own?.arn === planArn) {
    const algorithm = own.selection.policy === 'random' ? 'RANDOM_WITHIN_WINDOW' : 'LATEST_WITHIN_WINDOW';
    return `restore testing plan ${name} (${algorithm}, ${own.selection.windowDays} days)`;
  }
  return `restore testing plan ${name}`;
}

/** The drill record of a restore test, from its job as DescribeRestoreJob tells it. */
export function restoreTestRecord(args: {
  config: Pick<DrillConfig, 'restoreTesting'>;
  job: RestoreJob;
  planArn: string;
  tableName: string;
  tableArn: string;
  now: number;
  newestCreationDate?: Date;
}): DrillRecord {
  const { job, planArn, config } = args;
  const copy = job.createdResourceArn?.split(':table/')[1];
  const recoveryPointCreated = job.recoveryPointCreationDate ?? job.creationDate ?? new Date(args.now);
  const newer = args.newestCreationDate && args.newestCreationDate > recoveryPointCreated ? args.newestCreationDate : undefined;
  return {
    drillId: restoreTestDrillId(job.restoreJobId),
    sourceTable: args.tableName,
    sourceTableArn: args.tableArn,
    trigger: 'restore-test',
    // The test started when AWS Backup started the job: RPO and RTO count from there, as for a drill.
    startedAt: (job.creationDate ?? new Date(args.now)).toISOString(),
    status: 'RESTORING',
    // Until AWS Backup names the copy (a FAILED job may name none), the prefix stands for it.
    restoredTableName: copy ?? `${RESTORE_TEST_TABLE_PREFIX}(none)`,
    restoreJobId: job.restoreJobId,
    restoreStartedAt: (job.creationDate ?? new Date(args.now)).toISOString(),
    recoveryPoint: job.recoveryPointArn
      ? {
          recoveryPointArn: job.recoveryPointArn,
          backupVaultName: job.backupVaultArn?.split(':backup-vault:')[1] ?? job.backupVaultArn ?? 'unknown',
          creationDate: recoveryPointCreated.toISOString(),
          selectedBy: restoreTestSelectedBy(config, planArn),
          newestCreationDate: newer?.toISOString(),
        }
      : undefined,
    restoreTest: {
      planArn,
      validationWindowHours:
        config.restoreTesting?.ownPlan?.arn === planArn ? config.restoreTesting.ownPlan.validationWindowHours : undefined,
    },
  };
}

/** One line, at most VALIDATION_MESSAGE_LIMIT characters: the verdict and what failed. */
export function validationMessage(verdict: Verdict, checks: readonly CheckResult[], failure: string | undefined): string {
  const failed = checks.filter((c) => c.status === 'FAIL').map((c) => c.check);
  const warned = checks.filter((c) => c.status === 'WARN').map((c) => c.check);
  const passed = checks.filter((c) => c.status === 'PASS').map((c) => c.check);
  const text =
    verdict === 'PASS'
      ? `restore-drill PASS: ${passed.join(', ')} passed${warned.length ? `; warnings: ${warned.join(', ')}` : ''}`
      : `restore-drill FAIL: ${failure ?? (failed.join(', ') || 'see the report')}`;
  const line = text
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return line.length <= VALIDATION_MESSAGE_LIMIT ? line : `${line.slice(0, VALIDATION_MESSAGE_LIMIT - 3)}...`;
}

export interface ValidationOutcome {
  readonly restoreTest: RestoreTestFacts;
  /** The `validation result` check the report shows: PASS when AWS Backup took the result. */
  readonly check: CheckResult;
  readonly cleanup: CleanupOutcome;
}

/**
 * Tells AWS Backup the verdict of the checks, once. DescribeRestoreJob first: a status already
 * set (TIMED_OUT when the window closed, or an earlier attempt's) "cannot be changed"
 * (developer guide, "Restore testing validation", step 4), so nothing is sent, and the report
 * says why. A refused call is reported, never retried. A throttle or service error is thrown:
 * the Lambda retry sends it (the window permitting).
 */
export async function sendValidationResult(args: {
  backup: BackupPort;
  log: DrillLogger;
  drill: DrillRecord;
  restoreTest: RestoreTestFacts;
  verdict: Verdict;
  message: string;
  now: () => number;
}): Promise<ValidationOutcome> {
  const { backup, drill, restoreTest, verdict } = args;
  const restoreJobId = drill.restoreJobId;
  if (!restoreJobId) throw new Error(`restore test ${drill.drillId} has no restore job id`);
  const status: RestoreValidationStatus = verdict === 'PASS' ? 'SUCCESSFUL' : 'FAILED';
  const at = () => new Date(args.now()).toISOString();
  const cleanup = (detail: string): CleanupOutcome => ({ result: 'aws-backup', tableName: drill.restoredTableName, detail });
  const deletes = `AWS Backup deletes ${drill.restoredTableName} (restore testing); the drill does not`;

  if (restoreTest.validation) {
    // A retry after the result was recorded: nothing more to send.
    return { restoreTest, check: validationCheck(restoreTest.validation), cleanup: cleanup(deletes) };
  }
  const job = await step('DescribeRestoreJob', () => backup.describeRestoreJob(restoreJobId));
  let validation: NonNullable<RestoreTestFacts['validation']>;
  if (job.validationStatus && job.validationStatus !== 'VALIDATING') {
    const byUs = job.validationStatus === status;
    validation = {
      result: 'already-set',
      status: job.validationStatus,
      message: job.validationStatusMessage,
      at: at(),
      detail: byUs
        ? `${status} was already set (an earlier attempt of this drill)`
        : `not sent: AWS Backup had already set ${job.validationStatus}${
            job.validationStatus === 'TIMED_OUT' ? ' (the validation window closed before the checks finished)' : ''
          }${job.deletionStatus ? `, copy ${job.deletionStatus}` : ''}; the checks above are what was checked`,
    };
  } else {
    try {
      await step('PutRestoreValidationResult', () => backup.putRestoreValidationResult(restoreJobId, status, args.message));
      validation = {
        result: 'sent',
        status,
        message: args.message,
        at: at(),
        detail: `${status} sent to AWS Backup at ${formatTime(at())}`,
      };
    } catch (error) {
      if (!isPermanentError(error)) throw error;
      validation = {
        result: 'refused',
        status,
        message: args.message,
        at: at(),
        detail: `not accepted: ${explainError('PutRestoreValidationResult', error)}`,
      };
    }
  }
  args.log.info('restore test validation', { restoreJobId, validation });
  const facts = { ...restoreTest, validation };
  const tooLate = validation.result !== 'sent' && !(validation.result === 'already-set' && validation.status === status);
  return {
    restoreTest: facts,
    check: validationCheck(validation),
    cleanup: cleanup(tooLate && job.deletionStatus ? `${deletes}; DeletionStatus ${job.deletionStatus}` : deletes),
  };
}

function validationCheck(validation: NonNullable<RestoreTestFacts['validation']>): CheckResult {
  const accepted = validation.result === 'sent' || (validation.result === 'already-set' && validation.detail.includes('earlier attempt'));
  return accepted
    ? { check: 'validation result', status: 'PASS', summary: validation.detail }
    : {
        check: 'validation result',
        status: 'FAIL',
        summary: validation.detail,
        nextStep:
          'AWS Backup did not take the result: raise validationWindowHours so the checks fit in it, or look at the restore job in the AWS Backup console',
      };
}

/** A restore test's copy: deleted by AWS Backup, seen through DescribeRestoreJob's DeletionStatus. */
export function deletionIsFinal(status: string | undefined): boolean {
  return status === 'SUCCESSFUL' || status === 'FAILED';
}
