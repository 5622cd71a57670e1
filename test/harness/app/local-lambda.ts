import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Invokes a bundled Lambda handler in a child Node.js process: a fresh module per invocation
 * (like a new execution environment), the function's environment plus the local AWS endpoints,
 * and a timeout that kills it, as Lambda does.
 */

export interface LocalInvocation {
  /** Absolute path of the bundle (asset index.js). */
  readonly handlerFile: string;
  /** Export name, e.g. "handler". */
  readonly handlerName: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly event: unknown;
  readonly timeoutMs: number;
  readonly requestId?: string;
  /** Receives each line the function writes (its structured logs). */
  readonly onLogLine?: (line: string) => void;
}

export interface LocalInvocationOutcome {
  readonly result?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  readonly logs: readonly string[];
  readonly durationMs: number;
}

const RUNNER = path.join(__dirname, 'lambda-runner.js');
/**
 * The Lambda Node.js runtime ships AWS SDK v3 and finds it through NODE_PATH
 * (/var/runtime/node_modules); the bundles keep @aws-sdk/* external, so point NODE_PATH at the
 * project's copy, as the runtime points at its own.
 */
const RUNTIME_NODE_PATH = path.resolve(__dirname, '..', '..', '..', 'node_modules');
let invocations = 0;

function lines(stream: Readable, onLine: (line: string) => void) {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      onLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  });
  stream.on('end', () => buffer && onLine(buffer));
}

export function invokeLocally(invocation: LocalInvocation): Promise<LocalInvocationOutcome> {
  const started = Date.now();
  const requestId = invocation.requestId ?? `local-request-${process.pid}-${++invocations}`;
  const child = spawn(process.execPath, [RUNNER, invocation.handlerFile, invocation.handlerName, String(invocation.timeoutMs), requestId], {
    // Only what Lambda would set plus the function's own environment: nothing leaks from the caller.
    env: {
      PATH: process.env.PATH,
      NODE_PATH: RUNTIME_NODE_PATH,
      AWS_LAMBDA_FUNCTION_NAME: 'local-drill',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...invocation.environment,
    },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const onLine = (line: string) => {
    logs.push(line);
    invocation.onLogLine?.(line);
  };
  lines(child.stdout!, onLine);
  lines(child.stderr!, onLine);
  let outcomeLine = '';
  (child.stdio[3] as Readable).on('data', (chunk: Buffer) => (outcomeLine += chunk.toString('utf8')));
  child.stdin!.end(JSON.stringify(invocation.event));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const durationMs = Date.now() - started;
      try {
        const outcome = JSON.parse(outcomeLine.trim() || 'null') as { result?: unknown; error?: { name: string; message: string } } | null;
        if (!outcome) {
          resolve({
            error: { name: 'RuntimeExit', message: `the function process exited with code ${code} before returning` },
            logs,
            durationMs,
          });
          return;
        }
        resolve({ ...outcome, logs, durationMs });
      } catch (error) {
        reject(error);
      }
    });
  });
}
