import { BackupClient, ListRecoveryPointsByResourceCommand } from '@aws-sdk/client-backup';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { applyAwsEnv, withAwsEnv } from './aws-env';
import { startLocalAws, type LocalAws } from './local-aws';
import { FAST_OPTIONS, createFixtureTable } from './harness-test-support';

describe('startLocalAws', () => {
  let local: LocalAws;
  beforeAll(async () => {
    local = await startLocalAws({ ...FAST_OPTIONS, accountId: '210987654321', region: 'eu-west-1', sns: { topics: ['reports'] } });
  });
  afterAll(() => local.close());

  it('binds every endpoint to 127.0.0.1 on its own free port', () => {
    const urls = Object.values(local.endpoints);
    expect(urls.every((url) => /^http:\/\/127\.0\.0\.1:\d+$/.test(url))).toBe(true);
    expect(new Set(urls).size).toBe(4);
  });

  it('cannot be reached from another interface of this machine', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((info) => info && info.family === 'IPv4' && !info.internal);
    // A machine with loopback only has no other interface to reach it from; the test above
    // still proves the bound address.
    if (!external) return;
    for (const url of Object.values(local.endpoints)) {
      const { port } = new URL(url);
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: external.address, port: Number(port) });
        // A firewall that drops packets answers nothing: that is unreachable too, not a hang.
        socket.setTimeout(2_000, () => {
          socket.destroy();
          resolve('timed out');
        });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(outcome).not.toBe('connected');
    }
  });

  it('gives the SDK environment: per-service endpoint URLs, fake credentials, the Region', () => {
    expect(local.env).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoints.dynamodb,
      AWS_ENDPOINT_URL_BACKUP: local.endpoints.backup,
      AWS_ENDPOINT_URL_SNS: local.endpoints.sns,
      AWS_ENDPOINT_URL_KMS: local.endpoints.kms,
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
      AWS_REGION: 'eu-west-1',
    });
  });

  it('lets plain SDK clients reach all three services once the env is applied, then restores it', async () => {
    process.env.AWS_PROFILE = 'someone-elses-profile';
    const before = { ...process.env };
    await createFixtureTable(local, 'env-proof', 1);
    const restore = applyAwsEnv(local.env);
    const clients = { dynamodb: new DynamoDBClient({}), backup: new BackupClient({}), sns: new SNSClient({}) };
    try {
      expect(process.env.AWS_PROFILE).toBeUndefined();
      expect((await clients.dynamodb.send(new ListTablesCommand({}))).TableNames).toContain('env-proof');
      const listed = await clients.backup.send(
        new ListRecoveryPointsByResourceCommand({ ResourceArn: 'arn:aws:dynamodb:eu-west-1:210987654321:table/env-proof' }),
      );
      expect(listed.RecoveryPoints).toEqual([]);
      await clients.sns.send(new PublishCommand({ TopicArn: local.sns.topicArn('reports'), Message: 'hello' }));
      expect(local.sns.messages().map((message) => message.topicArn)).toEqual(['arn:aws:sns:eu-west-1:210987654321:reports']);
    } finally {
      for (const client of Object.values(clients)) client.destroy();
      restore();
    }
    expect(process.env).toEqual(before);
    delete process.env.AWS_PROFILE;
  });

  it('withAwsEnv restores the environment even when the action throws', async () => {
    const before = { ...process.env };
    await expect(
      withAwsEnv(local.env, async () => {
        expect(process.env.AWS_ENDPOINT_URL_BACKUP).toBe(local.endpoints.backup);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(process.env).toEqual(before);
  });

  it('uses the account and Region in every ARN it makes', async () => {
    await createFixtureTable(local, 'arn-proof', 1);
    const point = await local.backup.backupTable('arn-proof');
    expect(point.resourceArn).toBe('arn:aws:dynamodb:eu-west-1:210987654321:table/arn-proof');
    expect(point.recoveryPointArn).toMatch(/^arn:aws:backup:eu-west-1:210987654321:recovery-point:/);
    expect(local.restoreRoleArn).toBe('arn:aws:iam::210987654321:role/restore-drill-local-restore-role');
  });
});

describe('closing', () => {
  it('stops every endpoint (connections refused afterwards) and can be called twice', async () => {
    const local = await startLocalAws(FAST_OPTIONS);
    await createFixtureTable(local, 'before-close', 1);
    const clientOf = () =>
      new DynamoDBClient({
        endpoint: local.endpoints.dynamodb,
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 1,
      });
    const before = clientOf();
    await before.send(new ListTablesCommand({}));
    before.destroy();
    await Promise.all([local.close(), local.close()]);
    const after = clientOf();
    await expect(after.send(new ListTablesCommand({}))).rejects.toThrow(/ECONNREFUSED/);
    after.destroy();
  });
});
