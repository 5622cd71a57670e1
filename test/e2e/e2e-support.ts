import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { canonicalItem } from '../../lambda/digest/canonical-item';
import { CANARY_KEY_VALUE } from '../../lambda/ports/canary-port';
import { fixtureItems } from '../../lambda/fixture/fixture-items';
import { FIXTURE_GENERATOR_VERSION, isFixtureMarker, readFixtureMarker } from '../../lambda/fixture/fixture-marker';
import { type LocalDeployment, type LocalDeploymentOptions, deployLocally } from '../harness/app/local-deployment';
import { type SynthesizedApp, synthesizeApp } from '../harness/app/synthesized-app';

/**
 * End-to-end support: the app synthesized once per test file by the real `cdk synth`, then a
 * fresh local deployment per scenario. Nothing here imports the engine's TypeScript: the drill
 * that runs is the esbuild bundle in cdk.out.
 */

let synthesized: { app: SynthesizedApp; dir: string } | undefined;

export async function synthesizeOnce(): Promise<SynthesizedApp> {
  if (!synthesized) {
    const dir = mkdtempSync(path.join(tmpdir(), 'restore-drill-e2e-'));
    synthesized = { dir, app: await synthesizeApp({ outdir: path.join(dir, 'cdk.out') }) };
  }
  return synthesized.app;
}

export function removeSynthesized(): void {
  if (synthesized) rmSync(synthesized.dir, { recursive: true, force: true });
  synthesized = undefined;
}

/** Small delays: every status is observable, a scenario takes seconds. */
export const E2E_OPTIONS: LocalDeploymentOptions = {
  localAws: {
    dynamodb: { createTableMs: 50, deleteTableMs: 50 },
    backup: { restoreDurationMs: 500 },
  },
};

export async function deploy(options: LocalDeploymentOptions = E2E_OPTIONS): Promise<LocalDeployment> {
  return deployLocally(await synthesizeOnce(), options);
}

export interface Report {
  readonly subject: string;
  readonly email: string;
  readonly json: Record<string, any>;
  readonly attributes: Record<string, string | undefined>;
}

/** What subscribers received, decoded. */
export function reports(deployment: LocalDeployment): Report[] {
  return deployment.local.sns.messages().map((message) => {
    const bodies = JSON.parse(message.message) as { default: string; email: string };
    return {
      subject: message.subject ?? '',
      email: bodies.email,
      json: JSON.parse(bodies.default),
      attributes: Object.fromEntries(Object.entries(message.messageAttributes).map(([name, value]) => [name, value.StringValue])),
    };
  });
}

export function check(report: Report, name: string): Record<string, any> | undefined {
  return report.json.checks.find((c: { check: string }) => c.check === name);
}

/** The drill-history records of a source table, oldest first. */
export async function historyOf(deployment: LocalDeployment, sourceTable: string): Promise<Record<string, any>[]> {
  const { Items = [] } = await deployment.local.dynamodb.client.send(
    new QueryCommand({
      TableName: deployment.historyTableName,
      IndexName: 'byTable',
      KeyConditionExpression: 'sourceTable = :table',
      ExpressionAttributeValues: { ':table': { S: sourceTable } },
    }),
  );
  return Items.map((item) => unmarshall(item));
}

/** Tables left with the restore prefix, once pending deletions have finished. */
export async function copiesLeft(deployment: LocalDeployment): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const names = (await deployment.local.dynamodb.tableNames()).filter((name) => name.startsWith(deployment.restoreTablePrefix));
    if (names.length === 0 || attempt >= 20) return names;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The source is item-for-item the seeded fixture, and the seeder's version marker names it. The
 * one item the drill may add is its canary (opt-in, on for the fixture), under its own key.
 */
export async function expectSourceUnchanged(deployment: LocalDeployment, propertyCount = 40): Promise<void> {
  const items = await deployment.local.dynamodb.scanItems(deployment.fixtureTableName);
  const markers = items.filter(isFixtureMarker);
  expect(markers.map(readFixtureMarker)).toEqual([expect.objectContaining({ propertyCount, generatorVersion: FIXTURE_GENERATOR_VERSION })]);
  const content = items
    .filter((item) => item.pk?.S !== CANARY_KEY_VALUE && !isFixtureMarker(item))
    .map(canonicalItem)
    .sort();
  expect(content).toEqual(fixtureItems(propertyCount).map(canonicalItem).sort());
  expect(items.length - content.length - markers.length).toBeLessThanOrEqual(1);
}

export async function expectNothingLeftBehind(deployment: LocalDeployment): Promise<void> {
  expect(await copiesLeft(deployment)).toEqual([]);
  await expectSourceUnchanged(deployment);
}
