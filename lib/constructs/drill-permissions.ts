import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CANARY_KEY_VALUE } from '../../lambda/config';
import { NATIVE_BACKUPS_REASON, RESTORED_COPIES_REASON, acknowledge, acknowledgeWildcardResources } from '../nag-findings';

/** What the drill reads of a source table (and of a restored copy). */
export const SOURCE_TABLE_READS = [
  'dynamodb:DescribeTable',
  'dynamodb:Scan',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:DescribeTimeToLive',
  'dynamodb:DescribeContinuousBackups',
  'dynamodb:ListTagsOfResource',
] as const;

/** What the drill function reaches besides its own logs, queue, history table and topics. */
export interface DrillPermissionsScope {
  /** `table/<prefix>*`: the restored copies. */
  readonly restoredTablesArn: string;
  readonly sourceTableArns: readonly string[];
  readonly vaultNames: readonly string[];
  readonly canaryTableArns: readonly string[];
  /** The role the drill passes to AWS Backup. */
  readonly restoreRoleArn: string;
  readonly restoreKmsKeyArn?: string;
  /** The drill keeps FAILed copies (keepFailedCopyHours) and tags them with their expiry. */
  readonly tagRestoredCopies?: boolean;
  /** Customer-managed keys of drilled tables (`kmsKeyArn`), and those of canary tables among them. */
  readonly sourceTableKeyArns: readonly string[];
  readonly canaryTableKeyArns: readonly string[];
  /**
   * Native mode: `table/awsbackup-restore-test-*`, the restore tests' copies the drill reads and
   * validates (PutRestoreValidationResult).
   * @default - drill mode: none
   */
  readonly restoreTestCopiesArn?: string;
  /**
   * The fan-out state machine (by name, not reference: it invokes the drill) and its executions.
   * @default - no fan-out
   */
  readonly fanOut?: { readonly stateMachineArn: string; readonly executionsArn: string };
}

/**
 * The drill Lambda's permissions, one statement per purpose. Resource types and condition keys
 * verified against the Service Authorization Reference (list_awsbackup, as mirrored by
 * iam-floyd's generated backup statements):
 * - ListRecoveryPointsByBackupVault: resource type backupVault (required).
 * - DescribeRestoreJob: no resource type, so Resource "*".
 * Only what lambda/ports calls is granted (test/lib/engine-permissions.test.ts holds it to that):
 * recovery points are listed per vault, and no index of a drilled table is queried.
 * - StartRestoreJob: resource type recoveryPoint
 *   (arn:aws:backup:<region>:<account>:recovery-point:<id>); StartRestoreJob depends on iam:PassRole.
 *   The recovery-point ARN carries no vault name, so "only recovery points of the drill's vaults"
 *   cannot be expressed in IAM; the statement is limited to this account and Region, plus the
 *   native DynamoDB backups (table/<source>/backup/*) of the drilled tables. The engine only
 *   restores what it found in the configured vaults.
 */
export function drillPolicyStatements(stack: Stack, scope: DrillPermissionsScope): iam.PolicyStatement[] {
  const readableTables = [...scope.sourceTableArns, scope.restoredTablesArn];
  const statements = [
    new iam.PolicyStatement({
      sid: 'ListRecoveryPointsInDrillVaults',
      actions: ['backup:ListRecoveryPointsByBackupVault'],
      resources: scope.vaultNames.map((name) =>
        stack.formatArn({ service: 'backup', resource: 'backup-vault', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ),
    }),
    new iam.PolicyStatement({
      sid: 'RestoreRecoveryPoints',
      actions: ['backup:StartRestoreJob'],
      resources: [
        stack.formatArn({ service: 'backup', resource: 'recovery-point', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        ...scope.sourceTableArns.map((arn) => `${arn}/backup/*`),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'FollowRestoreJobs',
      actions: ['backup:DescribeRestoreJob'],
      resources: ['*'],
    }),
    // A StartRestoreJob repeated with the same token may succeed without a RestoreJobId; the
    // drill then finds its job among the restore jobs of the source table. No resource type in
    // the Service Authorization Reference (list_awsbackup), so Resource "*"; read-only.
    new iam.PolicyStatement({
      sid: 'FindRestoreJobsStartedWithoutAnId',
      actions: ['backup:ListRestoreJobsByProtectedResource'],
      resources: ['*'],
    }),
    // Before a restore the drill asks KMS who manages the key a source is encrypted with, when it
    // is not the table's configured kmsKeyArn: DescribeTable reports the same kind of ARN for the
    // AWS managed key aws/dynamodb and for a customer-managed key. Metadata only (no key use);
    // keys of this account and Region, where the drilled tables and their AWS managed key are.
    new iam.PolicyStatement({
      sid: 'TellAwsManagedFromCustomerKeys',
      actions: ['kms:DescribeKey'],
      resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
    }),
    new iam.PolicyStatement({
      sid: 'PassTheRestoreRoleToBackupOnly',
      actions: ['iam:PassRole'],
      resources: [scope.restoreRoleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'ReadSourceTablesAndRestoredCopies',
      actions: [...SOURCE_TABLE_READS],
      resources: readableTables,
    }),
    new iam.PolicyStatement({
      sid: 'DeleteRestoredCopiesOnly',
      actions: ['dynamodb:DeleteTable'],
      resources: [scope.restoredTablesArn],
    }),
    ...(scope.tagRestoredCopies
      ? [
          new iam.PolicyStatement({
            sid: 'TagKeptCopiesOnly',
            actions: ['dynamodb:TagResource'],
            resources: [scope.restoredTablesArn],
          }),
        ]
      : []),
    new iam.PolicyStatement({
      sid: 'ListTables',
      actions: ['dynamodb:ListTables'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'WriteCanaryItemsOnly',
      actions: ['dynamodb:PutItem'],
      resources: [...scope.canaryTableArns],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CANARY_KEY_VALUE] } },
    }),
  ];
  // Source tables encrypted with a customer-managed key: DynamoDB uses the key on the caller's
  // behalf, so the caller needs it (kms:Decrypt to read items; kms:Encrypt and
  // kms:GenerateDataKey to write them: the canary PutItem). Only through DynamoDB in this Region
  // (kms:ViaService is "<service>.<region>.amazonaws.com": KMS developer guide, "kms:ViaService").
  const viaDynamoDb = { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` } };
  if (scope.sourceTableKeyArns.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadSourceTablesEncryptedWithTheirKeys',
        actions: ['kms:Decrypt'],
        resources: [...scope.sourceTableKeyArns],
        conditions: viaDynamoDb,
      }),
    );
  }
  if (scope.canaryTableKeyArns.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'WriteCanaryItemsToEncryptedSourceTables',
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [...scope.canaryTableKeyArns],
        conditions: viaDynamoDb,
      }),
    );
  }
  if (scope.restoreTestCopiesArn !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadRestoreTestCopies',
        actions: [...SOURCE_TABLE_READS],
        resources: [scope.restoreTestCopiesArn],
      }),
      // No resource type for PutRestoreValidationResult in the Service Authorization Reference
      // (AWS Backup's resource types: backupVault, backupPlan, recoveryPoint, framework, reportPlan,
      // legalHold, restoreTestingPlan; no restore job), so Resource "*". An identity policy reaches
      // only this account's restore jobs; the condition keeps it to this Region.
      new iam.PolicyStatement({
        sid: 'ValidateRestoreTestsOfThisRegion',
        actions: ['backup:PutRestoreValidationResult'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
      }),
    );
  }
  if (scope.fanOut !== undefined) {
    statements.push(
      // The drill hands a copy too large for one invocation to its own state machine, nothing else.
      new iam.PolicyStatement({
        sid: 'StartFanOutScansOnly',
        actions: ['states:StartExecution'],
        resources: [scope.fanOut.stateMachineArn],
      }),
      // A drill that gives up on its execution (its sweep, past the timeout) stops it.
      new iam.PolicyStatement({
        sid: 'StopOwnFanOutScansOnly',
        actions: ['states:StopExecution'],
        resources: [scope.fanOut.executionsArn],
      }),
    );
  }
  if (scope.restoreKmsKeyArn !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadRestoredCopiesEncryptedWithTheRestoreKey',
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [scope.restoreKmsKeyArn],
      }),
    );
  }
  return statements;
}

/** The cdk-nag findings of the drill policy, each acknowledged with its reason. */
export function acknowledgeDrillPolicy(policy: iam.Policy, scope: DrillPermissionsScope): void {
  const stack = Stack.of(policy);
  acknowledge(
    policy,
    'AwsSolutions-IAM5[Resource::*]',
    scope.restoreTestCopiesArn === undefined
      ? 'backup:DescribeRestoreJob, backup:ListRestoreJobsByProtectedResource and dynamodb:ListTables have no resource type in the Service Authorization Reference; all are read-only.'
      : 'backup:DescribeRestoreJob, backup:ListRestoreJobsByProtectedResource and dynamodb:ListTables (read-only) and backup:PutRestoreValidationResult (writes only a restore test validation status, limited to this Region) have no resource type in the Service Authorization Reference.',
  );
  if (scope.restoreTestCopiesArn !== undefined) {
    acknowledgeWildcardResources(
      policy,
      [scope.restoreTestCopiesArn],
      'Restore testing names every DynamoDB copy awsbackup-restore-test-<random>: the prefix is the only handle on the copies the drill reads (no write, no delete).',
    );
  }
  acknowledgeWildcardResources(
    policy,
    [stack.formatArn({ service: 'backup', resource: 'recovery-point', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    'Recovery-point ARNs carry no vault name, so IAM cannot limit StartRestoreJob to the drill vaults; limited to this account and Region.',
  );
  acknowledgeWildcardResources(policy, [scope.restoredTablesArn], RESTORED_COPIES_REASON);
  if (scope.fanOut !== undefined) {
    acknowledgeWildcardResources(
      policy,
      [scope.fanOut.executionsArn],
      "Executions of the drill's own fan-out state machine: an execution's name is the drill's, made at run time.",
    );
  }
  acknowledgeWildcardResources(
    policy,
    [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
    'kms:DescribeKey only (key metadata, no use of a key) on the keys of this account and Region: the drill reads KeyManager of whatever key a source table reports, to tell the AWS managed key from a customer-managed one.',
  );
  acknowledgeWildcardResources(
    policy,
    scope.sourceTableArns.map((arn) => `${arn}/backup/*`),
    NATIVE_BACKUPS_REASON,
  );
}
