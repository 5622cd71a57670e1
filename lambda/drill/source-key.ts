import type { DrilledTable } from '../config';
import type { TableShape } from '../ports/dynamodb-port';
import type { KeyManager, KeyPort } from '../ports/kms-port';
import { step } from '../errors/drill-step';

/**
 * A source encrypted with a customer-managed KMS key can be drilled only when the drill was
 * given that key (`tables[].kmsKeyArn`, which the construct grants through DynamoDB): without it
 * the item count, sample compare and canary cannot read the source, and the restore of a native
 * DynamoDB backup needs the key too. The drill finds out before it starts a restore, not hours
 * later from a restore or a check that fails for want of a grant.
 *
 * How DescribeTable tells the three kinds of key apart (DynamoDB Developer Guide, "Encryption at
 * rest usage notes", and the SSEDescription API reference):
 * - AWS owned key: no SSEDescription (no encryption type);
 * - AWS managed key (aws/dynamodb) and customer-managed key: SSEType KMS, KMSMasterKeyArn the
 *   key's ARN. The ARN alone does not say which, so KMS DescribeKey does (KeyManager).
 */

export type KeyVerdict = { readonly ok: true } | { readonly ok: false; readonly failure: string };

const accountOf = (arn: string) => arn.split(':')[4];

export async function checkSourceKey(table: DrilledTable, source: TableShape, keys: KeyPort): Promise<KeyVerdict> {
  const keyArn = source.encryption?.sseType === 'KMS' ? source.encryption.kmsKeyArn : undefined;
  if (!keyArn) return { ok: true };
  if (table.kmsKeyArn === keyArn) return { ok: true };
  let manager: KeyManager | 'unknown' | undefined;
  let why = '';
  // The AWS managed key of a table lives in the table's account; a key elsewhere is a customer's.
  if (accountOf(keyArn) !== accountOf(table.tableArn)) manager = 'CUSTOMER';
  else {
    try {
      manager = await step('DescribeKey', () => keys.keyManager(keyArn));
    } catch (error) {
      // The policy of every AWS managed key lets the principals of its account describe it
      // ("Allow direct access to key metadata to the account"); a refusal means a customer's key.
      if (!isAccessDenied(error)) throw error;
      manager = 'unknown';
      why = ' (KMS refused DescribeKey on it; the AWS managed key aws/dynamodb never does, so it is a key of your own)';
    }
  }
  if (manager === 'AWS') return { ok: true };
  const configured = table.kmsKeyArn ? `, not the key its tables[].kmsKeyArn names (${table.kmsKeyArn})` : '';
  return {
    ok: false,
    failure:
      `KMS key not granted: source table ${table.tableName} is encrypted with the customer-managed KMS key ${keyArn}${configured}${why}; ` +
      `the drill cannot read the table or its native backups with it, so no restore was started — set tables[].kmsKeyArn = ${keyArn} for ${table.tableName} and redeploy`,
  };
}

function isAccessDenied(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const name = (cause as { name?: unknown })?.name;
  return name === 'AccessDeniedException' || name === 'AccessDenied';
}
