import { randomBytes, randomUUID } from 'node:crypto';
import type { TableSnapshot } from './table-snapshot';
import { invalidParameter } from './backup-errors';
import { checkMaxResults } from './request-rules';

/** Recovery point statuses of the Backup API (RecoveryPointStatus in @aws-sdk/client-backup). */
export type RecoveryPointStatus = 'COMPLETED' | 'PARTIAL' | 'DELETING' | 'EXPIRED' | 'AVAILABLE' | 'STOPPED' | 'CREATING';

/**
 * "backup": arn:aws:backup:<region>:<account>:recovery-point:<uuid>, what DynamoDB recovery
 * points get with advanced backup (the default for newer accounts);
 * "dynamodb": arn:aws:dynamodb:<region>:<account>:table/<name>/backup/<14-digit ms>-<8 hex>,
 * the native DynamoDB backup ARN (as seen in public DynamoDB backup listings).
 */
export type RecoveryPointArnStyle = 'backup' | 'dynamodb';

export interface RecoveryPoint {
  readonly recoveryPointArn: string;
  readonly backupVaultName: string;
  readonly resourceArn: string;
  readonly resourceName: string;
  readonly status: RecoveryPointStatus;
  readonly statusMessage?: string;
  readonly creationDate: Date;
  readonly completionDate?: Date;
  readonly iamRoleArn: string;
  readonly snapshot: TableSnapshot;
  readonly arnStyle: RecoveryPointArnStyle;
  readonly backupJobId?: string;
}

export function recoveryPointArn(style: RecoveryPointArnStyle, region: string, accountId: string, tableName: string, at: Date): string {
  if (style === 'dynamodb') {
    return `arn:aws:dynamodb:${region}:${accountId}:table/${tableName}/backup/${String(at.getTime()).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
  }
  return `arn:aws:backup:${region}:${accountId}:recovery-point:${randomUUID()}`;
}

export interface PageRequest {
  readonly nextToken?: string;
  readonly maxResults?: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * Pages through `all` with an opaque token. The page is the smaller of MaxResults and the
 * endpoint's page size, so a small page size exercises a caller's pagination even when it asks
 * for many. The token names the query it belongs to, so a token reused with other filters is
 * refused, as AWS refuses foreign tokens.
 */
export function paginate<T>(all: readonly T[], request: PageRequest, pageSize: number, queryFingerprint: string): Page<T> {
  checkMaxResults(request.maxResults);
  const offset = request.nextToken ? decodeToken(request.nextToken, queryFingerprint) : 0;
  const size = Math.min(pageSize, request.maxResults ?? pageSize);
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return { items, nextToken: next < all.length ? encodeToken(next, queryFingerprint) : undefined };
}

function encodeToken(offset: number, query: string): string {
  return Buffer.from(JSON.stringify({ offset, query })).toString('base64url');
}

function decodeToken(token: string, query: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset: number; query: string };
    if (decoded.query === query && Number.isInteger(decoded.offset) && decoded.offset >= 0) return decoded.offset;
  } catch {
    // fall through: the same answer as a token for another query
  }
  throw invalidParameter('Invalid NextToken');
}
