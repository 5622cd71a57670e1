import type { DrillRecord } from '../../../lambda/domain/drill-record';
import { restoreMetadata } from '../../../lambda/drill/restore-metadata';
import { FlowWorld, orderItems, RESTORE_ROLE_ARN, scheduledEvent } from '../support/flow-world';

/**
 * A twin invocation of the same drill (a duplicated event, Lambda's retry of one it thinks dead)
 * that moves the drill on while this one is between two steps: it records the restore request
 * and starts the restore first. Every write of the STARTED steps is conditioned on the drill
 * still being STARTED, so this invocation follows the twin's record: one StartRestoreJob, the
 * twin's job judged, no early failure written over a running restore.
 */

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
  world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
});

type Update = FlowWorld['history']['update'];

/** What the twin does, on the stored record: records the request, starts the restore with the drill's token, records RESTORING. */
async function twinStartsTheRestore(realUpdate: Update, drillId: string, request: Partial<DrillRecord>): Promise<void> {
  const record = world.historyRecord(drillId)!;
  const point = request.recoveryPoint ?? record.recoveryPoint!;
  await realUpdate(drillId, { recoveryPoint: point, restoreStartedAt: new Date(world.clock.now()).toISOString() }, { ifStatus: 'STARTED' });
  const restoreJobId = await world.backup.startRestoreJob({
    recoveryPointArn: point.recoveryPointArn,
    metadata: restoreMetadata(record.restoredTableName),
    iamRoleArn: RESTORE_ROLE_ARN,
    idempotencyToken: drillId,
  });
  await realUpdate(drillId, { status: 'RESTORING', restoreJobId }, { ifStatus: 'STARTED' });
}

/** Runs the twin just before this invocation's first update that matches. */
function twinMovesOnBefore(matches: (fields: Partial<DrillRecord>) => boolean): void {
  const real: Update = world.history.update.bind(world.history);
  let done = false;
  jest.spyOn(world.history, 'update').mockImplementation(async (drillId, fields, options) => {
    if (!done && matches(fields)) {
      done = true;
      await twinStartsTheRestore(real, drillId, fields);
    }
    return real(drillId, fields, options);
  });
}

test('the twin records the request first: this invocation follows it, sends no StartRestoreJob, and judges the twin’s restore', async () => {
  twinMovesOnBefore((fields) => fields.restoreStartedAt !== undefined);
  const summary = await world.invoke(scheduledEvent());
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
  // The one call is the twin's.
  expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
  expect(world.backup.restoreJobs).toHaveLength(1);
  const [report] = world.published();
  expect(report.json.restoreJob).toMatchObject({ restoreJobId: 'restore-job-1', status: 'COMPLETED' });
  expect(world.copiesLeft()).toEqual([]);
});

test('this invocation cannot restore (a key not granted) but the twin could and did: no early failure is written over its restore', async () => {
  const key = 'arn:aws:kms:us-east-1:123456789012:key/1f0e3c9a-2b6d-4a57-8c1e-0d9b7a6f5e4c';
  world.dynamodb.describeAs('orders', { encryption: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: key } });
  world.keys.add(key, 'CUSTOMER');
  twinMovesOnBefore((fields) => fields.earlyFailure !== undefined);
  const summary = await world.invoke(scheduledEvent());
  expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished' })]);
  const [{ drillId }] = summary.drills;
  const record = world.historyRecord(drillId)!;
  expect(record.earlyFailure).toBeUndefined();
  expect(record).toMatchObject({ status: 'FINISHED', restoreJobId: 'restore-job-1' });
  const [report] = world.published();
  expect(report.json.failure ?? '').not.toMatch(/^KMS key not granted/);
  expect(report.json.restoreJob).toMatchObject({ restoreJobId: 'restore-job-1', status: 'COMPLETED' });
  expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
  expect(world.copiesLeft()).toEqual([]);
});
