import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput, type TableDescription } from '@aws-sdk/client-dynamodb';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { startListening } from '../http/loopback-server';
import { DynaliteShims } from './dynalite-shims';
import { DynamoDbFront, HARNESS_REQUEST_HEADER } from './dynamodb-front';
import type { ItemRewrite } from './item-rewrites';
import { TableSettings, type RestoreSummaryFacts } from './table-settings';
import {
  describeTableOrUndefined,
  listAllTableNames,
  scanAllItems,
  sleep,
  waitForTableActive,
  writeAllItems,
  type Item,
} from './table-operations';
import type { InjectedFailures } from '../faults/injected-failures';

// dynalite ships no type declarations; its factory returns a node:http Server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

export interface LocalDynamoDbOptions {
  /** How long a new table stays CREATING (default 300 ms; dynalite's own default is 500). */
  readonly createTableMs?: number;
  /** How long a deleted table stays DELETING (default 300 ms). */
  readonly deleteTableMs?: number;
  /** How long UpdateTable leaves a table UPDATING (default 300 ms). */
  readonly updateTableMs?: number;
  readonly accountId: string;
  readonly region: string;
}

export interface LocalDynamoDb {
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

export async function startLocalDynamoDb(options: LocalDynamoDbOptions): Promise<LocalDynamoDb> {
  const delays = {
    createTableMs: options.createTableMs ?? DEFAULT_TABLE_STATUS_DELAY_MS,
    deleteTableMs: options.deleteTableMs ?? DEFAULT_TABLE_STATUS_DELAY_MS,
    updateTableMs: options.updateTableMs ?? DEFAULT_TABLE_STATUS_DELAY_MS,
  };
  const server = createDynaliteWithAccount(delays, options);
  const [dynaliteHandler] = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');

  let client: DynamoDBClient | undefined;
  const tableExists = async (tableName: string) => Boolean(client && (await describeTableOrUndefined(client, tableName)));
  const settings = new TableSettings(options.region, options.accountId);
  const front = new DynamoDbFront(
    (request, response) => dynaliteHandler.call(server, request, response),
    new DynaliteShims(tableExists),
    settings,
    async (tableName) => (client ? describeTableOrUndefined(client, tableName) : undefined),
  );
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
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
      // dynalite flips CREATING/DELETING/UPDATING with a timer it never clears; let the last one
      // fire (it then finds the store closed and does nothing) so jest sees no open handle.
      const lastTimerEndsAt = front.lastTableLifecycleRequestAt + Math.max(...Object.values(delays)) + 20;
      if (lastTimerEndsAt > Date.now()) await sleep(lastTimerEndsAt - Date.now());
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

/** dynalite reads the account and Region for its ARNs from the environment once, at creation. */
function createDynaliteWithAccount(delays: Record<string, number>, { accountId, region }: LocalDynamoDbOptions): Server {
  const saved = { AWS_ACCOUNT_ID: process.env.AWS_ACCOUNT_ID, AWS_REGION: process.env.AWS_REGION };
  process.env.AWS_ACCOUNT_ID = accountId;
  process.env.AWS_REGION = region;
  try {
    return dynalite({ ...delays });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
