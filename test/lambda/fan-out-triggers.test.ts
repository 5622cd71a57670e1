import { parseTrigger } from '../../lambda/triggers';

/**
 * The three ways a fan-out execution's end reaches the drill (lambda/fanout/contract.ts): the
 * state machine's `finished` and `failed` invocations, and the EventBridge status change event.
 */

/**
 * Step Functions developer guide, "Automating Step Functions event delivery with EventBridge":
 * the example "Step Functions Execution Status Change" event (TIMED_OUT).
 */
const DOCUMENTED_TIMED_OUT = {
  version: '0',
  id: '315c1398-40ff-a850-213b-158f73e60175',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '123456789012',
  time: '2019-02-26T19:42:21Z',
  region: 'us-east-1',
  resources: ['arn:aws:states:us-east-1:123456789012:execution:state-machine-name:execution-name'],
  detail: {
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:state-machine-name:execution-name',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:state-machine',
    name: 'execution-name',
    status: 'TIMED_OUT',
    startDate: 1551225014968,
    stopDate: 1551225017576,
    input: '{}',
    inputDetails: { included: true },
    output: null,
    outputDetails: null,
  },
};

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:restore-drill-fan-out:drill-20261128t060000z-0a1b2c3d';
const TOTALS = { digest: '3:00', items: 3, readUnits: 1.5, remaining: [], observers: { 'item count': { t: 3 } } };

describe('fan-out triggers', () => {
  test("the documented status change event: the drill id from the execution's input, else its name", () => {
    expect(parseTrigger(DOCUMENTED_TIMED_OUT)).toEqual({
      kind: 'fan-out-ended',
      drillId: 'execution-name',
      end: { kind: 'status', executionArn: DOCUMENTED_TIMED_OUT.detail.executionArn, status: 'TIMED_OUT' },
    });
    const withInput = {
      ...DOCUMENTED_TIMED_OUT,
      detail: { ...DOCUMENTED_TIMED_OUT.detail, name: 'drill-20261128t060000z-0a1b2c3d', input: '{"drillId":"20261128t060000z-0a1b2c3d"}' },
    };
    expect(parseTrigger(withInput)).toMatchObject({ drillId: '20261128t060000z-0a1b2c3d' });
    // Input too large to include (inputDetails.included false): the name says it.
    const withoutInput = { ...withInput, detail: { ...withInput.detail, input: null, inputDetails: { included: false } } };
    expect(parseTrigger(withoutInput)).toMatchObject({ drillId: '20261128t060000z-0a1b2c3d' });
  });

  test("the state machine's `finished` invocation carries the merged totals", () => {
    expect(parseTrigger({ fanOut: 'finished', drillId: 'd-1', executionArn: EXECUTION, totals: TOTALS })).toEqual({
      kind: 'fan-out-ended',
      drillId: 'd-1',
      end: { kind: 'finished', executionArn: EXECUTION, totals: TOTALS },
    });
  });

  test("the Catch's `failed` invocation carries Step Functions' error output", () => {
    const error = { Error: 'Lambda.Unknown', Cause: 'The cause could not be determined because Lambda did not return an error type.' };
    expect(parseTrigger({ fanOut: 'failed', drillId: 'd-1', executionArn: EXECUTION, error })).toEqual({
      kind: 'fan-out-ended',
      drillId: 'd-1',
      end: { kind: 'failed', executionArn: EXECUTION, error },
    });
  });

  test('a malformed fan-out payload is ignored, said why, never taken for a manual drill', () => {
    expect(parseTrigger({ fanOut: 'finished', drillId: 'd-1', executionArn: EXECUTION })).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('fan-out payload that is malformed'),
    });
    expect(parseTrigger({ fanOut: 'finished', drillId: 'd-1', executionArn: EXECUTION, totals: { ...TOTALS, items: -1 } })).toMatchObject({
      kind: 'ignored',
    });
  });
});
