import { spawn } from 'node:child_process';
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

/** The pid of the java process under a `sh` pid. */
async function javaChildOf(shellPid: number): Promise<number | undefined> {
  const { execFileSync } = await import('node:child_process');
  try {
    const out = execFileSync('pgrep', ['-P', String(shellPid), 'java']).toString().trim();
    return out ? Number(out.split('\n')[0]) : undefined;
  } catch {
    return undefined;
  }
}

describe('AWS DynamoDB Local process', () => {
  it('serves DynamoDB Local 3.x and stops when asked (no java left behind)', async () => {
    const started = await startDynamoDbLocal();
    const java = await javaChildOf(started.pid!);
    expect(started.version).toMatch(/^3\./);
    expect(java).toBeDefined();
    const answer = await fetch(started.url, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' });
    expect(answer.status).toBeGreaterThanOrEqual(200);
    await started.stop();
    expect(await waitUntil(() => !isRunning(java!), 10_000)).toBe(true);
  }, 60_000);

  it('dies with the Node.js process that started it, even one killed with SIGKILL', async () => {
    // A child Node.js process starts DynamoDB Local, prints the java pid, then is killed hard:
    // no exit handler of it runs, yet java must go.
    const script = `
      const { startDynamoDbLocal } = require(${JSON.stringify(path.join(__dirname, 'dynamodb', 'dynamodb-local'))});
      const { execFileSync } = require('node:child_process');
      startDynamoDbLocal().then((started) => {
        const java = execFileSync('pgrep', ['-P', String(started.pid), 'java']).toString().trim();
        console.log(java);
        setInterval(() => {}, 1000);
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const javaPid = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      child.once('exit', () => reject(new Error('the child exited before DynamoDB Local started')));
    });
    expect(isRunning(javaPid)).toBe(true);
    child.kill('SIGKILL');
    expect(await waitUntil(() => !isRunning(javaPid), 10_000)).toBe(true);
  }, 60_000);
});
