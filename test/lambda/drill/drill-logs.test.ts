import { FlowWorld, orderItems, restoreJobEvent, scheduledEvent } from '../support/flow-world';

/**
 * Every log line of a drill carries its drill id and table (the logger's persistent keys): a
 * report's advice is "see the drill Lambda logs for this drill id", and that is how the lines are
 * found. A drill started by the schedule and one resumed by its restore job's event alike.
 */

test('the drill’s logger carries its drill id and table, when it starts and when its restore event resumes it', async () => {
  const world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
  world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  world.nextRestores({ durationMs: Number.POSITIVE_INFINITY });
  const engine = world.engine();
  const createChild = jest.spyOn(engine.logger, 'createChild');

  const first = await world.invoke(scheduledEvent(), { engine, remainingMs: 5 * 60_000 });
  const [{ drillId }] = first.drills;
  expect(createChild.mock.calls).toEqual([[{ persistentKeys: { drillId, table: 'orders' } }]]);

  createChild.mockClear();
  world.completeRestore('restore-job-1');
  const resumed = await world.invoke(restoreJobEvent('restore-job-1', 'COMPLETED'), { engine });
  expect(resumed.drills).toEqual([expect.objectContaining({ drillId, status: 'finished' })]);
  expect(createChild.mock.calls).toEqual([[{ persistentKeys: { drillId, table: 'orders' } }]]);
});
