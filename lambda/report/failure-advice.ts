/**
 * Turns an error from an AWS call into one line that says what failed and what the reader
 * should do next. Every FAIL in a report goes through here, so an on-call engineer never gets
 * a bare stack trace at 3 a.m.
 */

/** An AWS call the drill made, kept with its failure so the report can name it. */
export class DrillStepError extends Error {
  override readonly name = 'DrillStepError';

  constructor(
    readonly operation: string,
    readonly cause: unknown,
    readonly advice: string,
  ) {
    super(advice);
  }
}

function errorName(error: unknown): string {
  if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string') return error.name;
  return 'Error';
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim().slice(0, 300);
}

const ACCESS_DENIED_ADVICE: Record<string, string> = {
  StartRestoreJob:
    'the Lambda role cannot start the restore or pass the restore role — check backup:StartRestoreJob and iam:PassRole (PassedToService backup.amazonaws.com) on the drill Lambda role',
  ListRecoveryPointsByBackupVault:
    'the Lambda role cannot list the vault — check backup:ListRecoveryPointsByBackupVault on the vault and the vault access policy',
  DescribeRestoreJob: 'the Lambda role cannot watch the restore — check backup:DescribeRestoreJob',
  ListRestoreJobsByProtectedResource:
    'the Lambda role cannot look up the restore job StartRestoreJob accepted without returning its id — check backup:ListRestoreJobsByProtectedResource',
  DeleteTable: 'the Lambda role cannot delete the restored copy — check dynamodb:DeleteTable on table/<prefix>*',
  Publish: 'the Lambda role cannot publish the report — check sns:Publish on the topic and kms:GenerateDataKey on its key',
};

const NAMED_ADVICE: Record<string, string> = {
  ThrottlingException: 'AWS kept throttling after the SDK retries — the account is busy; the next drill retries',
  LimitExceededException: 'an AWS Backup limit was hit (about 50 concurrent restore jobs per account) — stagger drills or raise the quota',
  ServiceUnavailableException: 'the service was unavailable after the SDK retries — the next drill retries',
  KMSAccessDeniedException: 'a KMS key denied access — check the key policy grants the role that made this call',
};

/** The explanation an error already carries: a DrillStepError's, worded once when its step failed. */
function adviceOf(error: unknown): string | undefined {
  const advice = error instanceof Error ? (error as { advice?: unknown }).advice : undefined;
  return typeof advice === 'string' ? advice : undefined;
}

export function explainError(operation: string, error: unknown): string {
  const carried = adviceOf(error);
  if (carried !== undefined) return carried;
  const name = errorName(error);
  const message = errorMessage(error);
  const head = `${operation} ${name}${message && message !== name ? ` (${message})` : ''}`;
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'AuthorizationError') {
    const advice = ACCESS_DENIED_ADVICE[operation] ?? `check the drill Lambda role allows ${operation}`;
    return `${head}: ${advice}`;
  }
  if (name === 'ResourceNotFoundException' || name === 'NotFoundException' || name === 'NotFound') {
    return `${head}: the resource is gone or was never there — check the vault, recovery point or table still exists`;
  }
  if (operation === 'StartRestoreJob' && (name === 'InvalidParameterValueException' || name === 'InvalidRequestException')) {
    return `${head}: AWS Backup refused the restore request — check the recovery point is restorable and no table with the target name exists`;
  }
  const advice = NAMED_ADVICE[name];
  return advice ? `${head}: ${advice}` : `${head}: unexpected error — see the drill Lambda logs for this drill id`;
}

/** Errors AWS documents as throttling: the request may succeed later (the SDK has already retried it). */
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottledException',
  'LimitExceededException',
]);

/** Faults on AWS's side, by name (the SDK also marks them `$fault: 'server'`). */
const SERVER_ERRORS = new Set([
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
]);

/** Node.js network failures: the call may not have reached AWS at all. */
const NETWORK_ERRORS = new Set(['TimeoutError', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * True for an error another attempt may not repeat: throttling, a fault on AWS's side (the
 * SDK's `$fault: 'server'` or `$retryable`), a network failure. The SDK has already retried
 * these; the drill leaves them to the invocation's own retry or the next sweep.
 */
export function isTransientError(error: unknown): boolean {
  const cause = (error instanceof DrillStepError ? error.cause : error) as
    | { name?: unknown; code?: unknown; $fault?: unknown; $retryable?: unknown }
    | undefined;
  if (!cause || typeof cause !== 'object') return false;
  const name = typeof cause.name === 'string' ? cause.name : 'Error';
  if (THROTTLING_ERRORS.has(name) || SERVER_ERRORS.has(name) || NETWORK_ERRORS.has(name)) return true;
  if (typeof cause.code === 'string' && NETWORK_ERRORS.has(cause.code)) return true;
  return cause.$fault === 'server' || Boolean(cause.$retryable);
}

/**
 * True for an error that another attempt will not change — a denied permission, a resource that
 * is gone, a refused request, and anything else that is not transient, a bug included (retrying
 * it would leave the drill unreported forever): the drill reports it at once.
 */
export function isPermanentError(error: unknown): boolean {
  return !isTransientError(error);
}
/**
 * Runs one AWS call; a failure comes back as a DrillStepError carrying the explanation. A step
 * around steps (a search that pages through several calls) keeps the inner one, which names the
 * call that failed and keeps its cause for isPermanentError.
 */
export async function step<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DrillStepError) throw error;
    throw new DrillStepError(operation, error, explainError(operation, error));
  }
}
