import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { BackupApiError } from './backup-errors';

/**
 * The REST-JSON wire form of AWS Backup as @aws-sdk/client-backup reads it (verified in its
 * schema and in @aws-sdk/core's AwsRestJsonProtocol):
 * - the error code comes from the `x-amzn-errortype` header first (then body `code`, `__type`);
 *   the SDK keeps what is before ':' so the Coral suffix AWS appends is harmless;
 * - timestamps in bodies are epoch seconds (the default format for REST-JSON bodies), e.g.
 *   1516925490.087; timestamps in query strings arrive as ISO 8601 date-time;
 * - path labels are percent-encoded per segment (an ARN's ':' and '/' arrive as %3A and %2F).
 */
export function sendJson(response: ServerResponse, body: unknown, statusCode = 200): void {
  const text = JSON.stringify(body, (_key, value: unknown) => (value === undefined ? undefined : value));
  response.writeHead(statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

export function sendBackupError(response: ServerResponse, error: BackupApiError): void {
  const text = JSON.stringify({ Code: error.code, Message: error.message, Type: error.httpStatus >= 500 ? 'Server' : 'User' });
  response.writeHead(error.httpStatus, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': `${error.code}:http://internal.amazon.com/coral/com.amazonaws.backup/`,
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

export const epochSeconds = (date: Date | undefined): number | undefined => (date ? date.getTime() / 1000 : undefined);

/**
 * "/backup-vaults/v/recovery-points/arn%3Aaws..." -> ["backup-vaults", "v", "recovery-points", "arn:aws..."].
 * Empty segments stay: "/restore-jobs/" is ["restore-jobs", ""], a request with an empty label.
 */
export function pathSegments(pathname: string): string[] {
  return pathname
    .replace(/^\//, '')
    .split('/')
    .map((segment) => decodeURIComponent(segment));
}
