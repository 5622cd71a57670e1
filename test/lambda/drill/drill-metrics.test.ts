import { FlowWorld, orderItems, scheduledEvent } from '../support/flow-world';

/**
 * What a finished drill gives CloudWatch (emitMetrics): DrillFailed is what the stack's alarm
 * sums (lib/constructs/alarms.ts), and the metadata keys are what the dashboard's Logs Insights
 * widgets query (lib/constructs/dashboard.ts; test/lib/dashboard.test.ts holds the queries to
 * them). A PASS is drill-flow.test.ts's; here a FAIL, from a restore that lost an item.
 */

test('a FAILed drill: DrillFailed 1, and the EMF metadata names the table, the drill and its verdict', async () => {
  const world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
  world.addRecoveryPoint({ table: 'orders', ageMinutes: 90 });
  world.nextRestores({ mutateItems: (items) => items.slice(1) });
  const engine = world.engine();
  const addMetric = jest.spyOn(engine.metrics, 'addMetric');
  const addMetadata = jest.spyOn(engine.metrics, 'addMetadata');
  const summary = await world.invoke(scheduledEvent(), { engine });

  expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
  const [{ drillId }] = summary.drills;
  const metrics = Object.fromEntries(addMetric.mock.calls.map(([name, , value]) => [name, value]));
  expect(metrics).toMatchObject({ DrillCompleted: 1, DrillFailed: 1 });
  const metadata = Object.fromEntries(addMetadata.mock.calls);
  expect(metadata).toMatchObject({ table: 'orders', drillId, verdict: 'FAIL', itemsProven: '39' });
  const record = world.historyRecord(drillId)!;
  const seconds = Math.round((Date.parse(record.outcome!.finishedAt) - Date.parse(record.startedAt)) / 1000);
  expect(metadata.drillDurationSeconds).toBe(String(seconds));
});
