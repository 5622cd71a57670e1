import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http/loopback-server';
import type { InjectedFailures } from '../faults/injected-failures';
import { BackupApiError, invalidParameter } from './backup-errors';
import type { BackupService } from './backup-service';
import { pathSegments, sendBackupError, sendJson } from './rest-json-wire';

interface Route {
  readonly operation: string;
  readonly method: 'GET' | 'PUT';
  /** Path pattern segments; "{}" matches one label. */
  readonly pattern: readonly string[];
  readonly handle: (service: BackupService, labels: string[], query: URLSearchParams, body: () => Promise<Record<string, unknown>>) => unknown;
}

/** Routes as declared by the operations' http traits in @aws-sdk/client-backup. */
const ROUTES: readonly Route[] = [
  {
    operation: 'ListRecoveryPointsByResource',
    method: 'GET',
    pattern: ['resources', '{}', 'recovery-points'],
    handle: (service, [resourceArn], query) =>
      service.listRecoveryPointsByResource({ resourceArn, nextToken: query.get('nextToken') ?? undefined, maxResults: integerParam(query, 'maxResults') }),
  },
  {
    operation: 'ListRecoveryPointsByBackupVault',
    method: 'GET',
    pattern: ['backup-vaults', '{}', 'recovery-points'],
    handle: (service, [backupVaultName], query) =>
      service.listRecoveryPointsByBackupVault({
        backupVaultName,
        nextToken: query.get('nextToken') ?? undefined,
        maxResults: integerParam(query, 'maxResults'),
        byResourceArn: query.get('resourceArn') ?? undefined,
        byResourceType: query.get('resourceType') ?? undefined,
        byCreatedBefore: dateParam(query, 'createdBefore'),
        byCreatedAfter: dateParam(query, 'createdAfter'),
      }),
  },
  {
    operation: 'GetRecoveryPointRestoreMetadata',
    method: 'GET',
    pattern: ['backup-vaults', '{}', 'recovery-points', '{}', 'restore-metadata'],
    handle: (service, [backupVaultName, recoveryPointArn]) => service.getRecoveryPointRestoreMetadata({ backupVaultName, recoveryPointArn }),
  },
  {
    operation: 'StartRestoreJob',
    method: 'PUT',
    pattern: ['restore-jobs'],
    handle: async (service, _labels, _query, body) => service.startRestoreJob(await body()),
  },
  {
    operation: 'DescribeRestoreJob',
    method: 'GET',
    pattern: ['restore-jobs', '{}'],
    handle: (service, [restoreJobId]) => service.describeRestoreJob(restoreJobId),
  },
  {
    operation: 'StartBackupJob',
    method: 'PUT',
    pattern: ['backup-jobs'],
    handle: async (service, _labels, _query, body) => service.startBackupJob(await body()),
  },
  {
    operation: 'DescribeBackupJob',
    method: 'GET',
    pattern: ['backup-jobs', '{}'],
    handle: (service, [backupJobId]) => service.describeBackupJob(backupJobId),
  },
];

function match(route: Route, method: string | undefined, segments: string[]): string[] | undefined {
  if (route.method !== method || route.pattern.length !== segments.length) return undefined;
  const labels: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (route.pattern[i] === '{}') labels.push(segments[i]);
    else if (route.pattern[i] !== segments[i]) return undefined;
  }
  return labels;
}

/** The HTTP side of the local Backup endpoint: route, consult injected failures, answer. */
export function backupRequestHandler(service: BackupService, failures: InjectedFailures) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const segments = pathSegments(url.pathname);
    const bodyText = readBody(request);
    const body = async () => JSON.parse((await bodyText) || '{}') as Record<string, unknown>;
    for (const route of ROUTES) {
      const labels = match(route, request.method, segments);
      if (!labels) continue;
      await bodyText;
      const failure = failures.take(route.operation);
      if (failure) {
        sendBackupError(response, new BackupApiError(failure.code, failure.message ?? 'Rate exceeded', failure.httpStatus));
        return;
      }
      try {
        sendJson(response, await route.handle(service, labels, url.searchParams, body as never));
      } catch (error) {
        if (!(error instanceof BackupApiError)) throw error;
        sendBackupError(response, error);
      }
      return;
    }
    await bodyText;
    sendBackupError(response, new BackupApiError('UnknownOperationException', `The local Backup endpoint does not implement ${request.method} ${url.pathname}`, 404));
  };
}

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw invalidParameter(`${name} must be an integer, got ${text}`);
  return value;
}

function dateParam(query: URLSearchParams, name: string): Date | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw invalidParameter(`${name} must be a date-time, got ${text}`);
  return date;
}
