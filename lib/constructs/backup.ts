import { ArnFormat, Fn, Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * A backup plan or selection name unique to this construct in its account: the stack name and
 * construct path with their hash (Names.uniqueResourceName), then `suffix`; at most `maxLength`.
 */
export function uniqueBackupName(scope: Construct, suffix: string, maxLength = 50): string {
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
export function stackInstanceVaultName(scope: Construct): string {
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
export function vaultAccessPolicy(stack: Stack, adminPrincipalArns: readonly string[]): iam.PolicyDocument {
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
