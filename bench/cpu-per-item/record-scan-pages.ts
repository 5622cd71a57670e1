/**
 * Records the Scan responses the CPU benchmark replays: loads ~1 KB and ~4 KB items into AWS's
 * DynamoDB Local (the harness), scans one full page (1 MB, DynamoDB's page limit) of each, and
 * writes the response body exactly as it came over HTTP, gzipped, to bench/cpu-per-item/recorded/.
 *
 *   npm run bench:cpu:record      (only when the item shape or DynamoDB Local changes; the files are committed)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BatchWriteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startLocalAws } from '../../test/harness';
import { stopSharedDynamoDbLocal } from '../../test/harness/dynamodb/dynamodb-local';
import { benchItem, dynamoDbItemSize } from './bench-items';
import { PK_SK_SCHEMA } from '../../test/harness/dynamodb/pk-sk-schema';

export const RECORDED_DIR = path.join(__dirname, 'recorded');
export const recordedPagePath = (itemBytes: number) => path.join(RECORDED_DIR, `scan-page-${itemBytes / 1024}kb.json.gz`);

type Middleware = Parameters<ScanCommand['middlewareStack']['addRelativeTo']>[0];

async function main() {
  const local = await startLocalAws({ dynamodb: { createTableMs: 10, deleteTableMs: 10 } });
  mkdirSync(RECORDED_DIR, { recursive: true });
  try {
    for (const itemBytes of [1024, 4096]) {
      const tableName = `bench-cpu-${itemBytes}`;
      await local.dynamodb.createTable({
        TableName: tableName,
        ...PK_SK_SCHEMA,
      });
      // Enough items for more than one 1 MB page.
      const count = Math.ceil((1.5 * 1024 * 1024) / itemBytes);
      for (let i = 0; i < count; i += 25) {
        const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) => benchItem(i + j, itemBytes));
        await local.dynamodb.client.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
        );
      }
      const command = new ScanCommand({ TableName: tableName, ReturnConsumedCapacity: 'TOTAL' });
      let body: Buffer | undefined;
      const capture = (next: (args: unknown) => Promise<{ response: { body?: unknown } }>) => async (args: unknown) => {
        const result = await next(args);
        const chunks: Buffer[] = [];
        for await (const chunk of result.response.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
        body = Buffer.concat(chunks);
        result.response.body = body;
        return result;
      };
      command.middlewareStack.addRelativeTo(capture as unknown as Middleware, {
        relation: 'after',
        toMiddleware: 'deserializerMiddleware',
        name: 'recordScanPage',
      });
      const page = await local.dynamodb.client.send(command);
      if (!body || !page.LastEvaluatedKey) throw new Error('expected a full page with more to follow');
      writeFileSync(recordedPagePath(itemBytes), gzipSync(body, { level: 9 }));
      console.log(
        `${path.relative(process.cwd(), recordedPagePath(itemBytes))}: ${page.Count} items of ${dynamoDbItemSize(benchItem(0, itemBytes))} bytes (DynamoDB size), body ${body.length} bytes`,
      );
    }
  } finally {
    await local.close();
    await stopSharedDynamoDbLocal();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
