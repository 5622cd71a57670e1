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
  /**
   * Native mode: restore testing plans whose ended restore jobs the drill validates: plan ARNs,
   * and `{ prefix }` for a plan adopted by name (its ARN is `...:restore-testing-plan:<name>-<id>`).
   * @default - drill mode: no restore test rule
   */
  readonly restoreTestingPlans?: readonly (string | { readonly prefix: string })[];
  /**
   * Table ARNs whose failed, aborted or expired backup jobs and failed copy jobs are reported
   * (with the deploy-time tables, when given).
   * @default - none: no backup failure rule
   */
  readonly backupFailuresOf?: readonly string[];
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
  /** Native mode: ended restore jobs of the validated restore testing plans. */
  public readonly restoreTestEndedRule?: events.Rule;
  /** Failed backup and copy jobs of the drilled tables. */
  public readonly backupFailedRule?: events.Rule;

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
    if (props.restoreTestingPlans !== undefined) {
      // The pattern of the restore testing validation guide ("Restore testing validation"), for
      // every status a restore test can end with: COMPLETED is validated, FAILED and ABORTED reported.
      this.restoreTestEndedRule = new events.Rule(this, 'RestoreTestEnded', {
        description: 'Validates a restore test of a drilled table when AWS Backup restore testing ends its restore job',
        eventPattern: {
          source: ['aws.backup'],
          detailType: ['Restore Job State Change'],
          detail: { status: ['COMPLETED', 'FAILED', 'ABORTED'], restoreTestingPlanArn: [...props.restoreTestingPlans] },
        },
        targets: [drillTarget],
      });
    }
    if (props.backupFailuresOf !== undefined) {
      // Backup jobs report `state` FAILED, ABORTED or EXPIRED; copy jobs FAILED (AWS Backup
      // developer guide, "Amazon EventBridge" examples). A copy job's other states are ignored by the drill.
      this.backupFailedRule = new events.Rule(this, 'BackupJobFailed', {
        description: 'Reports a failed, aborted or expired backup job, or a failed copy job, of a drilled table',
        eventPattern: {
          source: ['aws.backup'],
          detailType: ['Backup Job State Change', 'Copy Job State Change'],
          detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'], resourceArn: [...props.backupFailuresOf] },
        },
        targets: [drillTarget],
      });
      const more = props.deployTimeTableArns;
      if (more) {
        const known = [...props.backupFailuresOf];
        (this.backupFailedRule.node.defaultChild as events.CfnRule).addPropertyOverride(
          'EventPattern.detail.resourceArn',
          Fn.conditionIf(more.given.logicalId, Fn.split(',', Fn.join(',', [...known, more.arns])), known),
        );
      }
    }
    keepFormerLogicalIds(this);
  }
}
