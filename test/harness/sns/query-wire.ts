import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/**
 * The AWS query protocol as @aws-sdk/client-sns speaks it (AwsQueryProtocol in @aws-sdk/core):
 * a form-encoded POST `Action=Publish&Version=2010-03-31&...`, maps flattened as
 * `MessageAttributes.entry.N.Name` / `.Value.DataType`; XML answers in the SNS namespace with
 * the result under <PublishResult>; errors as <ErrorResponse><Error><Code>, where the SDK maps
 * the query error code to its exception (awsQueryError trait: NotFound -> NotFoundException,
 * InvalidParameter -> InvalidParameterException, InternalError -> InternalErrorException...).
 */
export const SNS_XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

export function sendQueryResult(response: ServerResponse, action: string, resultXml: string): void {
  const body =
    `<${action}Response xmlns="${SNS_XML_NAMESPACE}"><${action}Result>${resultXml}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  sendXml(response, 200, body);
}

export interface QueryError {
  /** Query error code (the awsQueryError name), e.g. NotFound, InvalidParameter, InternalError. */
  readonly code: string;
  readonly message: string;
  readonly httpStatus: number;
}

export function sendQueryError(response: ServerResponse, error: QueryError): void {
  const type = error.httpStatus >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${SNS_XML_NAMESPACE}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  sendXml(response, error.httpStatus, body);
}

function sendXml(response: ServerResponse, statusCode: number, body: string): void {
  response.writeHead(statusCode, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(body);
}

export interface WireMessageAttribute {
  readonly DataType?: string;
  readonly StringValue?: string;
  /** Base64 as sent on the wire. */
  readonly BinaryValue?: string;
}

/** Reads `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue,Value.BinaryValue}`. */
export function messageAttributesOf(form: URLSearchParams): Record<string, WireMessageAttribute> {
  const entries = new Map<string, { name?: string; value: Record<string, string> }>();
  for (const [key, value] of form) {
    const match = /^MessageAttributes\.entry\.(\d+)\.(Name|Value\.(DataType|StringValue|BinaryValue))$/.exec(key);
    if (!match) continue;
    const entry = entries.get(match[1]) ?? { value: {} };
    if (match[2] === 'Name') entry.name = value;
    else entry.value[match[3]] = value;
    entries.set(match[1], entry);
  }
  return Object.fromEntries([...entries.values()].filter((entry) => entry.name !== undefined).map((entry) => [entry.name!, entry.value]));
}
