import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

/**
 * DynamoDB's JSON 1.0 wire details the harness needs when it answers instead of dynalite
 * (shimmed operations, injected throttling). The SDK checks the x-amz-crc32 header of every
 * DynamoDB response (verified in @aws-sdk/client-dynamodb), so it must match the body sent.
 */
export const DYNAMODB_ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

export function sendDynamoDbJson(response: ServerResponse, body: unknown, statusCode = 200): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amz-crc32': String(crc32(text)),
    'x-amzn-requestid': `local-${Date.now().toString(36)}`,
  });
  response.end(text);
}

export function sendDynamoDbError(response: ServerResponse, code: string, message: string, statusCode = 400): void {
  sendDynamoDbJson(response, { __type: `${DYNAMODB_ERROR_PREFIX}${code}`, message }, statusCode);
}

/** "DynamoDB_20120810.Scan" -> "Scan". */
export function operationOf(targetHeader: string | string[] | undefined): string {
  const target = Array.isArray(targetHeader) ? targetHeader[0] : targetHeader;
  return target?.split('.')[1] ?? '';
}

/** SDK-shaped values back to wire form: Date -> epoch seconds (DynamoDB's JSON timestamps). */
export function toWireForm(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWireForm);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, toWireForm(field)]));
  return value;
}
