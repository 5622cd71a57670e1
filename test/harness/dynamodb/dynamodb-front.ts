import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { readBody } from '../http/loopback-server';
import { InjectedFailures } from '../faults/injected-failures';
import type { ItemRewrite } from './item-rewrites';
import { DynaliteShims, SHIMMED_OPERATIONS } from './dynalite-shims';
import { operationOf, sendDynamoDbError, sendDynamoDbJson, toWireForm } from './dynamodb-wire';
import type { TableSettings } from './table-settings';

type Answer = Record<string, unknown>;
type DynaliteHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Header the harness's own DynamoDB client sends: its requests (test setup, backups, restores)
 * are not the system under test, so injected failures are kept for the others.
 */
export const HARNESS_REQUEST_HEADER = 'x-local-aws-harness';

/** Operations after which dynalite runs a timer (CREATING/DELETING/UPDATING -> next state). */
export const TABLE_LIFECYCLE_OPERATIONS = ['CreateTable', 'DeleteTable', 'UpdateTable'];

/** UpdateTable fields dynalite acts on; an update with none of them is a settings-only update. */
const DYNALITE_UPDATE_FIELDS = ['ProvisionedThroughput', 'BillingMode', 'GlobalSecondaryIndexUpdates'];

/** Item operations DynamoDB refuses on a table that is not ACTIVE (here: one being restored). */
const ITEM_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'Query', 'Scan'];

/** Operations whose answer carries a TableDescription (under Table or TableDescription). */
const DESCRIBING_OPERATIONS = ['CreateTable', 'DescribeTable', 'UpdateTable', 'DeleteTable'];

/**
 * Sits in front of dynalite's own request handler, in the same server: injects failures
 * (throttling), answers the shimmed operations, accepts table ARNs where DynamoDB does, reports
 * the table settings dynalite drops (and enforces deletion protection), and rewrites items read
 * from tables a test marked (equal values in another textual form).
 */
export class DynamoDbFront {
  readonly failures = new InjectedFailures();
  private readonly readRewrites = new Map<string, ItemRewrite>();
  private readonly latencies = new Map<string, number>();
  private lastLifecycleRequestAt = 0;

  constructor(
    private readonly dynalite: DynaliteHandler,
    private readonly shims: DynaliteShims,
    private readonly settings: TableSettings,
    private readonly describeTable: (tableName: string) => Promise<TableDescription | undefined>,
  ) {}

  /** Items read from `tableName` (GetItem, BatchGetItem, Query, Scan) go through `rewrite`. */
  setReadRewrite(tableName: string, rewrite: ItemRewrite | undefined): void {
    if (rewrite) this.readRewrites.set(tableName, rewrite);
    else this.readRewrites.delete(tableName);
  }

  /**
   * Every request of `operation` from the code under test waits `ms` before it is answered, like
   * the network and service time of a real DynamoDB round trip (0 or undefined: none).
   */
  setLatency(operation: string, ms: number | undefined): void {
    if (ms) this.latencies.set(operation, ms);
    else this.latencies.delete(operation);
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
    const latency = fromHarness ? undefined : this.latencies.get(operation);
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
    if (SHIMMED_OPERATIONS.includes(operation)) {
      await this.shims.handle(operation, rawBody, response);
      return;
    }
    const body = acceptTableArn(rawBody);
    const input = parse(body);
    const tableName = typeof input.TableName === 'string' ? input.TableName : '';
    if (TABLE_LIFECYCLE_OPERATIONS.includes(operation)) this.lastLifecycleRequestAt = Date.now();
    if (!fromHarness && ITEM_OPERATIONS.includes(operation) && tablesNamedIn(input).some((table) => this.settings.isRestoring(table))) {
      sendDynamoDbError(response, 'ResourceNotFoundException', 'Requested resource not found');
      return;
    }
    if (operation === 'DeleteTable' && this.settings.isRestoring(tableName)) {
      sendDynamoDbError(response, 'ResourceInUseException', `Attempt to change a resource which is still in use: Table is being created: ${tableName}`);
      return;
    }
    if (operation === 'DeleteTable') {
      if (this.settings.isDeletionProtected(tableName)) {
        // DynamoDB's answer when deletion protection is on: cleanup must cope with it.
        sendDynamoDbError(response, 'ValidationException', 'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
        return;
      }
      this.forgetOnSuccess(tableName, response);
    }

    if (operation === 'UpdateTable' && !DYNALITE_UPDATE_FIELDS.some((field) => field in input)) {
      await this.updateSettingsOnly(input, response);
      return;
    }

    const transforms: ((answer: Answer) => void)[] = [];
    if (operation === 'CreateTable' || operation === 'UpdateTable') transforms.push(() => this.settings.record(input, operation === 'CreateTable'));
    if (DESCRIBING_OPERATIONS.includes(operation)) {
      transforms.push((answer) => {
        const description = (answer.Table ?? answer.TableDescription) as TableDescription | undefined;
        if (description) this.settings.decorate(description);
      });
    }
    const rewrites = this.rewritesFor(operation, input);
    if (rewrites) transforms.push((answer) => rewriteItems(answer, operation, tableName, rewrites));
    if (transforms.length > 0) transformSuccessfulAnswer(response, (answer) => transforms.forEach((transform) => transform(answer)));
    this.dynalite(replay(request, body), response);
  }

  /**
   * dynalite refuses an UpdateTable that changes only deletion protection, streams, encryption
   * or table class ("At least one of ProvisionedThroughput, BillingMode, ... is required");
   * DynamoDB accepts it. The harness applies it to the settings it keeps.
   */
  private async updateSettingsOnly(input: Answer, response: ServerResponse): Promise<void> {
    const tableName = input.TableName as string;
    const description = await this.describeTable(tableName);
    if (!description) {
      sendDynamoDbError(response, 'ResourceNotFoundException', `Requested resource not found: Table: ${tableName} not found`);
      return;
    }
    this.settings.record(input, false);
    this.settings.decorate(description);
    sendDynamoDbJson(response, { TableDescription: toWireForm(description) });
  }

  private forgetOnSuccess(tableName: string, response: ServerResponse): void {
    response.once('finish', () => {
      if (response.statusCode !== 200 || !tableName) return;
      this.shims.forgetTable(tableName);
      this.settings.forget(tableName);
      this.readRewrites.delete(tableName);
    });
  }

  private rewritesFor(operation: string, input: Answer): Map<string, ItemRewrite> | undefined {
    if (this.readRewrites.size === 0) return undefined;
    const tables =
      operation === 'BatchGetItem'
        ? Object.keys((input.RequestItems as object | undefined) ?? {})
        : ['GetItem', 'Query', 'Scan'].includes(operation)
          ? [input.TableName as string]
          : [];
    const matches = new Map(tables.filter((t) => this.readRewrites.has(t)).map((t) => [t, this.readRewrites.get(t)!]));
    return matches.size > 0 ? matches : undefined;
  }
}

function tablesNamedIn(input: Answer): string[] {
  if (typeof input.TableName === 'string') return [input.TableName];
  return Object.keys((input.RequestItems as object | undefined) ?? {});
}

function parse(body: string): Answer {
  try {
    return JSON.parse(body || '{}') as Answer;
  } catch {
    return {};
  }
}

/**
 * DynamoDB accepts a table ARN wherever it takes TableName; dynalite accepts only names
 * (pattern [a-zA-Z0-9_.-]+). Translate so a drill that passes ARNs works locally too.
 */
function acceptTableArn(body: string): string {
  const input = parse(body);
  const tableName = input.TableName;
  if (typeof tableName !== 'string') return body;
  const match = /^arn:aws[\w-]*:dynamodb:[^:]*:\d*:table\/([^/]+)$/.exec(tableName);
  return match ? JSON.stringify({ ...input, TableName: match[1] }) : body;
}

/** A stand-in request carrying the already-read body: dynalite reads the stream itself. */
function replay(original: IncomingMessage, body: string): IncomingMessage {
  const stream = new PassThrough();
  Object.assign(stream, { headers: original.headers, method: original.method, url: original.url });
  stream.end(body);
  return stream as unknown as IncomingMessage;
}

/**
 * Lets `transform` change dynalite's JSON answer (on success only) before it is sent, and
 * recomputes Content-Length and the x-amz-crc32 header the SDK verifies.
 */
function transformSuccessfulAnswer(response: ServerResponse, transform: (answer: Answer) => void): void {
  const end = response.end.bind(response) as (chunk?: unknown) => ServerResponse;
  response.end = ((chunk?: unknown) => {
    if (response.statusCode !== 200 || chunk === undefined) return end(chunk);
    const answer = JSON.parse(String(chunk)) as Answer;
    transform(answer);
    const text = JSON.stringify(answer);
    response.setHeader('Content-Length', Buffer.byteLength(text));
    response.setHeader('x-amz-crc32', String(crc32(text)));
    return end(text);
  }) as typeof response.end;
}

function rewriteItems(answer: Answer, operation: string, tableName: string, rewrites: Map<string, ItemRewrite>): void {
  const rewrite = (table: string) => (item: unknown) => rewrites.get(table)!(item as never);
  if (operation === 'GetItem' && answer.Item) answer.Item = rewrite(tableName)(answer.Item);
  if ((operation === 'Query' || operation === 'Scan') && Array.isArray(answer.Items)) answer.Items = answer.Items.map(rewrite(tableName));
  if (operation === 'BatchGetItem' && answer.Responses) {
    const responses = answer.Responses as Record<string, unknown[]>;
    for (const table of rewrites.keys()) {
      if (responses[table]) responses[table] = responses[table].map(rewrite(table));
    }
  }
}
