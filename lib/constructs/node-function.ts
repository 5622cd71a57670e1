import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Duration, RemovalPolicy, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import * as esbuild from 'esbuild';

// In this repository lib/constructs/ sits beside lambda/ (TypeScript); in the installed library
// dist/lib/constructs/ sits beside dist/lambda/ (the compiled JavaScript, no lock file).
const PROJECT_ROOT = path.join(__dirname, '..', '..');
const LAMBDA_DIR = path.join(PROJECT_ROOT, 'lambda');
const LOCK_FILE = path.join(PROJECT_ROOT, 'package-lock.json');

/** The entry's file: lambda/<entry> from the sources, or its compiled .js in the installed library. */
export function entryFile(entry: string): string {
  const file = path.isAbsolute(entry) ? entry : path.join(LAMBDA_DIR, entry);
  if (existsSync(file)) return file;
  const compiled = file.replace(/\.ts$/, '.js');
  if (existsSync(compiled)) return compiled;
  throw new Error(`the function entry ${file} is missing (neither .ts nor .js)`);
}

/** A function's log group and the role it runs with. */
export interface FunctionLogsAndRole {
  readonly logGroup: logs.LogGroup;
  /** Trusted by Lambda; may write to the log group and nothing else until granted more. */
  readonly role: iam.Role;
}

/** Construct ids of the log group and the role (each part keeps the ids its resources had). */
export interface FunctionLogsAndRoleIds {
  readonly logGroup: string;
  readonly role: string;
}

export interface FunctionLogsAndRoleProps {
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  readonly roleDescription: string;
}

/** A log group and a Lambda execution role that writes to it: the function's own, not CDK's default ones. */
export function buildFunctionLogsAndRole(
  scope: Construct,
  ids: FunctionLogsAndRoleIds,
  props: FunctionLogsAndRoleProps,
): FunctionLogsAndRole {
  const logGroup = new logs.LogGroup(scope, ids.logGroup, {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, ids.role, {
    description: props.roleDescription,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  logGroup.grantWrite(role);
  return { logGroup, role };
}

/**
 * Where a function's code comes from. `asset`: NodejsFunction bundles it into an asset that
 * `cdk deploy` uploads to the bootstrap bucket. `inline`: the same entry, bundled by esbuild at
 * synth into CommonJS and written into the template (`Code.ZipFile`), so the template deploys
 * with nothing uploaded: the console template (`npm run template`).
 */
export type FunctionCodeSource = 'asset' | 'inline';

export interface NodeFunctionProps
  extends FunctionLogsAndRoleProps,
    Pick<
      nodejs.NodejsFunctionProps,
      'description' | 'memorySize' | 'timeout' | 'reservedConcurrentExecutions' | 'tracing' | 'onFailure' | 'retryAttempts'
    > {
  /** The handler's file, relative to lambda/; it exports `handler`. */
  readonly entry: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** @default - only NODE_OPTIONS (source maps) */
  readonly environment?: Record<string, string>;
  /**
   * Name of the handler the entry exports.
   * @default 'handler'
   */
  readonly handler?: string;
  /** @default 'asset' */
  readonly codeSource?: FunctionCodeSource;
  /**
   * The user's custom check modules: the function's code is then an entry generated at synth
   * that passes each module's exports to the entry's `handlerWithChecks`, bundled with them.
   * @default - none: the entry's `handler` as it is
   */
  readonly checkModules?: readonly string[];
}

/**
 * A function of this project's lambda/ code: Node.js 24 on ARM, bundled by esbuild (minified, the
 * runtime's AWS SDK v3 left out), with its own log group and role. The code source is the only
 * difference between the two modes: an asset with a source map, or the bundle inline.
 */
export function buildNodejsFunction(
  scope: Construct,
  ids: FunctionLogsAndRoleIds & { readonly function: string },
  props: NodeFunctionProps,
): FunctionLogsAndRole & { readonly function: lambda.Function } {
  const { logGroup, role } = buildFunctionLogsAndRole(scope, ids, props);
  const common = {
    description: props.description,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    role,
    logGroup,
    tracing: props.tracing,
    onFailure: props.onFailure,
    retryAttempts: props.retryAttempts,
  };
  const checkModules = props.checkModules ?? [];
  const entry = checkModules.length > 0 ? generatedEntry(scope, entryFile(props.entry), checkModules) : entryFile(props.entry);
  const handler = checkModules.length > 0 ? 'handler' : (props.handler ?? 'handler');
  if (props.codeSource === 'inline') {
    const fn = new lambda.Function(scope, ids.function, {
      ...common,
      // CloudFormation writes ZipFile code to a file named index (.js for Node.js), so the handler is
      // index.<export> (CloudFormation user guide, AWS::Lambda::Function Code, ZipFile).
      code: lambda.Code.fromInline(inlineBundle(entry)),
      handler: `index.${handler}`,
      // No source map inline: it would more than double the template. Stack traces point into the bundle.
      environment: props.environment,
    });
    return { logGroup, role, function: fn };
  }
  if (!entry.startsWith(LAMBDA_DIR) || !existsSync(LOCK_FILE)) {
    // The installed library (no lock file for NodejsFunction) or a generated entry: bundled here,
    // as NodejsFunction would (esbuild, CommonJS, minified, source map, the runtime's SDK left out).
    const fn = new lambda.Function(scope, ids.function, {
      ...common,
      code: lambda.Code.fromAsset(assetBundle(scope, entry)),
      handler: `index.${handler}`,
      environment: functionEnvironment(props.environment ?? {}),
    });
    return { logGroup, role, function: fn };
  }
  const fn = new nodejs.NodejsFunction(scope, ids.function, {
    ...common,
    entry,
    handler,
    environment: functionEnvironment(props.environment ?? {}),
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: LOCK_FILE,
    // The Node.js runtime ships AWS SDK v3.
    bundling: { minify: true, sourceMap: true, externalModules: ['@aws-sdk/*'] },
  });
  return { logGroup, role, function: fn };
}

const inlineBundles = new Map<string, string>();

/**
 * The entry (relative to lambda/, or absolute) bundled as the asset is, but into one CommonJS
 * string: ZipFile code is `index.js`, which Node.js loads as CommonJS (CloudFormation user guide,
 * ZipFile). Each entry is bundled once per process.
 */
export function inlineBundle(entry: string): string {
  const cached = inlineBundles.get(entry);
  if (cached !== undefined) return cached;
  const result = esbuild.buildSync({
    entryPoints: [entryFile(entry)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    mainFields: ['module', 'main'],
    minify: true,
    external: ['@aws-sdk/*'],
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  inlineBundles.set(entry, code);
  return code;
}

/** Where this app's synth writes its generated files: beside the assets (cdk.out), else a temporary folder. */
function generatedFilesDir(scope: Construct): string {
  const dir = path.join(Stage.of(scope)?.outdir ?? os.tmpdir(), 'restore-drill-generated');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const hashOf = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);

/** An entry that hands the modules' exports to the handler's `handlerWithChecks` (lambda/handler.ts). */
function generatedEntry(scope: Construct, handlerFile: string, modules: readonly string[]): string {
  const importPath = (file: string) => JSON.stringify(file.replace(/\.(ts|js)$/, ''));
  const code = [
    '// Generated by restore-drill at synth: the drill handler with the custom check modules.',
    `import { handlerWithChecks } from ${importPath(handlerFile)};`,
    ...modules.map((file, index) => `import * as module${index} from ${importPath(file)};`),
    `export const handler = handlerWithChecks([${modules.map((_, index) => `module${index}`).join(', ')}]);`,
    '',
  ].join('\n');
  const file = path.join(generatedFilesDir(scope), `entry-${hashOf(code)}.ts`);
  writeFileSync(file, code);
  return file;
}

/** The entry bundled into a folder (index.js and its source map) for `Code.fromAsset`. */
function assetBundle(scope: Construct, entry: string): string {
  const outdir = path.join(generatedFilesDir(scope), `bundle-${hashOf(entry)}`);
  esbuild.buildSync({
    entryPoints: [entry],
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return outdir;
}

/** The environment a function gets: `environment`, and stack traces that point into lambda/*.ts through the bundled source map. */
export function functionEnvironment(environment: Record<string, string>): Record<string, string> {
  return { ...environment, NODE_OPTIONS: '--enable-source-maps' };
}
