/**
 * The environment that points the real AWS SDK v3 clients (the bundled Lambda's included) at the
 * local endpoints: AWS_ENDPOINT_URL_<SERVICE> with the SDK's service ids "DynamoDB", "Backup",
 * "SNS" and "KMS" upper-cased (getEndpointUrlConfig in @smithy/core reads exactly these), fake static
 * credentials, and the Region. The SDK reads these when a client is created, so apply the
 * environment before the code under test constructs its clients.
 */
export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly backup: string;
  readonly sns: string;
  readonly kms: string;
}

export type AwsEnv = Readonly<Record<string, string>>;

export const FAKE_ACCESS_KEY_ID = 'AKIALOCALHARNESS0000';
export const FAKE_SECRET_ACCESS_KEY = 'local-harness-secret-access-key';

export function localAwsEnv(endpoints: LocalEndpoints, region: string): AwsEnv {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_BACKUP: endpoints.backup,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_KMS: endpoints.kms,
    AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: FAKE_SECRET_ACCESS_KEY,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // No instance metadata lookups on a developer machine or in CI.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Variables that would make the SDK pick other credentials or skip the endpoints; cleared while applied. */
const CONFLICTING = ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_ENDPOINT_URL'];

/**
 * Sets `env` in process.env (and clears conflicting variables); returns a function that puts
 * every touched variable back as it was.
 */
export function applyAwsEnv(env: AwsEnv, target: NodeJS.ProcessEnv = process.env): () => void {
  const touched = [...Object.keys(env), ...CONFLICTING];
  const saved = new Map(touched.map((name) => [name, target[name]]));
  for (const name of CONFLICTING) delete target[name];
  Object.assign(target, env);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete target[name];
      else target[name] = value;
    }
  };
}

/** Runs `action` with `env` applied, restoring the environment afterwards even if it throws. */
export async function withAwsEnv<T>(env: AwsEnv, action: () => Promise<T>): Promise<T> {
  const restore = applyAwsEnv(env);
  try {
    return await action();
  } finally {
    restore();
  }
}
