import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ListTagsOfResourceCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { KEPT_UNTIL_TAG } from '../../lambda/config';
import { fixtureItems } from '../../lambda/fixture/fixture-items';
import { type LocalDeployment, deployLocally } from '../harness/app/local-deployment';
import { type SynthesizedApp, synthesizeApp } from '../harness/app/synthesized-app';
import { E2E_OPTIONS, copiesLeft, historyOf, reports } from './e2e-support';

/**
 * keepFailedCopyHours end to end: the app synthesized with `-c keepFailedCopyHours=2`, the bundled
 * drill on the local endpoints. A FAIL keeps its copy, tagged with its expiry; a scheduled run
 * before the expiry leaves it and does not call it a leftover; one after deletes it. Two hours
 * cannot pass in a test, so the expiry recorded in the drill history (what the sweep goes by) is
 * moved into the past, as time would move it.
 */

jest.setTimeout(300_000);

let dir: string;
let app: SynthesizedApp;
let deployment: LocalDeployment;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'restore-drill-kept-'));
  app = await synthesizeApp({ outdir: path.join(dir, 'cdk.out'), context: { keepFailedCopyHours: '2' } });
}, 180_000);

afterAll(async () => {
  await deployment?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('FAIL keeps the copy until its expiry; the sweep leaves it alone before, and deletes it after', async () => {
  deployment = await deployLocally(app, E2E_OPTIONS);
  await deployment.local.backup.backupTable(deployment.fixtureTableName, { vaultName: deployment.vaultNames[0] });
  const lost = fixtureItems(40).at(-1)!;
  deployment.local.backup.nextRestore({ mutations: [{ kind: 'dropItems', keys: [{ pk: lost.pk, sk: lost.sk }] }] });

  const failed = await deployment.invokeDrill(deployment.local.scheduledEvent());
  expect(failed.error).toBeUndefined();
  expect(failed.result).toMatchObject({ drills: [{ verdict: 'FAIL' }] });
  const [report] = reports(deployment);
  expect(report.json.cleanup).toMatchObject({ result: 'kept', keptUntil: expect.any(String) });
  const { tableName: copy, keptUntil } = report.json.cleanup as { tableName: string; keptUntil: string };
  expect(Date.parse(keptUntil) - Date.now()).toBeGreaterThan(110 * 60_000);
  expect(report.email).toContain(`${copy} is kept until`);
  expect(await copiesLeft(deployment)).toEqual([copy]);
  const table = await deployment.local.dynamodb.describeTable(copy);
  const { Tags } = await deployment.local.dynamodb.client.send(new ListTagsOfResourceCommand({ ResourceArn: table?.TableArn }));
  expect(Tags).toEqual([{ Key: KEPT_UNTIL_TAG, Value: keptUntil }]);

  // A scheduled run before the expiry: its own drill PASSes and goes; the kept copy stays, no leftover.
  const before = await deployment.invokeDrill(deployment.local.scheduledEvent());
  expect(before.error).toBeUndefined();
  expect(before.result).toMatchObject({ drills: [{ verdict: 'PASS' }], leftoverCopies: [] });
  expect(await copiesLeft(deployment)).toEqual([copy]);

  // The expiry passes.
  const [failedRecord] = (await historyOf(deployment, deployment.fixtureTableName)).filter((r) => r.outcome?.verdict === 'FAIL');
  await deployment.local.dynamodb.client.send(
    new UpdateItemCommand({
      TableName: deployment.historyTableName,
      Key: { pk: { S: `DRILL#${failedRecord.drillId}` }, sk: { S: 'DRILL' } },
      UpdateExpression: 'SET outcome.cleanup.keptUntil = :past',
      ExpressionAttributeValues: { ':past': { S: new Date(Date.now() - 60_000).toISOString() } },
    }),
  );
  const after = await deployment.invokeDrill(deployment.local.scheduledEvent());
  expect(after.error).toBeUndefined();
  expect(after.result).toMatchObject({
    leftoverCopies: [expect.stringMatching(new RegExp(`^${copy}: deleted \\(kept for investigation until `))],
  });
  expect(await copiesLeft(deployment)).toEqual([]);
});
