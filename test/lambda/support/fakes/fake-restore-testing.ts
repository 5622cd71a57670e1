import type { RestoreJob, RestoreValidationStatus } from '../../../../lambda/domain/backup';
import { awsError } from '../aws-errors';
import { FakeBackup } from './fake-backup';

/**
 * The Backup port with AWS Backup restore testing (native mode), in memory: a restore testing
 * plan's job restores a recovery point into `awsbackup-restore-test-<random>` ("Restore testing
 * inferred metadata", DynamoDB row) as the plan's schedule wants, with no StartRestoreJob of the
 * drill's. DescribeRestoreJob then carries what the API reference documents for such a job
 * (API_DescribeRestoreJob: CreatedBy.RestoreTestingPlanArn, RecoveryPointCreationDate,
 * SourceResourceArn, BackupVaultArn, ValidationStatus(Message), DeletionStatus(Message)), as the
 * port reads them. PutRestoreValidationResult (API_PutRestoreValidationResult: ValidationStatus
 * FAILED | SUCCESSFUL | TIMED_OUT | VALIDATING, HTTP 204) is taken once per job; a status once set
 * "cannot be changed" (developer guide, "Restore testing validation", step 4), refused here as
 * InvalidRequestException, one of the operation's documented errors.
 */

export interface RestoreTestState {
  readonly planArn: string;
  validation?: { readonly status: string; readonly message?: string; readonly at: number };
  deletion?: { readonly status: 'DELETING' | 'SUCCESSFUL' | 'FAILED'; readonly message?: string };
}

export interface RestoreTestSpec {
  readonly planArn: string;
  readonly recoveryPointArn: string;
  /** AWS Backup's RestoreJobId (default: an upper-case UUID-like id, as AWS shows them). */
  readonly restoreJobId?: string;
  /** The random tail of the copy's name (default: from the job count). */
  readonly copySuffix?: string;
}

export class FakeRestoreTestingBackup extends FakeBackup {
  /** Restore jobs started by a restore testing plan, by RestoreJobId. */
  readonly restoreTests = new Map<string, RestoreTestState>();
  private deletesAfterValidation?: { readonly afterMs: number; readonly status: 'SUCCESSFUL' | 'FAILED'; readonly message?: string };

  /**
   * AWS Backup deletes a restore test's copy once it has a validation result (developer guide,
   * "Restore testing"): from now on, DeletionStatus turns `status` `afterMs` after the result,
   * DELETING before that.
   */
  deleteCopiesAfterValidation(afterMs: number, status: 'SUCCESSFUL' | 'FAILED' = 'SUCCESSFUL', message?: string): void {
    this.deletesAfterValidation = { afterMs, status, message };
  }

  /** A restore testing plan's job restoring `recoveryPointArn`, running from now as nextRestores says. */
  runRestoreTest(spec: RestoreTestSpec): { restoreJobId: string; copy: string } {
    const point = this.recoveryPoints.find((p) => p.recoveryPointArn === spec.recoveryPointArn);
    if (!point) throw new Error(`no recovery point ${spec.recoveryPointArn}`);
    const n = this.restoreJobs.length + 1;
    const copy = `awsbackup-restore-test-${spec.copySuffix ?? `${n}a7f3c9e`}`;
    const restoreJobId = spec.restoreJobId ?? `7E1D0C${n}B-2F4A-4C6E-9A8B-1D3F5E7A9C0B`;
    const request = {
      recoveryPointArn: spec.recoveryPointArn,
      metadata: { targetTableName: copy },
      iamRoleArn: `arn:aws:iam::${this.env.account}:role/service-role/AWSBackupDefaultServiceRole`,
      idempotencyToken: `restore-testing-${restoreJobId}`,
    };
    this.start(point, copy, request, restoreJobId);
    this.restoreTests.set(restoreJobId, { planArn: spec.planArn });
    return { restoreJobId, copy };
  }

  /** AWS Backup setting the validation status itself (TIMED_OUT when the window closes, or VALIDATING). */
  setValidationStatus(restoreJobId: string, status: 'TIMED_OUT' | 'VALIDATING' | RestoreValidationStatus, message?: string): void {
    this.testOf(restoreJobId).validation = { status, message, at: this.clock.now() };
  }

  /** AWS Backup deleting the copy, as DescribeRestoreJob's DeletionStatus tells it. */
  setDeletionStatus(restoreJobId: string, status: 'DELETING' | 'SUCCESSFUL' | 'FAILED', message?: string): void {
    this.testOf(restoreJobId).deletion = { status, message };
  }

  override async describeRestoreJob(restoreJobId: string): Promise<RestoreJob> {
    const described = await super.describeRestoreJob(restoreJobId);
    const test = this.restoreTests.get(restoreJobId);
    const job = this.restoreJobs.find((j) => j.id === restoreJobId);
    if (!test || !job) return described;
    this.progressDeletion(test);
    const point = this.recoveryPoints.find((p) => p.recoveryPointArn === job.recoveryPointArn);
    return {
      ...described,
      recoveryPointArn: job.recoveryPointArn,
      recoveryPointCreationDate: new Date(job.recoveryPointCreatedAt),
      backupVaultArn: point && this.vaultArn(point.backupVaultName),
      sourceResourceArn: this.tableArn(job.sourceTable),
      restoreTestingPlanArn: test.planArn,
      validationStatus: test.validation?.status,
      validationStatusMessage: test.validation?.message,
      deletionStatus: test.deletion?.status,
      deletionStatusMessage: test.deletion?.message,
    };
  }

  override async putRestoreValidationResult(restoreJobId: string, status: RestoreValidationStatus, message: string): Promise<void> {
    const test = this.restoreTests.get(restoreJobId);
    if (!test) return super.putRestoreValidationResult(restoreJobId, status, message);
    await this.enter('putRestoreValidationResult', [restoreJobId, status, message]);
    if (test.validation && test.validation.status !== 'VALIDATING')
      throw awsError('InvalidRequestException', `Validation status of restore job ${restoreJobId} is already ${test.validation.status}`);
    test.validation = { status, message, at: this.clock.now() };
  }

  private vaultArn(vaultName: string): string {
    return `arn:aws:backup:${this.env.region}:${this.env.account}:backup-vault:${vaultName}`;
  }

  private progressDeletion(test: RestoreTestState): void {
    const rule = this.deletesAfterValidation;
    if (
      !rule ||
      !test.validation ||
      test.validation.status === 'VALIDATING' ||
      (test.deletion?.status !== undefined && test.deletion.status !== 'DELETING')
    )
      return;
    const final = this.clock.now() >= test.validation.at + rule.afterMs;
    test.deletion = final ? { status: rule.status, message: rule.message } : { status: 'DELETING' };
  }

  private testOf(restoreJobId: string): RestoreTestState {
    const test = this.restoreTests.get(restoreJobId);
    if (!test) throw new Error(`no restore test ${restoreJobId}`);
    return test;
  }
}
