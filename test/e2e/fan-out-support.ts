import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FanOutTuning } from '../../lambda/config';
import type { Item } from '../../lambda/ports/dynamodb-port';
import { type LocalDeployment, type LocalDeploymentOptions, deployLocally } from '../harness/app/local-deployment';
import { type SynthesizedApp, synthesizeApp } from '../harness/app/synthesized-app';
import { E2E_OPTIONS } from './e2e-support';

/**
 * The fan-out end to end: the app synthesized with a user table `orders` (`-c tables=orders`),
 * the table created and filled on the local DynamoDB, backed up to the stack's vault, and a drill
 * of it run by the bundled drill Lambda, which hands the scan to the synthesized state machine on
 * the local Step Functions endpoint, whose tasks run the bundled fan-out worker and the drill.
 */

export const ORDERS = 'orders';

let synthesized: { app: SynthesizedApp; dir: string } | undefined;

export async function synthesizeWithOrders(): Promise<SynthesizedApp> {
  if (!synthesized) {
    const dir = mkdtempSync(path.join(tmpdir(), 'restore-drill-fan-out-'));
    synthesized = { dir, app: await synthesizeApp({ outdir: path.join(dir, 'cdk.out'), context: { tables: ORDERS } }) };
  }
  return synthesized.app;
}

export function removeSynthesizedWithOrders(): void {
  if (synthesized) rmSync(synthesized.dir, { recursive: true, force: true });
  synthesized = undefined;
}

/**
 * Settings a scenario forces on the drill and the worker (DRILL_FAN_OUT, as the construct writes
 * it): `itemsPerSecond` low enough that the copy counts as too large for one invocation (the
 * switch compares the estimate at this rate with half the check time), `maxWorkers` x
 * `segmentsPerWorker` segments.
 */
export function forcedFanOut(tuning: FanOutTuning): Pick<LocalDeploymentOptions, 'functionEnvironment'> {
  return { functionEnvironment: { DRILL_FAN_OUT: JSON.stringify(tuning) } };
}

export async function deployWithOrders(options: LocalDeploymentOptions): Promise<LocalDeployment> {
  return deployLocally(await synthesizeWithOrders(), { ...E2E_OPTIONS, ...options });
}

/** Orders of about `bytes` each (a text of that length), keyed `order-<n>`. */
export function orders(count: number, bytes: number, from = 0): Item[] {
  const text = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(bytes / 36)).slice(0, bytes);
  return Array.from({ length: count }, (_, index) => {
    const n = from + index;
    return { id: { S: `order-${String(n).padStart(8, '0')}` }, total: { N: String((n % 1000) * 1.25) }, note: { S: text } };
  });
}

/** Creates `orders`, fills it in batches (so a million items never sit in memory at once) and backs it up to the stack's vault. */
export async function createBackedUpOrders(deployment: LocalDeployment, count: number, bytes: number): Promise<void> {
  await deployment.local.dynamodb.createTable({
    TableName: ORDERS,
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  const batch = 20_000;
  const writers = 4;
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let from = next; from < count; from = next) {
        next += batch;
        await deployment.local.dynamodb.putItems(ORDERS, orders(Math.min(batch, count - from), bytes, from));
      }
    }),
  );
  await deployment.local.backup.backupTable(ORDERS, { vaultName: deployment.vaultNames[0] });
}

/** The scan tasks the state machine ran: each group's segments, whether it continued a segment, and how it ended. */
export function scanInvocations(deployment: LocalDeployment) {
  return (deployment.fanOut?.invocations ?? [])
    .filter(({ payload }) => (payload as { action?: string }).action === 'scan')
    .map(({ payload, outcome }) => {
      const positions = (payload as { group: { positions: { segment: number; startKey?: unknown }[] } }).group.positions;
      return {
        segments: positions.map((position) => position.segment),
        continued: positions.some((position) => position.startKey !== undefined),
        error: outcome?.error?.name,
        remaining: ((outcome?.result as { remaining?: unknown[] } | undefined)?.remaining ?? []).length,
      };
    });
}
