/**
 * Turns an error from an AWS call into one line that says what failed and what the reader
 * should do next. Every FAIL in a report goes through here, so an on-call engineer never gets
 * a bare stack trace at 3 a.m.
 */

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

/** The explanation an error already carries: a DrillStepError's (errors/drill-step.ts), worded once when its step failed. */
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
