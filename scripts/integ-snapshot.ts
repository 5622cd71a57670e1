/**
 * `npm run test:integ-snapshot`: checks the integration test (test/integ/integ.restore-drill.ts)
 * against its committed snapshot, offline: the app is synthesized here, as the CDK CLI runs an app
 * (CDK_OUTDIR and CDK_CONTEXT_JSON), with no AWS call and no credentials, and every stack template
 * must equal the one in test/integ/integ.restore-drill.ts.snapshot/.
 *
 * Why not integ-runner: the newest @aws-cdk/integ-runner on npm (2.197.10) reads cloud assemblies
 * up to schema 53, and aws-cdk-lib 2.276 writes schema 55 ("Cloud assembly schema version
 * mismatch: Maximum schema version supported is 53.x.x, but found 55.0.0"), so it cannot even
 * read a snapshot of this app. This check keeps integ-runner's rules: templates compared whole,
 * asset hashes masked (integ-runner ignores them unless `diffAssets`), no version reporting or
 * path metadata; bundling is skipped since only the templates are compared.
 *
 * `npm run test:integ-snapshot -- --update` rewrites the snapshot; review its diff like code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const INTEG_APP = path.join(ROOT, 'test', 'integ', 'integ.restore-drill.ts');
const SNAPSHOT_DIR = `${INTEG_APP}.snapshot`;

/** Context the CDK CLI would pass (cdk.json's feature flags), minus what makes templates differ without a change of ours. */
const CONTEXT = {
  ...(JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context,
  'aws:cdk:bundling-stacks': [],
  'aws:cdk:version-reporting': false,
  'aws:cdk:enable-path-metadata': false,
  'aws:cdk:enable-asset-metadata': false,
};

function synthesize(): Map<string, string> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'integ-snapshot-'));
  try {
    execFileSync(process.execPath, ['--import', 'tsx', INTEG_APP], {
      cwd: ROOT,
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(CONTEXT) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return new Map(
      readdirSync(outdir)
        .filter((name) => name.endsWith('.template.json'))
        .map((name) => [name, canonical(readFileSync(path.join(outdir, name), 'utf8'))]),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Masks what changes without a change of ours: asset hashes (64 hex digits, in S3 keys and asset
 * parameters: they follow the bundled code) and the `salt` integ-tests gives every assertion
 * (the synth time, so that each deploy runs the assertions again).
 */
function canonical(template: string): string {
  return `${JSON.stringify(JSON.parse(template), null, 1)
    .replace(/[0-9a-f]{64}/g, '<asset-hash>')
    .replace(/"salt": "\d+"/g, '"salt": "<synth-time>"')}\n`;
}

function readSnapshot(): Map<string, string> {
  let names: string[] = [];
  try {
    names = readdirSync(SNAPSHOT_DIR).filter((name) => name.endsWith('.template.json'));
  } catch {
    // no snapshot yet
  }
  return new Map(names.map((name) => [name, readFileSync(path.join(SNAPSHOT_DIR, name), 'utf8')]));
}

/** Logical ids added, removed or changed between two templates, and the first differing path. */
function describeDifference(expected: string, actual: string): string[] {
  const before = JSON.parse(expected) as Record<string, unknown>;
  const after = JSON.parse(actual) as Record<string, unknown>;
  const lines: string[] = [];
  const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  for (const section of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[section] ?? {};
    const b = after[section] ?? {};
    if (!isMap(a) || !isMap(b)) {
      if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`  [~] ${section}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
      continue;
    }
    for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(id in a)) lines.push(`  [+] ${section}.${id}`);
      else if (!(id in b)) lines.push(`  [-] ${section}.${id}`);
      else if (JSON.stringify(a[id]) !== JSON.stringify(b[id]))
        lines.push(`  [~] ${section}.${id} at ${firstDifference(a[id], b[id], '')}`);
    }
  }
  return lines;
}

function firstDifference(a: unknown, b: unknown, at: string): string {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return `${at || '.'}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    if (JSON.stringify(x) !== JSON.stringify(y)) return firstDifference(x, y, `${at}.${key}`);
  }
  return at;
}

function main(): void {
  const update = process.argv.includes('--update');
  const started = Date.now();
  const actual = synthesize();
  if (update) {
    rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    for (const [name, template] of actual) writeFileSync(path.join(SNAPSHOT_DIR, name), template);
    console.log(`integ snapshot updated: ${[...actual.keys()].join(', ')} in ${path.relative(ROOT, SNAPSHOT_DIR)}`);
    return;
  }
  const expected = readSnapshot();
  const problems: string[] = [];
  for (const name of new Set([...expected.keys(), ...actual.keys()])) {
    const was = expected.get(name);
    const now = actual.get(name);
    if (was === undefined) problems.push(`${name}: not in the snapshot (new stack)`);
    else if (now === undefined) problems.push(`${name}: in the snapshot, no longer synthesized`);
    else if (was !== now) problems.push(`${name}: changed`, ...describeDifference(was, now));
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length > 0) {
    console.error(`integ snapshot of ${path.relative(ROOT, INTEG_APP)} differs:\n${problems.join('\n')}`);
    console.error(`If the change is intended: npm run test:integ-snapshot -- --update, and commit the snapshot (${seconds} s).`);
    process.exit(1);
  }
  console.log(`integ snapshot: ${actual.size} templates match ${path.relative(ROOT, SNAPSHOT_DIR)} (${seconds} s)`);
}

main();
