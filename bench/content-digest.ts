/**
 * How fast, and in how much memory, can a drill prove a table's content?
 *
 * On the local harness (AWS's DynamoDB Local behind the harness front), digests tables of
 * ~1 KB items two ways, each in a fresh child process (bench/digest-worker.ts):
 *   (a) baseline: a plain sequential Scan holding every item, then an in-memory pass;
 *   (b) the product's path: the engine's parallel scan streaming into TableDigest.
 * Every Scan request waits SCAN_PAGE_LATENCY_MS before DynamoDB Local answers, because on AWS the page
 * round trips, not the CPU, bound a scan (see the constant for where the figure comes from).
 *
 * Targets (issue "Prove the data"): (b) >= 3x the baseline's items/s on 100,000 items; peak
 * memory of (b) grows < 1.5x from 10,000 to 100,000 items.
 *
 *   npm run bench:digest                  100,000 and 10,000 items, the default 4 segments
 *   npm run bench:digest -- --segments 8  another segment count for (b)
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { startLocalAws } from '../test/harness';
import { stopSharedDynamoDbLocal } from '../test/harness/dynamodb/dynamodb-local';
import type { Item } from '../lambda/ports/dynamodb-port';
import { DEFAULT_SETTINGS } from '../lib/settings';
import { PK_SK_SCHEMA } from '../test/harness/dynamodb/pk-sk-schema';

/**
 * Fixed latency added to every Scan request: 125 ms per 1 MB page. Derived from Vlad Holubiev,
 * "How to Scan a 23 GB DynamoDB Table in One Minute" (2022): a sequential scan of the 23 GB
 * table ran about 50 times longer than the one-minute parallel scan, i.e. ~23,500 1 MB pages
 * in ~50 minutes, ~127 ms a page. An assumption to replace with your own measurement.
 */
const SCAN_PAGE_LATENCY_MS = 125;
const ITEM_PAYLOAD_BYTES = 900;
const PROJECT_ROOT = path.resolve(__dirname, '..');

const option = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
/** The product's path as deployed: the scanSegments default, unless asked otherwise. */
const SEGMENTS = option('segments', DEFAULT_SETTINGS.scanSegments);
const LARGE = option('items', 100_000);
const SMALL = LARGE / 10;

/** ~1 KB items (DynamoDB size: names + values), deterministic, with numbers, a map and a list. */
function benchItem(i: number): Item {
  const id = String(i).padStart(7, '0');
  const text = `${id}:`.repeat(Math.ceil(ITEM_PAYLOAD_BYTES / 8)).slice(0, ITEM_PAYLOAD_BYTES);
  return {
    pk: { S: `ITEM#${id}` },
    sk: { S: 'v1' },
    area: { N: String((i % 997) * 1.25) },
    floors: { N: String(i % 4) },
    location: { M: { lat: { N: String(40 + (i % 1000) / 1000) }, lng: { N: String(-3 - (i % 500) / 500) } } },
    tags: { SS: ['bench', `group-${i % 10}`] },
    notes: { S: text },
  };
}

async function load(local: Awaited<ReturnType<typeof startLocalAws>>, tableName: string, count: number) {
  await local.dynamodb.createTable({
    TableName: tableName,
    ...PK_SK_SCHEMA,
  });
  const batches: Item[][] = [];
  for (let i = 0; i < count; i += 25) batches.push(Array.from({ length: Math.min(25, count - i) }, (_, j) => benchItem(i + j)));
  // A few writers at once; the harness's own client is never slowed or failed.
  let next = 0;
  const writer = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      await local.dynamodb.client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
      );
    }
  };
  await Promise.all(Array.from({ length: 4 }, writer));
}

interface Run {
  variant: string;
  items: number;
  digest: string;
  ms: number;
  peakRssMb: number;
  peakHeapMb: number;
}

function measure(env: Record<string, string>, variant: 'baseline' | 'product', tableName: string, segments: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(__dirname, 'digest-worker.ts'), variant, tableName, String(segments)],
      {
        env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`worker exited ${code}`)),
    );
  });
}

const rate = (run: Run) => run.items / (run.ms / 1000);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const local = await startLocalAws({ dynamodb: { createTableMs: 10, deleteTableMs: 10 } });
  try {
    const loadStarted = Date.now();
    await load(local, 'bench-large', LARGE);
    await load(local, 'bench-small', SMALL);
    console.log(`loaded ${fmt(LARGE)} + ${fmt(SMALL)} items of ~1 KB in ${fmt((Date.now() - loadStarted) / 1000, 1)} s`);
    local.dynamodb.setLatency('Scan', SCAN_PAGE_LATENCY_MS);
    console.log(`Scan latency: ${SCAN_PAGE_LATENCY_MS} ms per request (per 1 MB page); product path: ${SEGMENTS} parallel segments\n`);

    const runs: Array<[string, Run]> = [];
    for (const [label, variant, table, segments] of [
      ['(a) baseline, 100k', 'baseline', 'bench-large', 1],
      ['(b) product,  100k', 'product', 'bench-large', SEGMENTS],
      ['(a) baseline,  10k', 'baseline', 'bench-small', 1],
      ['(b) product,   10k', 'product', 'bench-small', SEGMENTS],
    ] as const) {
      runs.push([label, await measure(local.env as unknown as Record<string, string>, variant, table, segments)]);
    }
    console.log(['run', 'items', 'seconds', 'items/s', 'peak RSS MB', 'peak heap MB'].join('\t'));
    for (const [label, run] of runs) {
      console.log([label, fmt(run.items), fmt(run.ms / 1000, 2), fmt(rate(run)), fmt(run.peakRssMb, 1), fmt(run.peakHeapMb, 1)].join('\t'));
    }
    const [baseLarge, prodLarge, baseSmall, prodSmall] = runs.map(([, run]) => run);
    if (baseLarge.digest !== prodLarge.digest || baseSmall.digest !== prodSmall.digest)
      throw new Error('the two paths computed different digests');
    const speedup = rate(prodLarge) / rate(baseLarge);
    const growth = prodLarge.peakRssMb / prodSmall.peakRssMb;
    const baselineGrowth = baseLarge.peakRssMb / baseSmall.peakRssMb;
    const invocationSeconds = 15 * 60 - 120; // a 15-minute Lambda, less the drill's reserve
    console.log(`\nsame digest on both paths: ${prodLarge.digest.slice(0, 24)}...`);
    console.log(`(b) vs (a) items/s on ${fmt(LARGE)} items: ${speedup.toFixed(2)}x (target >= 3x)`);
    console.log(`peak RSS 10k -> 100k: product ${growth.toFixed(2)}x (target < 1.5x), baseline ${baselineGrowth.toFixed(2)}x`);
    console.log(
      `at ${fmt(rate(prodLarge))} items/s, one invocation (${invocationSeconds} s after the reserve) validates ~${fmt((rate(prodLarge) * invocationSeconds) / 1e6, 1)} million ~1 KB items`,
    );
    const met = speedup >= 3 && growth < 1.5;
    console.log(met ? 'All targets met.' : 'TARGET MISSED.');
    process.exitCode = met ? 0 : 1;
  } finally {
    await local.close();
    await stopSharedDynamoDbLocal();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
