import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput, type TableDescription } from '@aws-sdk/client-dynamodb';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { startListening } from '../http/loopback-server';
import type { InjectedFailures } from '../faults/injected-failures';
import { DynamoDbFront, HARNESS_REQUEST_HEADER, type DynamoDbEngine } from './dynamodb-front';
import { dynamoDbLocalUrl } from './dynamodb-local';
import type { ItemRewrite } from './item-rewrites';
import { LocalOnlyOperations } from './local-only-operations';
import { TableSettings, type KeyDirectory, type RestoreSummaryFacts } from './table-settings';
import {
  describeTableOrUndefined,
  listAllTableNames,
  scanAllItems,
  waitForTableActive,
  writeAllItems,
  type Item,
} from './table-operations';

export interface LocalDynamoDbOptions {
  /** How long a new table stays CREATING (default 300 ms; DynamoDB Local makes it ACTIVE at once). */
  readonly createTableMs?: number;
  /** How long a deleted table stays DELETING (default 300 ms; DynamoDB Local drops it at once). */
  readonly deleteTableMs?: number;
  readonly accountId: string;
  readonly region: string;
  /**
   * The KMS keys tables are encrypted with (the local KMS endpoint), for the key ARNs
   * DescribeTable reports. Default: only the AWS managed key aws/dynamodb, at a fixed key ARN.
   */
  readonly keys?: KeyDirectory;
}

export interface LocalDynamoDb {
  /** The endpoint the SDK is given: the harness front, on 127.0.0.1. */
  readonly url: string;
  /**
   * An SDK client bound to this endpoint with fake credentials, for test setup and assertions.
   * Its requests skip injected failures (those are for the code under test).
   */
  readonly client: DynamoDBClient;
  /** Queue failures per operation, e.g. failures.failNext('Scan', 2, {code: 'ProvisionedThroughputExceededException', httpStatus: 400}). */
  readonly failures: InjectedFailures;
  /** CreateTable, then wait until the table (and its GSIs) are ACTIVE. */
  createTable(input: CreateTableCommandInput): Promise<TableDescription>;
  putItems(tableName: string, items: readonly Item[]): Promise<void>;
  scanItems(tableName: string): Promise<Item[]>;
  describeTable(tableName: string): Promise<TableDescription | undefined>;
  tableNames(): Promise<string[]>;
  waitForTableActive(tableName: string): Promise<TableDescription>;
  /** The table reports CREATING with RestoreSummary.RestoreInProgress and refuses item operations (used by restores). */
  markRestoreInProgress(tableName: string, facts: RestoreSummaryFacts): void;
  /** The restore is over: the table reports its real status again. */
  markRestoreDone(tableName: string): void;
  /** Items read from `tableName` pass through `rewrite` (undefined removes it). */
  setReadRewrite(tableName: string, rewrite: ItemRewrite | undefined): void;
  /** Requests of `operation` from the code under test are answered `ms` later (undefined: at once). */
  setLatency(operation: string, ms: number | undefined): void;
  close(): Promise<void>;
}

export const DEFAULT_TABLE_STATUS_DELAY_MS = 300;

/**
 * A DynamoDB endpoint on 127.0.0.1: the harness front (dynamodb-front.ts) over AWS's DynamoDB
 * Local. Each instance has a database of its own inside the shared DynamoDB Local process:
 * DynamoDB Local keeps one database per access key id (without -sharedDb), and the front signs
 * every request it forwards with this instance's key, whatever credentials the caller used.
 */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions): Promise<LocalDynamoDb> {
  const engine = forwarderTo(await dynamoDbLocalUrl(), `AKIALOCAL${randomBytes(6).toString('hex').toUpperCase()}`, options.region);
  let client: DynamoDBClient | undefined;
  const tableExists = async (tableName: string) => Boolean(client && (await describeTableOrUndefined(client, tableName)));
  const settings = new TableSettings(
    options.keys ?? {
      awsManagedDynamoDbKeyArn: () => `arn:aws:kms:${options.region}:${options.accountId}:key/00000000-0000-4000-8000-00000000d0db`,
      keyArnOf: () => undefined,
    },
  );
  const front = new DynamoDbFront(engine, new LocalOnlyOperations(tableExists), settings, {
    accountId: options.accountId,
    region: options.region,
    createTableMs: options.createTableMs ?? DEFAULT_TABLE_STATUS_DELAY_MS,
    deleteTableMs: options.deleteTableMs ?? DEFAULT_TABLE_STATUS_DELAY_MS,
  });
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    front.handle(request, response).catch((error: unknown) => {
      console.error('[local-aws] dynamodb front failed', error);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  const listening = await startListening(server);
  const sdk = new DynamoDBClient({
    endpoint: listening.url,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  markAsHarnessClient(sdk);
  client = sdk;

  return {
    url: listening.url,
    client: sdk,
    failures: front.failures,
    async createTable(input) {
      await sdk.send(new CreateTableCommand(input));
      return waitForTableActive(sdk, input.TableName!);
    },
    putItems: (tableName, items) => writeAllItems(sdk, tableName, items),
    scanItems: (tableName) => scanAllItems(sdk, tableName),
    describeTable: (tableName) => describeTableOrUndefined(sdk, tableName),
    tableNames: () => listAllTableNames(sdk),
    waitForTableActive: (tableName) => waitForTableActive(sdk, tableName),
    markRestoreInProgress: (tableName, facts) => settings.markRestoreInProgress(tableName, facts),
    markRestoreDone: (tableName) => settings.markRestoreDone(tableName),
    setReadRewrite: (tableName, rewrite) => front.setReadRewrite(tableName, rewrite),
    setLatency: (operation, ms) => front.setLatency(operation, ms),
    async close() {
      sdk.destroy();
      await listening.close();
    },
  };
}

/**
 * Sends requests on to DynamoDB Local, in this instance's database. DynamoDB Local does not
 * check signatures; it reads the access key id and Region from the credential scope to pick
 * the database.
 */
function forwarderTo(url: string, accessKeyId: string, region: string): DynamoDbEngine {
  const authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`;
  return {
    async send(operation, body) {
      const answer = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'x-amz-date': '20260101T000000Z',
          authorization,
        },
        body,
      });
      return { statusCode: answer.status, body: await answer.text() };
    },
  };
}

function markAsHarnessClient(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers[HARNESS_REQUEST_HEADER] = '1';
      return next(args);
    },
    { step: 'build', name: 'markLocalHarnessRequest' },
  );
}
