import type { RecoveryPoint } from '../domain/backup';
import type { Runbook } from '../domain/drill-record';
import type { TableSettings, TableShape } from '../ports/dynamodb-port';

/**
 * The tested recovery runbook a drill records: the StartRestoreJob request that worked, as an AWS
 * CLI command, how long the restore took, and each setting the source has that a restore does not
 * carry (AWS-FACTS "What a DynamoDB restore does not carry over"), with the command that re-applies
 * it. Commands follow the AWS CLI reference of each call: `backup start-restore-job` (Metadata a
 * string map, shorthand `k=v,k=v`), `dynamodb update-time-to-live`, `update-continuous-backups`,
 * `update-table` (--stream-specification, --deletion-protection-enabled), `tag-resource`,
 * `put-resource-policy`, `update-contributor-insights`, `application-autoscaling
 * register-scalable-target`.
 */

const NEW_TABLE = '<new-table-name>';

export interface RunbookFacts {
  readonly source: TableShape;
  readonly sourceTableArn: string;
  readonly sourceSettings?: TableSettings;
  readonly recoveryPoint: Pick<RecoveryPoint, 'recoveryPointArn' | 'backupVaultName'>;
  readonly restoreRoleArn: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly restoreDurationSeconds?: number;
}

export function buildRunbook(facts: RunbookFacts): Runbook {
  const { source, sourceSettings: settings } = facts;
  const metadata = { ...facts.metadata, targetTableName: NEW_TABLE };
  const restoreCommand = [
    'aws backup start-restore-job',
    `--recovery-point-arn ${facts.recoveryPoint.recoveryPointArn}`,
    `--iam-role-arn ${facts.restoreRoleArn}`,
    '--resource-type DynamoDB',
    `--metadata ${Object.entries(metadata)
      .map(([key, value]) => `${key}=${value}`)
      .join(',')}`,
  ].join(' \\\n  ');
  const reapply: { setting: string; command: string }[] = [];
  if (settings?.ttlAttribute) {
    reapply.push({
      setting: `TTL on ${settings.ttlAttribute}`,
      command: `aws dynamodb update-time-to-live --table-name ${NEW_TABLE} --time-to-live-specification Enabled=true,AttributeName=${settings.ttlAttribute}`,
    });
  }
  if (settings?.pointInTimeRecovery) {
    reapply.push({
      setting: 'point-in-time recovery',
      command: `aws dynamodb update-continuous-backups --table-name ${NEW_TABLE} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`,
    });
  }
  if (source.streamEnabled) {
    reapply.push({
      setting: 'stream (view type as on the source)',
      command: `aws dynamodb update-table --table-name ${NEW_TABLE} --stream-specification StreamEnabled=true,StreamViewType=$(aws dynamodb describe-table --table-name ${source.name} --query Table.StreamSpecification.StreamViewType --output text)`,
    });
  }
  if (settings && settings.tagCount > 0) {
    reapply.push({
      setting: `${settings.tagCount} tag${settings.tagCount === 1 ? '' : 's'}`,
      command: `aws dynamodb list-tags-of-resource --resource-arn ${facts.sourceTableArn}  # then: aws dynamodb tag-resource --resource-arn <new table ARN> --tags Key=...,Value=...`,
    });
  }
  if (source.deletionProtection) {
    reapply.push({
      setting: 'deletion protection',
      command: `aws dynamodb update-table --table-name ${NEW_TABLE} --deletion-protection-enabled`,
    });
  }
  // Not readable through the drill's DynamoDB permissions: always listed, with the command that finds and re-applies them.
  reapply.push(
    {
      setting: 'auto scaling (if the source has it)',
      command: `aws application-autoscaling describe-scalable-targets --service-namespace dynamodb --resource-ids table/${source.name}  # then register-scalable-target / put-scaling-policy for table/${NEW_TABLE}`,
    },
    {
      setting: 'resource policy (if the source has one)',
      command: `aws dynamodb get-resource-policy --resource-arn ${facts.sourceTableArn}  # then: aws dynamodb put-resource-policy --resource-arn <new table ARN> --policy file://policy.json`,
    },
    {
      setting: 'CloudWatch alarms on the table',
      command: `aws cloudwatch describe-alarms-for-metric --namespace AWS/DynamoDB --metric-name ConsumedReadCapacityUnits --dimensions Name=TableName,Value=${source.name}  # recreate each with TableName=${NEW_TABLE}`,
    },
    {
      setting: 'contributor insights (if enabled on the source)',
      command: `aws dynamodb update-contributor-insights --table-name ${NEW_TABLE} --contributor-insights-action ENABLE`,
    },
  );
  if (settings?.unread.length)
    reapply.push({ setting: `could not be read: ${settings.unread.join(', ')}`, command: 'check these on the source by hand' });
  return {
    recoveryPointArn: facts.recoveryPoint.recoveryPointArn,
    backupVaultName: facts.recoveryPoint.backupVaultName,
    restoreRoleArn: facts.restoreRoleArn,
    metadata,
    restoreCommand,
    restoreDurationSeconds: facts.restoreDurationSeconds,
    reapply,
  };
}
