import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ENV, type DrillTargets, type DrilledTable } from '../../lambda/config';
import { TableDigest } from '../../lambda/digest/table-digest';
import { FIXTURE_GENERATOR_VERSION } from '../../lambda/fixture/fixture-marker';
import { FIXTURE_DEFAULT_PROPERTY_COUNT, fixtureItems } from '../../lambda/fixture/fixture-items';
import { resolveIntrinsics } from '../harness/app/intrinsics';
import {
  NON_DEFAULT_SETTINGS,
  ORDERS_KEY_ARN,
  SCANS_KEY_ARN,
  type Synthesized,
  TEST_ENV,
  logicalIdOf,
  renderValue,
  synthesize,
} from './synth';

let defaults: Synthesized;
let custom: Synthesized;

beforeAll(() => {
  defaults = synthesize();
  custom = synthesize({ settings: NON_DEFAULT_SETTINGS, env: TEST_ENV });
});

const ref = (construct: Parameters<typeof logicalIdOf>[0]) => ({ Ref: logicalIdOf(construct) });
const arnOf = (construct: Parameters<typeof logicalIdOf>[0]) => ({ 'Fn::GetAtt': [logicalIdOf(construct), 'Arn'] });

function drillEnvironment(synthesized: Synthesized): Record<string, string> {
  const fn = synthesized.template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: Match.objectLike({ [ENV.tables]: Match.anyValue() }) } },
  });
  const [resource] = Object.values(fn);
  return Object.fromEntries(
    Object.entries(resource.Properties.Environment.Variables as Record<string, unknown>).map(([name, value]) => [name, renderValue(value)]),
  );
}

describe('fixture test table', () => {
  test('default: named after the stack, schema from FIXTURE_SCHEMA, on-demand, PITR, encrypted', () => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'RestoreDrill-fixture',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byScan',
          KeySchema: [
            { AttributeName: 'scanId', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'byCreatedAt',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  test('custom: fixtureTableName', () => {
    custom.template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'drill-fixture-props' });
  });

  test('seeded at deploy time with the property count and the synth-time digest', () => {
    const drill = defaults.stack.drill;
    defaults.template.hasResourceProperties('Custom::RestoreDrillFixtureSeed', {
      TableName: ref(drill.fixtureTable),
      PropertyCount: String(FIXTURE_DEFAULT_PROPERTY_COUNT),
      Digest: TableDigest.of(fixtureItems(FIXTURE_DEFAULT_PROPERTY_COUNT)).toString(),
      // A new generator version re-runs the seeder, which writes the version marker backups carry.
      GeneratorVersion: String(FIXTURE_GENERATOR_VERSION),
    });
    custom.template.hasResourceProperties('Custom::RestoreDrillFixtureSeed', {
      PropertyCount: '12',
      Digest: TableDigest.of(fixtureItems(12)).toString(),
    });
  });

  test('seed handler: Node.js 24 on ARM, the provider framework invokes it', () => {
    defaults.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('fixture items'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
  });
});

describe('backup vault and plan', () => {
  test('vault encrypted with a rotating customer-managed key, both retained', () => {
    const drill = defaults.stack.drill;
    defaults.template.hasResource('AWS::Backup::BackupVault', {
      Properties: { EncryptionKeyArn: arnOf(drill.vaultKey) },
      DeletionPolicy: 'Retain',
    });
    defaults.template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('backup vault') },
      DeletionPolicy: 'Retain',
    });
  });

  /** The vault name CloudFormation would create for a stack instance with this stack id. */
  function vaultNameFor(synthesized: Synthesized, stackId: string): string {
    const [vault] = Object.values(synthesized.template.findResources('AWS::Backup::BackupVault'));
    return resolveIntrinsics(vault.Properties.BackupVaultName, {
      region: 'eu-west-1',
      accountId: '123456789012',
      stackName: synthesized.stack.stackName,
      stackId,
      ref: (id) => {
        throw new Error(`the vault name refers to ${id}`);
      },
      getAtt: (id) => {
        throw new Error(`the vault name refers to ${id}`);
      },
    });
  }
  const stackId = (name: string, uuid: string) => `arn:aws:cloudformation:eu-west-1:123456789012:stack/${name}/${uuid}`;

  test("destroy then deploy: the retained vault of the earlier stack instance never has the new one's name", () => {
    // Two instances of the same stack (the second created after `cdk destroy` retained the first one's vault).
    const first = vaultNameFor(defaults, stackId('RestoreDrill', '51af3dc0-da77-11e4-872e-1234567db123'));
    const second = vaultNameFor(defaults, stackId('RestoreDrill', 'e722ae60-fe62-11e8-9a0e-1234567db123'));
    expect(first).not.toEqual(second);
    expect(first).toBe('RestoreDrill-F9CEF07D-vault-51af3dc0');
    // CreateBackupVault: ^[a-zA-Z0-9\-\_]{2,50}$
    for (const name of [first, second]) expect(name).toMatch(/^[a-zA-Z0-9_-]{2,50}$/);
  });

  test('the vault name stays a valid vault name for the longest stack name', () => {
    const name = `a${'-b'.repeat(63)}c`; // 128 characters, CloudFormation's maximum
    const long = synthesize({ stackName: name, settings: { fixtureTableName: 'fixture-of-the-long-stack' } });
    expect(vaultNameFor(long, stackId(name, '51af3dc0-da77-11e4-872e-1234567db123'))).toMatch(/^[a-zA-Z0-9_-]{2,50}$/);
  });

  test('the drill finds its own vault: DRILL_VAULT_NAMES refers to the vault resource, whatever name it gets', () => {
    const vaultName = `<${logicalIdOf(defaults.stack.drill.vault)}.BackupVaultName>`;
    expect(drillEnvironment(defaults)[ENV.vaultNames]).toBe(vaultName);
  });

  test('destroy then deploy: no retained resource carries a physical name fixed at synth', () => {
    // Retained resources outlive `cdk destroy`; a fixed name would collide with the next deploy.
    const nameProperties = [
      'BackupVaultName',
      'TableName',
      'AliasName',
      'LogGroupName',
      'TopicName',
      'QueueName',
      'RoleName',
      'FunctionName',
      'Name',
    ];
    for (const synthesized of [defaults, custom]) {
      const retained = Object.entries(
        synthesized.template.toJSON().Resources as Record<string, { DeletionPolicy?: string; Properties?: Record<string, unknown> }>,
      ).filter(([, resource]) => resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate');
      expect(retained.length).toBeGreaterThanOrEqual(4); // two keys, the vault, the history table
      for (const [id, resource] of retained) {
        for (const property of nameProperties) {
          const value = resource.Properties?.[property];
          if (value === undefined) continue;
          expect({ id, property, perStackInstance: JSON.stringify(value).includes('AWS::StackId') }).toEqual({
            id,
            property,
            perStackInstance: true,
          });
        }
      }
    }
  });

  test('vault access policy denies deleting or shortening recovery points to all but the admins', () => {
    defaults.template.hasResourceProperties('AWS::Backup::BackupVault', {
      AccessPolicy: {
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
            Resource: '*',
            Condition: { ArnNotLike: { 'aws:PrincipalArn': [Match.anyValue()] } },
          },
        ],
      },
    });
    const vaults = custom.template.findResources('AWS::Backup::BackupVault');
    const [statement] = Object.values(vaults)[0].Properties.AccessPolicy.Statement;
    expect(statement.Condition.ArnNotLike['aws:PrincipalArn'].map(renderValue)).toEqual([
      'arn:aws:iam::123456789012:root',
      'arn:aws:iam::123456789012:role/BackupAdmin',
    ]);
  });

  test('the deny leaves CloudFormation able to update the policy and delete the vault', () => {
    const [vault] = Object.values(defaults.template.findResources('AWS::Backup::BackupVault'));
    const denied = vault.Properties.AccessPolicy.Statement.flatMap((statement: { Action: string[] }) => statement.Action);
    expect(denied).not.toContain('backup:PutBackupVaultAccessPolicy');
    expect(denied).not.toContain('backup:DeleteBackupVaultAccessPolicy');
    expect(denied).not.toContain('backup:DeleteBackupVault');
  });

  test('default: daily rule at 03:00 UTC keeping 35 days, no cold storage', () => {
    defaults.template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          {
            ScheduleExpression: 'cron(0 3 * * ? *)',
            // Explicit windows: AWS Backup's default would let the job start up to 8 hours late.
            StartWindowMinutes: 60,
            CompletionWindowMinutes: 120,
            Lifecycle: { DeleteAfterDays: 35, MoveToColdStorageAfterDays: Match.absent() },
            TargetBackupVault: { 'Fn::GetAtt': [logicalIdOf(defaults.stack.drill.vault), 'BackupVaultName'] },
          },
        ],
      },
    });
  });

  test('custom windows reach the rule', () => {
    const late = synthesize({
      settings: { backupStartWindowMinutes: 90, backupCompletionWindowMinutes: 240, drillSchedule: 'cron(30 8 * * ? *)' },
    });
    late.template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ StartWindowMinutes: 90, CompletionWindowMinutes: 240 })] },
    });
  });

  test('custom: schedule, retention and cold storage', () => {
    custom.template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [{ ScheduleExpression: 'cron(30 1 * * ? *)', Lifecycle: { DeleteAfterDays: 120, MoveToColdStorageAfterDays: 30 } }],
      },
    });
  });

  test('plan and selection names differ between two copies of the stack in one account', () => {
    const names = (synthesized: Synthesized) => {
      const [plan] = Object.values(synthesized.template.findResources('AWS::Backup::BackupPlan'));
      const [selection] = Object.values(synthesized.template.findResources('AWS::Backup::BackupSelection'));
      return { plan: plan.Properties.BackupPlan.BackupPlanName, selection: selection.Properties.BackupSelection.SelectionName };
    };
    const first = names(synthesize({ stackName: 'DrillsTeamA', env: TEST_ENV }));
    const second = names(synthesize({ stackName: 'DrillsTeamB', env: TEST_ENV }));
    expect(first.plan).not.toEqual(second.plan);
    expect(first.selection).not.toEqual(second.selection);
    for (const name of [first.plan, first.selection, second.plan, second.selection]) {
      // CreateBackupPlan / CreateBackupSelection: 1-50 of a-z A-Z 0-9 - _ .
      expect(name).toMatch(/^[a-zA-Z0-9_.-]{1,50}$/);
    }
    expect(first.plan).toMatch(/^DrillsTeamA-.*-plan$/);
  });

  test('plan and selection names stay within 50 characters for a long stack name', () => {
    const long = synthesize({ stackName: `restore-drill-${'x'.repeat(100)}`, settings: { fixtureTableName: 'fixture-of-the-long-stack' } });
    const [plan] = Object.values(long.template.findResources('AWS::Backup::BackupPlan'));
    const [selection] = Object.values(long.template.findResources('AWS::Backup::BackupSelection'));
    expect(plan.Properties.BackupPlan.BackupPlanName).toMatch(/^[a-zA-Z0-9_.-]{1,50}$/);
    expect(selection.Properties.BackupSelection.SelectionName).toMatch(/^[a-zA-Z0-9_.-]{1,50}$/);
  });

  test('two drills in one stack get distinct plan names', async () => {
    const { App, Stack } = await import('aws-cdk-lib');
    const { Template } = await import('aws-cdk-lib/assertions');
    const { RestoreDrill } = await import('../../lib/restore-drill');
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Host');
    new RestoreDrill(stack, 'Orders', { tables: ['orders'], fixtureTableName: 'orders-fixture' });
    new RestoreDrill(stack, 'Scans', { tables: ['scans'], fixtureTableName: 'scans-fixture' });
    const plans = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupPlan')).map(
      (plan) => plan.Properties.BackupPlan.BackupPlanName,
    );
    expect(new Set(plans).size).toBe(2);
  });

  test('selection: the fixture table plus the user tables', () => {
    const resources = (synthesized: Synthesized) =>
      (
        Object.values(synthesized.template.findResources('AWS::Backup::BackupSelection'))[0].Properties.BackupSelection
          .Resources as unknown[]
      ).map(renderValue);
    expect(resources(defaults)).toEqual([`<${logicalIdOf(defaults.stack.drill.fixtureTable)}.Arn>`]);
    expect(resources(custom)).toEqual([
      `<${logicalIdOf(custom.stack.drill.fixtureTable)}.Arn>`,
      'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
      'arn:aws:dynamodb:eu-west-1:123456789012:table/scans',
    ]);
  });
});

describe('tables of another account or Region, environment-agnostic stack', () => {
  const warningsOf = (synthesized: Synthesized) =>
    Annotations.fromStack(synthesized.stack)
      .findWarning('*', Match.stringLikeRegexp('restore-drill setting "tables"'))
      .map((w) => String(w.entry.data));

  test('a synth warning names the table ARNs and says the drill checks their account and Region when it runs; no CloudFormation rule', () => {
    const agnostic = synthesize({ settings: { tables: ['arn:aws:dynamodb:eu-west-1:123456789012:table/orders', 'scans'] } });
    expect(warningsOf(agnostic)).toEqual([
      expect.stringMatching(
        /^restore-drill setting "tables": arn:aws:dynamodb:eu-west-1:123456789012:table\/orders is in account 123456789012, Region eu-west-1; this stack is environment-agnostic, .* The account and Region of table ARNs is checked when the drill runs: a table of another account or Region FAILs its drill \(the backup vault and plan are regional\)\. Give the stack an env to check it now\. \[ack: restore-drill:tablesAccountRegion\]$/,
      ),
    ]);
    // Whether Rules may compare pseudo parameters is not documented: none is staked on it.
    expect(Object.keys(agnostic.template.toJSON().Rules ?? {})).toEqual(['CheckBootstrapVersion']);
  });

  test("tables given by name (the stack's own account and Region): no warning", () => {
    expect(warningsOf(defaults)).toEqual([]);
  });

  test('a concrete stack environment is checked at synth instead: no warning', () => {
    expect(warningsOf(custom)).toEqual([]);
  });
});

describe('restore role', () => {
  test('trusted by AWS Backup only, with its own inline policy and no managed policy', () => {
    defaults.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } }],
      },
      Policies: [{ PolicyName: 'RestoreDrillCopies' }],
      ManagedPolicyArns: Match.absent(),
    });
  });
});

describe('report topic', () => {
  test('encrypted with the data key and TLS-only', () => {
    const drill = defaults.stack.drill;
    defaults.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(drill.dataKey) });
    defaults.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('the data key lets CloudWatch alarms publish to the encrypted topic', () => {
    defaults.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  test('default: no subscription, one topic', () => {
    defaults.template.resourceCountIs('AWS::SNS::Subscription', 0);
    defaults.template.resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('notifyFailuresOnly: the email subscribes, unfiltered, to a failure topic that gets FAIL reports and alarms', () => {
    const drill = custom.stack.drill;
    expect(drill.failureTopic).toBeDefined();
    // One email subscription, on the failure topic, with no filter policy: nothing rests on
    // message attributes reaching a filter (reports are JSON-structured).
    const subscriptions = Object.values(custom.template.findResources('AWS::SNS::Subscription'));
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0].Properties).toEqual({ Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: ref(drill.failureTopic!) });
    // The engine learns where FAIL reports also go, and may publish there.
    custom.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DRILL_FAILURE_TOPIC_ARN: ref(drill.failureTopic!) }) },
    });
    custom.template.hasResourceProperties('AWS::IAM::Policy', {
      // One statement for both topics: the recommended @aws-cdk/aws-iam:minimizePolicies flag merges them.
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Resource: Match.arrayWith([ref(drill.failureTopic!)]) })]),
      },
    });
  });

  test('an email without notifyFailuresOnly subscribes to every report, unfiltered; no failure topic', () => {
    const everything = synthesize({ settings: { notificationEmail: 'team@example.com' } });
    expect(everything.stack.drill.failureTopic).toBeUndefined();
    everything.template.resourceCountIs('AWS::SNS::Topic', 1);
    everything.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'team@example.com',
      TopicArn: ref(everything.stack.drill.topic),
      FilterPolicy: Match.absent(),
    });
  });
});

describe('drill Lambda', () => {
  test('Node.js 24 on ARM, 15 minutes, 1 GB, traced, no reserved concurrency (deploys in an account at the minimum quota)', () => {
    defaults.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: 1769,
      ReservedConcurrentExecutions: Match.absent(),
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ [ENV.tables]: Match.anyValue() }) },
    });
  });

  test('no function of the stack reserves concurrency', () => {
    for (const fn of Object.values(defaults.template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  test('reservedConcurrency: a reservation only when asked for', async () => {
    const { App, Stack } = await import('aws-cdk-lib');
    const { Template } = await import('aws-cdk-lib/assertions');
    const { RestoreDrill } = await import('../../lib/restore-drill');
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Host');
    new RestoreDrill(stack, 'Drill', { reservedConcurrency: 3 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.tables]: Match.anyValue() }) },
      ReservedConcurrentExecutions: 3,
    });
  });

  test("maxConcurrentRestores: passed to the engine when not its default; above DynamoDB's 50 concurrent restores, refused at synth", async () => {
    const { App, Stack } = await import('aws-cdk-lib');
    const { Template } = await import('aws-cdk-lib/assertions');
    const { RestoreDrill } = await import('../../lib/restore-drill');
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Host');
    new RestoreDrill(stack, 'Drill', { maxConcurrentRestores: 25 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.maxConcurrentRestores]: '25' }) },
    });
    const refused = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Refused');
    expect(() => new RestoreDrill(refused, 'Drill', { maxConcurrentRestores: 51 })).toThrow(/maxConcurrentRestores/);
  });

  test('async invocation: two retries, then the encrypted failure queue', () => {
    defaults.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arnOf(defaults.stack.drill.failureQueue) } },
    });
    defaults.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  test('default environment follows lambda/config.ts', () => {
    const drill = defaults.stack.drill;
    const environment = drillEnvironment(defaults);
    expect(environment).toEqual({
      [ENV.tables]: expect.any(String),
      [ENV.vaultNames]: `<${logicalIdOf(drill.vault)}.BackupVaultName>`,
      [ENV.restoreRoleArn]: `<${logicalIdOf(drill.restoreRole)}.Arn>`,
      [ENV.restoreTablePrefix]: 'drill-copy-',
      [ENV.topicArn]: `<${logicalIdOf(drill.topic)}>`,
      [ENV.historyTableName]: `<${logicalIdOf(drill.historyTable)}>`,
      [ENV.targets]: expect.any(String),
      // The fan-out state machine by its name (test/lib/fan-out.test.ts), not by reference: it invokes the drill.
      FAN_OUT_STATE_MACHINE_ARN: expect.stringMatching(
        /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:restore-drill-fan-out-/,
      ),
      [ENV.fanOutTuning]: JSON.stringify({ maxWorkers: 8, segmentsPerWorker: 4, timeoutHours: 12, itemsPerSecond: 30_000 }),
      POWERTOOLS_SERVICE_NAME: 'restore-drill',
      POWERTOOLS_METRICS_NAMESPACE: 'RestoreDrill',
      NODE_OPTIONS: '--enable-source-maps',
    });
    const targets: DrillTargets = JSON.parse(environment[ENV.targets]);
    expect(targets).toEqual({
      rpoTargetMinutes: 26 * 60,
      rtoTargetMinutes: 60,
      itemCountTolerancePercent: 5,
      sampleSize: 50,
      scanSegments: 6,
      sourceReadBudgetUnits: 50_000,
      sourceReadUnitsPerSecond: 200,
    });
    const tables: DrilledTable[] = JSON.parse(environment[ENV.tables]);
    expect(tables).toEqual([
      {
        tableName: `<${logicalIdOf(drill.fixtureTable)}>`,
        tableArn: `<${logicalIdOf(drill.fixtureTable)}.Arn>`,
        createdAtAttribute: 'createdAt',
        updatedAtAttribute: 'updatedAt',
        canary: true,
        customChecks: ['polygon-closes'],
        fixture: {
          propertyCount: FIXTURE_DEFAULT_PROPERTY_COUNT,
          digest: TableDigest.of(fixtureItems(FIXTURE_DEFAULT_PROPERTY_COUNT)).toString(),
        },
      },
    ]);
  });

  test('custom environment: user tables, extra vaults, restore key, targets', () => {
    const drill = custom.stack.drill;
    const environment = drillEnvironment(custom);
    expect(environment[ENV.vaultNames]).toBe(`<${logicalIdOf(drill.vault)}.BackupVaultName>,legacy-vault`);
    expect(environment[ENV.restoreTablePrefix]).toBe('rd-restore-');
    expect(environment[ENV.restoreKmsKeyArn]).toBe(NON_DEFAULT_SETTINGS.restoreKmsKeyArn);
    expect(JSON.parse(environment[ENV.targets])).toEqual({
      rpoTargetMinutes: 30 * 60,
      rtoTargetMinutes: 90,
      itemCountTolerancePercent: 2,
      sampleSize: 100,
      scanSegments: 8,
      sourceReadBudgetUnits: 10_000,
      sourceReadUnitsPerSecond: 25,
    });
    const tables: DrilledTable[] = JSON.parse(environment[ENV.tables]);
    expect(tables.slice(1)).toEqual([
      { tableName: 'orders', tableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders', kmsKeyArn: ORDERS_KEY_ARN },
      {
        tableName: 'scans',
        tableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/scans',
        createdAtAttribute: 'created',
        updatedAtAttribute: 'updated',
        canary: true,
        itemCountTolerancePercent: 1,
        customChecks: ['polygon-closes'],
        kmsKeyArn: SCANS_KEY_ARN,
      },
    ]);
    // The fixture uses an AWS managed key: no kmsKeyArn.
    expect(tables[0].kmsKeyArn).toBeUndefined();
    expect(tables[0].fixture).toEqual({ propertyCount: 12, digest: TableDigest.of(fixtureItems(12)).toString() });
    expect(tables[0]).toMatchObject({ canary: true, customChecks: ['polygon-closes'] });
  });

  test('no restore key: DRILL_RESTORE_KMS_KEY_ARN unset', () => {
    expect(drillEnvironment(defaults)[ENV.restoreKmsKeyArn]).toBeUndefined();
  });
});

describe('triggers', () => {
  test('default: the daily schedule, the restore-job rule, the failed-backup rule and the fan-out rule, no backup-completed rule', () => {
    defaults.template.resourceCountIs('AWS::Events::Rule', 4);
    defaults.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 6 * * ? *)' });
  });

  test("restore-job rule: terminal states of the drill's own restore jobs only", () => {
    defaults.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.backup'],
        'detail-type': ['Restore Job State Change'],
        detail: { status: ['COMPLETED', 'FAILED', 'ABORTED'], iamRoleArn: [arnOf(defaults.stack.drill.restoreRole)] },
      },
    });
  });

  test('every rule targets the drill Lambda with retries and a dead-letter queue', () => {
    const drill = defaults.stack.drill;
    for (const rule of Object.values(defaults.template.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: arnOf(drill.drillFunction),
          RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 2 }),
          DeadLetterConfig: { Arn: arnOf(drill.failureQueue) },
        }),
      ]);
    }
  });

  test('custom: rate schedule and a drill after each completed backup of a drilled table', () => {
    custom.template.resourceCountIs('AWS::Events::Rule', 5);
    custom.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(12 hours)' });
    const [rule] = Object.values(
      custom.template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { 'detail-type': ['Backup Job State Change'] } } }),
    );
    expect(rule.Properties.EventPattern.detail.state).toEqual(['COMPLETED']);
    expect(rule.Properties.EventPattern.detail.resourceArn.map(renderValue)).toEqual([
      `<${logicalIdOf(custom.stack.drill.fixtureTable)}.Arn>`,
      'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
      'arn:aws:dynamodb:eu-west-1:123456789012:table/scans',
    ]);
  });
});

describe('drill history table', () => {
  test('pk/sk, three indexes, on-demand, PITR, KMS, retained', () => {
    defaults.template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(defaults.stack.drill.dataKey) },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byRestoreJob',
            KeySchema: [{ AttributeName: 'restoreJobId', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'openDrills',
            KeySchema: [
              { AttributeName: 'openMarker', KeyType: 'HASH' },
              { AttributeName: 'startedAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'byTable',
            KeySchema: [
              { AttributeName: 'sourceTable', KeyType: 'HASH' },
              { AttributeName: 'startedAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('alarms', () => {
  test('drill failed: DrillFailed sum >= 1', () => {
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'RestoreDrill',
      MetricName: 'DrillFailed',
      Dimensions: [{ Name: 'service', Value: 'restore-drill' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test("dead man's switch: no DrillCompleted for 26 hourly periods, missing data breaching", () => {
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'RestoreDrill',
      MetricName: 'DrillCompleted',
      Dimensions: [{ Name: 'service', Value: 'restore-drill' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test("dead man's switch follows the drill schedule: rate(12 hours) is watched for 12 + 2 hours", () => {
    custom.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DrillCompleted',
      Period: 3600,
      EvaluationPeriods: 14,
    });
  });

  test("dead man's switch of a weekday schedule spans the weekend instead of firing on it", () => {
    const weekdays = synthesize({ settings: { drillSchedule: 'cron(15 7 ? * MON-FRI *)' } });
    weekdays.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DrillCompleted',
      EvaluationPeriods: 74,
    });
  });

  test('Lambda errors and failure queue not empty', () => {
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(defaults.stack.drill.drillFunction) }],
    });
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(defaults.stack.drill.failureQueue), 'QueueName'] } }],
    });
  });

  test('every alarm notifies the report topic (and the failure topic with notifyFailuresOnly)', () => {
    const alarms = Object.values(defaults.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([ref(defaults.stack.drill.topic)]);
    for (const alarm of Object.values(custom.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([ref(custom.stack.drill.topic), ref(custom.stack.drill.failureTopic!)]);
    }
  });
});

describe('stack', () => {
  test('outputs what an operator and the local harness need', () => {
    for (const name of [
      'DrillFunctionName',
      'ReportTopicArn',
      'HistoryTableName',
      'FixtureTableName',
      'BackupVaultName',
      'RestoreRoleArn',
    ]) {
      defaults.template.hasOutput(name, {});
    }
  });
});
