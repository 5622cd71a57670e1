import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

/**
 * Sends a drill report to the report topic, and a FAIL report also to the failure topic when
 * there is one. Subscribers who want only failures subscribe there, unfiltered: the SNS guide's
 * message-attributes page says attributes are "sent only when the message structure is String,
 * not JSON", and reports are published with MessageStructure json (an email body and a JSON
 * document), so a filter policy on the `verdict` attribute is not something to stake the
 * failure emails on.
 */

export interface DrillMessage {
  readonly subject: string;
  /** Per-protocol bodies for SNS MessageStructure "json"; `default` is required. */
  readonly bodies: { readonly default: string } & Readonly<Record<string, string>>;
  /** String message attributes subscribers can filter on (verdict, table) and de-duplicate on (drillId). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface NotifierPort {
  publish(message: DrillMessage): Promise<string | undefined>;
}

export interface ReportTopics {
  readonly reports: string;
  /** Receives the FAIL reports too. */
  readonly failures?: string;
}

export function createNotifierPort(client: SNSClient, topics: ReportTopics): NotifierPort {
  const publishTo = async (topicArn: string, message: DrillMessage) => {
    const output = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: message.subject,
        Message: JSON.stringify(message.bodies),
        MessageStructure: 'json',
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );
    return output.MessageId;
  };
  return {
    async publish(message) {
      const messageId = await publishTo(topics.reports, message);
      if (topics.failures && message.attributes.verdict === 'FAIL') await publishTo(topics.failures, message);
      return messageId;
    },
  };
}
