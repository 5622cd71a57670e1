import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ReportTopic } from '../domain/drill-record';

/**
 * Publishes one drill message to one of the stack's topics. Which topics a report goes to is
 * decided by the flow (report/report-topics.ts), which records each publish before the next.
 */

export interface DrillMessage {
  readonly subject: string;
  /** Per-protocol bodies for SNS MessageStructure "json"; `default` is required. */
  readonly bodies: { readonly default: string } & Readonly<Record<string, string>>;
  /** String message attributes subscribers can filter on (verdict, table) and de-duplicate on (drillId). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ReportTopics {
  readonly reports: string;
  readonly failures?: string;
}

export interface NotifierPort {
  /** Returns SNS's message id. */
  publish(topic: ReportTopic, message: DrillMessage): Promise<string | undefined>;
}

export function createNotifierPort(client: SNSClient, topics: ReportTopics): NotifierPort {
  return {
    async publish(topic, message) {
      const topicArn = topics[topic];
      if (!topicArn) throw new Error(`no ${topic} topic is configured`);
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
    },
  };
}
