import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { MAX_TEMPLATE_BYTES, checkConsoleDeployable, synthesizeConsoleTemplate } from '../../bin/console-template';
import { context as projectContext } from '../../cdk.json';
import { CONSOLE_PARAMETERS } from '../../lib/console-template';
import { RestoreDrillStack } from '../../lib/restore-drill-stack';
import { resolveSettings } from '../../lib/settings';

/**
 * The console template (`npm run template`): one file that deploys from the CloudFormation console
 * in an account that never ran `cdk bootstrap`. The drill running from it is in
 * test/e2e/console-template.e2e.test.ts.
 */

type Template = {
  Parameters: Record<string, Record<string, any>>;
  Mappings: Record<string, Record<string, Record<string, string>>>;
  Resources: Record<string, { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any>; Condition?: string }>;
  Rules?: unknown;
};

const text = synthesizeConsoleTemplate();
const template = JSON.parse(text) as Template;

test('the file has no asset or bootstrap reference and stays under the console upload limit of 1 MB', () => {
  const bytes = Buffer.byteLength(text);
  console.log(`console template: ${bytes} bytes (${((100 * bytes) / MAX_TEMPLATE_BYTES).toFixed(1)}% of 1 MB)`);
  expect(bytes).toBeLessThan(MAX_TEMPLATE_BYTES);
  expect(text).not.toMatch(/aws:asset|AssetParameters|cdk-hnb659fds|BootstrapVersion|CheckBootstrapVersion/);
  expect(template.Parameters.BootstrapVersion).toBeUndefined();
  expect(template.Rules).toBeUndefined();
  for (const [id, resource] of Object.entries(template.Resources)) {
    expect({ id, metadata: Object.keys(resource.Metadata ?? {}).filter((key) => key.startsWith('aws:asset')) }).toEqual({
      id,
      metadata: [],
    });
  }
});

test('every Lambda function carries its code inline: a CommonJS bundle, index.<handler>, under the 4 MB ZipFile limit', () => {
  const functions = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');
  expect(functions.map(([, resource]) => resource.Properties?.Handler).sort()).toEqual([
    'index.cloudFormationHandler',
    'index.handler',
    'index.handler',
  ]); // the seeder, the drill, the fan-out worker
  for (const [, { Properties }] of functions) {
    expect(Object.keys(Properties?.Code)).toEqual(['ZipFile']);
    const code = Properties?.Code.ZipFile as string;
    expect(Buffer.byteLength(code)).toBeLessThan(4 * 1024 * 1024);
    expect(code).toMatch(/module\.exports/);
    expect(code).not.toMatch(/^import |\bimport\.meta\b/m);
    expect(Properties?.Runtime).toBe('nodejs24.x');
  }
});

test('the fixture seed custom resource is served by the seeder itself: no provider framework', () => {
  const [seed] = Object.values(template.Resources).filter((resource) => resource.Type === 'Custom::RestoreDrillFixtureSeed');
  const serviceToken = seed.Properties?.ServiceToken['Fn::GetAtt'];
  expect(template.Resources[serviceToken[0]].Properties?.Handler).toBe('index.cloudFormationHandler');
  expect(serviceToken[1]).toBe('Arn');
  expect(text).not.toMatch(/USER_ON_EVENT_FUNCTION_ARN|FixtureSeedProvider/);
});

test('the stack passes cdk-nag like the CDK path: no unacknowledged AwsSolutions or Serverless finding', () => {
  const app = new App({ context: projectContext });
  new RestoreDrillStack(app, 'RestoreDrill', { consoleTemplate: true });
  for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
    const findings = pack
      .validateScope(app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
      );
    expect(findings).toEqual([]);
  }
});

test('an asset is refused (BootstraplessSynthesizer): the file can never come to need the bootstrap bucket', () => {
  const app = new App({ context: projectContext });
  const stack = new RestoreDrillStack(app, 'RestoreDrill', { consoleTemplate: true });
  const addAsset = () =>
    new lambda.Function(stack, 'WithAsset', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(__dirname),
    });
  expect(addAsset).toThrow(/Cannot add assets to a Stack that uses the BootstraplessSynthesizer/);
});

test('checkConsoleDeployable refuses what a console upload cannot deploy', () => {
  expect(() => checkConsoleDeployable('{"Parameters":{"BootstrapVersion":{}}}')).toThrow(/BootstrapVersion/);
  expect(() => checkConsoleDeployable('{"Metadata":{"aws:asset:path":"x"}}')).toThrow(/asset metadata/);
  expect(() => checkConsoleDeployable(`"${'x'.repeat(MAX_TEMPLATE_BYTES)}"`)).toThrow(/over the console upload's 1 MB/);
});

describe('parameters', () => {
  const parameter = (id: string) => template.Parameters[id];

  test('the console user sets these, each with a description and constraints', () => {
    expect(Object.keys(template.Parameters).sort()).toEqual(Object.values(CONSOLE_PARAMETERS).sort());
    for (const [id, value] of Object.entries(template.Parameters)) {
      expect({ id, described: String(value.Description).length > 30 }).toEqual({ id, described: true });
      expect({ id, constrained: ['AllowedValues', 'AllowedPattern', 'MinValue'].some((key) => key in value) }).toEqual({
        id,
        constrained: true,
      });
    }
    expect(parameter('NotificationEmail')).toMatchObject({ Type: 'String', Default: '' });
    expect(parameter('NotifyFailuresOnly')).toMatchObject({ Default: 'false', AllowedValues: ['true', 'false'] });
    expect(parameter('TableArns')).toMatchObject({ Type: 'String', Default: '' });
    expect(parameter('BackupHourUtc')).toMatchObject({
      Default: '3',
      AllowedValues: Array.from({ length: 24 }, (_, hour) => String(hour)),
    });
    expect(parameter('RpoTargetHours').Default).toBe('26');
    expect(parameter('RtoTargetMinutes')).toMatchObject({ Type: 'Number', Default: 60, MinValue: 1, MaxValue: 1440 });
  });

  test('the email pattern takes an address or nothing', () => {
    const pattern = new RegExp(`^(?:${parameter('NotificationEmail').AllowedPattern})$`);
    expect(['', 'oncall@example.com'].map((value) => pattern.test(value))).toEqual([true, true]);
    expect(['oncall', 'on call@example.com', 'a@b'].map((value) => pattern.test(value))).toEqual([false, false, false]);
  });

  test('table ARNs: a comma-separated list of DynamoDB table ARNs, or nothing', () => {
    const pattern = new RegExp(`^(?:${parameter('TableArns').AllowedPattern})$`);
    const orders = 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders';
    expect(['', orders, `${orders},${orders}-2`].map((value) => pattern.test(value))).toEqual([true, true, true]);
    expect(['orders', `${orders}, ${orders}`, 'arn:aws:s3:::bucket', `${orders},`].map((value) => pattern.test(value))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  test('every backup hour runs the drill when its windows have closed, and each passes the schedule checks', () => {
    const drillHours = template.Mappings.DrillHourAfterBackup;
    for (const hour of parameter('BackupHourUtc').AllowedValues as string[]) {
      const drillHour = drillHours[hour].hour;
      expect(Number(drillHour)).toBe((Number(hour) + 3) % 24);
      expect(() =>
        resolveSettings({ backupSchedule: `cron(0 ${hour} * * ? *)`, drillSchedule: `cron(0 ${drillHour} * * ? *)`, rpoTargetHours: 24 }),
      ).not.toThrow();
    }
  });

  test('every RPO offered passes with every backup hour and is given to the engine in minutes', () => {
    const offered = (parameter('RpoTargetHours').AllowedValues as string[]).map(Number);
    expect(offered[0]).toBe(24);
    expect(offered.at(-1)).toBe(720);
    for (const hours of offered) expect(template.Mappings.RpoTargetMinutes[String(hours)].minutes).toBe(String(hours * 60));
  });

  test('-c settings apply at npm run template time: as the parameters’ defaults, or baked in when not parameters', () => {
    const custom = JSON.parse(
      synthesizeConsoleTemplate({
        notificationEmail: 'oncall@example.com',
        rpoTargetHours: '30',
        backupRetentionDays: '2',
        tables: 'orders',
        drillSchedule: 'cron(0 7 * * ? *)',
      }),
    ) as Template;
    expect(custom.Parameters.NotificationEmail.Default).toBe('oncall@example.com');
    expect(custom.Parameters.RpoTargetHours.Default).toBe('30');
    // Retention of 2 days: no RPO over 48 h is offered.
    expect((custom.Parameters.RpoTargetHours.AllowedValues as string[]).at(-1)).toBe('48');
    // A schedule given with -c is baked in, checked at synth: no backup-hour parameter then.
    expect(custom.Parameters.BackupHourUtc).toBeUndefined();
    const rules = Object.values(custom.Resources).filter((resource) => resource.Type === 'AWS::Events::Rule');
    expect(rules.map((rule) => rule.Properties?.ScheduleExpression).filter(Boolean)).toEqual(['cron(0 7 * * ? *)']);
    expect(JSON.stringify(custom.Resources)).toContain(':table/orders');
  });

  test('a -c setting the synth refuses stops npm run template as it stops cdk synth', () => {
    expect(() => synthesizeConsoleTemplate({ rpoTargetHours: '26.5' })).toThrow(/rpoTargetHours.*whole number of hours/);
    expect(() => synthesizeConsoleTemplate({ restoreTablePrefix: 'x' })).toThrow(/restoreTablePrefix/);
  });
});

test('the console mode is a mode of the same stack: the CDK path keeps its assets and has no parameters', () => {
  const app = new App({ context: { ...projectContext, 'aws:cdk:bundling-stacks': [] } });
  const stack = new RestoreDrillStack(app, 'RestoreDrill');
  const cdkTemplate = app.synth().getStackByName(stack.stackName).template as Template;
  expect(Object.keys(cdkTemplate.Parameters ?? {})).toEqual(['BootstrapVersion']);
  const inConsole = Object.keys(template.Resources);
  const cdk = Object.keys(cdkTemplate.Resources);
  // The same resources, less the provider framework, plus the deploy-time tables' and email's conditional ones.
  expect(cdk.filter((id) => !inConsole.includes(id)).every((id) => /FixtureSeedProvider/.test(id))).toBe(true);
  expect(Stack.of(stack).synthesizer.constructor.name).toBe('DefaultStackSynthesizer');
});
