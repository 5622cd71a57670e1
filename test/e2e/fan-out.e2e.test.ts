import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { LocalDeployment } from '../harness/app/local-deployment';
import { RESERVE_MS } from '../../lambda/fanout/handler';
import { check, copiesLeft, historyOf, reports } from './e2e-support';
import {
  ORDERS,
  createBackedUpOrders,
  deployWithOrders,
  forcedFanOut,
  removeSynthesizedWithOrders,
  scanInvocations,
  synthesizeWithOrders,
} from './fan-out-support';

/**
 * A copy too large for one invocation, end to end on this machine: the bundled drill restores
 * `orders`, hands the scan to the synthesized state machine (local Step Functions endpoint,
 * aws-local-stepfunctions), whose Map runs the bundled fan-out worker over 16 segments in groups
 * of 4, the combiner merges, and the drill finishes with one report. The table is 20,000 items
 * of about 1.2 KB (two 1 MB pages a segment), forced into fan-out by settings; the 1-million-item
 * run is test/e2e/large/fan-out-large.e2e.test.ts (`npm run test:large`).
 */

jest.setTimeout(300_000);

const ITEMS = 20_000;
const TUNING = { maxWorkers: 4, segmentsPerWorker: 4, timeoutHours: 1, itemsPerSecond: 1 };

/** A timeout that ends the worker at its first DynamoDB request: the local stand-in for a worker that crashes or hangs. */
const CUT_OFF_MS = 20;

let deployment: LocalDeployment | undefined;

beforeAll(async () => {
  await synthesizeWithOrders();
}, 180_000);

afterEach(async () => {
  await deployment?.close();
  deployment = undefined;
});

afterAll(() => removeSynthesizedWithOrders());

const firstScanOf = (segment: number) => (payload: unknown) => {
  const { action, group } = payload as { action: string; group?: { positions: { segment: number; startKey?: unknown }[] } };
  return action === 'scan' && group!.positions[0].segment === segment && group!.positions.every((p) => p.startKey === undefined);
};

test('PASS through the fan-out: a worker out of time continues next round, a worker that times out is retried; one report, copy deleted, the execution in the history', async () => {
  const outOfTime = firstScanOf(4);
  const crashes = firstScanOf(8);
  deployment = await deployWithOrders({
    ...forcedFanOut(TUNING),
    fanOut: {
      // Segments 4-7 get just the worker's reserve: it reads one page a segment and hands the rest back.
      // Segments 8-11 are cut off by Lambda's timeout on their first attempt: Sandbox.Timedout, retried.
      functionTimeoutMs: (payload, attempt) =>
        outOfTime(payload) ? RESERVE_MS : crashes(payload) && attempt === 0 ? CUT_OFF_MS : undefined,
      retryIntervalMs: 10,
    },
  });
  await createBackedUpOrders(deployment, ITEMS, 1200);

  const handedOff = await deployment.invokeDrill({ tables: [ORDERS] });
  expect(handedOff.error).toBeUndefined();
  expect(reports(deployment)).toEqual([]);
  await deployment.fanOut!.settled();

  const [execution] = deployment.fanOut!.stepFunctions.executions();
  expect(execution).toMatchObject({ status: 'SUCCEEDED', name: expect.stringMatching(/^drill-/) });
  const scans = scanInvocations(deployment);
  expect(scans.filter((scan) => !scan.continued).map((scan) => scan.segments)).toEqual(
    expect.arrayContaining([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
      [12, 13, 14, 15],
    ]),
  );
  // The worker out of time stopped after a page of each segment and handed four positions on.
  expect(scans.find((scan) => !scan.continued && scan.segments[0] === 4)).toMatchObject({ remaining: 4, error: undefined });
  const continued = scans.filter((scan) => scan.continued);
  expect(continued.map((scan) => ({ ...scan, segments: [...scan.segments].sort() }))).toEqual([
    { segments: [4, 5, 6, 7], continued: true, error: undefined, remaining: 0 },
  ]);
  expect(scans.filter((scan) => scan.segments[0] === 8).map((scan) => scan.error)).toEqual(['TimeoutError', undefined]);

  const all = reports(deployment);
  expect(all).toHaveLength(1);
  const [report] = all;
  expect(report.json).toMatchObject({ verdict: 'PASS', table: ORDERS });
  // The copy's count is the workers' merged total; the sample was compared against the source as ever.
  expect(check(report, 'item count')).toMatchObject({ status: 'PASS', numbers: { restoredItems: ITEMS, sourceItems: ITEMS } });
  expect(check(report, 'sample compare')).toMatchObject({ status: 'PASS', numbers: { sampled: 50, matched: 50 } });
  const [record] = await historyOf(deployment, ORDERS);
  expect(record).toMatchObject({
    status: 'FINISHED',
    outcome: { verdict: 'PASS' },
    fanOut: { executionArn: execution.executionArn, segments: 16 },
  });
  expect(await copiesLeft(deployment)).toEqual([]);
});

test('a worker that keeps failing: the drill is told, reports one FAIL naming the execution and deletes the copy; the FAILED event that follows changes nothing', async () => {
  const crashes = firstScanOf(8);
  deployment = await deployWithOrders({
    ...forcedFanOut(TUNING),
    fanOut: { functionTimeoutMs: (payload) => (crashes(payload) ? CUT_OFF_MS : undefined), retryIntervalMs: 10 },
  });
  await createBackedUpOrders(deployment, 5_000, 200);

  await deployment.invokeDrill({ tables: [ORDERS] });
  await deployment.fanOut!.settled();

  const [execution] = deployment.fanOut!.stepFunctions.executions();
  expect(execution.status).toBe('FAILED');
  expect(
    scanInvocations(deployment)
      .filter((scan) => scan.segments[0] === 8)
      .map((scan) => scan.error),
  ).toEqual(['TimeoutError', 'TimeoutError', 'TimeoutError']);
  // EventBridge delivered the execution's FAILED status to the drill (the rule of the template).
  expect(deployment.fanOut!.delivered.map((event) => [event.detail.executionArn, event.detail.status])).toEqual([
    [execution.executionArn, 'FAILED'],
  ]);
  const all = reports(deployment);
  expect(all).toHaveLength(1);
  expect(all[0].json).toMatchObject({ verdict: 'FAIL', table: ORDERS });
  expect(JSON.stringify(all[0].json)).toContain(execution.executionArn);
  const [record] = await historyOf(deployment, ORDERS);
  expect(record).toMatchObject({ status: 'FINISHED', outcome: { verdict: 'FAIL' }, fanOut: { executionArn: execution.executionArn } });
  expect(await copiesLeft(deployment)).toEqual([]);
});

test('an execution stopped from outside (ABORTED): only the status-change rule tells the drill, which reports one FAIL and deletes the copy', async () => {
  deployment = await deployWithOrders({ ...forcedFanOut(TUNING), fanOut: { retryIntervalMs: 10 } });
  await createBackedUpOrders(deployment, 5_000, 200);
  await deployment.invokeDrill({ tables: [ORDERS] });
  // The workers are reading: every Scan from now on takes 2 s, so the execution is still running when it is stopped.
  deployment.local.dynamodb.setLatency('Scan', 2_000);
  const [running] = deployment.fanOut!.stepFunctions.executions();
  expect(running.status).toBe('RUNNING');
  const client = new SFNClient({
    endpoint: deployment.fanOut!.stepFunctions.url,
    region: deployment.local.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(new StopExecutionCommand({ executionArn: running.executionArn, cause: 'stopped by an operator' }));
  client.destroy();
  await deployment.fanOut!.settled();
  deployment.local.dynamodb.setLatency('Scan', undefined);

  expect(running.status).toBe('ABORTED');
  expect(deployment.fanOut!.delivered.map((event) => [event.detail.executionArn, event.detail.status])).toEqual([
    [running.executionArn, 'ABORTED'],
  ]);
  const all = reports(deployment);
  expect(all).toHaveLength(1);
  expect(all[0].json).toMatchObject({ verdict: 'FAIL', table: ORDERS });
  expect(JSON.stringify(all[0].json)).toContain('ABORTED');
  const [record] = await historyOf(deployment, ORDERS);
  expect(record).toMatchObject({ status: 'FINISHED', outcome: { verdict: 'FAIL' }, fanOut: { executionArn: running.executionArn } });
  expect(await copiesLeft(deployment)).toEqual([]);
});
