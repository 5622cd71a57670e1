import { type CfnCondition, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  NATIVE_BACKUPS_REASON,
  RESTORED_COPIES_REASON,
  acknowledgeWildcardResourceList,
  acknowledgeWildcardResources,
} from '../nag-findings';
import { keepFormerLogicalIds } from './former-logical-ids';
import { arnListWithSuffix, restoredTablesArn } from './table-arns';

export interface DrillRestoreRoleProps {
  /** Name prefix of the restored copies: the role creates and fills `table/<prefix>*` only. */
  readonly restoreTablePrefix: string;
  /** ARNs of the drilled tables: the role may restore their native DynamoDB backups. */
  readonly sourceTableArns: readonly string[];
  /** Keys of the vaults searched for recovery points: the role decrypts recovery points with them. */
  readonly vaultKeyArns: readonly string[];
  /**
   * Customer-managed key the restored copies are encrypted with.
   * @default - the encryption the restore chooses by default
   */
  readonly restoreKmsKeyArn?: string;
  /**
   * Table ARNs chosen at deploy time (comma-separated): their native backups too, in a policy
   * created only under `given`.
   * @default - none
   */
  readonly deployTimeTableArns?: { readonly arns: string; readonly given: CfnCondition };
}

/** The role AWS Backup assumes to restore a drilled table into a `<prefix>*` copy, and nothing else. */
export class DrillRestoreRole extends Construct {
  public readonly role: iam.Role;
  /** `table/<prefix>*`: the tables the role restores into. */
  public readonly restoredTablesArn: string;

  constructor(scope: Construct, id: string, props: DrillRestoreRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.restoredTablesArn = restoredTablesArn(stack, props.restoreTablePrefix);
    const anyKeyInRegion = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
    const nativeBackupArns = props.sourceTableArns.map((arn) => `${arn}/backup/*`);
    this.role = new iam.Role(this, 'RestoreRole', {
      description: `AWS Backup restores drilled tables into ${props.restoreTablePrefix}* copies`,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      inlinePolicies: {
        RestoreDrillCopies: restorePolicy({
          restoredTablesArn: this.restoredTablesArn,
          nativeBackupArns,
          anyKeyInRegion,
          viaDynamoDb: `dynamodb.${stack.region}.amazonaws.com`,
          vaultKeyArns: props.vaultKeyArns,
          restoreKmsKeyArn: props.restoreKmsKeyArn,
        }),
      },
    });
    const deployTimeBackups = props.deployTimeTableArns && arnListWithSuffix(props.deployTimeTableArns.arns, '/backup/*');
    let deployTimePolicy: iam.Policy | undefined;
    if (props.deployTimeTableArns && deployTimeBackups) {
      deployTimePolicy = new iam.Policy(this, 'RestoreDeployTimeTables', {
        roles: [this.role],
        statements: [
          new iam.PolicyStatement({
            sid: 'ReadNativeBackupsOfDeployTimeTables',
            actions: ['dynamodb:RestoreTableFromBackup'],
            resources: deployTimeBackups,
          }),
        ],
      });
      (deployTimePolicy.node.defaultChild as iam.CfnPolicy).cfnOptions.condition = props.deployTimeTableArns.given;
    }
    keepFormerLogicalIds(this);

    if (deployTimePolicy && deployTimeBackups) acknowledgeWildcardResourceList(deployTimePolicy, deployTimeBackups, NATIVE_BACKUPS_REASON);
    acknowledgeWildcardResources(this.role, [this.restoredTablesArn], RESTORED_COPIES_REASON);
    acknowledgeWildcardResources(this.role, nativeBackupArns, NATIVE_BACKUPS_REASON);
    acknowledgeWildcardResources(
      this.role,
      [anyKeyInRegion],
      'Drilled tables (hence their native backups) may be encrypted with any key; the statement applies only to calls made through DynamoDB in this Region (kms:ViaService), as in AWSBackupServiceRolePolicyForRestores.',
    );
  }
}

/**
 * What AWS Backup needs to restore a DynamoDB table into a drill copy, scoped down from the AWS
 * managed policy AWSBackupServiceRolePolicyForRestores (read from its published JSON):
 * DynamoDB item/describe actions on the target table, dynamodb:RestoreTableFromBackup on the source
 * backup (native backups) and the target table (its resource types are backup* and table*),
 * dynamodb:RestoreTableFromAwsBackup on the target table (advanced backups), and KMS use through
 * DynamoDB (kms:ViaService) plus kms:CreateGrant for AWS resources.
 */
function restorePolicy(scope: {
  restoredTablesArn: string;
  nativeBackupArns: readonly string[];
  anyKeyInRegion: string;
  viaDynamoDb: string;
  /** The stack's vault key and the keys of the other vaults searched (`vaultKeyArns`). */
  vaultKeyArns: readonly string[];
  restoreKmsKeyArn?: string;
}): iam.PolicyDocument {
  const viaDynamoDb = { 'kms:ViaService': scope.viaDynamoDb };
  const keyUse = [
    'kms:Decrypt',
    'kms:Encrypt',
    'kms:ReEncryptFrom',
    'kms:ReEncryptTo',
    'kms:GenerateDataKey',
    'kms:GenerateDataKeyWithoutPlaintext',
    'kms:DescribeKey',
  ];
  const statements = [
    new iam.PolicyStatement({
      sid: 'CreateAndFillDrillCopies',
      actions: [
        'dynamodb:RestoreTableFromAwsBackup',
        'dynamodb:RestoreTableFromBackup',
        'dynamodb:DescribeTable',
        'dynamodb:Scan',
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ],
      resources: [scope.restoredTablesArn],
    }),
    new iam.PolicyStatement({
      sid: 'ReadNativeBackupsOfDrilledTables',
      actions: ['dynamodb:RestoreTableFromBackup'],
      resources: [...scope.nativeBackupArns],
    }),
    new iam.PolicyStatement({
      sid: 'DecryptRecoveryPointsWithTheVaultKey',
      actions: ['kms:Decrypt', 'kms:DescribeKey'],
      resources: [...scope.vaultKeyArns],
    }),
    new iam.PolicyStatement({
      sid: 'GrantTheVaultKeyToAwsResources',
      actions: ['kms:CreateGrant'],
      resources: [...scope.vaultKeyArns],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
    // Source tables (hence native backups) may use any key; allow it only through DynamoDB.
    // This is all a source encrypted with a customer-managed key (per-table kmsKeyArn) needs here:
    // a native DynamoDB backup (arn:aws:dynamodb:...) is encrypted with the source table's key,
    // which DynamoDB uses on this role's behalf; an AWS Backup recovery point (arn:aws:backup:...)
    // is encrypted with its vault's key (the statements above) and the copy gets the default or
    // the restore key (AWS Backup developer guide, "Restore a DynamoDB table", encryption
    // settings). IAM grants a key only if its key policy lets the account's IAM policies do so
    // (the default key policy does); a key policy naming its principals must add this role.
    new iam.PolicyStatement({
      sid: 'UseTableKeysThroughDynamoDb',
      actions: keyUse,
      resources: [scope.anyKeyInRegion],
      conditions: { StringEquals: viaDynamoDb },
    }),
    new iam.PolicyStatement({
      sid: 'GrantKeysToDynamoDb',
      actions: ['kms:CreateGrant'],
      resources: [scope.anyKeyInRegion],
      conditions: { StringEquals: viaDynamoDb, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  ];
  if (scope.restoreKmsKeyArn !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'EncryptCopiesWithTheRestoreKey',
        actions: [...keyUse, 'kms:CreateGrant'],
        resources: [scope.restoreKmsKeyArn],
      }),
    );
  }
  return new iam.PolicyDocument({ statements });
}
