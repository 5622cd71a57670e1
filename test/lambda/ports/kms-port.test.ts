import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createKeyPort } from '../../../lambda/ports/kms-port';

/** The DescribeKey the KMS port sends and how it reads KeyMetadata.KeyManager (AWS | CUSTOMER), on aws-sdk-client-mock. */

const kms = mockClient(KMSClient);
const port = createKeyPort(new KMSClient({ region: 'us-east-1' }));
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1f0e3c9a-2b6d-4a57-8c1e-0d9b7a6f5e4c';

beforeEach(() => kms.reset());
afterAll(() => kms.restore());

test.each(['AWS', 'CUSTOMER'] as const)('DescribeKey of the key ARN: KeyManager %s', async (manager) => {
  kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: '1f0e3c9a', KeyManager: manager } });
  expect(await port.keyManager(KEY)).toBe(manager);
  expect(kms.commandCalls(DescribeKeyCommand).map((call) => call.args[0].input)).toEqual([{ KeyId: KEY }]);
});

test('no KeyManager in the answer: undefined', async () => {
  kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: '1f0e3c9a' } });
  expect(await port.keyManager(KEY)).toBeUndefined();
});
