import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../harness/app/synthesized-app';
import type { LocalDeployment } from '../harness/app/local-deployment';
import { type LocalControlPlane, startLocalControlPlane } from '../harness/control-plane/local-control-plane';
import { deploy, historyOf, removeSynthesized } from './e2e-support';

/**
 * The `restore-drill` CLI against a local deployment: the synthesized stack's outputs served by a
 * local DescribeStacks, its drill Lambda (the bundle in cdk.out) behind a local Invoke, the
 * history in DynamoDB Local. The CLI runs as a user runs it, a separate process with the standard
 * credential chain, pointed at the endpoints by AWS_ENDPOINT_URL_*.
 */

jest.setTimeout(180_000);

let deployment: LocalDeployment;
let controlPlane: LocalControlPlane;

beforeEach(async () => {
  deployment = await deploy();
  controlPlane = await startLocalControlPlane(deployment);
});

afterEach(async () => {
  await controlPlane.close();
  await deployment.close();
});

afterAll(() => removeSynthesized());

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI; an `env` value of undefined removes that variable. */
function cli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const environment: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    // No profile or credentials file of this machine's user: only what the test gives.
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...deployment.local.env,
    ...controlPlane.env,
    RESTORE_DRILL_STACK: deployment.app.stackName,
    ...env,
  };
  return new Promise((resolve) => {
    execFile(
      tsx,
      [path.join(PROJECT_ROOT, 'cli', 'restore-drill.ts'), ...args],
      { env: Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined)) as NodeJS.ProcessEnv },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const backUp = () => deployment.local.backup.backupTable(deployment.fixtureTableName, { vaultName: deployment.vaultNames[0] });

test('run --follow starts one drill asynchronously and shows it to its verdict; status, history, show and runbook read it back', async () => {
  await backUp();
  const run = await cli(['run', '--follow', '--poll-seconds', '0.2']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(new RegExp(`started: ${deployment.fixtureTableName} \\(idempotency key cli-`));
  expect(run.stdout).toMatch(/RESTORING/);
  expect(run.stdout).toMatch(new RegExp(`PASS\\s+${deployment.fixtureTableName}\\s+RTO`));
  expect(controlPlane.invocations.map((invocation) => invocation.type)).toEqual(['Event']);

  const status = await cli(['status']);
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(new RegExp(`^PASS  ${deployment.fixtureTableName}  last proven \\S+  RTO \\S+, RPO \\S+\\n$`));

  const history = await cli(['history', '--json', '--since', '1d']);
  expect(history.code).toBe(0);
  const records = JSON.parse(history.stdout);
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ trigger: 'manual', status: 'FINISHED', outcome: { verdict: 'PASS' } });

  const show = await cli(['show', records[0].drillId]);
  expect(show.code).toBe(0);
  expect(show.stdout).toContain(`drill ${records[0].drillId}: PASS (manual`);
  expect(show.stdout).toMatch(/PASS content digest/);

  const runbook = await cli(['runbook', deployment.fixtureTableName]);
  expect(runbook.code).toBe(0);
  expect(runbook.stdout).toContain(`--recovery-point-arn ${records[0].recoveryPoint.recoveryPointArn}`);
  expect(runbook.stdout).toContain('--metadata targetTableName=<new-table-name>,encryptionType=Default,deletionProtection=false');
  expect(runbook.stdout).toContain('aws dynamodb update-continuous-backups --table-name <new-table-name>');
});

test('run repeated with the same idempotency key continues the one drill: one restore job, one history record', async () => {
  await backUp();
  const first = await cli(['run', '--idempotency-key', 'nightly-check-1']);
  expect(first.code).toBe(0);
  const again = await cli(['run', '--follow', '--idempotency-key', 'nightly-check-1', '--poll-seconds', '0.2']);
  expect(again.code).toBe(0);
  await controlPlane.settled();
  expect(controlPlane.invocations).toHaveLength(2);
  expect(deployment.local.backup.restoreJobs()).toHaveLength(1);
  expect(await historyOf(deployment, deployment.fixtureTableName)).toHaveLength(1);
});

test('exit codes and messages a script can rely on', async () => {
  const help = await cli(['history', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--since <when>');
  expect(help.stdout).toContain('Exit codes:');

  const noStack = await cli(['status'], { RESTORE_DRILL_STACK: 'NoSuchStack' });
  expect(noStack.code).toBe(3);
  expect(noStack.stderr).toContain('no stack named "NoSuchStack" in this account and Region');

  const unknownTable = await cli(['run', '--table', 'not-drilled']);
  expect(unknownTable.code).toBe(2);
  expect(unknownTable.stderr).toContain('not drilled by stack');
  expect(controlPlane.invocations).toEqual([]);

  const unknownDrill = await cli(['show', '20260101t000000z-00000000']);
  expect(unknownDrill.code).toBe(2);

  const neverProven = await cli(['status']);
  expect(neverProven.code).toBe(1);
  expect(neverProven.stdout).toContain('never proven restorable');

  const noRegion = await cli(['status'], { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined });
  expect(noRegion.code).toBe(3);
  expect(noRegion.stderr).toContain('no AWS Region');

  const noCredentials = await cli(['status'], { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
  expect(noCredentials.code).toBe(3);
  expect(noCredentials.stderr).toContain('no AWS credentials');

  const badOption = await cli(['history', '--since', 'yesterday-ish']);
  expect(badOption.code).toBe(2);
  expect(badOption.stderr).toContain('neither a date');
});
