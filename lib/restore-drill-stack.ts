import { BootstraplessSynthesizer, CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CONSOLE_PARAMETERS, addConsoleParameters } from './console-template';
import { RestoreDrill } from './restore-drill';
import type { RestoreDrillSettings } from './settings';

export interface RestoreDrillStackProps extends StackProps {
  /** The drill settings, usually from `settingsFromContext`. @default - every setting at its default */
  readonly settings?: RestoreDrillSettings;
  /**
   * Build the console template (`npm run template`): a template that deploys from the
   * CloudFormation console in an account that never ran `cdk bootstrap`. The Lambda code is
   * inline, the settings a console user chooses are parameters (lib/console-template.ts) with
   * `settings` as their defaults, and the stack has the BootstraplessSynthesizer: no
   * BootstrapVersion parameter or rule, and any asset fails the synth ("Cannot add assets to a
   * Stack that uses the BootstraplessSynthesizer").
   * @default false: `cdk deploy` with assets
   */
  readonly consoleTemplate?: boolean;
}

/** The deployable app: one {@link RestoreDrill} and the outputs an operator (or the local harness) needs. */
export class RestoreDrillStack extends Stack {
  public readonly drill: RestoreDrill;

  constructor(scope: Construct, id: string, props: RestoreDrillStackProps = {}) {
    super(scope, id, props.consoleTemplate ? { ...props, synthesizer: new BootstraplessSynthesizer() } : props);
    this.drill = new RestoreDrill(this, 'Drill', {
      ...props.settings,
      ...(props.consoleTemplate ? { codeSource: 'inline', deployTime: addConsoleParameters(this, props.settings ?? {}) } : {}),
    });
    if (props.consoleTemplate) this.groupConsoleParameters();

    new CfnOutput(this, 'DrillFunctionName', { value: this.drill.drillFunction.functionName });
    new CfnOutput(this, 'ReportTopicArn', { value: this.drill.topic.topicArn });
    new CfnOutput(this, 'HistoryTableName', { value: this.drill.historyTable.tableName });
    new CfnOutput(this, 'FixtureTableName', { value: this.drill.fixtureTable.tableName });
    new CfnOutput(this, 'BackupVaultName', { value: this.drill.vault.backupVaultName });
    new CfnOutput(this, 'RestoreRoleArn', { value: this.drill.restoreRole.roleArn });
    // The `restore-drill` CLI reads these: which tables `run` drills by default, where the logs are.
    new CfnOutput(this, 'DrilledTableArns', {
      description: 'The tables this stack drills (tables chosen at deploy time in the console template are not listed)',
      value: Fn.join(
        ',',
        this.drill.drilledTables.map((table) => table.tableArn),
      ),
    });
    new CfnOutput(this, 'DrillLogGroupName', { value: this.drill.drillLogGroup.logGroupName });
  }

  /** The order and labels the CloudFormation console shows the parameters in (AWS::CloudFormation::Interface). */
  private groupConsoleParameters(): void {
    const present = (ids: readonly string[]) => ids.filter((id) => this.node.tryFindChild(id) !== undefined);
    const p = CONSOLE_PARAMETERS;
    this.templateOptions.metadata = {
      'AWS::CloudFormation::Interface': {
        ParameterGroups: [
          { Label: { default: 'What to drill' }, Parameters: present([p.tableArns]) },
          { Label: { default: 'Who hears about it' }, Parameters: present([p.notificationEmail, p.notifyFailuresOnly]) },
          {
            Label: { default: 'When, and what counts as a PASS' },
            Parameters: present([p.backupHourUtc, p.rpoTargetHours, p.rtoTargetMinutes]),
          },
        ],
        ParameterLabels: {
          [p.tableArns]: { default: 'Tables to drill (ARNs)' },
          [p.notificationEmail]: { default: 'Email for reports' },
          [p.notifyFailuresOnly]: { default: 'Email failures only' },
          [p.backupHourUtc]: { default: 'Daily backup hour (UTC)' },
          [p.rpoTargetHours]: { default: 'RPO target (hours)' },
          [p.rtoTargetMinutes]: { default: 'RTO target (minutes)' },
        },
      },
    };
  }
}
