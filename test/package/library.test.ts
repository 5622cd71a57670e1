import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { type LocalDeployment, deployLocally } from '../harness/app/local-deployment';
import { PROJECT_ROOT, readSynthesizedApp } from '../harness/app/synthesized-app';
import { E2E_OPTIONS, check, reports } from '../e2e/e2e-support';
import { installClientApp, packLibrary } from './install-packed';
import { PK_SK_SCHEMA } from '../harness/dynamodb/pk-sk-schema';

/**
 * The construct library as a client meets it: packed, installed offline into a fresh app of its
 * own (test/package/client-app), synthesized with a custom check from that app's own module, and
 * that check run by the bundled drill on the local endpoints.
 */

const run = promisify(execFile);
let workDir: string;
let appDir: string;

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'restore-drill-package-'));
  appDir = path.join(workDir, 'client-app');
  installClientApp(packLibrary(path.join(workDir, 'pack')), appDir);
}, 300_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** `cdk synth` of the client's app, as its owner runs it (the CLI is this project's: the client's own would do). */
async function synthClientApp(outdir: string, env: Record<string, string> = {}) {
  const cdk = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  return run(cdk, ['synth', '--quiet', '--app', 'node app.js', '--output', outdir], {
    cwd: appDir,
    env: { ...process.env, ...env, CDK_DISABLE_VERSION_CHECK: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
}

async function synthFailure(env: Record<string, string>): Promise<string> {
  const failed = await synthClientApp(path.join(workDir, `refused-${Object.values(env).join('-')}`), env).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  expect(failed).toBeDefined();
  expect(failed!.code).toBe(1);
  return failed!.stderr;
}

test('the packed library has what a construct library ships and nothing of the repository', async () => {
  const { stdout } = await run('tar', ['-tzf', path.join(workDir, 'pack', 'restore-drill-0.1.0.tgz')]);
  const files = stdout.split('\n').filter(Boolean);
  expect(files).toEqual(
    expect.arrayContaining(['package/dist/lib/index.js', 'package/dist/lib/index.d.ts', 'package/dist/lambda/checks/api.d.ts']),
  );
  expect(files.filter((file) => !/^package\/(dist\/(lib|lambda|cli)\/|package\.json$|README\.md$)/.test(file))).toEqual([]);
  expect(files.some((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toBe(false);
});

test("the client's check module type-checks against the published check API", async () => {
  await run(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: appDir,
  });
}, 120_000);

test("a custom check from the client's own module is synthesized into the drill and runs in a local drill", async () => {
  const outdir = path.join(workDir, 'cdk.out');
  await synthClientApp(outdir);
  const deployment: LocalDeployment = await deployLocally(readSynthesizedApp(outdir), E2E_OPTIONS);
  try {
    const { local } = deployment;
    await local.dynamodb.createTable({
      TableName: 'orders',
      ...PK_SK_SCHEMA,
    });
    await local.dynamodb.putItems('orders', [
      { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' }, price: { N: '12.5' } },
      { pk: { S: 'ORDER#2' }, sk: { S: 'ORDER' }, price: { N: '-3' } },
      { pk: { S: 'ORDER#2' }, sk: { S: 'LINE#1' }, sku: { S: 'A-1' } },
    ]);
    await local.backup.backupTable('orders', { vaultName: deployment.vaultNames[0] });

    const outcome = await deployment.invokeDrill({ tables: ['orders'] });
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toMatchObject({ trigger: 'manual', drills: [{ status: 'finished', verdict: 'FAIL' }] });
    const [report] = reports(deployment);
    expect(report.subject).toMatch(/^\[FAIL\] restore drill orders/);
    expect(check(report, 'price-positive')).toMatchObject({
      status: 'FAIL',
      summary: expect.stringContaining('pk=ORDER#2, sk=ORDER'),
      numbers: { checked: 2, broken: 1 },
    });
  } finally {
    await deployment.close();
  }
}, 180_000);

test('a module that exports no valid check is refused at synth, naming the module and what is wrong', async () => {
  const stderr = await synthFailure({ CLIENT_CHECK_MODULE: 'not-a-check.ts', CLIENT_CHECK_NAMES: 'half-a-check' });
  expect(stderr).toContain('Invalid restore-drill setting "customCheckModules"');
  expect(stderr).toContain('not-a-check.ts is not a check module: its default export ("half-a-check") has no `begin` function');
}, 60_000);

test('a table naming a check no module exports is refused at synth', async () => {
  const stderr = await synthFailure({ CLIENT_CHECK_NAMES: 'price-positiv' });
  expect(stderr).toContain('Invalid restore-drill setting "tables[0].customChecks": no custom check is registered as "price-positiv"');
  expect(stderr).toContain('price-positive');
}, 60_000);
