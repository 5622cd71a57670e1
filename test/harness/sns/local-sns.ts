import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from '../http/loopback-server';
import { InjectedFailures } from '../faults/injected-failures';
import { publishRefusal } from './publish-limits';
import { escapeXml, messageAttributesOf, sendQueryError, sendQueryResult, type WireMessageAttribute } from './query-wire';

export interface LocalSnsOptions {
  readonly accountId: string;
  readonly region: string;
  /** Topic names (or ARNs) that exist from the start. */
  readonly topics?: readonly string[];
  /** Print each accepted message here (e.g. process.stdout for `npm start`). */
  readonly printTo?: NodeJS.WritableStream;
}

export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  /** The Message parameter as sent (the JSON text when messageStructure is "json"). */
  readonly message: string;
  readonly messageStructure?: string;
  /** The `default` entry for messageStructure "json", else the message itself: what an email subscriber reads. */
  readonly defaultMessage: string;
  readonly messageAttributes: Readonly<Record<string, WireMessageAttribute>>;
  readonly receivedAt: Date;
}

export interface LocalSns {
  readonly url: string;
  readonly failures: InjectedFailures;
  /** ARN of a topic in this account and Region. */
  topicArn(name: string): string;
  createTopic(name: string): string;
  /** Accepted messages, oldest first. */
  messages(): PublishedMessage[];
  clearMessages(): void;
  /**
   * The next `count` Publish requests fail. Default InternalError (HTTP 500), which the SDK
   * treats as transient and retries (3 attempts in all by default).
   */
  rejectNextPublishes(count: number, error?: { code: string; httpStatus: number; message?: string }): void;
  onPublish(listener: (message: PublishedMessage) => void): void;
  close(): Promise<void>;
}

export async function startLocalSns(options: LocalSnsOptions): Promise<LocalSns> {
  const topicArn = (name: string) => (name.startsWith('arn:') ? name : `arn:aws:sns:${options.region}:${options.accountId}:${name}`);
  const topics = new Set((options.topics ?? []).map(topicArn));
  const messages: PublishedMessage[] = [];
  const listeners: ((message: PublishedMessage) => void)[] = [];
  const failures = new InjectedFailures();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const form = new URLSearchParams(await readBody(request));
    const action = form.get('Action') ?? '';
    if (request.method !== 'POST' || action !== 'Publish') {
      sendQueryError(response, {
        code: 'InvalidAction',
        message: `The local SNS endpoint implements Publish only, not ${action || '(none)'}`,
        httpStatus: 400,
      });
      return;
    }
    const failure = failures.take('Publish');
    if (failure) {
      sendQueryError(response, {
        code: failure.code,
        message: failure.message ?? 'Injected by the local harness',
        httpStatus: failure.httpStatus,
      });
      return;
    }
    const publish = {
      topicArn: form.get('TopicArn') ?? form.get('TargetArn') ?? undefined,
      message: form.get('Message') ?? undefined,
      subject: form.get('Subject') ?? undefined,
      messageStructure: form.get('MessageStructure') ?? undefined,
      messageAttributes: messageAttributesOf(form),
    };
    const refusal = publishRefusal(publish);
    if (refusal) {
      sendQueryError(response, { ...refusal, httpStatus: 400 });
      return;
    }
    if (!topics.has(publish.topicArn!)) {
      sendQueryError(response, { code: 'NotFound', message: 'Topic does not exist', httpStatus: 404 });
      return;
    }
    const accepted: PublishedMessage = {
      messageId: randomUUID(),
      topicArn: publish.topicArn!,
      subject: publish.subject,
      message: publish.message!,
      messageStructure: publish.messageStructure,
      defaultMessage:
        publish.messageStructure === 'json' ? (JSON.parse(publish.message!) as { default: string }).default : publish.message!,
      messageAttributes: publish.messageAttributes,
      receivedAt: new Date(),
    };
    messages.push(accepted);
    if (options.printTo) options.printTo.write(formatForTerminal(accepted));
    for (const listener of listeners) listener(accepted);
    sendQueryResult(response, 'Publish', `<MessageId>${escapeXml(accepted.messageId)}</MessageId>`);
  };

  const server = await listenOnLoopback(handle);
  return {
    url: server.url,
    failures,
    topicArn,
    createTopic(name) {
      const arn = topicArn(name);
      topics.add(arn);
      return arn;
    },
    messages: () => [...messages],
    clearMessages: () => void messages.splice(0),
    rejectNextPublishes: (count, error = { code: 'InternalError', httpStatus: 500 }) => failures.failNext('Publish', count, error),
    onPublish: (listener) => void listeners.push(listener),
    close: () => server.close(),
  };
}

export function formatForTerminal(message: PublishedMessage): string {
  const attributes = Object.entries(message.messageAttributes)
    .map(([name, attribute]) => `${name}=${attribute.StringValue ?? `<${attribute.DataType}>`}`)
    .join(', ');
  return [
    `--- SNS message ${message.messageId} to ${message.topicArn}`,
    `Subject: ${message.subject ?? '(none)'}`,
    ...(attributes ? [`Attributes: ${attributes}`] : []),
    '',
    message.defaultMessage,
    '---',
    '',
  ].join('\n');
}
