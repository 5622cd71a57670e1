import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { RestoreDrill } from '../../lib/restore-drill';
import { NATIVE_SETTINGS, NON_DEFAULT_SETTINGS, TEST_ENV, buildStack, synthesize } from './synth';

/** Rule IDs and construct paths of every unacknowledged finding. */
function findings(pack: NagPack, scope: IConstruct): string[] {
  return pack
    .validateScope(scope)
    .violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    );
}

const PACKS = [
  ['AwsSolutions', () => new AwsSolutionsChecks()],
  ['Serverless', () => new ServerlessChecks()],
] as const;

const STACKS = [
  ['default settings, environment-agnostic', () => synthesize()],
  ['default settings, concrete account and Region', () => synthesize({ env: TEST_ENV })],
  ['non-default settings', () => synthesize({ settings: NON_DEFAULT_SETTINGS, env: TEST_ENV })],
  ['native mode (restore testing), environment-agnostic', () => synthesize({ settings: { ...NATIVE_SETTINGS, restoreTestingPlans: [] } })],
  ['native mode with adopted plans, concrete account and Region', () => synthesize({ settings: NATIVE_SETTINGS, env: TEST_ENV })],
  [
    'tables drilled from existing vaults, not added to the plan',
    () => synthesize({ settings: { tables: ['orders'], addTablesToBackupPlan: false, vaultNames: ['existing-vault'] }, env: TEST_ENV }),
  ],
] as const;

describe.each(STACKS)('%s', (_name, get) => {
  test.each(PACKS)('Compliance: no unacknowledged %s finding', (_pack, create) => {
    expect(findings(create(), get().app)).toEqual([]);
  });
});

test('Compliance: the construct is clean in a host stack of a client', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const host = new Stack(app, 'ClientStack', { env: { account: '210987654321', region: 'ap-southeast-2' } });
  new RestoreDrill(host, 'OrdersDrill', { tables: ['orders'], restoreTablePrefix: 'orders-drill-copy-' });
  for (const [, create] of PACKS) expect(findings(create(), app)).toEqual([]);
});

test('Noncompliance: an unacknowledged wildcard next to the drill is still reported', () => {
  const { app, stack } = buildStack({ stackName: 'NagSelfTest' });
  const extra = new iam.Role(stack, 'ExtraRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  extra.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:DeleteTable'], resources: ['*'] }));
  expect(findings(new AwsSolutionsChecks(), app)).toContain(
    'AwsSolutions-IAM5[Resource::*] at NagSelfTest/ExtraRole/DefaultPolicy/Resource',
  );
});

test('every acknowledgement carries a specific reason', () => {
  const { stack } = synthesize({ settings: NON_DEFAULT_SETTINGS, env: TEST_ENV });
  const acknowledgements = stack.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
  expect(acknowledgements.length).toBeGreaterThan(10);
  for (const [id, reason] of acknowledgements) {
    expect({ id, specific: reason.length >= 40 }).toEqual({ id, specific: true });
  }
});
