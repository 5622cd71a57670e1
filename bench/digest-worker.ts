/**
 * One measured digest of a table, in a fresh process so peak memory is this run's alone.
 * Started by bench/content-digest.ts; prints one JSON line.
 *
 *   baseline: one sequential Scan that keeps every item, then an in-memory pass over them
 *   product:  the drill's path: the DynamoDB port's parallel scan streaming each item into
 *             TableDigest (what the content-digest check does during the shared scan)
 */
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { TableDigest } from '../lambda/digest/table-digest';
import { createDynamoDbPort, type Item } from '../lambda/ports/dynamodb-port';
import { systemClock } from '../lambda/ports/clock';

const [variant, tableName, segmentsText] = process.argv.slice(2);
const segments = Number(segmentsText);

let peakHeap = 0;
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 5);

async function baseline(client: DynamoDBClient): Promise<TableDigest> {
  const items: Item[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName })) items.push(...(page.Items ?? []));
  // The in-memory comparison a simple tool would do: hold the table, order it, hash it.
  items.sort((a, b) => (a.pk.S! < b.pk.S! ? -1 : 1));
  return TableDigest.of(items);
}

async function product(client: DynamoDBClient): Promise<TableDigest> {
  const digest = new TableDigest();
  await createDynamoDbPort(client, systemClock.sleep).scanItems(tableName, { segments }, (item) => digest.add(item));
  return digest;
}

(async () => {
  const client = new DynamoDBClient({ maxAttempts: 6 });
  const started = process.hrtime.bigint();
  const digest = variant === 'baseline' ? await baseline(client) : await product(client);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  clearInterval(sampler);
  client.destroy();
  console.log(
    JSON.stringify({
      variant,
      tableName,
      segments,
      items: digest.itemCount,
      digest: digest.toString(),
      ms,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      peakHeapMb: peakHeap / 1024 / 1024,
    }),
  );
})();
