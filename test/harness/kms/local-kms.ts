import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { listenOnLoopback, readBody } from '../http/loopback-server';
import { InjectedFailures } from '../faults/injected-failures';

/**
 * A local KMS endpoint with the one operation the drill calls: DescribeKey (AWS JSON 1.1,
 * `X-Amz-Target: TrentService.DescribeKey`). The drill asks it whether a source table's key is
 * the AWS managed key (KeyManager AWS) or a customer-managed one, because DescribeTable reports
 * both as SSEType KMS with the key's ARN (DynamoDB API reference, SSEDescription).
 *
 * It knows the AWS managed key of DynamoDB (`alias/aws/dynamodb`, created on first use as in an
 * account) and the keys a test creates. Answers follow the KMS API reference: KeyMetadata's
 * members, CreationDate in epoch seconds, a key found by key id, key ARN, alias name or alias ARN,
 * NotFoundException (HTTP 400) for an unknown key, ValidationException without a KeyId.
 */

export type KeyManager = 'AWS' | 'CUSTOMER';

export interface LocalKms {
  readonly url: string;
  readonly failures: InjectedFailures;
  /** The key ARN of the AWS managed key for DynamoDB (aws/dynamodb) in this account and Region. */
  awsManagedDynamoDbKeyArn(): string;
  /** The key ARN of a key named by id, ARN, alias name or alias ARN (as CreateTable's KMSMasterKeyId may). */
  keyArnOf(keyIdOrName: string): string | undefined;
  /** The KeyId of every DescribeKey answered, oldest first. */
  describedKeys(): string[];
  /** Creates a customer-managed key; returns its key ARN. */
  createKey(description?: string): string;
  close(): Promise<void>;
}

interface LocalKey {
  readonly keyId: string;
  readonly arn: string;
  readonly manager: KeyManager;
  readonly description: string;
  readonly creationDate: Date;
  readonly aliases: string[];
}

const JSON_11 = 'application/x-amz-json-1.1';

export async function startLocalKms(options: { accountId: string; region: string }): Promise<LocalKms> {
  const keys: LocalKey[] = [];
  const described: string[] = [];
  const failures = new InjectedFailures();
  const keyArn = (keyId: string) => `arn:aws:kms:${options.region}:${options.accountId}:key/${keyId}`;
  const aliasArn = (alias: string) => `arn:aws:kms:${options.region}:${options.accountId}:${alias}`;

  const addKey = (manager: KeyManager, description: string, aliases: string[] = []): LocalKey => {
    const keyId = randomUUID();
    const key = { keyId, arn: keyArn(keyId), manager, description, creationDate: new Date(), aliases };
    keys.push(key);
    return key;
  };
  const awsManagedDynamoDbKey = () =>
    keys.find((key) => key.aliases.includes('alias/aws/dynamodb')) ??
    addKey('AWS', 'Default master key that protects my DynamoDB data when no other key is defined', ['alias/aws/dynamodb']);

  const find = (keyIdOrName: string): LocalKey | undefined => {
    if (keyIdOrName === 'alias/aws/dynamodb' || keyIdOrName === aliasArn('alias/aws/dynamodb')) return awsManagedDynamoDbKey();
    return keys.find(
      (key) =>
        key.keyId === keyIdOrName ||
        key.arn === keyIdOrName ||
        key.aliases.some((alias) => alias === keyIdOrName || aliasArn(alias) === keyIdOrName),
    );
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const input = JSON.parse((await readBody(request)) || '{}') as { KeyId?: string };
    const failure = failures.take(operation);
    if (failure)
      return send(response, { __type: failure.code, message: failure.message ?? 'Injected by the local harness' }, failure.httpStatus);
    if (operation !== 'DescribeKey') {
      return send(
        response,
        { __type: 'UnknownOperationException', message: `The local KMS endpoint implements DescribeKey only, not ${operation}` },
        400,
      );
    }
    if (!input.KeyId) {
      return send(
        response,
        {
          __type: 'ValidationException',
          message: "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
        },
        400,
      );
    }
    described.push(input.KeyId);
    const key = find(input.KeyId);
    if (!key) return send(response, { __type: 'NotFoundException', message: `Key '${input.KeyId}' does not exist` }, 400);
    return send(response, {
      KeyMetadata: {
        AWSAccountId: options.accountId,
        KeyId: key.keyId,
        Arn: key.arn,
        CreationDate: key.creationDate.getTime() / 1000,
        Enabled: true,
        Description: key.description,
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyState: 'Enabled',
        Origin: 'AWS_KMS',
        KeyManager: key.manager,
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        MultiRegion: false,
      },
    });
  };

  const server = await listenOnLoopback(handle);
  return {
    url: server.url,
    failures,
    awsManagedDynamoDbKeyArn: () => awsManagedDynamoDbKey().arn,
    keyArnOf: (keyIdOrName) => find(keyIdOrName)?.arn,
    describedKeys: () => [...described],
    createKey: (description = 'customer-managed key created by the local harness') => addKey('CUSTOMER', description).arn,
    close: () => server.close(),
  };
}

function send(response: ServerResponse, body: unknown, statusCode = 200): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': JSON_11,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    'x-amz-crc32': String(crc32(text)),
  });
  response.end(text);
}
