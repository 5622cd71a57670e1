import { Logger } from '@aws-lambda-powertools/logger';
import { drillIdFor } from '../../lambda/drill/drill-id';
import { backupCompletedEvent, FlowWorld, orderItems, restoreJobEvent, scheduledEvent, tableArn } from './support/flow-world';

/**
 * The handler's own business, one layer: structured logs, manual payloads it refuses, events that
 * are not triggers. It runs on the flow world (the real engine over in-memory port fakes, virtual
 * time); the drill flow itself is test/lambda/drill/drill-flow*.test.ts's.
 */

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
});

/** Nothing was asked of AWS Backup or SNS, and no drill was recorded or read. */
function expectNothingStarted() {
  expect(world.backup.all()).toHaveLength(0);
  expect(world.notifier.all()).toHaveLength(0);
  expect(world.history.calls('create')).toEqual([]);
  expect(world.dynamodb.calls('putItem')).toEqual([]);
}

describe('structured logs', () => {
  /** Runs the handler with an engine whose logger writes JSON lines here (tests are silent by default). */
  async function logsOf(event: unknown): Promise<Array<Record<string, unknown>>> {
    const lines: string[] = [];
    // Powertools writes INFO to stdout, WARN and ERROR to stderr.
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    const spies = [capture(process.stdout), capture(process.stderr)];
    try {
      await world.invoke(event, { engine: world.engine({}, { logger: new Logger({ serviceName: 'restore-drill', logLevel: 'INFO' }) }) });
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    return lines
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  test('every line written while a drill runs carries its drill id and table', async () => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 60 });
    const event = scheduledEvent();
    const lines = await logsOf(event);
    const drillId = drillIdFor(new Date(event.time), event.id, tableArn('orders'));
    const drillLines = lines.filter((line) => line.drillId !== undefined);
    expect(drillLines.length).toBeGreaterThan(3);
    expect(drillLines.every((line) => line.drillId === drillId && line.table === 'orders')).toBe(true);
    expect(drillLines.map((line) => line.message)).toEqual(expect.arrayContaining(['drill verdict']));
    // Lines without a drill id are the invocation's own (trigger, summary), never a drill step.
    expect(lines.filter((line) => line.drillId === undefined).map((line) => line.message)).not.toContain('drill verdict');
  });

  test('an event that is not a trigger is ignored with a log line saying so', async () => {
    const lines = await logsOf({ Records: [{ s3: {} }] });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'event ignored: not a drill trigger', reason: expect.stringMatching(/.+/) }),
    );
    expect(lines.some((line) => line.drillId !== undefined)).toBe(false);
  });
});

describe('manual payloads that are refused', () => {
  /** Runs the handler with a logger whose warnings land here. */
  async function invokeCapturingWarnings(event: unknown) {
    const engine = world.engine();
    const warn = jest.spyOn(engine.logger, 'warn');
    const summary = await world.invoke(event, { engine });
    return { summary, warnings: warn.mock.calls.map(([message, extra]) => ({ message, extra })) };
  }

  test.each([
    ['a misspelt key', { table: ['orders'] }, /unknown key "table" \(did you mean "tables"\?\)/],
    ['an unknown key beside tables', { tables: ['orders'], dryRun: true }, /unknown key "dryRun"/],
    ['a misspelt idempotency key name', { tables: ['orders'], idempotency_key: 'x' }, /unknown key "idempotency_key"/],
    ['no tables', {}, /"tables" is missing/],
    ['an empty table list', { tables: [] }, /tables: name at least one table/],
    ['tables as a string', { tables: 'orders' }, /tables: /],
    ['an empty table name', { tables: [''] }, /tables\.0: a table name or ARN cannot be empty/],
    ['an idempotency key with spaces', { tables: ['orders'], idempotencyKey: 'on call' }, /idempotencyKey: 1-64 letters, digits/],
    ['an idempotency key that is not text', { tables: ['orders'], idempotencyKey: 42 }, /idempotencyKey: /],
  ])('%s: refused with what is wrong and what is accepted, logged, nothing started', async (_name, payload, why) => {
    world.addRecoveryPoint({ table: 'orders', ageMinutes: 5 });
    const { summary, warnings } = await invokeCapturingWarnings(payload);
    expect(summary).toMatchObject({ trigger: 'manual', drills: [] });
    expect(summary.refused).toMatch(/^manual drill refused, nothing was started: /);
    expect(summary.refused).toMatch(why);
    expect(summary.refused).toContain('Accepted: {"tables": ["<table name or ARN>", ...], "idempotencyKey": "<optional');
    expect(warnings).toContainEqual({ message: 'manual drill refused', extra: { reason: summary.refused } });
    expectNothingStarted();
  });

  test('only tables this stack does not drill: refused, naming them and the drilled ones', async () => {
    const { summary } = await invokeCapturingWarnings({ tables: ['invoices'] });
    expect(summary.refused).toBe(
      'manual drill refused, nothing was started: no table named is drilled by this stack (invoices); drilled tables: orders',
    );
    expectNothingStarted();
  });
});

describe('events that are not drill triggers', () => {
  test.each([
    ['a malformed scheduled event', { ...scheduledEvent(), time: 'yesterday' }],
    [
      'a backup job that FAILED',
      { ...backupCompletedEvent('orders'), detail: { ...backupCompletedEvent('orders').detail, state: 'FAILED' } },
    ],
    ['an S3 event', { Records: [{ s3: {} }] }],
    ['an array', [{ tables: ['orders'] }]],
    ['null', null],
  ])('%s is ignored with a log line and nothing is called', async (_name, event) => {
    const summary = await world.invoke(event);
    expect(summary.trigger).toBe('ignored');
    expect(summary.ignored).toEqual(expect.any(String));
    expectNothingStarted();
    expect(world.dynamodb.calls('scanItems')).toEqual([]);
    expect(world.dynamodb.calls('countItems')).toEqual([]);
  });

  test('a restore event for a job no drill started is ignored', async () => {
    const summary = await world.invoke(restoreJobEvent('someone-elses-job', 'COMPLETED'));
    expect(summary.ignored).toBe('unknown restore job someone-elses-job');
    expect(world.notifier.all()).toHaveLength(0);
  });
});
