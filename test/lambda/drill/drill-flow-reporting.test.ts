import { drillIdFor } from '../../../lambda/drill/drill-id';
import { awsError, denied, serverFault } from '../support/aws-errors';
import { FlowWorld, orderItems, scheduledEvent, tableArn } from '../support/flow-world';
import { expectCopyDeleted, expectNoCopyLeft } from '../support/flow-expectations';

/**
 * The drill flow's last steps: which topics a report goes to (the failure topic,
 * notifyFailuresOnly), and what happens when SNS, the history or DeleteTable fail on the way
 * out. A verdict is never lost and never sent twice where that can be helped. (Moved from
 * handler.test.ts; the Publish request itself, topic ARN and all, is notifier-port.test.ts's.)
 */

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
});

/** Every publish the drill asked of SNS, accepted or not, in order. */
const publishCalls = () => world.notifier.calls('publish');
const snsInternalError = () => awsError('InternalErrorException', 'Internal error', 'server');

describe('the failure topic (notifyFailuresOnly)', () => {
  const FAILURE_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:drill-failures';
  const topicsPublishedTo = () => publishCalls().map(([topic]) => topic);

  test('a FAIL report goes to the report topic and, the same message, to the failure topic', async () => {
    // No recovery point: an early FAIL.
    await world.invoke(scheduledEvent(), { engine: world.engine({ failureTopicArn: FAILURE_TOPIC_ARN }) });
    expect(topicsPublishedTo()).toEqual(['reports', 'failures']);
    const [[, toReports], [, toFailures]] = publishCalls();
    expect(toFailures).toEqual(toReports);
    expect(toFailures.attributes.verdict).toBe('FAIL');
  });

  test('a PASS report goes to the report topic only', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    await world.invoke(scheduledEvent(), { engine: world.engine({ failureTopicArn: FAILURE_TOPIC_ARN }) });
    expect(world.published().map((report) => report.json.verdict)).toEqual(['PASS']);
    expect(topicsPublishedTo()).toEqual(['reports']);
  });

  /** SNS refusing the next publish to `topic` once (after the SDK's own retries), accepting everything else. */
  function failOncePublishingTo(topic: 'reports' | 'failures') {
    world.notifier.failNext('publish', snsInternalError(), { when: (to) => to === topic });
  }

  test('the failure-topic publish fails once: the invocation fails, the report topic is recorded, the retry publishes to the failure topic only', async () => {
    failOncePublishingTo('failures');
    const engine = world.engine({ failureTopicArn: FAILURE_TOPIC_ARN });
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event, { engine })).rejects.toThrow(
      /drill .* \(orders\) FAIL: report not sent: Publish InternalErrorException \(Internal error\).* \(failures topic\)/,
    );
    expect(topicsPublishedTo()).toEqual(['reports', 'failures']);
    expect(world.historyRecord(drillId)).toMatchObject({
      status: 'REPORTING',
      publishedTo: ['reports'],
      outcome: { verdict: 'FAIL' },
    });

    world.clock.advance(60_000);
    const retry = await world.invoke(event, { engine });
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    // The report topic's subscribers got the report once; the failure topic's now get theirs.
    expect(topicsPublishedTo()).toEqual(['reports', 'failures', 'failures']);
    const reports = world.published();
    expect(reports.map((report) => report.topic)).toEqual(['reports', 'failures']);
    expect(reports[1].subject).toBe('[FAIL] restore drill orders: RTO n/a, RPO none - no recovery point yet');
    expect(reports[1].attributes).toEqual({ verdict: 'FAIL', table: 'orders', drillId });
    expect(reports[1].json).toMatchObject({ drillId, verdict: 'FAIL', failure: expect.stringMatching(/^no recovery point yet: /) });
    expect(world.historyRecord(drillId)).toMatchObject({
      status: 'FINISHED',
      publishedTo: ['reports', 'failures'],
      reportedAt: expect.any(String),
    });
  });

  test('the report-topic publish fails: nothing is recorded as sent, the retry publishes to both topics', async () => {
    failOncePublishingTo('reports');
    const engine = world.engine({ failureTopicArn: FAILURE_TOPIC_ARN });
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event, { engine })).rejects.toThrow(
      /FAIL: report not sent: Publish InternalErrorException .*\(reports topic\)/,
    );
    // The failure topic was not tried: reports go out in order, each recorded before the next.
    expect(topicsPublishedTo()).toEqual(['reports']);
    const record = world.historyRecord(drillId);
    expect(record).toMatchObject({ status: 'REPORTING', outcome: { verdict: 'FAIL' } });
    expect(record).not.toHaveProperty('publishedTo');

    world.clock.advance(60_000);
    const retry = await world.invoke(event, { engine });
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'FAIL' })]);
    expect(topicsPublishedTo()).toEqual(['reports', 'reports', 'failures']);
    const [toReports, toFailures] = world.published();
    expect(toReports.subject).toBe(toFailures.subject);
    expect(toFailures.json).toMatchObject({ drillId, verdict: 'FAIL' });
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'FINISHED', publishedTo: ['reports', 'failures'] });
  });
});

describe('reporting and cleanup failures', () => {
  beforeEach(() => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
  });

  // One fault stands for a publish that failed after the SDK's own retries (SDK_MAX_ATTEMPTS); the
  // e2e scenario "SNS rejecting publishes" proves the retries against the local SNS endpoint.
  test('SNS publish failing: the invocation fails, the verdict stays recorded, the retry sends it once', async () => {
    world.notifier.failNext('publish', snsInternalError());
    const event = scheduledEvent();
    await expect(world.invoke(event)).rejects.toThrow(
      /1 drill\(s\) did not complete: drill .* \(orders\) PASS: report not sent: Publish InternalErrorException/,
    );
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'REPORTING', outcome: { verdict: 'PASS' } });
    // The copy is gone even though the report is not.
    expect(world.copiesLeft()).toEqual([]);

    // Lambda retries the async invocation with the same event.
    const retry = await world.invoke(event);
    expect(retry.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expect(publishCalls()).toHaveLength(2);
    // The retry sends the same report, to the same topic: the recorded verdict and checks, for the same drill.
    const [failedAttempt, sent] = publishCalls();
    expect(sent).toEqual(failedAttempt);
    const [report] = world.published();
    expect(world.published()).toHaveLength(1);
    expect(report.subject).toMatch(/^\[PASS\] restore drill orders: /);
    expect(report.json).toMatchObject({ drillId, verdict: 'PASS', cleanup: { result: 'deleted' } });
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'FINISHED' });
    expectCopyDeleted(world);
    expectNoCopyLeft(world);
  });

  const recordingFinished = { when: (_drillId: string, fields: { status?: string }) => fields.status === 'FINISHED' };

  test('SNS accepted the report but recording FINISHED fails once: the write is retried, the report is not sent twice', async () => {
    world.history.failNext('update', serverFault('InternalServerError', 'connection reset'), recordingFinished);
    const event = scheduledEvent();
    const summary = await world.invoke(event);
    expect(summary.drills).toEqual([expect.objectContaining({ status: 'finished', verdict: 'PASS' })]);
    expect(publishCalls()).toHaveLength(1);
    expect(world.historyRecord(drillIdFor(new Date(event.time), event.id, tableArn('orders')))).toMatchObject({ status: 'FINISHED' });
    // A retry of the same event finds the drill reported: still one message.
    await world.invoke(event);
    expect(publishCalls()).toHaveLength(1);
  });

  test('dies after SNS accepted the report, before FINISHED is written: the retry sends it again, each copy carrying the drill id', async () => {
    world.history.failAlways('update', serverFault('InternalServerError', 'connection reset'), recordingFinished);
    const event = scheduledEvent();
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    await expect(world.invoke(event)).rejects.toThrow(/did not complete/);
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'REPORTING' });

    world.history.clearFaults();
    world.clock.advance(20 * 60_000);
    await world.invoke(event);
    expect(world.historyRecord(drillId)).toMatchObject({ status: 'FINISHED' });
    // At least once: the window between SNS accepting and the history saying so is not closable.
    const reports = world.published();
    expect(reports).toHaveLength(2);
    for (const report of reports) {
      expect(report.attributes).toEqual({ verdict: 'PASS', table: 'orders', drillId });
      expect(report.json.drillId).toBe(drillId);
      expect(report.email).toContain(`Drill ${drillId}, triggered by schedule`);
    }
    expect(world.backup.calls('startRestoreJob')).toHaveLength(1);
    expectNoCopyLeft(world);
  });

  test('delete failing: FAIL reporting the leftover copy; the next scheduled run deletes it', async () => {
    // DeleteTable refused until the role is fixed: the drill's cleanup and the run's sweep of leftovers both fail.
    world.dynamodb.failAlways('deleteTable', denied('dynamodb:DeleteTable'));
    const first = await world.invoke(scheduledEvent());
    const [report] = world.published();
    expect(report.attributes.verdict).toBe('FAIL');
    // Every check passed: the subject names the cleanup, the email says what is left.
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders: RTO \d+s, RPO 1h00m - cleanup$/);
    expect(report.email).toMatch(/Cleanup\n {2}failed: could not delete drill-copy-orders-\S+: DeleteTable AccessDeniedException/);
    expect(report.json.cleanup).toMatchObject({ result: 'failed' });
    expect(report.json.failure).toMatch(
      /^cleanup: could not delete drill-copy-orders-\S+: DeleteTable AccessDeniedException .*check dynamodb:DeleteTable on table\/<prefix>\*/,
    );
    const [copy] = world.copiesLeft();
    expect(world.copiesLeft()).toHaveLength(1);
    expect(first.leftoverCopies).toEqual([`${copy}: failed`]);

    world.dynamodb.clearFaults();
    world.clock.advance(24 * 3600_000);
    const next = await world.invoke(scheduledEvent('2026-11-29T06:00:00Z'));
    expect(next.leftoverCopies).toEqual([`${copy}: deleted`]);
    expectNoCopyLeft(world);
  });
});
