import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

/**
 * DynamoDB's JSON 1.0 wire details the harness needs when it answers itself (local-only
 * operations, injected throttling) or changes DynamoDB Local's answer. The SDK checks the
 * x-amz-crc32 header of every DynamoDB response (verified in @aws-sdk/client-dynamodb), so it
 * must match the body sent.
 */
export const DYNAMODB_ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

export function sendDynamoDbJson(response: ServerResponse, body: unknown, statusCode = 200): void {
  sendDynamoDbText(response, JSON.stringify(body), statusCode);
}

export function sendDynamoDbText(response: ServerResponse, text: string, statusCode = 200): void {
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
