import type { WireMessageAttribute } from './query-wire';

/**
 * Publish's constraints as the SNS API reference states them:
 * - Subject: ASCII text that begins with a letter, number or punctuation mark, without line
 *   breaks or control characters, at most 100 characters;
 * - Message: UTF-8, at most 256 KB = 262,144 bytes, counted together with the message attributes
 *   (names, data types and values);
 * - MessageStructure "json": a JSON object with a string `default` entry (the message for
 *   protocols without their own key).
 * Violations are InvalidParameter errors, as from SNS.
 */
export const MAX_SUBJECT_LENGTH = 100;
export const MAX_MESSAGE_BYTES = 262_144;

export interface PublishRequest {
  readonly topicArn?: string;
  readonly message?: string;
  readonly subject?: string;
  readonly messageStructure?: string;
  readonly messageAttributes: Record<string, WireMessageAttribute>;
}

/** The reason a publish is refused, or undefined when SNS would accept it. */
export function publishViolation(request: PublishRequest): string | undefined {
  if (!request.topicArn) return 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter';
  if (request.message === undefined || request.message === '') return 'Invalid parameter: Empty message';
  if (request.subject !== undefined) {
    const subjectProblem = subjectViolation(request.subject);
    if (subjectProblem) return `Invalid parameter: Subject (${subjectProblem})`;
  }
  if (request.messageStructure !== undefined) {
    if (request.messageStructure !== 'json') return `Invalid parameter: MessageStructure must be json, got ${request.messageStructure}`;
    const structureProblem = jsonStructureViolation(request.message);
    if (structureProblem) return `Invalid parameter: Message Structure - ${structureProblem}`;
  }
  for (const [name, attribute] of Object.entries(request.messageAttributes)) {
    const attributeProblem = attributeViolation(name, attribute);
    if (attributeProblem) return `Invalid parameter: Message attribute ${name}: ${attributeProblem}`;
  }
  if (publishSizeBytes(request) > MAX_MESSAGE_BYTES) return 'Invalid parameter: Message too long';
  return undefined;
}

export function subjectViolation(subject: string): string | undefined {
  if (subject.length === 0) return 'must not be empty';
  if (subject.length > MAX_SUBJECT_LENGTH) return `longer than ${MAX_SUBJECT_LENGTH} characters`;
  if (/[\r\n]/.test(subject)) return 'contains a line break';
  if (!/^[\x20-\x7e]*$/.test(subject)) return 'contains a non-ASCII or control character';
  if (subject.startsWith(' ')) return 'must begin with a letter, number or punctuation mark';
  return undefined;
}

function jsonStructureViolation(message: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return 'JSON message body failed to parse';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'JSON message body must be an object';
  if (typeof (parsed as Record<string, unknown>).default !== 'string') return 'No default entry in JSON message body';
  return undefined;
}

function attributeViolation(name: string, attribute: WireMessageAttribute): string | undefined {
  if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) return 'invalid name';
  if (/^(aws|amazon)\./i.test(name)) return 'names starting with AWS. or Amazon. are reserved';
  const dataType = attribute.DataType ?? '';
  if (!/^(String|Number|Binary|String\.Array)(\..+)?$/.test(dataType)) return `invalid DataType "${dataType}"`;
  if (dataType.startsWith('Binary')) return attribute.BinaryValue ? undefined : 'Binary attribute without BinaryValue';
  if (attribute.StringValue === undefined || attribute.StringValue === '') return 'missing StringValue';
  if (dataType.startsWith('Number') && !Number.isFinite(Number(attribute.StringValue))) return `"${attribute.StringValue}" is not a number`;
  if (dataType.startsWith('String.Array')) {
    try {
      if (!Array.isArray(JSON.parse(attribute.StringValue))) return 'String.Array value is not a JSON array';
    } catch {
      return 'String.Array value is not a JSON array';
    }
  }
  return undefined;
}

/** Message bytes plus every attribute's name, data type and value bytes. */
export function publishSizeBytes(request: PublishRequest): number {
  const attributeBytes = Object.entries(request.messageAttributes).reduce(
    (total, [name, attribute]) =>
      total +
      Buffer.byteLength(name) +
      Buffer.byteLength(attribute.DataType ?? '') +
      (attribute.BinaryValue ? Buffer.from(attribute.BinaryValue, 'base64').length : Buffer.byteLength(attribute.StringValue ?? '')),
    0,
  );
  return Buffer.byteLength(request.message ?? '') + attributeBytes;
}
