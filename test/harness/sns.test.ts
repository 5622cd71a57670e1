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

  const publish = (input: Partial<PublishCommandInput>) =>
    harness.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'body', ...input }));

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

  describe('subject (InvalidParameterException): the model says "less than 100 characters", no line breaks or control characters', () => {
    it('accepts 99 characters and refuses 100', async () => {
      await expect(publish({ Subject: 'x'.repeat(99) })).resolves.toBeDefined();
      await expect(publish({ Subject: 'x'.repeat(100) })).rejects.toMatchObject({
        name: 'InvalidParameterException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: expect.stringContaining('Invalid parameter: Subject'),
      });
      expect(MAX_SUBJECT_LENGTH).toBe(99);
    });

    it.each([
      ['a line break', 'line one\nline two'],
      ['a carriage return', 'line one\rline two'],
      ['a non-ASCII character', 'drill ✓ passed'],
      ['a control character', 'bell\u0007'],
      ['a tab', 'a\tb'],
      ['a leading space', ' starts with a space'],
      ['nothing', ''],
    ])('refuses a subject with %s', async (_case, subject) => {
      await expect(publish({ Subject: subject })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });
  });

  describe('message (InvalidParameterException)', () => {
    it('accepts exactly 256 KB and refuses one byte more', async () => {
      await expect(publish({ Message: 'x'.repeat(MAX_MESSAGE_BYTES) })).resolves.toBeDefined();
      await expect(publish({ Message: 'x'.repeat(MAX_MESSAGE_BYTES + 1) })).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Invalid parameter: Message too long',
      });
    });

    it('counts bytes, not characters, and counts message attributes', async () => {
      await expect(publish({ Message: 'é'.repeat(MAX_MESSAGE_BYTES / 2 + 1) })).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
      const attribute = { verdict: { DataType: 'String', StringValue: 'PASS' } };
      const roomLeft = MAX_MESSAGE_BYTES - 'verdict'.length - 'String'.length - 'PASS'.length;
      await expect(publish({ Message: 'x'.repeat(roomLeft), MessageAttributes: attribute })).resolves.toBeDefined();
      await expect(publish({ Message: 'x'.repeat(roomLeft + 1), MessageAttributes: attribute })).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    });

    it('refuses an empty message', async () => {
      await expect(publish({ Message: '' })).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Invalid parameter: Empty message',
      });
    });

    it('refuses a publish without a topic', async () => {
      await expect(harness.sns.send(new PublishCommand({ Message: 'm' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });

    it('refuses a MessageStructure other than json', async () => {
      await expect(publish({ MessageStructure: 'JSON', Message: JSON.stringify({ default: 'd' }) })).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Invalid parameter: MessageStructure',
      });
    });

    it('refuses MessageStructure json without a string default entry, or without a JSON object', async () => {
      await expect(publish({ MessageStructure: 'json', Message: JSON.stringify({ email: 'only email' }) })).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'Invalid parameter: Message Structure - No default entry in JSON message body',
      });
      await expect(
        publish({ MessageStructure: 'json', Message: JSON.stringify({ default: { text: 'not a string' } }) }),
      ).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: expect.stringContaining('No default entry'),
      });
      await expect(publish({ MessageStructure: 'json', Message: 'not json' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
      await expect(publish({ MessageStructure: 'json', Message: '["default"]' })).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    });
  });

  describe('message attributes (InvalidParameterValueException, query code ParameterValueInvalid)', () => {
    const refusedAttribute = (name: string, value: { DataType?: string; StringValue?: string; BinaryValue?: Uint8Array }) =>
      expect(publish({ MessageAttributes: { [name]: value as { DataType: string } } })).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });

    it.each([
      ['a character outside A-Z a-z 0-9 _ - .', 'drill id'],
      ['a leading period', '.drillId'],
      ['a trailing period', 'drillId.'],
      ['successive periods', 'drill..id'],
      ['the reserved prefix AWS.', 'AWS.drillId'],
      ['the reserved prefix amazon. (any case)', 'amazon.drillId'],
      ['more than 256 characters', 'n'.repeat(257)],
    ])('refuses a name with %s', async (_case, name) => {
      await refusedAttribute(name, { DataType: 'String', StringValue: 'x' });
    });

    it('accepts a 256-character name and the four types, custom type labels included', async () => {
      await expect(
        publish({
          MessageAttributes: {
            ['n'.repeat(256)]: { DataType: 'String', StringValue: 'x' },
            'drill-id_1.a': { DataType: 'String.drillId', StringValue: 'orders#2026-11-28' },
            tables: { DataType: 'String.Array', StringValue: '["orders", 3, true, null]' },
            rtoSeconds: { DataType: 'Number', StringValue: '-1.5e3' },
            digest: { DataType: 'Binary', BinaryValue: new Uint8Array([1]) },
          },
        }),
      ).resolves.toBeDefined();
    });

    it.each([
      ['an unknown type', { DataType: 'Text', StringValue: 'x' }],
      ['a type in the wrong case', { DataType: 'string', StringValue: 'x' }],
      ['an empty string value', { DataType: 'String', StringValue: '' }],
      ['a string type without StringValue', { DataType: 'String', BinaryValue: new Uint8Array([1]) }],
      ['a binary type without BinaryValue', { DataType: 'Binary', StringValue: 'x' }],
      ['a number that is not one', { DataType: 'Number', StringValue: 'twelve' }],
      ['a number of more than 38 digits', { DataType: 'Number', StringValue: '1'.repeat(39) }],
      ['a number above 10^126', { DataType: 'Number', StringValue: '1e127' }],
      ['a String.Array that is no array', { DataType: 'String.Array', StringValue: '"orders"' }],
      ['a String.Array holding an object', { DataType: 'String.Array', StringValue: '[{"table":"orders"}]' }],
    ])('refuses %s', async (_case, value) => {
      await refusedAttribute('attribute', value);
    });

    it("answers a missing DataType with the service's ValidationError", async () => {
      await expect(
        publish({ MessageAttributes: { verdict: { StringValue: 'PASS' } as unknown as { DataType: string } } }),
      ).rejects.toMatchObject({
        name: 'ValidationError',
        $metadata: { httpStatusCode: 400 },
      });
    });
  });

  it('answers NotFound for a topic that does not exist (NotFoundException)', async () => {
    await expect(publish({ TopicArn: harness.local.sns.topicArn('no-such-topic') })).rejects.toMatchObject({
      name: 'NotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
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
