/**
 * How much faster does the fan-out prove a table than one invocation, and how long would 100
 * million or a billion items take?
 *
 * On the local harness: the app synthesized with a user table `orders`, deployed twice on local
 * endpoints (DynamoDB Local, Backup, SNS, the local Step Functions endpoint), each with the same
 * table of ~1 KB items backed up, then drilled once by the single-invocation path (the switch's
 * rate set so high that nothing fans out) and once by the fan-out path (forced: 4 workers of 4
 * segments, the synthesized state machine running the bundled worker in child processes). Each
 * path's rate is the table's items over the drill's time after the restore (the drill's wall time
 * less the restore the report measured), so the same restore cost drops out; the source reads
 * both paths make (item count, sample) are unpaced here, so the copy's scan is what differs.
 *
 * The per-worker rate is the items a scan task returned over its invocation time (child process
 * start included). The projection holds it against the copy's read limit: a new on-demand table
 * serves 12,000 read request units per second at first (DynamoDB developer guide, "Initial
 * throughput for on-demand capacity mode" / "warm throughput"), 8 eventually consistent 1 KB
 * items per unit: ~96,000 items/s. Workers at once: as many as that limit takes at the worker rate,
 * at most 40 (fanOutMaxWorkers); each worker reads 14 of its 15 minutes (RESERVE_MS), so a
 * larger table takes more rounds. This machine's 2 shared cores run DynamoDB Local too: ratios
 * within one run are what to read, not the absolute figures.
 *
 *   npm run bench:fan-out                   50,000 items of ~1 KB
 *   npm run bench:fan-out -- --items 200000
 *   npm run bench:fan-out -- --cpu-rate 40000   another per-worker CPU rate for the second projection
 */
import { ENV } from '../lambda/config';
import { RESERVE_MS } from '../lambda/fanout/handler';
import { drillFunctionLogicalId } from '../test/harness/app/local-fan-out';
import type { LocalDeployment } from '../test/harness/app/local-deployment';
import { stopSharedDynamoDbLocal } from '../test/harness/dynamodb/dynamodb-local';
import {
  ORDERS,
  createBackedUpOrders,
  deployWithOrders,
  forcedFanOut,
  removeSynthesizedWithOrders,
  scanInvocations,
  synthesizeWithOrders,
} from '../test/e2e/fan-out-support';
import { reports } from '../test/e2e/e2e-support';

const option = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const ITEMS = option('items', 50_000);
const ITEM_BYTES = 1_000;
const WORKERS = 4;
const SEGMENTS_PER_WORKER = 4;
/** DynamoDB developer guide: a new on-demand table's initial read throughput, in 1 KB eventually consistent items per second. */
const READ_LIMIT_ITEMS_PER_SECOND = 12_000 * 8;
const MAX_WORKERS = 40;
/**
 * A worker's rate on Lambda if its CPU is what binds (one vCPU at the worker's 1,769 MB): the
 * 1 KB items/s per core of `npm run bench:cpu` (README "CPU per item": 46,979). Here the worker
 * shares 2 cores with DynamoDB Local and the other workers, so its measured rate is a floor.
 */
const CPU_RATE = option('cpu-rate', 46_979);
const WORKER_SECONDS = (15 * 60_000 - RESERVE_MS) / 1000;

interface PathRun {
  readonly seconds: number;
  readonly restoreSeconds: number;
  readonly itemsPerSecond: number;
  readonly verdict: string;
}

async function drillOnce(deployment: LocalDeployment): Promise<PathRun> {
  const started = Date.now();
  const outcome = await deployment.invokeDrill({ tables: [ORDERS] });
  if (outcome.error) throw new Error(`drill failed: ${outcome.error.message}\n${outcome.logs.slice(-20).join('\n')}`);
  await deployment.fanOut?.settled();
  const seconds = (Date.now() - started) / 1000;
  const [report] = reports(deployment);
  if (!report) throw new Error('no report');
  const rto = (report.json.checks as { check: string; numbers?: { restoreDurationSeconds?: number } }[]).find((c) => c.check === 'RTO');
  const restoreSeconds = rto?.numbers?.restoreDurationSeconds ?? 0;
  return {
    seconds,
    restoreSeconds,
    itemsPerSecond: ITEMS / Math.max(0.001, seconds - restoreSeconds),
    verdict: String(report.json.verdict),
  };
}

/**
 * The drill's targets as synthesized, with the source reads unpaced (sourceReadUnitsPerSecond at
 * its maximum, a budget that never runs out): the item count and the sample read the source
 * table at 200 units/s by default, which would time the pacing, not the scan of the copy.
 */
async function unpacedTargets(): Promise<string> {
  const app = await synthesizeWithOrders();
  const drill = app.template.Resources[drillFunctionLogicalId(app)];
  const targets = JSON.parse(drill.Properties?.Environment.Variables[ENV.targets]) as Record<string, number>;
  return JSON.stringify({ ...targets, sourceReadUnitsPerSecond: 40_000, sourceReadBudgetUnits: 1_000_000_000 });
}

async function run(label: string, tuning: { itemsPerSecond: number }): Promise<{ path: PathRun; deployment: LocalDeployment }> {
  const fanOutTuning = forcedFanOut({ maxWorkers: WORKERS, segmentsPerWorker: SEGMENTS_PER_WORKER, timeoutHours: 1, ...tuning });
  const deployment = await deployWithOrders({
    functionEnvironment: { ...fanOutTuning.functionEnvironment, [ENV.targets]: await unpacedTargets() },
    fanOut: { retryIntervalMs: 10 },
  });
  const loading = Date.now();
  await createBackedUpOrders(deployment, ITEMS, ITEM_BYTES);
  console.error(`${label}: loaded and backed up ${ITEMS.toLocaleString('en-US')} items in ${((Date.now() - loading) / 1000).toFixed(1)} s`);
  return { path: await drillOnce(deployment), deployment };
}

const hours = (seconds: number) => (seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${(seconds / 60).toFixed(0)} min`);

function projection(items: number, perWorker: number): string {
  const workers = Math.min(MAX_WORKERS, Math.max(1, Math.ceil(READ_LIMIT_ITEMS_PER_SECOND / perWorker)));
  const rate = Math.min(workers * perWorker, READ_LIMIT_ITEMS_PER_SECOND);
  const seconds = items / rate;
  const rounds = Math.ceil(items / workers / perWorker / WORKER_SECONDS);
  const bound = workers * perWorker >= READ_LIMIT_ITEMS_PER_SECOND ? "the copy's read limit" : `${MAX_WORKERS} workers`;
  return `${items.toLocaleString('en-US')} items: ${workers} workers, ${Math.round(rate).toLocaleString('en-US')} items/s (bound: ${bound}), ~${hours(seconds)}, ${rounds} round(s) of <= 14 min`;
}

async function main() {
  const single = await run('single invocation', { itemsPerSecond: 1_000_000 });
  if (single.deployment.fanOut?.stepFunctions.executions().length) throw new Error('the single-invocation path fanned out');
  await single.deployment.close();
  const fanOut = await run('fan-out', { itemsPerSecond: 1 });
  const scans = scanInvocations(fanOut.deployment);
  const invocations = (fanOut.deployment.fanOut?.invocations ?? []).filter(
    (call) => (call.payload as { action?: string }).action === 'scan',
  );
  const workerItems = invocations.reduce(
    (sum, call) => sum + Number((call.outcome?.result as { items?: number } | undefined)?.items ?? 0),
    0,
  );
  const workerSeconds = invocations.reduce((sum, call) => sum + (call.outcome?.durationMs ?? 0) / 1000, 0);
  const perWorker = workerItems / workerSeconds;
  const [execution] = fanOut.deployment.fanOut?.stepFunctions.executions() ?? [];
  const executionSeconds = execution?.stopDate ? (execution.stopDate.getTime() - execution.startDate.getTime()) / 1000 : Number.NaN;
  await fanOut.deployment.close();
  removeSynthesizedWithOrders();
  await stopSharedDynamoDbLocal();

  const row = (name: string, path: PathRun) =>
    `| ${name} | ${path.verdict} | ${path.seconds.toFixed(1)} | ${path.restoreSeconds} | ${Math.round(path.itemsPerSecond).toLocaleString('en-US')} |`;
  console.log(
    [
      `Fan-out benchmark: ${ITEMS.toLocaleString('en-US')} items of ~${ITEM_BYTES} B, ${WORKERS} workers x ${SEGMENTS_PER_WORKER} segments`,
      '',
      '| path | verdict | drill s | restore s | items/s after the restore |',
      '|---|---|---|---|---|',
      row('single invocation', single.path),
      row('fan-out (Step Functions, local)', fanOut.path),
      '',
      `fan-out / single: ${(fanOut.path.itemsPerSecond / single.path.itemsPerSecond).toFixed(2)}x`,
      `the execution (workers, combiner, the drill's finish): ${executionSeconds.toFixed(1)} s, ${Math.round(ITEMS / executionSeconds).toLocaleString('en-US')} items/s`,
      `per worker: ${Math.round(perWorker).toLocaleString('en-US')} items/s (${workerItems.toLocaleString('en-US')} items in ${scans.length} scan tasks, ${workerSeconds.toFixed(1)} s of invocations)`,
      '',
      `Projection at the measured per-worker rate, against ~${READ_LIMIT_ITEMS_PER_SECOND.toLocaleString('en-US')} 1 KB items/s (12,000 RRU/s of a new on-demand copy):`,
      `  ${projection(100_000_000, perWorker)}`,
      `  ${projection(1_000_000_000, perWorker)}`,
      `At the CPU-bound rate per vCPU (npm run bench:cpu, ${CPU_RATE.toLocaleString('en-US')} 1 KB items/s):`,
      `  ${projection(100_000_000, CPU_RATE)}`,
      `  ${projection(1_000_000_000, CPU_RATE)}`,
    ].join('\n'),
  );
}

main().catch(async (error) => {
  console.error(error);
  await stopSharedDynamoDbLocal().catch(() => undefined);
  process.exit(1);
});
