import { App, type CfnElement, type Environment, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { RestoreDrillStack } from '../../lib/restore-drill-stack';
import type { RestoreDrillSettings } from '../../lib/settings';
import { context as projectContext } from '../../cdk.json';

/**
 * Shared synthesis for the stack tests.
 *
 * Bundling is skipped (`aws:cdk:bundling-stacks: []`): the tests read the template, and running
 * esbuild on every synth would make each one slower and tie these tests to the state of the
 * engine code. `npx cdk synth` bundles for real.
 *
 * The context of cdk.json (the feature flags `cdk synth` applies) is applied here too, so the
 * tests read the template that deploys. Each distinct stack is synthesized once per test file
 * (Jest isolates modules per file).
 */
export interface SynthOptions {
  readonly settings?: RestoreDrillSettings;
  readonly env?: Environment;
  readonly stackName?: string;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: RestoreDrillStack;
  readonly template: Template;
}

const cache = new Map<string, Synthesized>();

export function synthesize(options: SynthOptions = {}): Synthesized {
  const key = JSON.stringify(options);
  const cached = cache.get(key);
  if (cached) return cached;
  const { app, stack } = buildStack(options);
  const synthesized = { app, stack, template: Template.fromStack(stack) };
  cache.set(key, synthesized);
  return synthesized;
}

/** Builds without synthesizing: for tests that expect construction to throw. */
export function buildStack(options: SynthOptions = {}): { app: App; stack: RestoreDrillStack } {
  const app = new App({ context: { ...projectContext, 'aws:cdk:bundling-stacks': [] } });
  const stack = new RestoreDrillStack(app, options.stackName ?? 'RestoreDrill', {
    env: options.env,
    settings: options.settings,
  });
  return { app, stack };
}

export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' } as const;

/** Customer-managed keys of two drilled tables in NON_DEFAULT_SETTINGS. */
export const ORDERS_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/aaaa1111-2222-3333-4444-555555555555';
export const SCANS_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/bbbb1111-2222-3333-4444-555555555555';

/** Every setting away from its default. */
export const NON_DEFAULT_SETTINGS: RestoreDrillSettings = {
  tables: [
    { table: 'orders', kmsKeyArn: ORDERS_KEY_ARN },
    {
      table: 'arn:aws:dynamodb:eu-west-1:123456789012:table/scans',
      createdAtAttribute: 'created',
      updatedAtAttribute: 'updated',
      canary: true,
      itemCountTolerancePercent: 1,
      customChecks: ['polygon-closes'],
      kmsKeyArn: SCANS_KEY_ARN,
    },
  ],
  vaultNames: ['legacy-vault'],
  vaultKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-11bb-22cc-33dd-444444eeeeee'],
  notificationEmail: 'oncall@example.com',
  notifyFailuresOnly: true,
  drillSchedule: 'rate(12 hours)',
  drillAfterBackup: true,
  backupSchedule: 'cron(30 1 * * ? *)',
  backupRetentionDays: 120,
  coldStorageAfterDays: 30,
  rpoTargetHours: 30,
  rtoTargetMinutes: 90,
  itemCountTolerancePercent: 2,
  sampleSize: 100,
  scanSegments: 8,
  sourceReadBudgetUnits: 10_000,
  sourceReadUnitsPerSecond: 25,
  restoreTablePrefix: 'rd-restore-',
  restoreKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  fixturePropertyCount: 12,
  fixtureTableName: 'drill-fixture-props',
  vaultAdminPrincipalArns: ['arn:aws:iam::123456789012:role/BackupAdmin'],
};

/** A CloudFormation value rendered as text, references shown as `<Logical.Attr>` / `<Ref>`. */
export function renderValue(node: unknown): string {
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (Array.isArray(record['Fn::Join'])) {
      const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
      return items.map(renderValue).join(delimiter);
    }
    if (Array.isArray(record['Fn::GetAtt'])) return `<${(record['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Ref' in record) return `<${String(record.Ref)}>`;
  }
  return JSON.stringify(node);
}

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Principal?: unknown;
}

/** Every statement of every identity policy in the template (IAM::Policy and roles' inline policies). */
export function identityStatements(template: Template): { owner: string; statement: PolicyStatementJson }[] {
  const found: { owner: string; statement: PolicyStatementJson }[] = [];
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    for (const statement of policy.Properties.PolicyDocument.Statement) found.push({ owner: id, statement });
  }
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const inline of role.Properties.Policies ?? []) {
      for (const statement of inline.PolicyDocument.Statement) found.push({ owner: id, statement });
    }
  }
  return found;
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** The logical ID CloudFormation knows a construct (or its default child) by, overrides included. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId);
}

/** Native mode (AWS Backup restore testing), its own plan plus an adopted one by name and one by ARN. */
export const NATIVE_SETTINGS: RestoreDrillSettings = {
  tables: ['orders'],
  restoreMode: 'native',
  recoveryPointSelection: 'random',
  restoreTestingPlans: ['existing_plan', 'arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:other_plan-1a2b3c4d'],
};
