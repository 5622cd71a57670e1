import { ArnFormat, type CfnCondition, type Duration, Fn, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge } from '../nag-findings';
import { keepFormerLogicalIds } from './former-logical-ids';

export interface DrillBackupProps {
  /** What the plan backs up: the drilled tables. */
  readonly resources: readonly backup.BackupResource[];
  /** When the backup rule runs (AWS Backup takes cron expressions only). */
  readonly schedule: events.Schedule;
  /** A job that has not started this long after its scheduled time is cancelled (at least 60 minutes). */
  readonly startWindow: Duration;
  /** A started job that runs longer is cancelled. */
  readonly completionWindow: Duration;
  /** How long a recovery point is kept. */
  readonly retention: Duration;
  /**
   * When recovery points move to cold storage (AWS Backup keeps them there at least 90 days).
   * @default - never
   */
  readonly coldStorageAfter?: Duration;
  /**
   * IAM principal ARNs that may still delete recovery points or shorten their life in the vault.
   * @default - only the account root user (break-glass)
   */
  readonly adminPrincipalArns?: readonly string[];
  /**
   * The construct the vault, plan and selection are named after (stack name, construct path and
   * hash: unique in the account).
   * @default - this construct
   */
  readonly nameScope?: Construct;
  /**
   * Table ARNs chosen at deploy time (the console template's `TableArns`, comma-separated): a
   * second selection of the plan, created only under `given`.
   * @default - none
   */
  readonly deployTimeTableArns?: { readonly arns: string; readonly given: CfnCondition };
}

/**
 * Backups of the drilled tables: a vault encrypted with a customer-managed key, whose access
 * policy denies deleting recovery points to all but the admins, and a plan with one daily rule
 * and a selection of the tables. The key and the vault are retained with the recovery points.
 */
export class DrillBackup extends Construct {
  /** Customer-managed key of the vault. */
  public readonly vaultKey: kms.Key;
  public readonly vault: backup.BackupVault;
  public readonly plan: backup.BackupPlan;
  public readonly selection: backup.BackupSelection;
  /** The selection of the tables chosen at deploy time, when `deployTimeTableArns` is given. */
  public readonly deployTimeSelection?: backup.CfnBackupSelection;

  constructor(scope: Construct, id: string, props: DrillBackupProps) {
    super(scope, id);
    const nameScope = props.nameScope ?? this;
    this.vaultKey = new kms.Key(this, 'VaultKey', {
      description: 'Encrypts the restore-drill backup vault',
      enableKeyRotation: true,
      // Recovery points are unreadable without it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: stackInstanceVaultName(nameScope),
      encryptionKey: this.vaultKey,
      accessPolicy: vaultAccessPolicy(Stack.of(this), props.adminPrincipalArns ?? []),
      // Recovery points are the thing being protected; a vault holding any cannot be deleted anyway.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Plan and selection names: CDK would name them after the construct id ("BackupPlan"), the
    // same in every copy of the stack. Named after the stack and construct path instead (1-50 of
    // a-z A-Z 0-9 - _ . for both: CreateBackupPlan, CreateBackupSelection API references).
    this.plan = new backup.BackupPlan(this, 'BackupPlan', {
      backupVault: this.vault,
      backupPlanName: uniqueBackupName(nameScope, 'plan'),
    });
    this.plan.addRule(
      new backup.BackupPlanRule({
        // Rule names need only be unique within their plan.
        ruleName: 'DailyDrilledTables',
        scheduleExpression: props.schedule,
        // Explicit windows: without them AWS Backup may start a job up to 8 hours late, after the
        // drill that expects it. Settings refuse a drill schedule that runs before they close.
        startWindow: props.startWindow,
        completionWindow: props.completionWindow,
        deleteAfter: props.retention,
        moveToColdStorageAfter: props.coldStorageAfter,
      }),
    );
    this.selection = this.plan.addSelection('DrilledTables', {
      backupSelectionName: uniqueBackupName(nameScope, 'tables'),
      resources: [...props.resources],
    });
    if (props.deployTimeTableArns) {
      // The same role as the selection above: AWS Backup's own policy for backup jobs.
      this.deployTimeSelection = new backup.CfnBackupSelection(this, 'DeployTimeTables', {
        backupPlanId: this.plan.backupPlanId,
        backupSelection: {
          selectionName: uniqueBackupName(nameScope, 'more-tables'),
          iamRoleArn: (this.selection.grantPrincipal as iam.IRole).roleArn,
          resources: Token.asList(Fn.split(',', props.deployTimeTableArns.arns)),
        },
      });
      this.deployTimeSelection.cfnOptions.condition = props.deployTimeTableArns.given;
    }
    keepFormerLogicalIds(this);

    acknowledge(
      this.selection,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      "AWS Backup's own role for backup jobs; AWS maintains this managed policy as backup features change (e.g. DynamoDB advanced backup), which a copy would miss.",
    );
  }
}

/**
 * A backup plan or selection name unique to this construct in its account: the stack name and
 * construct path with their hash (Names.uniqueResourceName), then `suffix`; at most `maxLength`.
 */
function uniqueBackupName(scope: Construct, suffix: string, maxLength = 50): string {
  const head = Names.uniqueResourceName(scope, {
    maxLength: maxLength - suffix.length - 1,
    separator: '-',
    allowedSpecialCharacters: '-_',
  });
  return `${head}-${suffix}`;
}

/**
 * The vault's name: unique to this construct (stack name, path, hash) and to this stack instance.
 *
 * Vault names are unique per account and Region (CreateBackupVault API reference; pattern
 * ^[a-zA-Z0-9\-\_]{2,50}$) and the vault is retained when the stack is deleted, so a name fixed at
 * synth made the next deploy of the same stack fail on the vault the last one left behind. The
 * stack id (AWS::StackId, `arn:...:stack/<name>/<uuid>`, pseudo-parameter reference) is new for
 * every stack created; its uuid's first group (8 hex digits) is taken: the stack-id examples are
 * time-based (version 1) uuids, whose first group is the fast-changing low bits of the clock and
 * whose last group is a node id that may repeat. 41 + 1 + 8 = 50 characters at most.
 */
function stackInstanceVaultName(scope: Construct): string {
  const stackUuid = Fn.select(2, Fn.split('/', Stack.of(scope).stackId));
  return Fn.join('-', [uniqueBackupName(scope, 'vault', 41), Fn.select(0, Fn.split('-', stackUuid))]);
}

/**
 * Vault access policy: nobody but the admins may delete a recovery point or shorten its life.
 *
 * Pattern (AWS Backup developer guide, "Vault access policies"; AWS Config rule
 * backup-recovery-point-manual-deletion-disabled): Deny with Principal "*" and Resource "*",
 * excepted by `ArnNotLike aws:PrincipalArn`. The default exception is the account root user only,
 * a break-glass identity. The deny deliberately leaves out backup:DeleteBackupVault and
 * backup:PutBackupVaultAccessPolicy/DeleteBackupVaultAccessPolicy so CloudFormation can still
 * update this policy and delete the (empty) vault; protect those with IAM or an SCP, or add
 * AWS Backup Vault Lock for compliance-grade immutability. Lifecycle expiry by AWS Backup itself
 * is not an API call by a principal and is not blocked.
 */
function vaultAccessPolicy(stack: Stack, adminPrincipalArns: readonly string[]): iam.PolicyDocument {
  const accountRoot = stack.formatArn({ service: 'iam', region: '', resource: 'root', arnFormat: ArnFormat.NO_RESOURCE_NAME });
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'OnlyAdminsDeleteOrShortenRecoveryPoints',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
        resources: ['*'],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': [accountRoot, ...adminPrincipalArns] } },
      }),
    ],
  });
}
