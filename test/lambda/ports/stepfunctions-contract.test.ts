import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { FanOutState } from '../../../lambda/fanout/contract';
import { fanOutExecutionName } from '../../../lambda/fanout/contract';
import { createStepFunctionsPort, type StepFunctionsPort } from '../../../lambda/ports/stepfunctions-port';
import { FakeClock } from '../support/fake-clock';
import { FakeStepFunctions } from '../support/fakes/fake-step-functions';

/**
 * The Step Functions port's contract, as the drill relies on it, with the same assertions on the
 * real port (over aws-sdk-client-mock answering as the API reference documents StartExecution
 * and StopExecution: the same name and input while open succeeds with the same ARN; a closed
 * execution or another input is ExecutionAlreadyExists; StopExecution of an unknown ARN is
 * ExecutionDoesNotExist) and on the in-memory fake the flow tests run on.
 */

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:restore-drill-fan-out';
const START = new Date('2026-11-28T06:20:00.000Z');
const input = (drillId: string): FanOutState => ({
  drillId,
  facts: {} as FanOutState['facts'],
  tableName: `drill-copy-orders-${drillId}`,
  groups: [],
  segmentsPerWorker: 4,
  maxConcurrency: 3,
  pageItemLimit: 0,
  totals: { digest: '0:', items: 0, readUnits: 0, remaining: [], observers: {} },
  done: false,
});

/** StartExecution and StopExecution as the service answers them, kept in a map of executions by ARN. */
function onMockedClient(): StepFunctionsPort {
  const sfn = mockClient(SFNClient);
  const executions = new Map<string, { input?: string; open: boolean }>();
  sfn.on(StartExecutionCommand).callsFake((request: StartExecutionCommandInput) => {
    const executionArn = `${request.stateMachineArn?.replace(':stateMachine:', ':execution:')}:${request.name}`;
    const existing = executions.get(executionArn);
    if (existing && !(existing.open && existing.input === request.input)) {
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${executionArn}'`, $metadata: {} });
    }
    executions.set(executionArn, { input: request.input, open: true });
    return { executionArn, startDate: START };
  });
  sfn.on(StopExecutionCommand).callsFake(({ executionArn }: { executionArn: string }) => {
    const execution = executions.get(executionArn);
    if (!execution) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionArn}'`, $metadata: {} });
    execution.open = false;
    return { stopDate: START };
  });
  return createStepFunctionsPort(new SFNClient({ region: 'us-east-1' }), () => START.getTime());
}

const inMemory = (): StepFunctionsPort => new FakeStepFunctions(new FakeClock(START.getTime()));

describe.each([
  ['the Step Functions port on aws-sdk-client-mock', onMockedClient],
  ['the in-memory Step Functions', inMemory],
])('%s', (_name, create) => {
  let port: StepFunctionsPort;
  beforeEach(() => {
    port = create();
  });

  test("an execution named for the drill, its ARN the state machine's with the name", async () => {
    const name = fanOutExecutionName('20261128t060000z-0a1b2c3d');
    expect(await port.startExecution(STATE_MACHINE, name, input('20261128t060000z-0a1b2c3d'))).toEqual({
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:restore-drill-fan-out:${name}`,
      startedAt: START.toISOString(),
      existed: false,
    });
  });

  test('started again while open with the same input: the same execution, no error', async () => {
    const name = fanOutExecutionName('20261128t060000z-11111111');
    const first = await port.startExecution(STATE_MACHINE, name, input('20261128t060000z-11111111'));
    expect(await port.startExecution(STATE_MACHINE, name, input('20261128t060000z-11111111'))).toEqual({ ...first, existed: false });
  });

  test('started again after it closed, or with another input: the existing execution, said so', async () => {
    const name = fanOutExecutionName('20261128t060000z-22222222');
    const first = await port.startExecution(STATE_MACHINE, name, input('20261128t060000z-22222222'));
    const other = await port.startExecution(STATE_MACHINE, name, { ...input('20261128t060000z-22222222'), maxConcurrency: 9 });
    expect(other).toEqual({ executionArn: first.executionArn, startedAt: expect.any(String), existed: true });
    await port.stopExecution(first.executionArn, 'gave up');
    expect(await port.startExecution(STATE_MACHINE, name, input('20261128t060000z-22222222'))).toMatchObject({
      executionArn: first.executionArn,
      existed: true,
    });
  });

  test('stopping an execution that does not exist is no error', async () => {
    await expect(
      port.stopExecution(`${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:nobody`, 'gave up'),
    ).resolves.toBeUndefined();
  });
});

describe('the requests the port sends', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => sfn.reset());
  afterAll(() => sfn.restore());

  test('StartExecution: the state machine, the name, the state as JSON text; StopExecution: an error name and the cause', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:n', startDate: START });
    sfn.on(StopExecutionCommand).resolves({ stopDate: START });
    const port = createStepFunctionsPort(new SFNClient({ region: 'us-east-1' }), () => 0);
    await port.startExecution(STATE_MACHINE, 'drill-x', input('x'));
    await port.stopExecution('arn:aws:states:us-east-1:123456789012:execution:m:n', 'c'.repeat(40_000));
    expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE,
      name: 'drill-x',
      input: JSON.stringify(input('x')),
    });
    const stop = sfn.commandCalls(StopExecutionCommand)[0].args[0].input;
    expect(stop).toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:n',
      error: 'RestoreDrill.GaveUp',
      cause: expect.any(String),
    });
    expect(stop.cause).toHaveLength(32_768);
  });

  test('any other error of StartExecution reaches the drill (which then scans in its own invocation)', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const port = createStepFunctionsPort(new SFNClient({ region: 'us-east-1', maxAttempts: 1 }), () => 0);
    await expect(port.startExecution(STATE_MACHINE, 'drill-x', input('x'))).rejects.toThrow('Rate exceeded');
  });
});

describe('fanOutExecutionName', () => {
  test('deterministic, within 80 characters of A-Z a-z 0-9 _ -, distinct for distinct long ids', () => {
    expect(fanOutExecutionName('20261128t060000z-0a1b2c3d')).toBe('drill-20261128t060000z-0a1b2c3d');
    const long = (suffix: string) => fanOutExecutionName(`restore-test-${'a'.repeat(90)}${suffix}`);
    expect(long('1')).toHaveLength(80);
    expect(long('1')).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(long('1')).not.toBe(long('2'));
    expect(fanOutExecutionName('a.b:c/d')).toBe('drill-a-b-c-d');
  });
});
