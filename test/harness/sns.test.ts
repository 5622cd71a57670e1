import { PassThrough } from 'node:stream';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { MAX_MESSAGE_BYTES, MAX_SUBJECT_LENGTH } from './sns/publish-limits';
import { FAST_OPTIONS, startHarnessUnderTest, type HarnessUnderTest } from './harness-test-support';

describe('local SNS', () => {
  let harness: HarnessUnderTest;
  let topicArn: string;
  const printed = new PassThrough();
  let printedText = '';
  printed.on('data', (chunk: Buffer) => (printedText += chunk.toString()));

  beforeAll(async () => {
    harness = await startHarnessUnderTest({ ...FAST_OPTIONS, sns: { topics: ['drill-reports'], printTo: printed } });
    topicArn = harness.local.sns.topicArn('drill-reports');
  });
  afterAll(() => harness.stop());
  beforeEach(() => harness.local.sns.clearMessages());

  const publish = (input: Partial<PublishCommandInput>) => harness.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'body', ...input }));

  it('accepts a report: subject, JSON structure with default, message attributes; records and prints it', async () => {
    const report = { default: '[PASS] restore drill orders\nRTO 6m12s', email: 'long email body', sqs: '{"verdict":"PASS"}' };
    const answer = await publish({
      Subject: '[PASS] restore drill orders: RTO 6m12s, RPO 3h04m',
      Message: JSON.stringify(report),
      MessageStructure: 'json',
      MessageAttributes: {
        verdict: { DataType: 'String', StringValue: 'PASS' },
        table: { DataType: 'String', StringValue: 'orders' },
        rtoSeconds: { DataType: 'Number', StringValue: '372' },
        checks: { DataType: 'String.Array', StringValue: '["restored","schema"]' },
        digest: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
      },
    });
    expect(answer.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const [message] = harness.local.sns.messages();
    expect(message).toMatchObject({
      messageId: answer.MessageId,
      topicArn: 'arn:aws:sns:us-east-1:123456789012:drill-reports',
      subject: '[PASS] restore drill orders: RTO 6m12s, RPO 3h04m',
      messageStructure: 'json',
      defaultMessage: report.default,
      messageAttributes: {
        verdict: { DataType: 'String', StringValue: 'PASS' },
        table: { DataType: 'String', StringValue: 'orders' },
        rtoSeconds: { DataType: 'Number', StringValue: '372' },
        checks: { DataType: 'String.Array', StringValue: '["restored","schema"]' },
        digest: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]).toString('base64') },
      },
    });
    expect(JSON.parse(message.message)).toEqual(report);
    expect(printedText).toContain('Subject: [PASS] restore drill orders: RTO 6m12s, RPO 3h04m');
    expect(printedText).toContain('Attributes: verdict=PASS, table=orders');
    expect(printedText).toContain('[PASS] restore drill orders\nRTO 6m12s');
  });

  it('keeps XML-special characters intact both ways', async () => {
    const answer = await publish({ Subject: 'a <b> & "c"', Message: '<xml> & ünïcödé' });
    expect(answer.MessageId).toBeDefined();
    expect(harness.local.sns.messages()[0]).toMatchObject({ subject: 'a <b> & "c"', message: '<xml> & ünïcödé' });
  });

  describe('subject limits (InvalidParameterException)', () => {
    it(`accepts ${MAX_SUBJECT_LENGTH} characters and refuses ${MAX_SUBJECT_LENGTH + 1}`, async () => {
      await expect(publish({ Subject: 'x'.repeat(MAX_SUBJECT_LENGTH) })).resolves.toBeDefined();
      await expect(publish({ Subject: 'x'.repeat(MAX_SUBJECT_LENGTH + 1) })).rejects.toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
    });

    it.each([
      ['a line break', 'line one\nline two'],
      ['a carriage return', 'line one\rline two'],
      ['a non-ASCII character', 'drill ✓ passed'],
      ['a control character', 'bell\u0007'],
      ['a leading space', ' starts with a space'],
      ['nothing', ''],
    ])('refuses a subject with %s', async (_case, subject) => {
      await expect(publish({ Subject: subject })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });
  });

  describe('message limits (InvalidParameterException)', () => {
    it('accepts exactly 256 KB and refuses one byte more', async () => {
      await expect(publish({ Message: 'x'.repeat(MAX_MESSAGE_BYTES) })).resolves.toBeDefined();
      await expect(publish({ Message: 'x'.repeat(MAX_MESSAGE_BYTES + 1) })).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('too long') });
    });

    it('counts bytes, not characters, and counts message attributes', async () => {
      await expect(publish({ Message: 'é'.repeat(MAX_MESSAGE_BYTES / 2 + 1) })).rejects.toMatchObject({ name: 'InvalidParameterException' });
      const attribute = { verdict: { DataType: 'String', StringValue: 'PASS' } };
      const roomLeft = MAX_MESSAGE_BYTES - 'verdict'.length - 'String'.length - 'PASS'.length;
      await expect(publish({ Message: 'x'.repeat(roomLeft), MessageAttributes: attribute })).resolves.toBeDefined();
      await expect(publish({ Message: 'x'.repeat(roomLeft + 1), MessageAttributes: attribute })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });

    it('refuses an empty message', async () => {
      await expect(publish({ Message: '' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });

    it('refuses MessageStructure json without a default entry, or without valid JSON', async () => {
      await expect(publish({ MessageStructure: 'json', Message: JSON.stringify({ email: 'only email' }) })).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: expect.stringContaining('No default entry'),
      });
      await expect(publish({ MessageStructure: 'json', Message: 'not json' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });

    it('refuses malformed message attributes', async () => {
      await expect(publish({ MessageAttributes: { n: { DataType: 'Number', StringValue: 'twelve' } } })).rejects.toMatchObject({ name: 'InvalidParameterException' });
      await expect(publish({ MessageAttributes: { 'AWS.reserved': { DataType: 'String', StringValue: 'x' } } })).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
      await expect(publish({ MessageAttributes: { t: { DataType: 'Text', StringValue: 'x' } } })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });
  });

  it('answers NotFound for a topic that does not exist (NotFoundException)', async () => {
    await expect(publish({ TopicArn: harness.local.sns.topicArn('no-such-topic') })).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  it('createTopic makes a topic publishable', async () => {
    const arn = harness.local.sns.createTopic('late-topic');
    await expect(publish({ TopicArn: arn })).resolves.toBeDefined();
  });

  describe('rejecting publishes', () => {
    it('InternalError (500) is transient to the SDK: one rejection is retried away', async () => {
      harness.local.sns.rejectNextPublishes(1);
      const answer = await publish({ Subject: 'retried' });
      expect(answer.$metadata.attempts).toBe(2);
      expect(harness.local.sns.messages()).toHaveLength(1);
    });

    it('rejections that outlast the 3 default attempts surface as InternalErrorException, nothing recorded', async () => {
      harness.local.sns.rejectNextPublishes(3);
      await expect(publish({})).rejects.toMatchObject({ name: 'InternalErrorException', $fault: 'server', $metadata: { attempts: 3 } });
      expect(harness.local.sns.messages()).toHaveLength(0);
    });

    it('rejects with a chosen error, e.g. AuthorizationError (403), which the SDK does not retry', async () => {
      const client = new SNSClient({});
      try {
        harness.local.sns.rejectNextPublishes(1, { code: 'AuthorizationError', httpStatus: 403, message: 'not authorized to publish' });
        await expect(client.send(new PublishCommand({ TopicArn: topicArn, Message: 'm' }))).rejects.toMatchObject({
          name: 'AuthorizationErrorException',
          message: 'not authorized to publish',
          $metadata: { attempts: 1 },
        });
      } finally {
        client.destroy();
      }
    });
  });

  it('calls onPublish listeners with each accepted message', async () => {
    const seen: string[] = [];
    harness.local.sns.onPublish((message) => seen.push(message.subject ?? ''));
    await publish({ Subject: 'listened' });
    expect(seen).toContain('listened');
  });
});
