import { BackupClient } from '@aws-sdk/client-backup';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';

/**
 * The SDK clients, configured once. Throttling and transient errors are retried by the SDK's
 * standard retry strategy (exponential backoff with jitter, throttling-aware); six attempts ride
 * out a short throttling burst without hiding a permanent error for long. Endpoints follow
 * AWS_ENDPOINT_URL_<SERVICE>, which is how the local harness points them at loopback.
 */
export const SDK_MAX_ATTEMPTS = 6;

export interface AwsClients {
  readonly backup: BackupClient;
  readonly dynamodb: DynamoDBClient;
  readonly kms: KMSClient;
  readonly sns: SNSClient;
  /** Step Functions (AWS_ENDPOINT_URL_SFN locally): the fan-out's executions. */
  readonly sfn: SFNClient;
}

export function createAwsClients(): AwsClients {
  const config = { maxAttempts: SDK_MAX_ATTEMPTS, retryMode: 'standard' as const };
  return {
    backup: new BackupClient(config),
    dynamodb: new DynamoDBClient(config),
    kms: new KMSClient(config),
    sns: new SNSClient(config),
    sfn: new SFNClient(config),
  };
}
