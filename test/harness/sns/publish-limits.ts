import type { WireMessageAttribute } from './query-wire';

/**
 * What SNS refuses in a Publish to a topic, with the error SNS answers, so that the SDK raises
 * the same exception class. Sources, cited per rule below:
 * - [model] the SNS API model, PublishInput and MessageAttributeValue (aws/api-models-aws,
 *   sns/service/2010-03-31/sns-2010-03-31.json; the same text is the API reference's Publish
 *   page): Message @required; Subject "UTF-8 text with no line breaks or control characters, and
 *   less than 100 characters long"; Message "at most 256 KB (262,144 bytes, not 262,144
 *   characters)"; MessageStructure "Valid value: json", the Message then "a syntactically valid
 *   JSON object" with "at least a top-level JSON key of "default" with a value that is a
 *   string"; MessageAttributeValue.DataType @required, "Name, type, and value must not be empty
 *   or null", "All parts of the message attribute, including name, type, and value, are included
 *   in the message size restriction".
 * - [older model] the same member's documentation before it was reworded (still in the AWS CLI,
 *   SDK for .NET/C++/Rust docs): "Subjects must be ASCII text that begins with a letter, number,
 *   or punctuation mark; must not include line breaks or control characters; and must be less
 *   than 100 characters long". The Amazon Managed Service for Prometheus guide, "Understanding
 *   Amazon SNS message validation rules", lists the same: a subject with control or non-ASCII
 *   characters, or longer than 100 characters, is not accepted by SNS. Both are kept: the
 *   stricter reading is the one a drill report can rely on everywhere.
 * - [attributes] SNS Developer Guide, "Amazon SNS message attributes" and "Message attribute
 *   data types and validation": names of A-Z, a-z, 0-9, underscore, hyphen and period, not
 *   starting or ending with a period, no successive periods, up to 256 characters, not starting
 *   with "AWS." or "Amazon." in any case; types String, String.Array, Number and Binary with an
 *   optional custom suffix (".xyz"), case-sensitive, up to 256 bytes; a Number has up to 38
 *   digits of precision and lies between 10^-128 and 10^+126; a String.Array is an array of
 *   strings, numbers, true, false or null, formatted as a string.
 * - [errors] the error codes are the model's awsQueryError codes: InvalidParameter (400,
 *   InvalidParameterException) for the message, subject and structure, ParameterValueInvalid
 *   (400, InvalidParameterValueException) for message attributes; a missing DataType is the
 *   service's generic ValidationError (not in the model, so the SDK raises a plain
 *   SNSServiceException named ValidationError). The message texts are SNS's as recorded by
 *   emulators validated against AWS (LocalStack's SNS provider); the SDK classifies by code,
 *   not by text.
 */
export const MAX_SUBJECT_LENGTH = 99;
export const MAX_MESSAGE_BYTES = 262_144;
export const MAX_ATTRIBUTE_NAME_LENGTH = 256;
export const MAX_ATTRIBUTE_TYPE_BYTES = 256;

export interface PublishRequest {
  readonly topicArn?: string;
  readonly message?: string;
  readonly subject?: string;
  readonly messageStructure?: string;
  readonly messageAttributes: Record<string, WireMessageAttribute>;
}

export interface PublishRefusal {
  /** Query error code, e.g. InvalidParameter; the SDK maps it to its exception class. */
  readonly code: 'InvalidParameter' | 'ParameterValueInvalid' | 'ValidationError';
  readonly message: string;
}

const invalidParameter = (message: string): PublishRefusal => ({ code: 'InvalidParameter', message });
const invalidAttribute = (message: string): PublishRefusal => ({ code: 'ParameterValueInvalid', message });

/** Why SNS would refuse this Publish, or undefined when it would accept it. */
export function publishRefusal(request: PublishRequest): PublishRefusal | undefined {
  // [model] TopicArn, TargetArn or PhoneNumber: a topic publish needs the topic.
  if (!request.topicArn) return invalidParameter('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
  // [model] Message @required; [attributes] "the message body should not be empty or null".
  if (request.message === undefined || request.message === '') return invalidParameter('Invalid parameter: Empty message');
  for (const [name, attribute] of Object.entries(request.messageAttributes)) {
    const refusal = attributeRefusal(name, attribute);
    if (refusal) return refusal;
  }
  if (request.subject !== undefined) {
    const problem = subjectProblem(request.subject);
    if (problem) return invalidParameter(`Invalid parameter: Subject (${problem})`);
  }
  if (request.messageStructure !== undefined) {
    // [model] "Valid value: json".
    if (request.messageStructure !== 'json') return invalidParameter('Invalid parameter: MessageStructure');
    const problem = jsonStructureProblem(request.message);
    if (problem) return invalidParameter(`Invalid parameter: Message Structure - ${problem}`);
  }
  // [model] 262,144 bytes, message attributes included.
  if (publishSizeBytes(request) > MAX_MESSAGE_BYTES) return invalidParameter('Invalid parameter: Message too long');
  return undefined;
}

/** [model] fewer than 100 characters, no line breaks or control characters; [older model] printable ASCII, not starting with a space. */
export function subjectProblem(subject: string): string | undefined {
  if (subject.length === 0) return 'must not be empty';
  if (subject.length > MAX_SUBJECT_LENGTH) return `must be less than 100 characters, has ${subject.length}`;
  if (/[\r\n]/.test(subject)) return 'contains a line break';
  if (!/^[\x20-\x7e]*$/.test(subject)) return 'contains a non-ASCII or control character';
  if (subject.startsWith(' ')) return 'must begin with a letter, number or punctuation mark';
  return undefined;
}

/** [model] a JSON object whose top-level "default" is a string. */
function jsonStructureProblem(message: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return 'JSON message body failed to parse';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'JSON message body failed to parse';
  if (typeof (parsed as Record<string, unknown>).default !== 'string') return 'No default entry in JSON message body';
  return undefined;
}

/** [attributes] name, type and value rules; [errors] ParameterValueInvalid, or ValidationError for a missing type. */
function attributeRefusal(name: string, attribute: WireMessageAttribute): PublishRefusal | undefined {
  if (name.length === 0) return invalidAttribute('The request must contain non-empty message attribute name.');
  if (name.length > MAX_ATTRIBUTE_NAME_LENGTH) return invalidAttribute('Length of message attribute name must be less than 256 bytes.');
  if (name.startsWith('.')) return invalidAttribute("Invalid message attribute name starting with character '.' was found.");
  if (name.endsWith('.')) return invalidAttribute("Invalid message attribute name ending with character '.' was found.");
  const badCharacter = [...name].find((character) => !/[A-Za-z0-9_.-]/.test(character));
  if (badCharacter) {
    const hex = `#x${badCharacter.codePointAt(0)!.toString(16).toUpperCase()}`;
    return invalidAttribute(
      `Invalid non-alphanumeric character '${hex}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`,
    );
  }
  if (name.includes('..')) return invalidAttribute("Message attribute name can not have successive '.' character.");
  if (/^(aws|amazon)\./i.test(name))
    return invalidAttribute(`The message attribute name '${name}' uses a prefix reserved by AWS (AWS. or Amazon.).`);

  const dataType = attribute.DataType;
  if (dataType === undefined) {
    return {
      code: 'ValidationError',
      message: `1 validation error detected: Value null at 'messageAttributes.${name}.member.dataType' failed to satisfy constraint: Member must not be null`,
    };
  }
  // String.Array is String with the suffix ".Array"; any other suffix is a custom type label.
  if (!/^(String|Number|Binary)(\..+)?$/.test(dataType) || Buffer.byteLength(dataType) > MAX_ATTRIBUTE_TYPE_BYTES) {
    return invalidAttribute(
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    );
  }
  const empty = `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`;
  if (dataType.startsWith('Binary')) return attribute.BinaryValue ? undefined : invalidAttribute(empty);
  const value = attribute.StringValue;
  if (value === undefined || value === '') return invalidAttribute(empty);
  if (dataType.startsWith('Number') && !isSnsNumber(value))
    return invalidAttribute(`Could not cast message attribute '${name}' value to number.`);
  if (dataType === 'String.Array' && !isSnsStringArray(value)) {
    return invalidAttribute(
      `The message attribute '${name}' with type 'String.Array' must be an array of strings, numbers, true, false or null, formatted as a JSON string.`,
    );
  }
  return undefined;
}

/** [attributes] a decimal number of up to 38 significant digits, 0 or between 10^-128 and 10^+126 in magnitude. */
function isSnsNumber(text: string): boolean {
  const match = /^[+-]?(\d*)\.?(\d*)(?:[eE][+-]?\d+)?$/.exec(text.trim());
  if (!match || match[1] + match[2] === '') return false;
  const digits = (match[1] + match[2]).replace(/^0+/, '').replace(/0+$/, '');
  if (digits.length > 38) return false;
  const magnitude = Math.abs(Number(text));
  return magnitude === 0 || (magnitude >= 1e-128 && magnitude <= 1e126);
}

/** [attributes] a JSON array of strings, numbers, true, false or null. */
function isSnsStringArray(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => item === null || ['string', 'number', 'boolean'].includes(typeof item));
  } catch {
    return false;
  }
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
