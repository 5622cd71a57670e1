import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createNotifierPort } from '../../../lambda/ports/notifier-port';

/**
 * The Publish the notifier port builds, on aws-sdk-client-mock. SNS Publish API reference:
 * with MessageStructure "json" the Message is a JSON object of per-protocol bodies whose
 * "default" is required; message attributes carry a DataType ("String" here) and a StringValue.
 */

const sns = mockClient(SNSClient);
const topics = {
  reports: 'arn:aws:sns:us-east-1:123456789012:drill-reports',
  failures: 'arn:aws:sns:us-east-1:123456789012:drill-failures',
};
const message = {
  subject: '[PASS] restore drill orders: RTO 10s, RPO 3h00m',
  bodies: { default: '{"verdict":"PASS"}', email: 'PASS: restore drill of orders' },
  attributes: { verdict: 'PASS', table: 'orders', drillId: '20261128t060000z-0a1b2c3d' },
};

beforeEach(() => sns.reset());
afterAll(() => sns.restore());

test('one Publish to the topic asked for: per-protocol bodies as MessageStructure json, string attributes; the message id returned', async () => {
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  const port = createNotifierPort(new SNSClient({ region: 'us-east-1' }), topics);
  expect(await port.publish('failures', message)).toBe('m-1');
  expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
    {
      TopicArn: topics.failures,
      Subject: message.subject,
      Message: JSON.stringify(message.bodies),
      MessageStructure: 'json',
      MessageAttributes: {
        verdict: { DataType: 'String', StringValue: 'PASS' },
        table: { DataType: 'String', StringValue: 'orders' },
        drillId: { DataType: 'String', StringValue: '20261128t060000z-0a1b2c3d' },
      },
    },
  ]);
});

test('a topic the stack did not configure is refused without calling SNS', async () => {
  const port = createNotifierPort(new SNSClient({ region: 'us-east-1' }), { reports: topics.reports });
  await expect(port.publish('failures', message)).rejects.toThrow('no failures topic is configured');
  expect(sns.commandCalls(PublishCommand)).toEqual([]);
});
