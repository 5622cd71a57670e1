import { ArnFormat, Aws, Duration, Fn, Names, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge, acknowledgeWildcardResources } from '../nag-findings';

export interface ScanFanOutProps {
  /** The worker (lambda/fanout/handler.ts): `scan` a group of segments, `combine` partial results. */
  readonly worker: lambda.IFunction;
  /** The drill function: told when the whole copy is read (`finished`) or the scan failed (`failed`). */
  readonly drill: lambda.IFunction;
  /** The state machine's name, from {@link fanOutStateMachineName}: the drill knows it before the state machine exists. */
  readonly stateMachineName: string;
  /**
   * How long the whole scan may take before the execution times out (and the drill reports it).
   * @default 12 hours
   */
  readonly timeout?: Duration;
}

/**
 * The name of a drill's fan-out state machine, fixed before it is created: the drill function's
 * environment and policy name it, and the state machine invokes the drill function, so a `Ref`
 * either way would be a dependency cycle. `restore-drill-fan-out-<stack uuid>-<8 hex of the
 * construct path>`: unique per stack (the uuid of AWS::StackId, known to CloudFormation even when
 * the stack name is chosen at deploy, as in the console template) and per drill of a stack, 67
 * characters of Step Functions' 80.
 */
export function fanOutStateMachineName(drill: IConstruct): string {
  const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  const pathHash = Names.uniqueResourceName(drill, { maxLength: 8 }).slice(-8).toLowerCase();
  return Fn.join('-', ['restore-drill-fan-out', stackUuid, pathHash]);
}

/** The ARN of a state machine of the stack's account and Region, by name. */
export function stateMachineArn(stack: Stack, name: string): string {
  return stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** The ARN pattern of the executions of a state machine, by its name. */
export function executionsArn(stack: Stack, name: string): string {
  return stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

// Lambda's own 15 minutes, set explicitly: a task without TimeoutSeconds waits 60 s in some interpreters, forever on AWS.
const TASK_TIMEOUT = sfn.Timeout.duration(Duration.minutes(15));

/**
 * A scan too large for one invocation, on AWS Step Functions (the contract in
 * lambda/fanout/contract.ts): a Map runs one worker per group of scan segments (at most
 * `$.maxConcurrency` at once: the drill derives it from the copy's read capacity and its
 * setting), a combiner merges their partial results into the next state, and while any worker
 * ran short of time and left positions, the next round scans from there. When all is read the
 * drill function finishes the drill with the merged totals; a worker or combiner that still
 * fails after its retries hands the error to the drill function, which reports the FAIL and
 * deletes the copy. Anything else that ends an execution (timeout, abort, the drill's own task
 * failing) reaches the drill through the status-change rule of {@link DrillFanOut}.
 *
 * An inline Map: its iterations count in the execution's history (25,000 events, Step Functions
 * quotas), about 5 per worker, so a round stays well below it at hundreds of workers; a
 * Distributed Map is the next step for thousands (research notes 14.3).
 */
export class ScanFanOut extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ScanFanOutProps) {
    super(scope, id);
    const scanGroup = new tasks.LambdaInvoke(this, 'ScanGroup', {
      lambdaFunction: props.worker,
      payload: sfn.TaskInput.fromObject({ action: 'scan', 'group.$': '$.group', 'facts.$': '$.facts' }),
      payloadResponseOnly: true,
      taskTimeout: TASK_TIMEOUT,
    });
    scanGroup.addRetry(WORKER_RETRY);
    const scanGroups = new sfn.Map(this, 'ScanGroups', {
      itemsPath: '$.groups',
      maxConcurrencyPath: '$.maxConcurrency',
      itemSelector: { 'group.$': '$$.Map.Item.Value', 'facts.$': '$.facts' },
      resultPath: '$.partials',
    });
    scanGroups.itemProcessor(scanGroup);
    const combine = new tasks.LambdaInvoke(this, 'Combine', {
      lambdaFunction: props.worker,
      payload: sfn.TaskInput.fromObject({ action: 'combine', 'state.$': '$' }),
      payloadResponseOnly: true,
      taskTimeout: TASK_TIMEOUT,
    });
    combine.addRetry(WORKER_RETRY);
    const finish = new tasks.LambdaInvoke(this, 'FinishDrill', {
      lambdaFunction: props.drill,
      payload: sfn.TaskInput.fromObject({
        fanOut: 'finished',
        'drillId.$': '$.drillId',
        'executionArn.$': '$$.Execution.Id',
        'totals.$': '$.totals',
      }),
      payloadResponseOnly: true,
      taskTimeout: TASK_TIMEOUT,
    });
    const reportFailure = new tasks.LambdaInvoke(this, 'ReportScanFailure', {
      lambdaFunction: props.drill,
      payload: sfn.TaskInput.fromObject({
        fanOut: 'failed',
        'drillId.$': '$.drillId',
        'executionArn.$': '$$.Execution.Id',
        'error.$': '$.error',
      }),
      payloadResponseOnly: true,
      resultPath: sfn.JsonPath.DISCARD,
      taskTimeout: TASK_TIMEOUT,
    });
    // The execution still ends FAILED (its status and the ExecutionsFailed metric tell the truth);
    // the status-change event that follows finds the drill already finished.
    const scanFailed = new sfn.Fail(this, 'ScanFailed', {
      error: 'FanOutScanFailed',
      cause: 'A scan worker or the combiner failed after its retries; the drill reported the FAIL and deleted the copy.',
    });
    reportFailure.next(scanFailed);
    scanGroups.addCatch(reportFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    combine.addCatch(reportFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    const definition = scanGroups
      .next(combine)
      .next(
        new sfn.Choice(this, 'MoreToScan')
          .when(sfn.Condition.booleanEquals('$.done', true), finish.next(new sfn.Succeed(this, 'Proven')))
          .otherwise(scanGroups),
      );
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      comment: 'Scans a restored copy too large for one drill invocation: workers over groups of segments, then the drill finishes',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: props.timeout ?? Duration.hours(12),
      tracingEnabled: true,
      // Every state transition, without the data (items never reach the state; facts and digests stay out of the logs).
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.acknowledgeFindings(props);
  }

  private acknowledgeFindings(props: ScanFanOutProps): void {
    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy') as IConstruct;
    acknowledgeWildcardResources(
      policy,
      [`${props.worker.functionArn}:*`, `${props.drill.functionArn}:*`],
      "CDK's LambdaInvoke grant: the versions and aliases of the worker and the drill function, these two functions only.",
    );
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) and CloudWatch Logs delivery (logs:CreateLogDelivery and its siblings) have no resource type in the Service Authorization Reference.',
    );
  }
}

/** A worker or combiner that failed (States.TaskFailed matches any error but States.Timeout) runs twice more, 5 s then 10 s later. */
const WORKER_RETRY: sfn.RetryProps = { errors: ['States.TaskFailed'], maxAttempts: 2, interval: Duration.seconds(5), backoffRate: 2 };
