/**
 * The StartRestoreJob metadata of a drill's restore, built from the keys AWS documents for
 * DynamoDB, never copied from GetRecoveryPointRestoreMetadata. That map is "the original
 * configuration of the backed-up resource": passed back, a source with deletion protection or its
 * own KMS key yields a copy the drill cannot delete (DeleteTable is refused while deletion
 * protection is on) or cannot read (the drill is not granted that key).
 *
 * Keys and values, verified against:
 * - AWS Backup Developer Guide, "Restore testing inferred metadata"
 *   (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html):
 *   DynamoDB infers `deletionProtection` (false), `encryptionType` (Default) and
 *   `targetTableName`; `encryptionType` and `kmsMasterKeyArn` are overridable; key values are
 *   not case sensitive.
 * - AWS Backup Developer Guide, "Restore a DynamoDB table"
 *   (https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-dynamodb.html): the
 *   StartRestoreJob metadata `targetTableName`, `encryptionType` (Default | KMS) and
 *   `kmsMasterKeyArn`; the default is the DynamoDB-owned key.
 * - StartRestoreJob API reference: Metadata is a map of string to string.
 */

export function restoreMetadata(targetTableName: string, restoreKmsKeyArn?: string): Readonly<Record<string, string>> {
  // Default: the AWS owned key, which needs no key policy of ours; KMS: the drill's restore key.
  const encryption: Record<string, string> = restoreKmsKeyArn
    ? { encryptionType: 'KMS', kmsMasterKeyArn: restoreKmsKeyArn }
    : { encryptionType: 'Default' };
  // Always "false": the drill must be able to delete its copy.
  return { targetTableName, ...encryption, deletionProtection: 'false' };
}
