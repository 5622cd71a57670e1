import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startDynamoDbLocal } from './dynamodb/dynamodb-local';

/** The DynamoDB Local process: started on a free loopback port, and gone on every exit path. */

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

/**
 * What a pid runs, where Linux says so (/proc/<pid>/comm); no external command (procps' pgrep
 * and ps are not on slim Debian images). Undefined elsewhere.
 */
function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
const onLinux = existsSync('/proc/self/comm');

describe('AWS DynamoDB Local process', () => {
  it('serves DynamoDB Local 3.x and stops when asked (no java left behind)', async () => {
    const started = await startDynamoDbLocal();
    try {
      const java = started.javaPid;
      expect(started.version).toMatch(/^3\./);
      expect(java).not.toBe(started.pid);
      expect(isRunning(java)).toBe(true);
      if (onLinux) expect(commandOf(java)).toBe('java');
      const answer = await fetch(started.url, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' });
      expect(answer.status).toBeGreaterThanOrEqual(200);
      await started.stop();
      expect(await waitUntil(() => !isRunning(java), 10_000)).toBe(true);
    } finally {
      await started.stop();
    }
  }, 60_000);

  it('dies with the Node.js process that started it, even one killed with SIGKILL', async () => {
    // A child Node.js process starts DynamoDB Local, prints the java pid, then is killed hard:
    // no exit handler of it runs, yet java must go.
    const script = `
      const { startDynamoDbLocal } = require(${JSON.stringify(path.join(__dirname, 'dynamodb', 'dynamodb-local'))});
      startDynamoDbLocal().then((started) => {
        console.log(started.javaPid);
        setInterval(() => {}, 1000);
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const javaPid = await new Promise<number>((resolve, reject) => {
        child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
        child.once('exit', () => reject(new Error('the child exited before DynamoDB Local started')));
      });
      expect(Number.isInteger(javaPid)).toBe(true);
      expect(isRunning(javaPid)).toBe(true);
      if (onLinux) expect(commandOf(javaPid)).toBe('java');
      child.kill('SIGKILL');
      expect(await waitUntil(() => !isRunning(javaPid), 10_000)).toBe(true);
    } finally {
      // A failed expectation must not leave the child (and its DynamoDB Local) running.
      child.kill('SIGKILL');
    }
  }, 60_000);
});
