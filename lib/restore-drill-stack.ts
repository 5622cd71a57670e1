import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { RestoreDrill } from './restore-drill';
import type { RestoreDrillSettings } from './settings';

export interface RestoreDrillStackProps extends StackProps {
  /** The drill settings, usually from `settingsFromContext`. @default - every setting at its default */
  readonly settings?: RestoreDrillSettings;
}

/** The deployable app: one {@link RestoreDrill} and the outputs an operator (or the local harness) needs. */
export class RestoreDrillStack extends Stack {
  public readonly drill: RestoreDrill;

  constructor(scope: Construct, id: string, props: RestoreDrillStackProps = {}) {
    super(scope, id, props);
    this.drill = new RestoreDrill(this, 'Drill', props.settings);

    new CfnOutput(this, 'DrillFunctionName', { value: this.drill.drillFunction.functionName });
    new CfnOutput(this, 'ReportTopicArn', { value: this.drill.topic.topicArn });
    new CfnOutput(this, 'HistoryTableName', { value: this.drill.historyTable.tableName });
    new CfnOutput(this, 'FixtureTableName', { value: this.drill.fixtureTable.tableName });
    new CfnOutput(this, 'BackupVaultName', { value: this.drill.vault.backupVaultName });
    new CfnOutput(this, 'RestoreRoleArn', { value: this.drill.restoreRole.roleArn });
  }
}
