import { randomUUID } from 'node:crypto';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { idempotencyRepeatKey, manualDrillKey } from '../lambda/drill/drill-id';
import type { DrillRecord } from '../lambda/domain/drill-record';
import type { HistoryReader } from '../lambda/ports/history-reader';
import type { Deployment } from './deployment';
import { historyLine, runbookText, showText, statusLine } from './format';

/**
 * The CLI's commands over the deployment and its history. Each returns its exit code; output goes
 * through `out` so tests read it. Exit codes: 0 done (and every drill followed or shown PASSed),
 * 1 a drill FAILed or a table is not proven, 2 the command named something that is not there
 * (a table, a drill), 3 the deployment cannot be reached (restore-drill.ts).
 */

export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

export interface CommandContext {
  readonly deployment: Deployment;
  readonly history: HistoryReader;
  readonly lambda: LambdaClient;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

function tablesNamed(context: CommandContext, names: readonly string[] | undefined) {
  const all = context.deployment.tables;
  if (!names || names.length === 0) return { found: all, unknown: [] as string[] };
  const found = all.filter((table) => names.includes(table.name) || names.includes(table.arn));
  const unknown = names.filter((name) => !all.some((table) => table.name === name || table.arn === name));
  return { found, unknown };
}

function refuseUnknownTables(context: CommandContext, unknown: readonly string[]): boolean {
  if (unknown.length === 0) return false;
  context.err(
    `not drilled by stack ${context.deployment.stackName}: ${unknown.join(', ')}. Drilled tables: ${context.deployment.tables.map((t) => t.name).join(', ')}`,
  );
  return true;
}

export interface RunOptions {
  readonly table?: readonly string[];
  readonly follow?: boolean;
  readonly idempotencyKey?: string;
  readonly pollSeconds: number;
  readonly startTimeoutSeconds: number;
}

/**
 * Starts a manual drill with an asynchronous invocation (InvocationType Event: Lambda queues it
 * and answers 202, Invoke API reference) that carries an idempotency key: the SDK's own retry of
 * the call, Lambda's retries of the event, or the user running the command again with the same
 * `--idempotency-key` all continue one drill per table instead of starting a second restore
 * (lambda/handler.ts records the first drill id under the key).
 */
export async function runCommand(context: CommandContext, options: RunOptions): Promise<number> {
  const { found, unknown } = tablesNamed(context, options.table);
  if (refuseUnknownTables(context, unknown)) return EXIT.usage;
  const idempotencyKey = options.idempotencyKey ?? `cli-${randomUUID()}`;
  const answer = await context.lambda.send(
    new InvokeCommand({
      FunctionName: context.deployment.drillFunctionName,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ tables: found.map((table) => table.arn), idempotencyKey })),
    }),
  );
  if (answer.StatusCode !== 202) throw new Error(`Lambda did not queue the drill (status ${answer.StatusCode})`);
  context.out(`started: ${found.map((t) => t.name).join(', ')} (idempotency key ${idempotencyKey})`);
  if (!options.follow) {
    context.out(`follow with: restore-drill run --follow --idempotency-key ${idempotencyKey}, or restore-drill status`);
    return EXIT.ok;
  }
  const verdicts = await Promise.all(found.map((table) => follow(context, table, idempotencyKey, options)));
  return verdicts.every((verdict) => verdict === 'PASS') ? EXIT.ok : EXIT.failed;
}

async function follow(
  context: CommandContext,
  table: { name: string; arn: string },
  idempotencyKey: string,
  options: RunOptions,
): Promise<string> {
  const key = manualDrillKey(idempotencyRepeatKey(idempotencyKey), table.arn);
  const deadline = context.now().getTime() + options.startTimeoutSeconds * 1000;
  let drillId = await context.history.recordedFirst(key);
  while (drillId === undefined) {
    if (context.now().getTime() > deadline) {
      context.err(`${table.name}: no drill recorded after ${options.startTimeoutSeconds}s; see the drill function's logs`);
      return 'UNKNOWN';
    }
    await context.sleep(options.pollSeconds * 1000);
    drillId = await context.history.recordedFirst(key);
  }
  let lastStatus: string | undefined;
  for (;;) {
    const record = await context.history.get(drillId);
    if (record && record.status !== lastStatus) {
      lastStatus = record.status;
      context.out(
        `${table.name}: ${record.status}${record.restoreJob ? ` (restore job ${record.restoreJob.status})` : ''} drill ${drillId}`,
      );
    }
    if (record?.status === 'FINISHED' && record.outcome) {
      context.out(historyLine(record));
      if (record.outcome.verdict === 'FAIL') context.out(`  ${record.outcome.failure ?? ''}  (restore-drill show ${drillId})`);
      return record.outcome.verdict;
    }
    await context.sleep(options.pollSeconds * 1000);
  }
}

const RECENT = 20;

/** The newest finished drill, and the newest PASS, of each table. */
export async function statusCommand(context: CommandContext, options: { json?: boolean }): Promise<number> {
  const rows = await Promise.all(
    context.deployment.tables.map(async (table) => {
      const recent = await context.history.listByTable(table.name, { limit: RECENT });
      const finished = recent.filter((record) => record.sourceTableArn === table.arn && record.outcome);
      const last = finished[0];
      const lastPass = finished.find((record) => record.outcome?.verdict === 'PASS');
      return {
        table,
        last,
        lastPass,
        running: recent.find((record) => record.sourceTableArn === table.arn && record.status !== 'FINISHED'),
      };
    }),
  );
  if (options.json) {
    context.out(
      JSON.stringify(
        rows.map(({ table, last, lastPass, running }) => ({
          table: table.name,
          tableArn: table.arn,
          lastVerdict: last?.outcome?.verdict ?? null,
          lastDrillId: last?.drillId ?? null,
          lastFinishedAt: last?.outcome?.finishedAt ?? null,
          lastProvenAt: lastPass?.outcome?.finishedAt ?? null,
          rtoSeconds: last?.outcome?.restoreDurationSeconds ?? null,
          rpoSeconds: last?.outcome?.recoveryPointAgeSeconds ?? null,
          runningDrillId: running?.drillId ?? null,
        })),
        null,
        2,
      ),
    );
  } else {
    for (const row of rows) context.out(statusLine(row.table.name, row.last, row.lastPass, row.running));
  }
  return rows.every((row) => row.last?.outcome?.verdict === 'PASS') ? EXIT.ok : EXIT.failed;
}

export async function historyCommand(
  context: CommandContext,
  options: { table?: readonly string[]; since?: string; json?: boolean; limit?: number },
): Promise<number> {
  const { found, unknown } = tablesNamed(context, options.table);
  if (refuseUnknownTables(context, unknown)) return EXIT.usage;
  const since = options.since === undefined ? undefined : parseSince(options.since, context.now());
  const records = (
    await Promise.all(
      found.map(async (table) =>
        (await context.history.listByTable(table.name, { since })).filter((record) => record.sourceTableArn === table.arn),
      ),
    )
  )
    .flat()
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .slice(0, options.limit);
  if (options.json) context.out(JSON.stringify(records, null, 2));
  else if (records.length === 0) context.out('no drills recorded');
  else for (const record of records) context.out(historyLine(record));
  return EXIT.ok;
}

export async function showCommand(context: CommandContext, drillId: string, options: { json?: boolean }): Promise<number> {
  const record = await context.history.get(drillId);
  if (!record) {
    context.err(`no drill ${drillId} in the history of stack ${context.deployment.stackName} (restore-drill history lists them)`);
    return EXIT.usage;
  }
  context.out(options.json ? JSON.stringify(record, null, 2) : showText(record, context.deployment));
  return record.outcome?.verdict === 'FAIL' ? EXIT.failed : EXIT.ok;
}

/** The recovery procedure the newest PASSing drill of the table proved. */
export async function runbookCommand(context: CommandContext, tableName: string, options: { json?: boolean }): Promise<number> {
  const { found, unknown } = tablesNamed(context, [tableName]);
  if (refuseUnknownTables(context, unknown)) return EXIT.usage;
  const table = found[0];
  const proven = (await context.history.listByTable(table.name, { limit: RECENT })).find(
    (record: DrillRecord) => record.sourceTableArn === table.arn && record.outcome?.verdict === 'PASS',
  );
  if (!proven) {
    context.err(
      `no drill of ${table.name} has PASSed yet (among the last ${RECENT}): there is no tested runbook. Run one: restore-drill run --table ${table.name} --follow`,
    );
    return EXIT.failed;
  }
  context.out(options.json ? JSON.stringify(proven.checked?.runbook ?? null, null, 2) : runbookText(proven, context.deployment));
  return EXIT.ok;
}

/** `2026-11-01`, an ISO time, or a span back from now: `36h`, `7d`, `90m`. */
export function parseSince(text: string, now: Date): string {
  const span = /^(\d+)([mhd])$/.exec(text);
  if (span) {
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 }[span[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(span[1]) * unitMs).toISOString();
  }
  const time = new Date(text);
  if (Number.isNaN(time.getTime()))
    throw new UsageError(`--since "${text}" is neither a date (2026-11-01, an ISO time) nor a span (36h, 7d)`);
  return time.toISOString();
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
