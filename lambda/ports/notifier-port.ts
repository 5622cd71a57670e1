import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

/** Sends a drill report to the SNS topic. */

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

export function createNotifierPort(client: SNSClient, topicArn: string): NotifierPort {
  return {
    async publish(message) {
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
