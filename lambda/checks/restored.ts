import { formatDuration } from '../report/format';
import type { CheckResult } from '../domain/check-result';
import { type CheckDefinition, resultOnly } from './check';

/** The restore job COMPLETED and produced the ACTIVE table the drill asked for. */
export const restoredCheck: CheckDefinition = {
  name: 'restored',
  needs: 'recovery-point',
  begin: (context) =>
    resultOnly((): CheckResult => {
      const { restoreJob: job, restored, restoredTableName } = context;
      const jobId = job.restoreJobId;
      if (job.status === 'FAILED') {
        return {
          check: 'restored',
          status: 'FAIL',
          summary: `restore job ${jobId} FAILED: ${job.statusMessage ?? 'no status message'}`,
          nextStep:
            'check the restore role (dynamodb:RestoreTableFromAwsBackup, KMS grants on the vault key) and the job in the AWS Backup console',
          numbers: { jobStatus: job.status },
        };
      }
      if (job.status === 'ABORTED') {
        return {
          check: 'restored',
          status: 'FAIL',
          summary: `restore job ${jobId} was ABORTED${job.statusMessage ? `: ${job.statusMessage}` : ''}`,
          nextStep: 'find who or what stopped the job (CloudTrail StopBackupJob / AWS Backup console); the next drill retries',
          numbers: { jobStatus: job.status },
        };
      }
      const createdName = job.createdResourceArn?.split(':table/')[1];
      if (createdName && createdName !== restoredTableName) {
        return {
          check: 'restored',
          status: 'FAIL',
          summary: `restore job ${jobId} created ${createdName}, not the requested ${restoredTableName}`,
          nextStep: 'inspect the job in the AWS Backup console; the drill did not touch the table it created',
          numbers: { jobStatus: job.status },
        };
      }
      if (job.status !== 'COMPLETED') {
        return {
          check: 'restored',
          status: 'FAIL',
          summary: `restore job ${jobId} is still ${job.status}`,
          nextStep: 'the drill judged a job that had not finished: report this as a restore-drill bug',
          numbers: { jobStatus: job.status },
        };
      }
      if (restored?.status !== 'ACTIVE') {
        return {
          check: 'restored',
          status: 'FAIL',
          summary: `restore job COMPLETED but table ${restoredTableName} is ${restored ? restored.status : 'missing'}, not ACTIVE`,
          nextStep: 'look at the table in the DynamoDB console; if it stays CREATING, open an AWS support case with the job id',
          numbers: { jobStatus: job.status, tableStatus: restored?.status ?? 'MISSING' },
        };
      }
      const started = job.creationDate?.getTime();
      const activeAt = context.restoredActiveAt;
      return {
        check: 'restored',
        status: 'PASS',
        summary:
          started && activeAt
            ? `job COMPLETED, table ACTIVE ${formatDuration((activeAt - started) / 1000)} after the restore started`
            : 'job COMPLETED, table ACTIVE',
        numbers: { jobStatus: job.status, tableStatus: restored.status },
      };
    }),
};
