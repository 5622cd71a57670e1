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
 * `npm run test:large` (not part of `npm test`): one million items proven through the fan-out
 * path on this machine, 16 segments in groups of 4, a worker that runs out of time after a few
 * pages (its segments continue from their keys next round) and a worker cut off by its timeout
 * (retried). Items are about 100 bytes so that loading, backing up and restoring a million of
 * them into DynamoDB Local stays within minutes (it writes about 2,800 items/s here); the time
 * of each phase is printed. README "Fan-out" quotes a run.
 */

const ITEMS = Number(process.env.FAN_OUT_ITEMS ?? 1_000_000);
/** A rate at which the copy takes ~1,000 s, over half the check time of an invocation: fan-out. */
const TUNING = { maxWorkers: 4, segmentsPerWorker: 4, timeoutHours: 1, itemsPerSecond: Math.max(1, Math.floor(ITEMS / 1_000)) };

jest.setTimeout(3 * 3_600_000);

let deployment: LocalDeployment | undefined;

afterAll(async () => {
  await deployment?.close();
  removeSynthesizedWithOrders();
});

const firstScanOf = (segment: number) => (payload: unknown) => {
  const { action, group } = payload as { action: string; group?: { positions: { segment: number; startKey?: unknown }[] } };
  return action === 'scan' && group!.positions[0].segment === segment && group!.positions.every((p) => p.startKey === undefined);
};

test(`${ITEMS.toLocaleString('en-US')} items through the fan-out: PASS, one report, copy deleted, the execution in the history`, async () => {
  const phases: [string, number][] = [];
  let mark = Date.now();
  const phase = (name: string) => {
    phases.push([name, (Date.now() - mark) / 1000]);
    console.error(`[fan-out large] ${name}: ${((Date.now() - mark) / 1000).toFixed(1)} s`);
    mark = Date.now();
  };
  await synthesizeWithOrders();
  const outOfTime = firstScanOf(4);
  const cutOff = firstScanOf(8);
  deployment = await deployWithOrders({
    ...forcedFanOut(TUNING),
    localAws: { dynamodb: { createTableMs: 50, deleteTableMs: 50 }, backup: { restoreDurationMs: 500 } },
    fanOut: {
      // Segments 4-7: two seconds beyond the worker's reserve, a few pages each, then hand on.
      // Segments 8-11: cut off by the timeout at their first request on the first attempt, retried.
      functionTimeoutMs: (payload, attempt) =>
        outOfTime(payload) ? RESERVE_MS + 2_000 : cutOff(payload) && attempt === 0 ? 20 : undefined,
      retryIntervalMs: 10,
    },
  });
  phase('deploy');
  await createBackedUpOrders(deployment, ITEMS, 100);
  phase('load and back up');

  const handedOff = await deployment.invokeDrill({ tables: [ORDERS] });
  expect(handedOff.error).toBeUndefined();
  // A restore of a million items can outlast the drill's invocation: the drill then hands over to
  // the job's "Restore Job State Change", which the template's rule delivers; delivered here.
  const [job] = deployment.local.backup.restoreJobs();
  if (deployment.fanOut!.stepFunctions.executions().length === 0 && job) {
    await deployment.local.backup.waitForRestoreJob(job.restoreJobId, undefined, 3 * 3_600_000);
    const resumed = await deployment.invokeDrill(deployment.local.latestRestoreEvent(job.restoreJobId));
    expect(resumed.error).toBeUndefined();
  }
  phase('restore and hand-off');
  await deployment.fanOut!.settled();
  phase('fan-out scan and finish');

  const [execution] = deployment.fanOut!.stepFunctions.executions();
  const scans = scanInvocations(deployment);
  console.log(
    [
      `fan-out of ${ITEMS.toLocaleString('en-US')} items: ${phases.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ')}`,
      `execution ${execution.status} in ${((execution.stopDate!.getTime() - execution.startDate.getTime()) / 1000).toFixed(1)} s, ${scans.length} scan tasks`,
      ...scans.map(
        (scan) =>
          `  segments ${scan.segments.join(',')}${scan.continued ? ' (continued)' : ''}: ${scan.error ?? `ok, ${scan.remaining} left`}`,
      ),
    ].join('\n'),
  );
  expect(execution.status).toBe('SUCCEEDED');
  expect(scans.filter((scan) => scan.continued).length).toBeGreaterThan(0);
  expect(scans.filter((scan) => scan.segments[0] === 8 && !scan.continued).map((scan) => scan.error)).toEqual(['TimeoutError', undefined]);
  const all = reports(deployment);
  expect(all).toHaveLength(1);
  expect(all[0].json).toMatchObject({ verdict: 'PASS', table: ORDERS });
  expect(check(all[0], 'item count')).toMatchObject({ status: 'PASS', numbers: { restoredItems: ITEMS } });
  const [record] = await historyOf(deployment, ORDERS);
  expect(record).toMatchObject({
    status: 'FINISHED',
    outcome: { verdict: 'PASS' },
    fanOut: { executionArn: execution.executionArn, segments: 16 },
  });
  expect(await copiesLeft(deployment)).toEqual([]);
});
