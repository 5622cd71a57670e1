import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What AWS Backup needs to restore a DynamoDB table into a drill copy, scoped down from the AWS
 * managed policy AWSBackupServiceRolePolicyForRestores (read from its published JSON):
 * DynamoDB item/describe actions on the target table, dynamodb:RestoreTableFromBackup on the source
 * backup (native backups) and the target table (its resource types are backup* and table*),
 * dynamodb:RestoreTableFromAwsBackup on the target table (advanced backups), and KMS use through
 * DynamoDB (kms:ViaService) plus kms:CreateGrant for AWS resources.
 */
export function restorePolicy(scope: {
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
