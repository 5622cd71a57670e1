import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

/** The one KMS question the drill asks: who manages a key. */

/**
 * KMS DescribeKey, KeyMetadata.KeyManager: "KMS keys in your AWS account are either customer
 * managed or AWS managed" (AWS | CUSTOMER). DynamoDB's DescribeTable reports only the key ARN for
 * both (SSEDescription.KMSMasterKeyArn), so this is how the drill tells the AWS managed key
 * aws/dynamodb, which DynamoDB uses for any principal of the account, from a customer-managed key
 * the drill must be granted.
 */
export type KeyManager = 'AWS' | 'CUSTOMER';

export interface KeyPort {
  keyManager(keyArn: string): Promise<KeyManager | undefined>;
}

export function createKeyPort(client: KMSClient): KeyPort {
  return {
    async keyManager(keyArn) {
      const output = await client.send(new DescribeKeyCommand({ KeyId: keyArn }));
      const manager = output.KeyMetadata?.KeyManager;
      return manager === 'AWS' || manager === 'CUSTOMER' ? manager : undefined;
    },
  };
}
