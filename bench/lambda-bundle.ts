/**
 * How big is the drill Lambda's bundle, how long does it take to load cold, and what would
 * bundling the AWS SDK into it change?
 *
 * Measures the bundle `cdk synth` really produces (the asset `cdk deploy` uploads), then builds a
 * baseline from the same entry with the same esbuild options but the AWS SDK bundled in (no
 * externals). Cold load is `require()` of the bundle in a fresh Node.js process, timed inside
 * that process; the two bundles alternate so machine noise hits both alike. Issue "The
 * deployable stack": keep the SDK out of the bundle unless a measurement says to include it.
 *
 *   npm run bench:bundle
 *   npm run bench:bundle -- --cdk-out cdk.out    reuse an earlier `cdk synth`
 *   npm run bench:bundle -- --runs 30            cold loads per variant (default 15)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import {
  PROJECT_ROOT,
  type SynthesizedApp,
  bundledFunction,
  physicalResources,
  readSynthesizedApp,
  synthesizeApp,
} from '../test/harness/app/synthesized-app';

/** The drill function's entry, as lib/constructs/drill-function.ts gives it to NodejsFunction. */
const HANDLER_ENTRY = path.join(PROJECT_ROOT, 'lambda', 'handler.ts');
/** The Lambda runtime finds its AWS SDK v3 through NODE_PATH; ours stands in (see local-lambda.ts). */
const RUNTIME_NODE_PATH = path.join(PROJECT_ROOT, 'node_modules');
const TOP_INPUTS = 8;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

// ---- The synthesized drill function -------------------------------------------------------------

interface DrillBundle {
  readonly logicalId: string;
  readonly handlerFile: string;
  /** esbuild target derived from the function's runtime, as NodejsFunction does (nodejs24.x -> node24). */
  readonly target: string;
  /** The function's environment as deployed (NODE_OPTIONS=--enable-source-maps among it). */
  readonly environment: Record<string, string>;
}

function drillBundle(app: SynthesizedApp): DrillBundle {
  const resolution = physicalResources(app, { region: 'us-east-1', accountId: '000000000000' });
  const fn = bundledFunction(app, resolution, (_, properties) => properties.Environment?.Variables?.DRILL_TABLES !== undefined);
  const runtime = String(app.template.Resources[fn.logicalId].Properties?.Runtime);
  const version = /^nodejs(\d+)/.exec(runtime)?.[1];
  if (!version) throw new Error(`${fn.logicalId} has runtime ${runtime}; expected nodejsNN.x`);
  return { logicalId: fn.logicalId, handlerFile: fn.handlerFile, target: `node${version}`, environment: fn.environment };
}

// ---- Sizes --------------------------------------------------------------------------------------

interface BundleSize {
  readonly js: number;
  readonly jsGzip: number;
  readonly sourceMap: number;
  readonly zip: number;
}

/**
 * `cdk deploy` zips the asset directory with yazl (zlib deflate, default level, a data
 * descriptor per file); this adds the same deflate output and the zip format's fixed headers
 * instead of depending on a zip tool, so it is an estimate within a few dozen bytes.
 */
function estimatedZipSize(files: readonly { name: string; content: Buffer }[]): number {
  const LOCAL_HEADER = 30;
  const DATA_DESCRIPTOR = 16;
  const CENTRAL_HEADER = 46;
  const END_OF_CENTRAL_DIRECTORY = 22;
  return (
    files.reduce(
      (sum, { name, content }) =>
        sum + LOCAL_HEADER + DATA_DESCRIPTOR + CENTRAL_HEADER + 2 * Buffer.byteLength(name) + deflateRawSync(content).length,
      0,
    ) + END_OF_CENTRAL_DIRECTORY
  );
}

function bundleSize(handlerFile: string): BundleSize {
  const dir = path.dirname(handlerFile);
  const files = readdirSync(dir).map((name) => ({ name, content: readFileSync(path.join(dir, name)) }));
  const js = readFileSync(handlerFile);
  const sourceMap = files.find((f) => f.name === `${path.basename(handlerFile)}.map`);
  return { js: js.length, jsGzip: gzipSync(js).length, sourceMap: sourceMap?.content.length ?? 0, zip: estimatedZipSize(files) };
}

// ---- esbuild builds -----------------------------------------------------------------------------

/**
 * The options NodejsFunction passes to esbuild for the drill function (lib/constructs/node-function.ts
 * `bundling`, aws-cdk-lib's buildEsbuildArgs): bundle, platform node, target from the runtime,
 * minify, sourcemap, no --format (so esbuild's node default, cjs). Only `external` varies.
 */
async function buildHandler(outdir: string, target: string, external: string[]): Promise<esbuild.Metafile> {
  const result = await esbuild.build({
    entryPoints: [HANDLER_ENTRY],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    target,
    minify: true,
    sourcemap: true,
    external,
    outfile: path.join(outdir, 'index.js'),
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

interface InputGroup {
  readonly directory: string;
  readonly files: number;
  readonly bytes: number;
}

/** Bundle bytes by source directory (e.g. zod/v4/locales), largest first: what the bundle is made of. */
function largestInputs(metafile: esbuild.Metafile): { groups: InputGroup[]; total: number } {
  const [output] = Object.values(metafile.outputs).filter((o) => o.entryPoint !== undefined);
  const byDirectory = new Map<string, { files: number; bytes: number }>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const directory = path.dirname(file.replace(/^.*node_modules\//, ''));
    const group = byDirectory.get(directory) ?? { files: 0, bytes: 0 };
    byDirectory.set(directory, { files: group.files + 1, bytes: group.bytes + bytesInOutput });
  }
  const groups = [...byDirectory].map(([directory, g]) => ({ directory, ...g })).sort((a, b) => b.bytes - a.bytes);
  return { groups, total: output.bytes };
}

// ---- Cold load ----------------------------------------------------------------------------------

interface LoadVariant {
  readonly name: string;
  readonly file: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Timed inside the child, so process start-up and spawn cost stay out of the figure. */
const TIME_REQUIRE = `
const start = process.hrtime.bigint();
require(process.argv[1]);
process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));`;

function coldLoadMs(variant: LoadVariant): number {
  const child = spawnSync(process.execPath, ['-e', TIME_REQUIRE, variant.file], { env: variant.env, encoding: 'utf8' });
  const value = Number(child.stdout);
  if (child.status !== 0 || !Number.isFinite(value)) {
    throw new Error(`${variant.name}: loading ${variant.file} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return value;
}

/** Round-robin over the variants; one discarded warm-up each so every file is in the page cache. */
function coldLoads(variants: readonly LoadVariant[], runs: number): number[][] {
  const samples = variants.map(() => [] as number[]);
  for (const variant of variants) coldLoadMs(variant);
  for (let run = 0; run < runs; run++) {
    variants.forEach((variant, i) => {
      samples[i].push(coldLoadMs(variant));
    });
  }
  return samples;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

// ---- Report -------------------------------------------------------------------------------------

function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('   '));
}

async function main(): Promise<void> {
  const runs = Number(option('runs') ?? 15);
  const workDir = mkdtempSync(path.join(tmpdir(), 'restore-drill-bench-'));
  try {
    const reuse = option('cdk-out');
    console.log(reuse ? `using the synthesized app in ${reuse}` : 'synthesizing the CDK app (cdk synth)...');
    const app = reuse ? readSynthesizedApp(path.resolve(reuse)) : await synthesizeApp({ outdir: path.join(workDir, 'cdk.out') });
    const drill = drillBundle(app);

    // Ours rebuilt only for its metafile (the synthesized asset has none); its size checks that
    // these options really are the CDK's.
    const oursDir = path.join(workDir, 'ours');
    const sdkBundledDir = path.join(workDir, 'sdk-bundled');
    mkdirSync(oursDir);
    mkdirSync(sdkBundledDir);
    const oursMetafile = await buildHandler(oursDir, drill.target, ['@aws-sdk/*']);
    await buildHandler(sdkBundledDir, drill.target, []);

    const ours = bundleSize(drill.handlerFile);
    const rebuilt = bundleSize(path.join(oursDir, 'index.js'));
    const sdkBundled = bundleSize(path.join(sdkBundledDir, 'index.js'));

    // As deployed: the function's own environment (NODE_OPTIONS=--enable-source-maps) and the
    // runtime's SDK on NODE_PATH. The source-map-off rows show what parsing the map costs.
    const deployedEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_PATH: RUNTIME_NODE_PATH,
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'bench-drill',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...drill.environment,
    };
    const { NODE_OPTIONS: _sourceMaps, ...noSourceMapsEnv } = deployedEnv;
    const sdkBundledFile = path.join(sdkBundledDir, 'index.js');
    console.log(`timing ${runs} cold loads of each bundle, source maps on and off...`);
    const [oursMaps, sdkMaps, oursPlain, sdkPlain] = coldLoads(
      [
        { name: 'ours, source maps on', file: drill.handlerFile, env: deployedEnv },
        { name: 'sdk-bundled, source maps on', file: sdkBundledFile, env: deployedEnv },
        { name: 'ours, source maps off', file: drill.handlerFile, env: noSourceMapsEnv },
        { name: 'sdk-bundled, source maps off', file: sdkBundledFile, env: noSourceMapsEnv },
      ],
      runs,
    );

    console.log(
      `\nDrill Lambda bundle: ${drill.logicalId}, esbuild --platform=node --target=${drill.target} cjs --minify --sourcemap` +
        `\nours = the synthesized asset (@aws-sdk/* external); sdk-bundled = same entry and options, no externals` +
        `\ngzip and zip use zlib's default level; zip is an estimate of the asset archive cdk deploy uploads\n`,
    );
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const sizeRow = (label: string, pick: (s: BundleSize) => number) => [
      label,
      kb(pick(ours)),
      kb(pick(sdkBundled)),
      ratio(pick(ours), pick(sdkBundled)),
    ];
    const loadRow = (label: string, a: number[], b: number[], p: number) => [
      label,
      ms(percentile(a, p)),
      ms(percentile(b, p)),
      ratio(percentile(a, p), percentile(b, p)),
    ];
    printTable([
      ['', 'ours', 'sdk-bundled', 'ours/sdk-bundled'],
      sizeRow('index.js', (s) => s.js),
      sizeRow('index.js gzip', (s) => s.jsGzip),
      sizeRow('index.js.map (shipped)', (s) => s.sourceMap),
      sizeRow('asset zip (js + map, est.)', (s) => s.zip),
      loadRow(`cold require, maps on, median (n=${runs})`, oursMaps, sdkMaps, 0.5),
      loadRow('cold require, maps on, p90', oursMaps, sdkMaps, 0.9),
      loadRow('cold require, maps off, median', oursPlain, sdkPlain, 0.5),
      loadRow('cold require, maps off, p90', oursPlain, sdkPlain, 0.9),
    ]);
    console.log(
      `\nNODE_OPTIONS=--enable-source-maps is set on the function, so the map ships in the asset and Node reads it at load` +
        ` (maps on / off, ours: ${ratio(percentile(oursMaps, 0.5), percentile(oursPlain, 0.5))}x median).` +
        `\nOurs loads @aws-sdk/* from NODE_PATH (${path.relative(PROJECT_ROOT, RUNTIME_NODE_PATH)}), as the runtime loads its own copy.`,
    );
    if (Math.abs(rebuilt.js - ours.js) > ours.js * 0.01) {
      console.log(
        `warning: esbuild with these options gives ${kb(rebuilt.js)}, the synthesized asset is ${kb(ours.js)}: the synth is older than lambda/, or these options have drifted from lib/constructs/node-function.ts`,
      );
    }

    const { groups, total } = largestInputs(oursMetafile);
    console.log(`\nWhat ours is made of: top ${TOP_INPUTS} source directories by bytes in the minified output\n`);
    printTable([
      ['directory', 'files', 'bytes', 'share'],
      ...groups.slice(0, TOP_INPUTS).map((g) => [g.directory, String(g.files), kb(g.bytes), `${((100 * g.bytes) / total).toFixed(1)}%`]),
    ]);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
