import { type CfnCondition, Duration, Fn } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { keepFormerLogicalIds } from './former-logical-ids';

export interface DrillTriggersProps {
  /** The function every rule invokes. */
  readonly drillFunction: lambda.IFunction;
  /** Where an event goes that still fails to reach the function after the retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /** When a drill of every drilled table starts. */
  readonly drillSchedule: events.Schedule;
  /**
   * Table ARNs whose COMPLETED backup jobs start a drill too.
   * @default - none: no backup-completed rule
   */
  readonly drillAfterBackupOf?: readonly string[];
  /** The role of the drill's own restore jobs: when one of those ends, the drill resumes. */
  readonly restoreRole: iam.IRole;
  /**
   * More table ARNs chosen at deploy time (comma-separated, read only under `given`): their
   * completed backups start a drill too, with `drillAfterBackupOf`.
   * @default - none
   */
  readonly deployTimeTableArns?: { readonly arns: string; readonly given: CfnCondition };
}

/**
 * The EventBridge rules that invoke the drill: its schedule, optionally each completed backup of
 * a drilled table, and the end of each of its restore jobs (a restore can outlast an invocation).
 */
export class DrillTriggers extends Construct {
  public readonly scheduleRule: events.Rule;
  /** Present when `drillAfterBackupOf` is given. */
  public readonly backupCompletedRule?: events.Rule;
  public readonly restoreJobFinishedRule: events.Rule;

  constructor(scope: Construct, id: string, props: DrillTriggersProps) {
    super(scope, id);
    const drillTarget = new eventTargets.LambdaFunction(props.drillFunction, {
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: 2,
      maxEventAge: Duration.hours(2),
    });
    this.scheduleRule = new events.Rule(this, 'DrillSchedule', {
      description: 'Starts a restore drill of every drilled table',
      schedule: props.drillSchedule,
      targets: [drillTarget],
    });
    if (props.drillAfterBackupOf !== undefined) {
      this.backupCompletedRule = new events.Rule(this, 'DrillAfterBackup', {
        description: 'Starts a restore drill when a backup of a drilled table completes',
        eventPattern: {
          source: ['aws.backup'],
          detailType: ['Backup Job State Change'],
          detail: { state: ['COMPLETED'], resourceArn: [...props.drillAfterBackupOf] },
        },
        targets: [drillTarget],
      });
      const more = props.deployTimeTableArns;
      if (more) {
        const known = [...props.drillAfterBackupOf];
        (this.backupCompletedRule.node.defaultChild as events.CfnRule).addPropertyOverride(
          'EventPattern.detail.resourceArn',
          Fn.conditionIf(more.given.logicalId, Fn.split(',', Fn.join(',', [...known, more.arns])), known),
        );
      }
    }
    this.restoreJobFinishedRule = new events.Rule(this, 'RestoreJobFinished', {
      description: "Resumes a drill when its restore job ends (only the drill's own restore role)",
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { status: ['COMPLETED', 'FAILED', 'ABORTED'], iamRoleArn: [props.restoreRole.roleArn] },
      },
      targets: [drillTarget],
    });
    keepFormerLogicalIds(this);
  }
}
