import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { FAST_OPTIONS, fixtureTableInput } from './harness-test-support';
import { startLocalAws, type LocalAws } from './local-aws';
import { withAwsEnv } from './aws-env';

/**
 * The local KMS endpoint answers DescribeKey as KMS does, and DynamoDB tables report their key the
 * way DescribeTable does on AWS: the key's ARN, for the AWS managed key aws/dynamodb as for a
 * customer-managed key (SSEDescription API reference), so the drill has to ask KMS which it is.
 */
describe('local KMS and table encryption', () => {
  let local: LocalAws;
  beforeAll(async () => {
    local = await startLocalAws(FAST_OPTIONS);
  });
  afterAll(() => local.close());

  const describeKey = (keyId: string) => withAwsEnv(local.env, () => new KMSClient({}).send(new DescribeKeyCommand({ KeyId: keyId })));

  it('knows the AWS managed key of DynamoDB by alias, alias ARN and key ARN: KeyManager AWS', async () => {
    const arn = local.kms.awsManagedDynamoDbKeyArn();
    expect(arn).toMatch(new RegExp(`^arn:aws:kms:${local.region}:${local.accountId}:key/[0-9a-f-]{36}$`));
    for (const id of ['alias/aws/dynamodb', `arn:aws:kms:${local.region}:${local.accountId}:alias/aws/dynamodb`, arn]) {
      const { KeyMetadata } = await describeKey(id);
      expect(KeyMetadata).toMatchObject({ Arn: arn, KeyManager: 'AWS', KeyState: 'Enabled', AWSAccountId: local.accountId });
      expect(KeyMetadata?.CreationDate).toBeInstanceOf(Date);
    }
  });

  it('tells a customer-managed key apart, and answers NotFoundException for a key it does not have', async () => {
    const customer = local.kms.createKey('orders data key');
    expect((await describeKey(customer)).KeyMetadata).toMatchObject({ Arn: customer, KeyManager: 'CUSTOMER' });
    await expect(
      describeKey(`arn:aws:kms:${local.region}:${local.accountId}:key/0a1b2c3d-0000-4000-8000-000000000000`),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('reports the key ARN in DescribeTable, whichever form CreateTable named the key in', async () => {
    const customer = local.kms.createKey();
    await local.dynamodb.client.send(
      new CreateTableCommand({ ...fixtureTableInput('aws-managed'), SSESpecification: { Enabled: true, SSEType: 'KMS' } }),
    );
    await local.dynamodb.client.send(
      new CreateTableCommand({
        ...fixtureTableInput('own-key'),
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: customer.split('/')[1] },
      }),
    );
    await local.dynamodb.client.send(new CreateTableCommand({ ...fixtureTableInput('aws-owned') }));
    expect((await local.dynamodb.waitForTableActive('aws-managed')).SSEDescription).toEqual({
      Status: 'ENABLED',
      SSEType: 'KMS',
      KMSMasterKeyArn: local.kms.awsManagedDynamoDbKeyArn(),
    });
    expect((await local.dynamodb.waitForTableActive('own-key')).SSEDescription?.KMSMasterKeyArn).toBe(customer);
    expect((await local.dynamodb.waitForTableActive('aws-owned')).SSEDescription).toBeUndefined();
  });
});
