import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http/loopback-server';
import type { InjectedFailures } from '../faults/injected-failures';
import type { LostResponses } from '../faults/lost-responses';
import { BackupApiError, invalidParameter, missingParameter } from './backup-errors';
import type { BackupService } from './backup-service';
import { pathSegments, sendBackupError, sendJson } from './rest-json-wire';

interface Route {
  readonly operation: string;
  readonly method: 'GET' | 'PUT';
  /** Path pattern segments; "{Name}" matches one label, the member it carries. */
  readonly pattern: readonly string[];
  /** Also matches the path with a trailing "/" (the form the API reference writes). */
  readonly trailingSlash?: boolean;
  /** The http trait's success code (e.g. 201 for the Create operations, 204 for PutRestoreValidationResult); default 200. */
  readonly status?: number;
  readonly handle: (
    service: BackupService,
    labels: string[],
    query: URLSearchParams,
    body: () => Promise<Record<string, unknown>>,
  ) => unknown;
}

/** Routes as declared by the operations' http traits in @aws-sdk/client-backup. */
const ROUTES: readonly Route[] = [
  {
    operation: 'ListRecoveryPointsByResource',
    method: 'GET',
    pattern: ['resources', '{ResourceArn}', 'recovery-points'],
    handle: (service, [resourceArn], query) =>
      service.listRecoveryPointsByResource({
        resourceArn,
        nextToken: query.get('nextToken') ?? undefined,
        maxResults: integerParam(query, 'maxResults'),
      }),
  },
  {
    operation: 'ListRecoveryPointsByBackupVault',
    method: 'GET',
    pattern: ['backup-vaults', '{BackupVaultName}', 'recovery-points'],
    handle: (service, [backupVaultName], query) =>
      service.listRecoveryPointsByBackupVault({
        backupVaultName,
        backupVaultAccountId: query.get('backupVaultAccountId') ?? undefined,
        nextToken: query.get('nextToken') ?? undefined,
        maxResults: integerParam(query, 'maxResults'),
        byResourceArn: query.get('resourceArn') ?? undefined,
        byResourceType: query.get('resourceType') ?? undefined,
        byCreatedBefore: dateParam(query, 'createdBefore'),
        byCreatedAfter: dateParam(query, 'createdAfter'),
      }),
  },
  {
    // Backup model: http GET /resources/{ResourceArn}/restore-jobs (what the SDK sends; the API
    // reference writes ".../restore-jobs/"); query status, recoveryPointCreationDateAfter,
    // recoveryPointCreationDateBefore (date-time), nextToken, maxResults.
    operation: 'ListRestoreJobsByProtectedResource',
    method: 'GET',
    pattern: ['resources', '{ResourceArn}', 'restore-jobs'],
    trailingSlash: true,
    handle: (service, [resourceArn], query) =>
      service.listRestoreJobsByProtectedResource({
        resourceArn,
        byStatus: query.get('status') ?? undefined,
        byRecoveryPointCreationDateAfter: dateParam(query, 'recoveryPointCreationDateAfter'),
        byRecoveryPointCreationDateBefore: dateParam(query, 'recoveryPointCreationDateBefore'),
        nextToken: query.get('nextToken') ?? undefined,
        maxResults: integerParam(query, 'maxResults'),
      }),
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
    pattern: ['restore-jobs', '{RestoreJobId}'],
    handle: (service, [restoreJobId]) => service.describeRestoreJob(restoreJobId),
  },
  {
    operation: 'PutRestoreValidationResult',
    method: 'PUT',
    pattern: ['restore-jobs', '{RestoreJobId}', 'validations'],
    status: 204,
    handle: async (service, [restoreJobId], _query, body) => service.putRestoreValidationResult(restoreJobId, await body()),
  },
  {
    operation: 'CreateRestoreTestingPlan',
    method: 'PUT',
    pattern: ['restore-testing', 'plans'],
    status: 201,
    handle: async (service, _labels, _query, body) => service.createRestoreTestingPlan(await body()),
  },
  {
    operation: 'GetRestoreTestingPlan',
    method: 'GET',
    pattern: ['restore-testing', 'plans', '{RestoreTestingPlanName}'],
    handle: (service, [name]) => service.getRestoreTestingPlan(name),
  },
  {
    operation: 'CreateRestoreTestingSelection',
    method: 'PUT',
    pattern: ['restore-testing', 'plans', '{RestoreTestingPlanName}', 'selections'],
    status: 201,
    handle: async (service, [planName], _query, body) => service.createRestoreTestingSelection(planName, await body()),
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
    pattern: ['backup-jobs', '{BackupJobId}'],
    handle: (service, [backupJobId]) => service.describeBackupJob(backupJobId),
  },
];

const isLabel = (segment: string) => segment.startsWith('{');

function match(route: Route, method: string | undefined, allSegments: string[]): string[] | undefined {
  const segments =
    route.trailingSlash && allSegments.length === route.pattern.length + 1 && allSegments.at(-1) === ''
      ? allSegments.slice(0, -1)
      : allSegments;
  if (route.method !== method || route.pattern.length !== segments.length) return undefined;
  const labels: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (isLabel(route.pattern[i])) labels.push(segments[i]);
    else if (route.pattern[i] !== segments[i]) return undefined;
  }
  return labels;
}

/**
 * Path labels are @required in the model, but @aws-sdk/client-backup sends an empty one as is
 * (DescribeRestoreJob with RestoreJobId "" asks for GET /restore-jobs/). Such a request is
 * refused as a missing member. What AWS answers is not verified: the path without the label is
 * ListRestoreJobs' (GET /restore-jobs), which the local endpoint does not implement.
 */
function emptyLabel(route: Route, labels: readonly string[]): string | undefined {
  const names = route.pattern.filter(isLabel).map((name) => name.slice(1, -1));
  return names.find((_name, i) => labels[i] === '');
}

/** The HTTP side of the local Backup endpoint: route, consult injected failures, answer (or lose the answer). */
export function backupRequestHandler(service: BackupService, failures: InjectedFailures, lostResponses: LostResponses) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const segments = pathSegments(url.pathname);
    const bodyText = readBody(request);
    const body = async () => JSON.parse((await bodyText) || '{}') as Record<string, unknown>;
    for (const route of ROUTES) {
      const labels = match(route, request.method, segments);
      if (!labels) continue;
      await bodyText;
      const missing = emptyLabel(route, labels);
      if (missing) {
        sendBackupError(response, missingParameter(`${missing} is required`));
        return;
      }
      const failure = failures.take(route.operation);
      if (failure) {
        sendBackupError(response, new BackupApiError(failure.code, failure.message ?? 'Rate exceeded', failure.httpStatus));
        return;
      }
      let answer: { body: unknown } | { error: BackupApiError };
      try {
        answer = { body: await route.handle(service, labels, url.searchParams, body as never) };
      } catch (error) {
        if (!(error instanceof BackupApiError)) throw error;
        answer = { error };
      }
      // The request took effect; its answer never reaches the client.
      if (lostResponses.take(route.operation)) {
        request.socket.destroy();
        return;
      }
      if ('error' in answer) sendBackupError(response, answer.error);
      else if (route.status === 204) response.writeHead(204).end();
      else sendJson(response, answer.body, route.status);
      return;
    }
    await bodyText;
    sendBackupError(
      response,
      new BackupApiError(
        'UnknownOperationException',
        `The local Backup endpoint does not implement ${request.method} ${url.pathname}`,
        404,
      ),
    );
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
