import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LOCAL_WAIT_TUNING, type LocalDeployment, deployLocally } from '../harness/app/local-deployment';
import { type SynthesizedApp, synthesizeApp } from '../harness/app/synthesized-app';
import { fixtureTableInput } from '../harness/harness-test-support';
import { fixtureItems } from '../../lambda/fixture/fixture-items';
import { E2E_OPTIONS, copiesLeft, historyOf, reports } from './e2e-support';

/**
 * Many tables end to end: the app synthesized with 12 tables and `maxConcurrentRestores=3`, the
 * bundled drill Lambda run by a scheduled event with too little time for all of them, then by
 * each restore's "Restore Job State Change" event as the local AWS Backup emits it, several at
 * once. Never more than 3 restore jobs run at once on the local AWS Backup; every table, and the
 * fixture, is drilled and reported once.
 */

jest.setTimeout(180_000);

const TABLES = Array.from({ length: 12 }, (_, i) => `orders_${String(i).padStart(2, '0')}`);
const LIMIT = 3;
/** Each invocation's time: a few rounds of three drills, not all thirteen. */
const INVOCATION_MS = 20_000;

let app: SynthesizedApp;
let workDir: string;
let deployment: LocalDeployment;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'restore-drill-many-'));
  app = await synthesizeApp({
    outdir: path.join(workDir, 'cdk.out'),
    context: { tables: TABLES.join(','), maxConcurrentRestores: String(LIMIT) },
  });
}, 180_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

afterEach(async () => {
  await deployment?.close();
});

/** The most restore jobs running at any one time, from each job's creation to its completion. */
function mostRestoresAtOnce(): number {
  const spans = deployment.local.backup
    .restoreJobs()
    .map((job) => ({ from: job.creationDate.getTime(), to: job.completionDate?.getTime() ?? Number.POSITIVE_INFINITY }));
  return Math.max(0, ...spans.map(({ from }) => spans.filter((span) => span.from <= from && from < span.to).length));
}

test('12 tables and the fixture, 3 restores at most at once: each drilled and reported once, across invocations', async () => {
  const started = Date.now();
  deployment = await deployLocally(app, {
    ...E2E_OPTIONS,
    localAws: { ...E2E_OPTIONS.localAws, backup: { ...E2E_OPTIONS.localAws?.backup, restoreDurationMs: 3_000 } },
    // A reserve that fits three drills' cleanup and reports on a loaded machine (on Lambda: 120 s).
    waitTuning: { ...LOCAL_WAIT_TUNING, invocationReserveSeconds: 5 },
  });
  const vaultName = deployment.vaultNames[0];
  for (const table of TABLES) {
    await deployment.local.dynamodb.createTable(fixtureTableInput(table));
    await deployment.local.dynamodb.putItems(table, fixtureItems(1));
    await deployment.local.backup.backupTable(table, { vaultName });
  }
  await deployment.local.backup.backupTable(deployment.fixtureTableName, { vaultName });

  // Too short for 13 drills three at a time: the rest stays queued in the drill history.
  const scheduled = await deployment.invokeDrill(deployment.local.scheduledEvent(), { timeoutMs: INVOCATION_MS });
  expect(scheduled.error).toBeUndefined();
  expect(scheduled.durationMs).toBeLessThan(INVOCATION_MS);
  const first = scheduled.result as { drills: { status: string }[] };
  expect(first.drills).toHaveLength(13);
  expect(first.drills.filter((d) => d.status === 'queued').length).toBeGreaterThan(0);

  // EventBridge: each ended restore's event, once, those that ended together at once.
  const delivered = new Set<string>();
  let invocations = 1;
  for (let round = 0; round < 40 && reports(deployment).length < 13; round++) {
    const ended = deployment.local.backup.restoreEvents.filter(
      (event) => ['COMPLETED', 'FAILED', 'ABORTED'].includes(event.detail.status ?? '') && !delivered.has(event.detail.restoreJobId),
    );
    for (const event of ended) delivered.add(event.detail.restoreJobId);
    const outcomes = await Promise.all(ended.map((event) => deployment.invokeDrill(event, { timeoutMs: INVOCATION_MS })));
    invocations += outcomes.length;
    for (const outcome of outcomes) {
      expect(outcome.error).toBeUndefined();
      expect(outcome.durationMs).toBeLessThan(INVOCATION_MS);
    }
    if (ended.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const all = reports(deployment);
  expect(all.map((r) => r.attributes.table).sort()).toEqual([deployment.fixtureTableName, ...TABLES].sort());
  expect(all.every((r) => r.attributes.verdict === 'PASS')).toBe(true);
  expect(deployment.local.backup.restoreJobs()).toHaveLength(13);
  expect(mostRestoresAtOnce()).toBe(LIMIT);
  for (const table of TABLES) {
    expect((await historyOf(deployment, table)).map((record) => [record.status, record.outcome?.verdict])).toEqual([['FINISHED', 'PASS']]);
  }
  expect(await copiesLeft(deployment)).toEqual([]);
  // Measured, for the README: wall time and invocations of the whole run on this machine.
  console.log(`many tables e2e: 13 drills, ${invocations} invocations, ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
