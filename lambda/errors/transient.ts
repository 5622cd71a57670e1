import { DrillStepError } from './drill-step';

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
