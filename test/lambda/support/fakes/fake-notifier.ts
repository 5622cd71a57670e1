import type { ReportTopic } from '../../../../lambda/domain/drill-record';
import type { DrillMessage, NotifierPort, ReportTopics } from '../../../../lambda/ports/notifier-port';
import { publishRefusal } from '../../../harness/sns/publish-limits';
import { awsError } from '../aws-errors';
import { PortCalls } from './port-calls';

/**
 * The notifier port, in memory: it keeps each message SNS would have accepted. As the port does,
 * it refuses a topic the stack has not configured; and it refuses a message SNS would refuse
 * (a subject of 100 characters or more, a body over 256 KB...), checked by the harness's rules
 * from the SNS model on the Publish the port builds (notifier-port.test.ts holds the port to that
 * request), so no flow test passes with a report SNS would bounce.
 */

export interface PublishedMessage {
  readonly topic: ReportTopic;
  readonly message: DrillMessage;
  readonly messageId: string;
}

export class FakeNotifier extends PortCalls<NotifierPort> implements NotifierPort {
  /** Messages accepted, in order. */
  readonly published: PublishedMessage[] = [];
  private topics: ReportTopics = { reports: 'arn:aws:sns:us-east-1:123456789012:reports' };

  /** The topics the stack configured (the engine's config), as the real port is created with. */
  configure(topics: ReportTopics): void {
    this.topics = topics;
  }

  async publish(topic: ReportTopic, message: DrillMessage): Promise<string | undefined> {
    await this.enter('publish', [topic, message]);
    const topicArn = this.topics[topic];
    if (!topicArn) throw new Error(`no ${topic} topic is configured`);
    const refusal = publishRefusal({
      topicArn,
      subject: message.subject,
      message: JSON.stringify(message.bodies),
      messageStructure: 'json',
      messageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    });
    if (refusal)
      throw awsError(
        refusal.code === 'ParameterValueInvalid' ? 'InvalidParameterValueException' : 'InvalidParameterException',
        refusal.message,
      );
    const messageId = `message-${this.published.length + 1}`;
    this.published.push({ topic, message: structuredClone(message), messageId });
    return messageId;
  }
}
