import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { readBody } from '../http/loopback-server';
import { InjectedFailures } from '../faults/injected-failures';
import type { ItemRewrite } from './item-rewrites';
import { LOCAL_ONLY_OPERATIONS, type LocalOnlyOperations } from './local-only-operations';
import { operationOf, sendDynamoDbError, sendDynamoDbJson, sendDynamoDbText } from './dynamodb-wire';
import type { TableSettings } from './table-settings';

type Answer = Record<string, unknown>;

/** Where requests go once the front has done its part: AWS's DynamoDB Local. */
export interface DynamoDbEngine {
  send(operation: string, body: string): Promise<{ statusCode: number; body: string }>;
}

/**
 * Header the harness's own DynamoDB client sends: its requests (test setup, backups, restores)
 * are not the system under test, so injected failures are kept for the others.
 */
export const HARNESS_REQUEST_HEADER = 'x-local-aws-harness';

/** Item operations DynamoDB refuses on a table that is not ACTIVE (CREATING, being restored). */
const ITEM_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'Query', 'Scan'];

/** Operations whose answer carries a TableDescription (under Table or TableDescription). */
const DESCRIBING_OPERATIONS = ['CreateTable', 'DescribeTable', 'UpdateTable', 'DeleteTable'];

export interface FrontOptions {
  readonly accountId: string;
  readonly region: string;
  /** How long a new table reports CREATING. */
  readonly createTableMs: number;
  /** How long a deleted table reports DELETING. */
  readonly deleteTableMs: number;
}

/**
 * The endpoint the SDK talks to, in front of AWS's DynamoDB Local: it injects failures
 * (throttling) and latency, serves the operations DynamoDB Local lacks (local-only-operations.ts),
 * reports the settings and lifecycle states it drops (table-settings.ts), rewrites DynamoDB
 * Local's ARNs (`arn:aws:dynamodb:ddblocal:000000000000:...`) into this account and Region, and
 * rewrites items read from tables a test marked (equal values in another textual form).
 * Everything else — validation, expressions, items, indexes, pagination, errors — is DynamoDB
 * Local's own answer.
 */
export class DynamoDbFront {
  readonly failures = new InjectedFailures();
  private readonly readRewrites = new Map<string, ItemRewrite>();
  private readonly latencies = new Map<string, number>();

  constructor(
    private readonly engine: DynamoDbEngine,
    private readonly localOnly: LocalOnlyOperations,
    private readonly settings: TableSettings,
    private readonly options: FrontOptions,
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
    if (LOCAL_ONLY_OPERATIONS.includes(operation)) {
      await this.localOnly.handle(operation, rawBody, response);
      return;
    }

    const input = parse(rawBody);
    const tableName = typeof input.TableName === 'string' ? tableNameOf(input.TableName) : '';
    if (this.refusedForLifecycle(operation, input, tableName, fromHarness, response)) return;

    const forwarded = { ...input };
    if (tableName) forwarded.TableName = tableName;
    if (operation === 'CreateTable') delete forwarded.OnDemandThroughput;
    const answer = await this.engine.send(operation, JSON.stringify(forwarded));
    const text = this.ourArns(answer.body);
    if (answer.statusCode !== 200) {
      sendDynamoDbText(response, text, answer.statusCode);
      return;
    }
    const parsed = parse(text);
    this.afterSuccess(operation, input, tableName, parsed);
    sendDynamoDbJson(response, parsed);
  }

  /** DynamoDB's answers for a table that is CREATING, DELETING or being restored. */
  private refusedForLifecycle(
    operation: string,
    input: Answer,
    tableName: string,
    fromHarness: boolean,
    response: ServerResponse,
  ): boolean {
    const deleting = this.settings.deletingDescription(tableName);
    if (operation === 'DescribeTable' && deleting) {
      sendDynamoDbJson(response, { Table: deleting });
      return true;
    }
    if (operation === 'CreateTable' && deleting) {
      sendDynamoDbError(
        response,
        'ResourceInUseException',
        `Attempt to change a resource which is still in use: Table is being deleted: ${tableName}`,
      );
      return true;
    }
    const unavailable = (table: string) => this.settings.isCreating(table) || (!fromHarness && this.settings.isRestoring(table));
    if (ITEM_OPERATIONS.includes(operation) && tablesNamedIn(input).some(unavailable)) {
      sendDynamoDbError(response, 'ResourceNotFoundException', 'Requested resource not found');
      return true;
    }
    if (operation === 'DeleteTable' && (this.settings.isCreating(tableName) || this.settings.isRestoring(tableName))) {
      sendDynamoDbError(
        response,
        'ResourceInUseException',
        `Attempt to change a resource which is still in use: Table is being created: ${tableName}`,
      );
      return true;
    }
    return false;
  }

  private afterSuccess(operation: string, input: Answer, tableName: string, answer: Answer): void {
    if (operation === 'CreateTable') {
      this.settings.record(input, true);
      this.settings.startCreating(tableName, this.options.createTableMs);
      this.localOnly.recordCreateTags(tableName, input.Tags as never);
    }
    if (operation === 'UpdateTable') this.settings.record(input, false);
    if (DESCRIBING_OPERATIONS.includes(operation)) {
      const description = (answer.Table ?? answer.TableDescription) as TableDescription | undefined;
      if (description) this.settings.decorate(description);
      if (description && operation === 'DeleteTable') {
        // DynamoDB Local answers ACTIVE and drops the table at once; DynamoDB answers DELETING.
        description.TableStatus = 'DELETING';
        this.settings.startDeleting(tableName, structuredClone(description), this.options.deleteTableMs);
        this.localOnly.forgetTable(tableName);
        this.readRewrites.delete(tableName);
      }
    }
    const rewrites = this.rewritesFor(operation, input);
    if (rewrites) rewriteItems(answer, operation, tableName, rewrites);
  }

  /** DynamoDB Local's ARNs name a fake Region and account; AWS's name the caller's. */
  private ourArns(text: string): string {
    return text.split('arn:aws:dynamodb:ddblocal:000000000000:').join(`arn:aws:dynamodb:${this.options.region}:${this.options.accountId}:`);
  }

  private rewritesFor(operation: string, input: Answer): Map<string, ItemRewrite> | undefined {
    if (this.readRewrites.size === 0) return undefined;
    const tables =
      operation === 'BatchGetItem'
        ? Object.keys((input.RequestItems as object | undefined) ?? {}).map(tableNameOf)
        : ['GetItem', 'Query', 'Scan'].includes(operation)
          ? [tableNameOf(input.TableName as string)]
          : [];
    const matches = new Map(tables.filter((t) => this.readRewrites.has(t)).map((t) => [t, this.readRewrites.get(t)!]));
    return matches.size > 0 ? matches : undefined;
  }
}

/** A table name, or the name inside a table ARN (DynamoDB accepts either as TableName). */
function tableNameOf(nameOrArn: string): string {
  return /^arn:aws[\w-]*:dynamodb:[^:]*:\d*:table\/([^/]+)$/.exec(nameOrArn)?.[1] ?? nameOrArn;
}

function tablesNamedIn(input: Answer): string[] {
  if (typeof input.TableName === 'string') return [tableNameOf(input.TableName)];
  return Object.keys((input.RequestItems as object | undefined) ?? {}).map(tableNameOf);
}

function parse(body: string): Answer {
  try {
    return JSON.parse(body || '{}') as Answer;
  } catch {
    return {};
  }
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
