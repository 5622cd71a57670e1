/**
 * `npm start`: one whole restore drill on this machine, no AWS account.
 *
 * Synthesizes the CDK app (the template and Lambda bundles `cdk deploy` would use), starts local
 * DynamoDB (AWS's DynamoDB Local, a JVM), AWS Backup and SNS endpoints, creates the stack's tables from the
 * template and seeds the fixture with the bundled seeder, backs the fixture table up, then
 * invokes the bundled drill Lambda with a scheduled EventBridge event and prints the report a
 * subscriber would get. Exit code 0 on PASS, 1 on FAIL, 2 when the run itself broke.
 *
 *   npm start                               a drill that should PASS
 *   npm start -- --scenario lost-item       see README "Try it locally" for the scenarios
 *   npm start -- --scenario native          AWS Backup restore testing validated end to end
 *   npm start -- --cdk-out cdk.out          reuse an earlier `cdk synth` instead of synthesizing
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { RestoreBehaviour } from '../test/harness/backup/restore-behaviour';
import { deployLocally } from '../test/harness/app/local-deployment';
import { readSynthesizedApp, type SynthesizedApp, synthesizeApp } from '../test/harness/app/synthesized-app';
import { sharedDynamoDbLocal, stopSharedDynamoDbLocal } from '../test/harness/dynamodb/dynamodb-local';
import { isFixtureMarker } from '../lambda/fixture/fixture-marker';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const RESTORE_MS = 3_000;

/** Named ways a restore can go wrong, for trying the failure reports. */
const SCENARIOS: Record<string, { description: string; restore?: RestoreBehaviour; backupAgeHours?: number; native?: boolean }> = {
  pass: { description: 'a clean restore of the fixture table' },
  'lost-item': { description: 'the restored copy lost one item', restore: { mutations: [{ kind: 'dropItems', count: 1 }] } },
  'changed-item': {
    description: 'one attribute of one restored item differs',
    restore: { mutations: [{ kind: 'changeAttribute', attribute: 'areaM2' }] },
  },
  'missing-gsi': { description: 'the restored copy lacks its GSI', restore: { mutations: [{ kind: 'dropIndex' }] } },
  'restore-failed': {
    description: 'AWS Backup reports the restore job FAILED',
    restore: { outcome: { kind: 'fail', statusMessage: 'Insufficient permissions on the KMS key' } },
  },
  stale: { description: 'the newest recovery point is 30 hours old (RPO target 26 h)', backupAgeHours: 30 },
  native: {
    description: 'AWS Backup restore testing (restoreMode native): AWS restores, the drill validates and reports',
    native: true,
  },
};

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const started = Date.now();
const say = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${text}`);

/** Turns the Lambda's structured log lines into progress a person can follow. */
function progress(line: string): void {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    if (line.trim()) say(`  lambda: ${line}`);
    return;
  }
  const text = progressLine(String(entry.message ?? ''), entry);
  if (text) say(text);
}

function progressLine(message: string, entry: Record<string, unknown>): string | undefined {
  const cleanup = entry.cleanup as { result?: string; detail?: string } | undefined;
  switch (message) {
    case 'newest recovery point found':
      return `  drill: newest recovery point ${entry.recoveryPointArn}`;
    case 'restore job started':
      return `  drill: restore job ${entry.restoreJobId} started into ${entry.restoredTableName}`;
    case 'restore in progress':
      return `  drill: waiting for the restore: ${entry.status}${entry.percentDone !== undefined ? ` ${entry.percentDone}%` : ''}`;
    case 'restore test of an AWS Backup restore testing plan: validating it':
      return `  drill: validating restore test ${entry.restoreJobId} (copy ${entry.restoredTableName})`;
    case 'restore test validation':
      return `  drill: PutRestoreValidationResult: ${(entry.validation as { detail?: string } | undefined)?.detail}`;
    case 'drill verdict':
      return `  drill: checks ${entry.checks} -> ${entry.verdict}`;
    case 'cleanup':
    case 'restored copy not deleted':
      return `  drill: cleanup ${cleanup?.result}: ${cleanup?.detail}`;
    case 'report published':
      return '  drill: report published to SNS';
    case 'canary written to the source for the next backup to capture':
      return '  drill: canary written to the source for the next backup';
    default:
      return entry.level === 'ERROR' || entry.level === 'WARN' ? `  drill ${String(entry.level).toLowerCase()}: ${message}` : undefined;
  }
}

async function main(): Promise<number> {
  const scenarioName = option('scenario') ?? 'pass';
  const scenario = SCENARIOS[scenarioName];
  if (!scenario) {
    console.error(`unknown scenario "${scenarioName}"; choose one of: ${Object.keys(SCENARIOS).join(', ')}`);
    return 2;
  }
  say(`restore-drill, locally: ${scenario.description}`);
  // The JVM starts while the app synthesizes.
  const dynamoDbLocalStarting = sharedDynamoDbLocal();

  const reuse = option('cdk-out');
  let workDir: string | undefined;
  let app: SynthesizedApp;
  if (reuse) {
    app = readSynthesizedApp(path.resolve(reuse));
    say(`using the synthesized app in ${reuse}`);
  } else {
    workDir = mkdtempSync(path.join(tmpdir(), 'restore-drill-'));
    say(`synthesizing the CDK app (cdk synth${scenario.native ? ' -c restoreMode=native' : ''}: template + esbuild bundles)...`);
    app = await synthesizeApp({ outdir: path.join(workDir, 'cdk.out'), context: scenario.native ? { restoreMode: 'native' } : undefined });
    say(`synthesized stack ${app.stackName}: ${Object.keys(app.template.Resources).length} resources`);
  }

  const dynamoDbLocal = await dynamoDbLocalStarting;
  say(`AWS DynamoDB Local ${dynamoDbLocal.version} (java -jar DynamoDBLocal.jar -inMemory) serving on ${dynamoDbLocal.url}`);
  const deployment = await deployLocally(app, { localAws: { backup: { restoreDurationMs: RESTORE_MS } } });
  try {
    const { local } = deployment;
    say(
      `local AWS on loopback: DynamoDB ${local.endpoints.dynamodb} (the harness front), Backup ${local.endpoints.backup}, SNS ${local.endpoints.sns}, KMS ${local.endpoints.kms}`,
    );
    const seeded = await local.dynamodb.scanItems(deployment.fixtureTableName);
    const markers = seeded.filter(isFixtureMarker).length;
    say(
      `created the stack's tables from the template; seeded ${deployment.fixtureTableName} with ${seeded.length - markers} fixture items and ${markers} version marker`,
    );

    const creationDate = scenario.backupAgeHours ? new Date(Date.now() - scenario.backupAgeHours * 3_600_000) : undefined;
    const point = await local.backup.backupTable(deployment.fixtureTableName, { vaultName: deployment.vaultNames[0], creationDate });
    say(`backed up ${deployment.fixtureTableName}: ${point.recoveryPointArn}`);
    if (scenario.restore) local.backup.nextRestore(scenario.restore);

    let event: unknown = local.scheduledEvent();
    let restoreTestJobId: string | undefined;
    if (scenario.native) {
      const plan = deployment.restoreTestingPlanName;
      if (!plan) throw new Error('the native template has no restore testing plan');
      say(`AWS Backup runs restore testing plan ${plan} (as its schedule would)...`);
      [restoreTestJobId] = await local.backup.runRestoreTestingPlan(plan);
      const job = await local.backup.waitForRestoreJob(restoreTestJobId, undefined, 60_000);
      say(`restore test job ${job.restoreJobId} ${job.status}: ${job.targetTableName}`);
      event = local.latestRestoreEvent(restoreTestJobId);
      say('invoking the bundled drill Lambda with its Restore Job State Change event (restoreTestingPlanArn set)...');
    } else {
      say('invoking the bundled drill Lambda with a scheduled EventBridge event...');
    }
    const outcome = await deployment.invokeDrill(event, { onLogLine: progress });
    if (outcome.error) {
      say(`the drill Lambda failed: ${outcome.error.name}: ${outcome.error.message}`);
      return 2;
    }

    const [report] = local.sns.messages();
    if (!report) {
      say('no report was published');
      return 2;
    }
    const bodies = JSON.parse(report.message) as { email: string; default: string };
    const verdict = report.messageAttributes.verdict?.StringValue;
    console.log('\n----- the report an email subscriber gets -----');
    console.log(`Subject: ${report.subject}\n`);
    console.log(bodies.email);
    console.log('-----------------------------------------------\n');
    if (restoreTestJobId) {
      const job = await local.backup.waitForRestoreTestDeletion(restoreTestJobId, 30_000);
      say(
        `AWS Backup's restore job now says: ValidationStatus ${job.validationStatus} ("${job.validationStatusMessage}"), DeletionStatus ${job.deletionStatus}`,
      );
    }
    const left = (await local.dynamodb.tableNames()).filter(
      (name) => name.startsWith(deployment.restoreTablePrefix) || name.startsWith('awsbackup-restore-test-'),
    );
    say(`restored copies left behind: ${left.length ? left.join(', ') : 'none'}`);
    say(`verdict ${verdict} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return verdict === 'PASS' ? 0 : 1;
  } finally {
    await deployment.close();
    await stopSharedDynamoDbLocal();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
