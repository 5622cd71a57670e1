import { createHash } from 'node:crypto';
import { BackupApiError, invalidParameter, invalidRequest, missingParameter, notFound } from './backup-errors';

/**
 * AWS Backup restore testing, as the local endpoint keeps it: plans and selections as
 * CreateRestoreTestingPlan / CreateRestoreTestingSelection accept them, refused where the API
 * reference and the CloudFormation resource pages refuse them. Sources, each rule cited below:
 * [API-P] API_CreateRestoreTestingPlan and API_RestoreTestingPlanForCreate,
 * [API-S] API_CreateRestoreTestingSelection and API_RestoreTestingSelectionForCreate,
 * [META] developer guide "Restore testing inferred metadata", [RT] developer guide "Restore testing"
 * (quotas: 30 protected resource ARNs per selection).
 */

export interface RestoreTestingPlan {
  readonly name: string;
  readonly arn: string;
  readonly scheduleExpression: string;
  readonly scheduleExpressionTimezone?: string;
  readonly startWindowHours: number;
  readonly algorithm: 'LATEST_WITHIN_WINDOW' | 'RANDOM_WITHIN_WINDOW';
  readonly includeVaults: readonly string[];
  readonly excludeVaults: readonly string[];
  readonly recoveryPointTypes: readonly string[];
  readonly selectionWindowDays: number;
  readonly creationTime: Date;
}

export interface RestoreTestingSelection {
  readonly planName: string;
  readonly name: string;
  readonly iamRoleArn: string;
  readonly protectedResourceType: string;
  readonly protectedResourceArns: readonly string[];
  readonly restoreMetadataOverrides: Readonly<Record<string, string>>;
  readonly validationWindowHours: number;
  readonly creationTime: Date;
}

const PLAN_NAME = /^[a-zA-Z0-9_]{1,50}$/;
const SELECTION_NAME = /^[a-zA-Z0-9_]{1,50}$/;
const ALGORITHMS = ['LATEST_WITHIN_WINDOW', 'RANDOM_WITHIN_WINDOW'];
const RECOVERY_POINT_TYPES = ['SNAPSHOT', 'CONTINUOUS'];
/** [META]: for DynamoDB only these keys can be overridden (keys are case-insensitive). */
const DYNAMODB_OVERRIDABLE = ['encryptiontype', 'kmsmasterkeyarn'];

/**
 * The plan's ARN, `arn:aws:backup:<region>:<account>:restore-testing-plan:<name>-<id>` (the
 * Service Authorization Reference's restoreTestingPlan resource type). AWS's id is random; here it
 * is derived from the name so a synthesized template's Fn::GetAtt resolves to the same ARN.
 */
export function restoreTestingPlanArn(region: string, accountId: string, name: string): string {
  const id = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `arn:aws:backup:${region}:${accountId}:restore-testing-plan:${name}-${id}`;
}

function integerIn(value: unknown, member: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(`${member} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function stringList(value: unknown, member: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw invalidParameter(`${member} must be a list of strings`);
  return value as string[];
}

/** CreateRestoreTestingPlan's body: RestoreTestingPlan (required) with its required members [API-P]. */
export function parseRestoreTestingPlan(body: Record<string, unknown>, region: string, accountId: string): RestoreTestingPlan {
  const plan = body.RestoreTestingPlan as Record<string, unknown> | undefined;
  if (!plan || typeof plan !== 'object') throw missingParameter('RestoreTestingPlan is required');
  const name = plan.RestoreTestingPlanName;
  if (typeof name !== 'string') throw missingParameter('RestoreTestingPlan.RestoreTestingPlanName is required');
  // "This string can contain only alphanumeric characters and underscores" [API-P]; 50 at most [RT quotas].
  if (!PLAN_NAME.test(name)) throw invalidParameter(`RestoreTestingPlanName "${name}": only letters, digits and underscores, 1-50`);
  const schedule = plan.ScheduleExpression;
  if (typeof schedule !== 'string') throw missingParameter('RestoreTestingPlan.ScheduleExpression is required');
  if (!/^cron\([^()]+\)$/.test(schedule) || schedule.slice(5, -1).trim().split(/\s+/).length !== 6) {
    throw invalidParameter(`ScheduleExpression "${schedule}" is not a cron expression of 6 fields`);
  }
  const selection = plan.RecoveryPointSelection as Record<string, unknown> | undefined;
  if (!selection || typeof selection !== 'object') throw missingParameter('RestoreTestingPlan.RecoveryPointSelection is required');
  const algorithm = selection.Algorithm;
  if (typeof algorithm !== 'string' || !ALGORITHMS.includes(algorithm)) {
    throw invalidParameter(`Algorithm must be one of ${ALGORITHMS.join(', ')}, got ${JSON.stringify(algorithm)}`);
  }
  const includeVaults = stringList(selection.IncludeVaults, 'IncludeVaults');
  if (!includeVaults || includeVaults.length === 0)
    throw missingParameter('RecoveryPointSelection.IncludeVaults is required (at least one)');
  const recoveryPointTypes = stringList(selection.RecoveryPointTypes, 'RecoveryPointTypes');
  if (!recoveryPointTypes || recoveryPointTypes.length === 0)
    throw missingParameter('RecoveryPointSelection.RecoveryPointTypes is required');
  for (const type of recoveryPointTypes) {
    if (!RECOVERY_POINT_TYPES.includes(type)) throw invalidParameter(`RecoveryPointTypes: ${type} is not SNAPSHOT or CONTINUOUS`);
  }
  return {
    name,
    arn: restoreTestingPlanArn(region, accountId, name),
    scheduleExpression: schedule,
    scheduleExpressionTimezone: typeof plan.ScheduleExpressionTimezone === 'string' ? plan.ScheduleExpressionTimezone : undefined,
    // "Defaults to 24 hours"; 1-168 [RT quotas].
    startWindowHours: integerIn(plan.StartWindowHours, 'StartWindowHours', 1, 168) ?? 24,
    algorithm: algorithm as RestoreTestingPlan['algorithm'],
    includeVaults,
    excludeVaults: stringList(selection.ExcludeVaults, 'ExcludeVaults') ?? [],
    recoveryPointTypes,
    // "Accepted values are integers from 1 to 365"; default 30 [API-P, RestoreTestingRecoveryPointSelection].
    selectionWindowDays: integerIn(selection.SelectionWindowDays, 'SelectionWindowDays', 1, 365) ?? 30,
    creationTime: new Date(),
  };
}

/** CreateRestoreTestingSelection's body [API-S]. Not verified: AWS's exact error for an override key DynamoDB does not take. */
export function parseRestoreTestingSelection(
  planName: string,
  body: Record<string, unknown>,
  knownRoleArns: readonly string[],
): RestoreTestingSelection {
  const selection = body.RestoreTestingSelection as Record<string, unknown> | undefined;
  if (!selection || typeof selection !== 'object') throw missingParameter('RestoreTestingSelection is required');
  const name = selection.RestoreTestingSelectionName;
  if (typeof name !== 'string') throw missingParameter('RestoreTestingSelectionName is required');
  if (!SELECTION_NAME.test(name))
    throw invalidParameter(`RestoreTestingSelectionName "${name}": only letters, digits and underscores, 1-50`);
  const type = selection.ProtectedResourceType;
  if (typeof type !== 'string') throw missingParameter('ProtectedResourceType is required');
  if (type !== 'DynamoDB') throw invalidParameter(`the local endpoint restores DynamoDB only, not ${type}`);
  const role = selection.IamRoleArn;
  if (typeof role !== 'string') throw missingParameter('IamRoleArn is required');
  if (!knownRoleArns.includes(role)) throw invalidParameter(`Invalid IAM role ARN ${role}: AWS Backup cannot assume it`);
  const arns = stringList(selection.ProtectedResourceArns, 'ProtectedResourceArns') ?? [];
  // "Each RestoreTestingSelection can include ... ProtectedResourceArns (specific ARNs or "*"), but not both" [API-S].
  if (arns.includes('*') && arns.length > 1) throw invalidParameter('ProtectedResourceArns: "*" or specific ARNs, not both');
  if (arns.length > 30) throw new BackupApiError('LimitExceededException', 'at most 30 ProtectedResourceArns per selection');
  if (arns.length === 0 && selection.ProtectedResourceConditions === undefined) {
    throw missingParameter('ProtectedResourceArns or ProtectedResourceConditions is required');
  }
  const overrides = (selection.RestoreMetadataOverrides ?? {}) as Record<string, string>;
  for (const key of Object.keys(overrides)) {
    if (!DYNAMODB_OVERRIDABLE.includes(key.toLowerCase())) {
      throw invalidParameter(`RestoreMetadataOverrides: ${key} cannot be overridden for DynamoDB (only encryptionType, kmsMasterKeyArn)`);
    }
  }
  return {
    planName,
    name,
    iamRoleArn: role,
    protectedResourceType: type,
    protectedResourceArns: arns,
    restoreMetadataOverrides: overrides,
    // CreateRestoreTestingSelection: "Accepted values are integers from 1 to 168" [API-S].
    validationWindowHours: integerIn(selection.ValidationWindowHours, 'ValidationWindowHours', 1, 168) ?? 1,
    creationTime: new Date(),
  };
}

/** The ValidationStatus a validator may send ([MODEL] RestoreValidationStatus). */
export const VALIDATION_STATUSES = ['FAILED', 'SUCCESSFUL', 'TIMED_OUT', 'VALIDATING'];

export { invalidRequest, notFound };
