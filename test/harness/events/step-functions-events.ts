import { randomUUID } from 'node:crypto';

/**
 * "Step Functions Execution Status Change", the event Step Functions sends to EventBridge when an
 * execution's status changes (Step Functions developer guide, "Automating Step Functions event
 * delivery with EventBridge" / "CloudWatch Events for Step Functions execution status changes"):
 * "the detail section in the event data provides the same information as the DescribeExecution
 * API", with startDate and stopDate in epoch milliseconds and input/output as JSON text, as in
 * the guide's examples (DOCUMENTED_EXECUTION_FAILED_EVENT: their fields and types; the dates of
 * this copy are illustrative).
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionStatusChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly source: 'aws.states';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: ExecutionStatus;
    readonly startDate: number;
    readonly stopDate: number | null;
    readonly input: string;
    readonly inputDetails: { readonly included: boolean };
    readonly output: string | null;
    readonly outputDetails: { readonly included: boolean } | null;
    readonly error?: string;
    readonly cause?: string;
  };
}

/** The guide's "Execution Failed" example (fields and types): the shape every built event is compared with (step-functions.test.ts). */
export const DOCUMENTED_EXECUTION_FAILED_EVENT: ExecutionStatusChangeEvent = {
  version: '0',
  id: '315c1398-40ff-a850-213b-158f73e60175',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '012345678912',
  time: '2019-02-26T19:42:21Z',
  region: 'us-east-1',
  resources: ['arn:aws:states:us-east-1:012345678912:execution:state-machine-name:execution-name'],
  detail: {
    executionArn: 'arn:aws:states:us-east-1:012345678912:execution:state-machine-name:execution-name',
    stateMachineArn: 'arn:aws:states:us-east-1:012345678912:stateMachine:state-machine',
    name: 'execution-name',
    status: 'FAILED',
    startDate: 1551225014968,
    stopDate: 1551225017576,
    input: '{}',
    inputDetails: { included: true },
    output: null,
    outputDetails: null,
  },
};

export interface ExecutionFacts {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

export function executionStatusChangeEvent(
  execution: ExecutionFacts,
  where: { readonly account: string; readonly region: string },
): ExecutionStatusChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: where.account,
    time: new Date((execution.stopDate ?? execution.startDate).getTime()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: where.region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate ? execution.stopDate.getTime() : null,
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output ?? null,
      outputDetails: execution.output === undefined ? null : { included: true },
      // DescribeExecution's error and cause, for a FAILED or TIMED_OUT execution.
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    },
  };
}

/**
 * Whether an event matches an EventBridge event pattern of exact values (what the stack's rules
 * use): every field the pattern names must be present with one of the listed values; nested
 * objects match recursively (EventBridge user guide, "Event patterns").
 */
export function matchesEventPattern(event: unknown, pattern: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const value = (event as Record<string, unknown> | null)?.[field];
    if (Array.isArray(expected)) return expected.includes(value);
    if (typeof expected === 'object' && expected !== null) return matchesEventPattern(value, expected as Record<string, unknown>);
    return false;
  });
}
