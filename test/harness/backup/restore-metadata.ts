import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { invalidParameter, missingParameter } from './backup-errors';

/**
 * DynamoDB restore metadata as StartRestoreJob takes it. Keys AWS documents for DynamoDB
 * (restore testing inferred metadata): targetTableName, encryptionType (Default | KMS),
 * kmsMasterKeyArn, deletionProtection. Keys are matched case-insensitively: AWS documents that
 * metadata key values are not case sensitive, and public scripts pass both TargetTableName and
 * targetTableName.
 */
export function metadataValue(metadata: Readonly<Record<string, string>>, key: string): string | undefined {
  const match = Object.keys(metadata).find((name) => name.toLowerCase() === key.toLowerCase());
  return match === undefined ? undefined : metadata[match];
}

/** DynamoDB table names: 3-255 characters of [a-zA-Z0-9_.-] (DynamoDB's TableName pattern). */
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** The DynamoDB keys of StartRestoreJob's Metadata: a valid targetTableName, and coherent encryption settings. */
export function checkDynamoDbRestoreMetadata(metadata: Readonly<Record<string, string>>): string {
  const targetTableName = metadataValue(metadata, 'targetTableName');
  if (!targetTableName) throw missingParameter('Restore metadata must contain targetTableName');
  if (!TABLE_NAME.test(targetTableName))
    throw invalidParameter(`Invalid targetTableName ${targetTableName}: 3-255 characters of a-z, A-Z, 0-9, _ - .`);
  checkEncryptionMetadata(metadata);
  return targetTableName;
}

export function checkEncryptionMetadata(metadata: Readonly<Record<string, string>>): void {
  const encryptionType = metadataValue(metadata, 'encryptionType');
  if (encryptionType === undefined || encryptionType === 'Default') return;
  if (encryptionType !== 'KMS') throw invalidParameter(`Invalid encryptionType ${encryptionType}: expected Default or KMS`);
  const keyArn = metadataValue(metadata, 'kmsMasterKeyArn');
  if (!keyArn) throw missingParameter('encryptionType KMS requires kmsMasterKeyArn');
  if (!/^arn:aws[\w-]*:kms:[^:]+:\d{12}:(key|alias)\/.+$/.test(keyArn)) throw invalidParameter(`Invalid kmsMasterKeyArn ${keyArn}`);
}

/** The restored table's encryption and deletion protection, as the metadata asks. */
export function tableSettingsFromMetadata(
  metadata: Readonly<Record<string, string>>,
): Pick<CreateTableCommandInput, 'SSESpecification' | 'DeletionProtectionEnabled'> {
  const kms = metadataValue(metadata, 'encryptionType') === 'KMS';
  return {
    SSESpecification: kms ? { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: metadataValue(metadata, 'kmsMasterKeyArn') } : undefined,
    DeletionProtectionEnabled: metadataValue(metadata, 'deletionProtection')?.toLowerCase() === 'true',
  };
}
