import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { crc32 } from 'node:zlib';
import { readBody } from '../http/loopback-server';
import { InjectedFailures } from '../faults/injected-failures';
import type { ItemRewrite } from './item-rewrites';
import { DynaliteShims, SHIMMED_OPERATIONS } from './dynalite-shims';
import { operationOf, sendDynamoDbError } from './dynamodb-wire';

type Item = Record<string, unknown>;
type DynaliteHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Header the harness's own DynamoDB client sends: its requests (test setup, backups, restores)
 * are not the system under test, so injected failures are kept for the others.
 */
export const HARNESS_REQUEST_HEADER = 'x-local-aws-harness';

/** Operations after which dynalite runs a timer (CREATING/DELETING/UPDATING -> next state). */
export const TABLE_LIFECYCLE_OPERATIONS = ['CreateTable', 'DeleteTable', 'UpdateTable'];

/**
 * Sits in front of dynalite's own request handler, in the same server: injects failures
 * (throttling), answers the shimmed operations, accepts table ARNs where DynamoDB does, and
 * rewrites items read from tables a test marked (equal values in another textual form).
 */
export class DynamoDbFront {
  readonly failures = new InjectedFailures();
  private readonly readRewrites = new Map<string, ItemRewrite>();
  private lastLifecycleRequestAt = 0;

  constructor(
    private readonly dynalite: DynaliteHandler,
    private readonly shims: DynaliteShims,
  ) {}

  /** Items read from `tableName` (GetItem, BatchGetItem, Query, Scan) go through `rewrite`. */
  setReadRewrite(tableName: string, rewrite: ItemRewrite | undefined): void {
    if (rewrite) this.readRewrites.set(tableName, rewrite);
    else this.readRewrites.delete(tableName);
  }

  /** When the last CreateTable/DeleteTable/UpdateTable arrived (its status timer may still run). */
  get lastTableLifecycleRequestAt(): number {
    return this.lastLifecycleRequestAt;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const operation = operationOf(request.headers['x-amz-target']);
    const rawBody = await readBody(request);
    const fromHarness = request.headers[HARNESS_REQUEST_HEADER] === '1';
    const failure = fromHarness ? undefined : this.failures.take(operation);
    if (failure) {
      sendDynamoDbError(response, failure.code, failure.message ?? 'Injected by the local harness', failure.httpStatus);
      return;
    }
    if (SHIMMED_OPERATIONS.includes(operation)) {
      await this.shims.handle(operation, rawBody, response);
      return;
    }
    const body = acceptTableArn(rawBody);
    if (TABLE_LIFECYCLE_OPERATIONS.includes(operation)) this.lastLifecycleRequestAt = Date.now();
    if (operation === 'DeleteTable') this.forgetOnSuccess(body, response);
    const rewritesByTable = this.rewritesFor(operation, body);
    if (rewritesByTable) rewriteItemsInResponse(response, operation, body, rewritesByTable);
    this.dynalite(replay(request, body), response);
  }

  private forgetOnSuccess(body: string, response: ServerResponse): void {
    const tableName = parse(body).TableName as string | undefined;
    response.once('finish', () => {
      if (response.statusCode !== 200 || !tableName) return;
      this.shims.forgetTable(tableName);
      this.readRewrites.delete(tableName);
    });
  }

  private rewritesFor(operation: string, body: string): Map<string, ItemRewrite> | undefined {
    if (this.readRewrites.size === 0) return undefined;
    const request = parse(body);
    const tables =
      operation === 'BatchGetItem'
        ? Object.keys((request.RequestItems as object | undefined) ?? {})
        : ['GetItem', 'Query', 'Scan'].includes(operation)
          ? [request.TableName as string]
          : [];
    const matches = new Map(tables.filter((t) => this.readRewrites.has(t)).map((t) => [t, this.readRewrites.get(t)!]));
    return matches.size > 0 ? matches : undefined;
  }
}

function parse(body: string): Record<string, unknown> {
  try {
    return JSON.parse(body || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * DynamoDB accepts a table ARN wherever it takes TableName; dynalite accepts only names
 * (pattern [a-zA-Z0-9_.-]+). Translate so a drill that passes ARNs works locally too.
 */
function acceptTableArn(body: string): string {
  const request = parse(body);
  const tableName = request.TableName;
  if (typeof tableName !== 'string') return body;
  const match = /^arn:aws[\w-]*:dynamodb:[^:]*:\d*:table\/([^/]+)$/.exec(tableName);
  return match ? JSON.stringify({ ...request, TableName: match[1] }) : body;
}

/** A stand-in request carrying the already-read body: dynalite reads the stream itself. */
function replay(original: IncomingMessage, body: string): IncomingMessage {
  const stream = new PassThrough();
  Object.assign(stream, { headers: original.headers, method: original.method, url: original.url });
  stream.end(body);
  return stream as unknown as IncomingMessage;
}

/** Rewrites the items in dynalite's JSON answer; recomputes the CRC32 the SDK verifies. */
function rewriteItemsInResponse(response: ServerResponse, operation: string, requestBody: string, rewrites: Map<string, ItemRewrite>): void {
  const tableName = parse(requestBody).TableName as string;
  const end = response.end.bind(response) as (chunk?: unknown) => ServerResponse;
  response.end = ((chunk?: unknown) => {
    if (response.statusCode !== 200 || chunk === undefined) return end(chunk);
    const answer = JSON.parse(String(chunk)) as Record<string, unknown>;
    if (operation === 'GetItem' && answer.Item) answer.Item = rewrites.get(tableName)!(answer.Item as Item as never);
    if ((operation === 'Query' || operation === 'Scan') && Array.isArray(answer.Items)) {
      answer.Items = answer.Items.map((item) => rewrites.get(tableName)!(item as never));
    }
    if (operation === 'BatchGetItem' && answer.Responses) {
      const responses = answer.Responses as Record<string, Item[]>;
      for (const [table, rewrite] of rewrites) {
        if (responses[table]) responses[table] = responses[table].map((item) => rewrite(item as never));
      }
    }
    const text = JSON.stringify(answer);
    response.setHeader('Content-Length', Buffer.byteLength(text));
    response.setHeader('x-amz-crc32', String(crc32(text)));
    return end(text);
  }) as typeof response.end;
}
