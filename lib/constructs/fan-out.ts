import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RESTORED_COPIES_REASON, acknowledge, acknowledgeWildcardResources } from '../nag-findings';
import { DRILL_FUNCTION_MEMORY_MB } from '../settings';
import { FAN_OUT_STATE_MACHINE_ARN } from './drill-function';
import { type FunctionCodeSource, buildNodejsFunction } from './node-function';
import { ScanFanOut } from './scan-fan-out';

/** What a fan-out worker reads of a restored copy: its items, nothing else. */
export const WORKER_TABLE_READS = ['dynamodb:Scan'] as const;

export interface DrillFanOutProps {
  /** The drill function: the state machine finishes drills with it, the status-change rule targets it. */
  readonly drill: lambda.IFunction;
  /** The drill function's environment (its config: tables, targets, checks), which the worker reads too. */
  readonly drillEnvironment: Readonly<Record<string, string>>;
  /** From fanOutStateMachineName: the drill's environment and policy name it already. */
  readonly stateMachineName: string;
  /** `table/<prefix>*`: the restored copies, the only tables a worker reads. */
  readonly restoredTablesArn: string;
  /**
   * Native mode: `table/awsbackup-restore-test-*`, the restore tests' copies, read too.
   * @default - drill mode: none
   */
  readonly restoreTestCopiesArn?: string;
  /**
   * The key restored copies are encrypted with: the worker decrypts with it through DynamoDB only.
   * @default - copies use the DynamoDB-owned key: no KMS permission
   */
  readonly restoreKmsKeyArn?: string;
  /** Where a status-change event goes that still fails to reach the drill after its retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /** @default 'asset' */
  readonly codeSource?: FunctionCodeSource;
  /** The user's custom check modules (absolute paths), bundled into the worker as into the drill. @default - none */
  readonly customCheckModules?: readonly string[];
  /** @default 12 hours */
  readonly timeout?: Duration;
}

/**
 * The fan-out of a drill (the contract in lambda/fanout/contract.ts): the worker function
 * (lambda/fanout/handler.ts) with its own least-privilege role, the state machine that runs it
 * over groups of scan segments (lib/constructs/scan-fan-out.ts), and the EventBridge rule that
 * tells the drill function when an execution ends without having told it (FAILED, TIMED_OUT,
 * ABORTED), so the drill reports and deletes the copy on every path.
 */
export class DrillFanOut extends Construct {
  public readonly worker: lambda.Function;
  public readonly workerRole: iam.Role;
  public readonly workerLogGroup: logs.LogGroup;
  public readonly stateMachine: sfn.StateMachine;
  public readonly executionEndedRule: events.Rule;

  constructor(scope: Construct, id: string, props: DrillFanOutProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // The drill's configuration, not its hand-off: a worker never starts a fan-out.
    const environment = Object.fromEntries(Object.entries(props.drillEnvironment).filter(([name]) => name !== FAN_OUT_STATE_MACHINE_ARN));
    const worker = buildNodejsFunction(
      this,
      { function: 'WorkerFunction', logGroup: 'WorkerLogs', role: 'WorkerRole' },
      {
        description: "Scans a group of a restored copy's segments for the drill's fan-out, and combines partial results",
        entry: 'fanout/handler.ts',
        codeSource: props.codeSource,
        checkModules: props.customCheckModules,
        memorySize: DRILL_FUNCTION_MEMORY_MB,
        timeout: Duration.minutes(15),
        logRetention: logs.RetentionDays.THREE_MONTHS,
        roleDescription: "Reads restored copies for the restore drill's fan-out",
        tracing: lambda.Tracing.ACTIVE,
        environment,
      },
    );
    this.worker = worker.function;
    this.workerRole = worker.role;
    this.workerLogGroup = worker.logGroup;
    const copies = [props.restoredTablesArn, ...(props.restoreTestCopiesArn === undefined ? [] : [props.restoreTestCopiesArn])];
    const permissions = new iam.Policy(this, 'WorkerPermissions', {
      roles: [this.workerRole],
      statements: [
        new iam.PolicyStatement({ sid: 'ScanRestoredCopiesOnly', actions: [...WORKER_TABLE_READS], resources: copies }),
        ...(props.restoreKmsKeyArn === undefined
          ? []
          : [
              new iam.PolicyStatement({
                sid: 'ReadCopiesEncryptedWithTheRestoreKeyThroughDynamoDb',
                actions: ['kms:Decrypt'],
                resources: [props.restoreKmsKeyArn],
                // "<service>.<region>.amazonaws.com" (KMS developer guide, "kms:ViaService").
                conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` } },
              }),
            ]),
      ],
    });

    const scan = new ScanFanOut(this, 'Scan', {
      worker: this.worker,
      drill: props.drill,
      stateMachineName: props.stateMachineName,
      timeout: props.timeout,
    });
    this.stateMachine = scan.stateMachine;

    // The documented event (Step Functions developer guide, "Automating Step Functions event
    // delivery with EventBridge": source aws.states, detail-type "Step Functions Execution Status
    // Change", detail.status and detail.stateMachineArn).
    this.executionEndedRule = new events.Rule(this, 'ExecutionEnded', {
      description: 'Tells the drill when a fan-out execution fails, times out or is aborted, so it reports and deletes the copy',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [this.stateMachine.stateMachineArn] },
      },
      targets: [
        new eventTargets.LambdaFunction(props.drill, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    acknowledgeWildcardResources(permissions, copies, RESTORED_COPIES_REASON);
    acknowledge(
      this.worker,
      'Serverless-LambdaDLQ',
      'Invoked synchronously by the fan-out state machine only, which retries it and hands a lasting failure to the drill: there is no asynchronous event to keep.',
    );
    acknowledge(
      this.workerRole,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource type.',
    );
  }
}
