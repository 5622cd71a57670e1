import { Names, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { RecoveryPointSelection } from '../../lambda/config';
import { RESTORE_TEST_TABLE_PREFIX } from '../../lambda/drill/restore-test';
import { SettingsError } from '../../lambda/settings/setting';
import { NATIVE_BACKUPS_REASON, acknowledgeWildcardResources } from '../nag-findings';
import { restorePolicy } from './restore-role';
import { restoredTablesArn } from './table-arns';

/**
 * "You can include up to 30 specific protected resource ARNs in ProtectedResourceArns" (AWS Backup
 * API Reference, CreateRestoreTestingSelection), and a plan holds at most 30 restore testing
 * selections (developer guide, "Restore testing quotas and parameters").
 */
export const TABLES_PER_RESTORE_TESTING_SELECTION = 30;
export const SELECTIONS_PER_RESTORE_TESTING_PLAN = 30;

export interface DrillRestoreTestingProps {
  /**
   * Tables the plan tests: one selection per 30 (AWS Backup's limit per selection), at most 30
   * selections (its limit per plan), so at most 900 tables.
   */
  readonly tableArns: readonly string[];
  /** Vaults the plan takes recovery points from. */
  readonly vaultArns: readonly string[];
  /** Keys of those vaults: the restore role decrypts recovery points with them. */
  readonly vaultKeyArns: readonly string[];
  /** The plan's cron expression (UTC). */
  readonly schedule: string;
  readonly startWindowHours: number;
  readonly selection: RecoveryPointSelection;
  readonly validationWindowHours: number;
  /**
   * Customer-managed key of the copies (the selection's RestoreMetadataOverrides).
   * @default - the encryption AWS Backup infers (Default)
   */
  readonly restoreKmsKeyArn?: string;
}

/**
 * AWS Backup restore testing for the drilled tables (native mode): a restore testing plan, one
 * selection of the tables, and the role AWS Backup restores them with, scoped like the drill's
 * own restore role but to the only copies restore testing makes, `table/awsbackup-restore-test-*`
 * (developer guide, "Restore testing inferred metadata": DynamoDB targetTableName). New resources:
 * no former logical IDs to keep.
 */
export class DrillRestoreTesting extends Construct {
  public readonly plan: backup.CfnRestoreTestingPlan;
  /** The first selection (the first 30 tables). */
  public readonly selection: backup.CfnRestoreTestingSelection;
  /** Every selection, 30 tables each at most, in the order of the tables. */
  public readonly selections: readonly backup.CfnRestoreTestingSelection[];
  public readonly role: iam.Role;
  /** `table/awsbackup-restore-test-*`: every copy restore testing makes. */
  public readonly copiesArn: string;

  constructor(scope: Construct, id: string, props: DrillRestoreTestingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const most = TABLES_PER_RESTORE_TESTING_SELECTION * SELECTIONS_PER_RESTORE_TESTING_PLAN;
    if (props.tableArns.length > most) {
      throw new SettingsError(
        'tables',
        `${props.tableArns.length} tables for restoreMode native; one restore testing plan tests at most ${most}: ${SELECTIONS_PER_RESTORE_TESTING_PLAN} selections (AWS Backup's quota per plan) of ${TABLES_PER_RESTORE_TESTING_SELECTION} table ARNs each (CreateRestoreTestingSelection)`,
        `at most ${most} tables in native mode, or restoreMode drill (any number, maxConcurrentRestores at once)`,
      );
    }
    this.copiesArn = restoredTablesArn(stack, RESTORE_TEST_TABLE_PREFIX);
    const anyKeyInRegion = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
    const nativeBackupArns = props.tableArns.map((arn) => `${arn}/backup/*`);
    // "must contain the permissions found in AWSBackupServiceRolePolicyForRestores" (developer
    // guide, "Restore testing", console part II); trusted by AWS Backup (troubleshooting #4).
    this.role = new iam.Role(this, 'Role', {
      description: `AWS Backup restore testing restores drilled tables into ${RESTORE_TEST_TABLE_PREFIX}* copies`,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      inlinePolicies: {
        RestoreTestCopies: restorePolicy({
          restoredTablesArn: this.copiesArn,
          nativeBackupArns,
          anyKeyInRegion,
          viaDynamoDb: `dynamodb.${stack.region}.amazonaws.com`,
          vaultKeyArns: props.vaultKeyArns,
          restoreKmsKeyArn: props.restoreKmsKeyArn,
        }),
      },
    });
    // AWS::Backup::RestoreTestingPlan: the name takes letters, digits and underscores only (50 at most).
    const planName = Names.uniqueResourceName(this, { maxLength: 50, separator: '_', allowedSpecialCharacters: '_' });
    this.plan = new backup.CfnRestoreTestingPlan(this, 'Plan', {
      restoreTestingPlanName: planName,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: 'Etc/UTC',
      startWindowHours: props.startWindowHours,
      recoveryPointSelection: {
        algorithm: props.selection.policy === 'random' ? 'RANDOM_WITHIN_WINDOW' : 'LATEST_WITHIN_WINDOW',
        // DynamoDB backups are snapshots (CONTINUOUS is point-in-time recovery of other services).
        recoveryPointTypes: ['SNAPSHOT'],
        includeVaults: [...props.vaultArns],
        selectionWindowDays: props.selection.windowDays,
      },
    });
    // 30 tables a selection. The first keeps the id and name it always had (logical IDs unchanged);
    // the others are `Tables2`, `drilled_tables_2`... (selection names are unique within a plan).
    const chunks: string[][] = [];
    for (let i = 0; i < Math.max(1, props.tableArns.length); i += TABLES_PER_RESTORE_TESTING_SELECTION) {
      chunks.push(props.tableArns.slice(i, i + TABLES_PER_RESTORE_TESTING_SELECTION));
    }
    this.selections = chunks.map((tableArns, i) => {
      const selection = new backup.CfnRestoreTestingSelection(this, i === 0 ? 'Tables' : `Tables${i + 1}`, {
        restoreTestingPlanName: planName,
        restoreTestingSelectionName: i === 0 ? 'drilled_tables' : `drilled_tables_${i + 1}`,
        protectedResourceType: 'DynamoDB',
        protectedResourceArns: tableArns,
        iamRoleArn: this.role.roleArn,
        validationWindowHours: props.validationWindowHours,
        // For DynamoDB only encryptionType and kmsMasterKeyArn can be overridden ("Restore testing inferred metadata").
        restoreMetadataOverrides:
          props.restoreKmsKeyArn === undefined ? undefined : { encryptionType: 'KMS', kmsMasterKeyArn: props.restoreKmsKeyArn },
      });
      // The plan name is a plain string here: the selection must wait for the plan.
      selection.node.addDependency(this.plan);
      return selection;
    });
    this.selection = this.selections[0];

    acknowledgeWildcardResources(
      this.role,
      [this.copiesArn],
      'Restore testing names every DynamoDB copy awsbackup-restore-test-<random> (AWS Backup developer guide, restore testing inferred metadata): the prefix is the only handle on them.',
    );
    acknowledgeWildcardResources(this.role, nativeBackupArns, NATIVE_BACKUPS_REASON);
    acknowledgeWildcardResources(
      this.role,
      [anyKeyInRegion],
      'Drilled tables (hence their native backups) may be encrypted with any key; the statement applies only to calls made through DynamoDB in this Region (kms:ViaService), as in AWSBackupServiceRolePolicyForRestores.',
    );
  }

  /** The plan's ARN (GetAtt RestoreTestingPlanArn). */
  get planArn(): string {
    return this.plan.attrRestoreTestingPlanArn;
  }
}
