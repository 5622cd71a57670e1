import { applyAwsEnv, localAwsEnv, type AwsEnv, type LocalEndpoints } from './aws-env';
import { startLocalBackup, type LocalBackup, type LocalBackupOptions } from './backup/local-backup';
import { startLocalDynamoDb, type LocalDynamoDb, type LocalDynamoDbOptions } from './dynamodb/local-dynamodb';
import { scheduledEvent, type RestoreJobStateChangeEvent, type ScheduledEvent } from './events/backup-events';
import { startLocalKms, type LocalKms } from './kms/local-kms';
import { startLocalSns, type LocalSns, type LocalSnsOptions } from './sns/local-sns';

export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

export interface LocalAwsOptions {
  /** Default 123456789012. Used in every ARN the endpoints make. */
  readonly accountId?: string;
  /** Default us-east-1. */
  readonly region?: string;
  readonly dynamodb?: Pick<LocalDynamoDbOptions, 'createTableMs' | 'deleteTableMs'>;
  readonly backup?: Omit<LocalBackupOptions, 'accountId' | 'region' | 'dynamodb' | 'knownRoleArns'> & {
    /** Roles AWS Backup may assume; default [localRestoreRoleArn(accountId)]. */
    readonly knownRoleArns?: readonly string[];
  };
  readonly sns?: Omit<LocalSnsOptions, 'accountId' | 'region'>;
}

export interface LocalAws {
  readonly accountId: string;
  readonly region: string;
  readonly endpoints: LocalEndpoints;
  /** AWS_ENDPOINT_URL_{DYNAMODB,BACKUP,SNS}, fake credentials, AWS_REGION: for a child process or applyEnv. */
  readonly env: AwsEnv;
  /** The first known role: pass it as the drill's restore role. */
  readonly restoreRoleArn: string;
  readonly dynamodb: LocalDynamoDb;
  readonly backup: LocalBackup;
  readonly sns: LocalSns;
  /** KMS DescribeKey: the AWS managed key of DynamoDB and the keys a test creates. */
  readonly kms: LocalKms;
  /** Applies `env` to process.env; returns the function that restores the previous values. */
  applyEnv(): () => void;
  /** The latest "Restore Job State Change" event of a job (what EventBridge would deliver). */
  latestRestoreEvent(restoreJobId: string): RestoreJobStateChangeEvent | undefined;
  /** A "Scheduled Event" from the named rule in this account and Region. */
  scheduledEvent(ruleName?: string, time?: Date): ScheduledEvent;
  /** Stops everything; safe to call twice. */
  close(): Promise<void>;
}

export const localRestoreRoleArn = (accountId: string) => `arn:aws:iam::${accountId}:role/restore-drill-local-restore-role`;

/**
 * Starts local DynamoDB (AWS's DynamoDB Local behind the harness front), AWS Backup and SNS
 * endpoints on 127.0.0.1, each on a free port, wired together: backups snapshot its tables,
 * restores create its tables.
 */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const region = options.region ?? DEFAULT_REGION;
  const knownRoleArns = options.backup?.knownRoleArns ?? [localRestoreRoleArn(accountId)];

  const kms = await startLocalKms({ accountId, region });
  const started: { close(): Promise<void> }[] = [kms];
  const dynamodb = await startLocalDynamoDb({ ...options.dynamodb, accountId, region, keys: kms }).catch(async (error: unknown) => {
    await kms.close();
    throw error;
  });
  started.unshift(dynamodb);
  try {
    const backup = await startLocalBackup({
      ...options.backup,
      accountId,
      region,
      knownRoleArns,
      dynamodb,
    });
    started.unshift(backup);
    const sns = await startLocalSns({ ...options.sns, accountId, region });
    started.unshift(sns);

    const endpoints = { dynamodb: dynamodb.url, backup: backup.url, sns: sns.url, kms: kms.url };
    const env = localAwsEnv(endpoints, region);
    let closing: Promise<void> | undefined;
    return {
      accountId,
      region,
      endpoints,
      env,
      restoreRoleArn: knownRoleArns[0],
      dynamodb,
      backup,
      sns,
      kms,
      applyEnv: () => applyAwsEnv(env),
      latestRestoreEvent: (restoreJobId) => backup.restoreEvents.filter((event) => event.detail.restoreJobId === restoreJobId).at(-1),
      scheduledEvent: (ruleName = 'restore-drill-schedule', time) =>
        scheduledEvent(`arn:aws:events:${region}:${accountId}:rule/${ruleName}`, { account: accountId, region, time }),
      close: () => (closing ??= closeInOrder(started)),
    };
  } catch (error) {
    await closeInOrder(started);
    throw error;
  }
}

/** Backup and SNS first (restores still write to DynamoDB until stopped), DynamoDB last. */
async function closeInOrder(parts: readonly { close(): Promise<void> }[]): Promise<void> {
  for (const part of parts) await part.close();
}
