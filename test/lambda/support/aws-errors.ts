/**
 * Errors as the AWS SDK v3 raises them, for fakes of our ports to throw: the engine reads only
 * `name` and `$fault` (errors/transient.ts), so that is what these carry. Each stands for an
 * error that outlasted the SDK's own retries.
 */

export type AwsError = Error & { readonly $fault: 'client' | 'server' };

export function awsError(name: string, message: string, fault: 'client' | 'server' = 'client'): AwsError {
  return Object.assign(new Error(message), { name, $fault: fault });
}

export const throttled = (): AwsError => awsError('ThrottlingException', 'Rate exceeded');

export const denied = (action: string): AwsError => awsError('AccessDeniedException', `User is not authorized to perform: ${action}`);

/** A fault on AWS's side, as the SDK marks a 5xx. */
export const serverFault = (name = 'InternalServerError', message = 'We encountered an internal error'): AwsError =>
  awsError(name, message, 'server');

export const notFound = (message: string): AwsError => awsError('ResourceNotFoundException', message);
