import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../harness/app/synthesized-app';
import { type LocalDeployment, deployLocally } from '../harness/app/local-deployment';
import { readTemplateFile } from '../harness/app/template-file';
import { fixtureItems } from '../../lambda/fixture/fixture-items';
import { E2E_OPTIONS, expectNothingLeftBehind, historyOf, reports } from './e2e-support';

/**
 * The console template as a console user deploys it: `npm run template` writes the file, the
 * harness reads that file (not cdk.out), fills in the parameters (their defaults, or what a user
 * types), creates the tables, runs the seeder from the file's inline code (which must answer
 * CloudFormation's ResponseURL itself), and invokes the drill from the file's inline code.
 */

jest.setTimeout(60_000);

let dir: string;
let file: string;
let deployment: LocalDeployment | undefined;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'restore-drill-console-'));
  file = path.join(dir, 'restore-drill.template.json');
  const run = spawnSync('npm', ['run', '--silent', 'template', '--', '--out', file], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run template failed:\n${run.stdout}${run.stderr}`);
  console.log(`${run.stdout.trim()} (${statSync(file).size} bytes on disk)`);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await deployment?.close();
  deployment = undefined;
});

test('with its parameters at their defaults, the file deploys locally and the drill PASSes from its inline code', async () => {
  const app = readTemplateFile(file);
  deployment = await deployLocally(app, E2E_OPTIONS);
  expect(deployment.drill.handlerFile).toBe(path.join(app.cdkOut, 'inline', deployment.drill.logicalId, 'index.js'));
  expect(deployment.seedResponses).toEqual([
    expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'fixture-seed:RestoreDrill-fixture', RequestId: 'local-create' }),
  ]);
  expect(deployment.fixtureTableName).toBe('RestoreDrill-fixture');

  await deployment.local.backup.backupTable(deployment.fixtureTableName, { vaultName: deployment.vaultNames[0] });
  const outcome = await deployment.invokeDrill(deployment.local.scheduledEvent());
  expect(outcome.error).toBeUndefined();
  expect(outcome.result).toMatchObject({ drills: [{ status: 'finished', verdict: 'PASS' }] });
  const [report, ...more] = reports(deployment);
  expect(more).toEqual([]);
  expect(report.subject).toMatch(/^\[PASS\] restore drill RestoreDrill-fixture/);
  expect(report.email).toContain(`all ${fixtureItems(40).length} items equal the seeded fixture`);
  // RPO and RTO targets from the parameters' defaults (26 h, 60 min) reach the drill.
  expect(report.email).toMatch(/RPO +newest recovery point is .* \(target 1d02h\)/);
  expect(report.email).toMatch(/RTO +restore took .* \(target 1h00m\)/);
  expect((await historyOf(deployment, deployment.fixtureTableName)).map((record) => record.outcome?.verdict)).toEqual(['PASS']);
  await expectNothingLeftBehind(deployment);
});

test('a table a console user lists by ARN is drilled too, with the targets and failures-only they chose', async () => {
  const ordersArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
  deployment = await deployLocally(
    readTemplateFile(file, {
      stackName: 'OpsDrill',
      parameters: { TableArns: ordersArn, NotifyFailuresOnly: 'true', NotificationEmail: 'ops@example.com', RpoTargetHours: '30' },
    }),
    E2E_OPTIONS,
  );
  const { local } = deployment;
  expect(deployment.fixtureTableName).toBe('OpsDrill-fixture');
  await local.dynamodb.createTable({
    TableName: 'orders',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await local.dynamodb.putItems(
    'orders',
    Array.from({ length: 30 }, (_, index) => ({ id: { S: `order-${index}` }, total: { N: String(index * 3) } })),
  );
  for (const table of [deployment.fixtureTableName, 'orders'])
    await local.backup.backupTable(table, { vaultName: deployment.vaultNames[0] });

  const outcome = await deployment.invokeDrill(local.scheduledEvent());
  expect(outcome.error).toBeUndefined();
  expect(outcome.result).toMatchObject({
    drills: expect.arrayContaining([expect.objectContaining({ verdict: 'PASS' }), expect.objectContaining({ verdict: 'PASS' })]),
  });
  const subjects = reports(deployment).map((report) => report.subject);
  expect(subjects).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^\[PASS\] restore drill OpsDrill-fixture/),
      expect.stringMatching(/^\[PASS\] restore drill orders/),
    ]),
  );
  expect(reports(deployment)[0].email).toContain('(target 1d06h)');
  expect((await historyOf(deployment, 'orders')).map((record) => record.outcome?.verdict)).toEqual(['PASS']);
});

test('a value CloudFormation would refuse for a parameter is refused', () => {
  expect(() => readTemplateFile(file, { parameters: { TableArns: 'orders' } })).toThrow(/parameter TableArns: "orders" does not match/);
  expect(() => readTemplateFile(file, { parameters: { RpoTargetHours: '12' } })).toThrow(
    /parameter RpoTargetHours: "12" is not one of 24, /,
  );
});
