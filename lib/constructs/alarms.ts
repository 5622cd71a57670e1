import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DRILL_ALARM_SLACK_HOURS } from '../settings';
import { METRICS_NAMESPACE, SERVICE_NAME } from './drill-function';
import { keepFormerLogicalIds } from './former-logical-ids';

export interface DrillAlarmsProps {
  /** The drill Lambda, whose errors alarm. */
  readonly drillFunction: lambda.IFunction;
  /** Its failure queue, which alarms when not empty. */
  readonly failureQueue: sqs.IQueue;
  /** The drill schedule expression, as the dead man's switch names it. */
  readonly drillSchedule: string;
  /** The longest gap between two drills, in whole hours: the dead man's switch waits that plus DRILL_ALARM_SLACK_HOURS. */
  readonly drillScheduleLongestGapHours: number;
  /** Topics every alarm notifies. */
  readonly topics: readonly sns.ITopic[];
}

/** The drill's alarms: a drill failed, no drill finished in time (dead man's switch), Lambda errors, failure queue not empty. */
export class DrillAlarms extends Construct {
  public readonly drillFailed: cloudwatch.Alarm;
  public readonly noDrillFinished: cloudwatch.Alarm;
  public readonly lambdaErrors: cloudwatch.Alarm;
  public readonly failureQueueNotEmpty: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DrillAlarmsProps) {
    super(scope, id);
    const metric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.hours(1),
      });
    this.drillFailed = new cloudwatch.Alarm(this, 'DrillFailedAlarm', {
      alarmDescription: 'A restore drill failed: a backup did not restore, or not with the expected data. See the report.',
      metric: metric('DrillFailed'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Dead man's switch: silence is a failure too. The window is the schedule's longest gap between
    // runs plus two hours for a slow restore (26 h for a daily drill, 74 h over a weekend for a
    // weekday one); settings keep it within CloudWatch's 7-day limit for 1-hour periods.
    const silenceHours = props.drillScheduleLongestGapHours + DRILL_ALARM_SLACK_HOURS;
    this.noDrillFinished = new cloudwatch.Alarm(this, 'NoDrillFinishedAlarm', {
      alarmDescription: `No restore drill finished in the last ${silenceHours} hours (the longest gap of "${props.drillSchedule}" plus ${DRILL_ALARM_SLACK_HOURS}): the drill itself is not running.`,
      metric: metric('DrillCompleted'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: silenceHours,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.lambdaErrors = new cloudwatch.Alarm(this, 'DrillFunctionErrorsAlarm', {
      alarmDescription: 'The drill Lambda threw an error; see its logs.',
      metric: props.drillFunction.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failureQueueNotEmpty = new cloudwatch.Alarm(this, 'FailureQueueNotEmptyAlarm', {
      alarmDescription: 'A drill invocation or trigger event failed after all retries; see the failure queue.',
      metric: props.failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.drillFailed, this.noDrillFinished, this.lambdaErrors, this.failureQueueNotEmpty]) {
      for (const topic of props.topics) alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }
    keepFormerLogicalIds(this);
  }
}
