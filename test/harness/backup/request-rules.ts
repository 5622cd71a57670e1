import { invalidParameter, missingParameter } from './backup-errors';

/**
 * The constraints the AWS Backup API model puts on the members the drill sends, so that the local
 * endpoint refuses what AWS refuses. Source: the Backup model, aws/api-models-aws
 * backup/service/2018-11-15/backup-2018-11-15.json (the SDK's copy is
 * codegen/sdk-codegen/aws-models/backup.json in aws/aws-sdk-js-v3; @aws-sdk/client-backup
 * 3.1092's schema agrees on which members are required). The SDK checks none of these traits
 * itself (it only refuses an empty path label), so they have to be checked here.
 *
 * Errors: AWS Backup answers a constraint it checks with InvalidParameterValueException and a
 * missing required member with MissingParameterValueException, both HTTP 400 (e.g. a vault name
 * with a space: "Backup vault name Random Backups is not valid ... Error Code:
 * InvalidParameterValueException", quoted in aws/aws-cdk issue 8685). Its model declares no
 * ValidationException, so those two are what the SDK can raise as classes.
 */

/**
 * BackupVaultName: @pattern ^[a-zA-Z0-9\-\_]{2,50}$. Vaults that AWS services create for
 * themselves have names under "aws/" (aws/efs/automatic-backup-vault, and
 * "aws/backup/AutomatedBackupVault..." in the Backup guide's EventBridge examples), which AWS
 * accepts although the pattern does not: those are let through too.
 */
const BACKUP_VAULT_NAME = /^[a-zA-Z0-9\-_]{2,50}$/;
const AWS_CREATED_VAULT_NAME = /^aws\/[a-zA-Z0-9\-_/]+$/;

/** AccountId (BackupVaultAccountId): @pattern ^[0-9]{12}$. */
const ACCOUNT_ID = /^[0-9]{12}$/;

/** ResourceType (StartRestoreJob.ResourceType, ByResourceType): @pattern ^[a-zA-Z0-9\-\_\.]{1,50}$. */
const RESOURCE_TYPE = /^[a-zA-Z0-9\-_.]{1,50}$/;

/** RestoreJobStatus (ListRestoreJobsByProtectedResource.ByStatus): an enum. */
const RESTORE_JOB_STATUSES: readonly string[] = ['PENDING', 'RUNNING', 'COMPLETED', 'ABORTED', 'FAILED'];

/** MaxResults: integer, @range min 1, max 1000. */
export const MAX_RESULTS_RANGE = { min: 1, max: 1000 } as const;

export function checkBackupVaultName(name: string | undefined, member = 'BackupVaultName'): asserts name is string {
  if (name === undefined || name === '') throw missingParameter(`${member} is required`);
  if (!BACKUP_VAULT_NAME.test(name) && !AWS_CREATED_VAULT_NAME.test(name)) throw invalidParameter(`Backup vault name ${name} is not valid`);
}

export function checkAccountId(accountId: string | undefined, member: string): void {
  if (accountId !== undefined && !ACCOUNT_ID.test(accountId)) throw invalidParameter(`Invalid ${member} ${accountId}: must be 12 digits`);
}

export function checkResourceType(resourceType: string | undefined, member: string): void {
  if (resourceType !== undefined && !RESOURCE_TYPE.test(resourceType)) {
    throw invalidParameter(`Invalid ${member} ${resourceType}: must be 1-50 characters of a-z, A-Z, 0-9, - _ .`);
  }
}

export function checkRestoreJobStatus(status: string | undefined, member: string): void {
  if (status !== undefined && !RESTORE_JOB_STATUSES.includes(status)) {
    throw invalidParameter(`Invalid ${member} ${status}: must be one of ${RESTORE_JOB_STATUSES.join(', ')}`);
  }
}

export function checkMaxResults(maxResults: number | undefined): void {
  if (maxResults === undefined) return;
  if (!Number.isInteger(maxResults) || maxResults < MAX_RESULTS_RANGE.min || maxResults > MAX_RESULTS_RANGE.max) {
    throw invalidParameter(`MaxResults must be between ${MAX_RESULTS_RANGE.min} and ${MAX_RESULTS_RANGE.max}, got ${maxResults}`);
  }
}

/** @required members: absent, or empty where the member is a string. */
export function checkRequired(input: Record<string, unknown>, members: readonly string[]): void {
  for (const member of members) {
    const value = input[member];
    if (value === undefined || value === null || value === '') throw missingParameter(`${member} is required`);
  }
}

/** Metadata: a map of string to string (Metadata -> MetadataKey/MetadataValue, both string). */
export function checkMetadataMap(metadata: unknown): asserts metadata is Record<string, string> {
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    Array.isArray(metadata) ||
    Object.values(metadata).some((value) => typeof value !== 'string')
  ) {
    throw invalidParameter('Metadata must be a map of string keys to string values');
  }
}

/** StartRestoreJob's traits: RecoveryPointArn and Metadata @required, Metadata a string map, ResourceType's @pattern. */
export function checkStartRestoreJobShape(input: { RecoveryPointArn?: unknown; Metadata?: unknown; ResourceType?: string }): void {
  checkRequired(input, ['RecoveryPointArn', 'Metadata']);
  checkMetadataMap(input.Metadata);
  checkResourceType(input.ResourceType, 'ResourceType');
}
