import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface ScanFanOutProps {
  /** The worker (lambda/fanout/handler.ts): `scan` a group of segments, `combine` partial results. */
  readonly worker: lambda.IFunction;
  /**
   * How long the whole scan may take before the execution times out (and the drill reports it).
   * @default 12 hours
   */
  readonly timeout?: Duration;
}

/**
 * A scan too large for one invocation, on AWS Step Functions: a Map runs one worker per group of
 * scan segments (at most `$.maxConcurrency` at once: the drill derives it from the copy's read
 * capacity and its setting), a combiner adds their partial digests and counts, and while any
 * worker ran short of time and left positions, the next round scans from there. A worker that
 * fails is retried; one that still fails ends the execution with `failed: true`, so the drill
 * reports a FAIL and deletes the copy as on every other path.
 *
 * An inline Map: its iterations count in the execution's history (25,000 events, Step Functions
 * quotas), about 5 per worker, so a round stays well below it at hundreds of workers; a
 * Distributed Map is the next step for thousands (research notes 14.3).
 */
export class ScanFanOut extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ScanFanOutProps) {
    super(scope, id);
    // Lambda's own 15 minutes: set explicitly (a task without TimeoutSeconds waits 60 s in some interpreters, forever on AWS).
    const taskTimeout = sfn.Timeout.duration(Duration.minutes(15));
    const scanGroup = new tasks.LambdaInvoke(this, 'ScanGroup', {
      lambdaFunction: props.worker,
      payload: sfn.TaskInput.fromObject({ action: 'scan', 'group.$': '$.group' }),
      payloadResponseOnly: true,
      taskTimeout,
    });
    scanGroup.addRetry({ errors: ['States.TaskFailed'], maxAttempts: 2, interval: Duration.seconds(5), backoffRate: 2 });
    const scanGroups = new sfn.Map(this, 'ScanGroups', {
      itemsPath: '$.groups',
      maxConcurrencyPath: '$.maxConcurrency',
      itemSelector: { 'group.$': '$$.Map.Item.Value' },
      resultPath: '$.partials',
    });
    scanGroups.itemProcessor(scanGroup);
    const combine = new tasks.LambdaInvoke(this, 'Combine', {
      lambdaFunction: props.worker,
      payload: sfn.TaskInput.fromObject({
        action: 'combine',
        'totals.$': '$.totals',
        'partials.$': '$.partials',
        'tableName.$': '$.tableName',
        'segmentsPerWorker.$': '$.segmentsPerWorker',
        'pageItemLimit.$': '$.pageItemLimit',
        'maxConcurrency.$': '$.maxConcurrency',
      }),
      payloadResponseOnly: true,
      taskTimeout,
    });
    const scanned = new sfn.Succeed(this, 'Scanned');
    const failed = new sfn.Pass(this, 'ScanFailed', {
      parameters: { failed: true, 'error.$': '$.error' },
    }).next(new sfn.Succeed(this, 'ReportedFailure'));
    scanGroups.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    const definition = scanGroups
      .next(combine)
      .next(new sfn.Choice(this, 'MoreToScan').when(sfn.Condition.booleanEquals('$.done', true), scanned).otherwise(scanGroups));
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: props.timeout ?? Duration.hours(12),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH }),
        level: sfn.LogLevel.ERROR,
      },
    });
  }
}
