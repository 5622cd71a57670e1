import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CLI_OUTPUT_NAMES, RestoreDrill } from '../../lib/restore-drill';
import { synthesize } from './synth';

/**
 * A library user's stack gets the outputs the `restore-drill` CLI finds the drill by
 * (cli/deployment.ts), under the exact names it reads; RestoreDrillStack keeps declaring its own.
 */

const host = () => new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'ClientStack');

test("RestoreDrill in the client's own stack: the CLI's outputs, at the stack's top level", () => {
  const stack = host();
  new RestoreDrill(stack, 'OrdersDrill', { tables: ['orders'] });
  const outputs = Template.fromStack(stack).toJSON().Outputs as Record<string, unknown>;
  expect(Object.keys(outputs).sort()).toEqual([...CLI_OUTPUT_NAMES].sort());
  expect(JSON.stringify(outputs.DrilledTableArns)).toContain(':table/orders');
});

test('one drill per stack has them: a second one goes without, unless it insists (refused, naming the fix)', () => {
  const stack = host();
  new RestoreDrill(stack, 'OrdersDrill', { tables: ['orders'] });
  new RestoreDrill(stack, 'ScansDrill', { tables: ['scans'], fixtureTableName: 'scans-fixture' });
  expect(Object.keys(Template.fromStack(stack).toJSON().Outputs).sort()).toEqual([...CLI_OUTPUT_NAMES].sort());
  expect(() => new RestoreDrill(stack, 'UsersDrill', { tables: ['users'], fixtureTableName: 'users-fixture', cliOutputs: true })).toThrow(
    /already has the CLI's outputs .* of ClientStack\/OrdersDrill; set cliOutputs: false on all but one drill per stack/,
  );
});

test('RestoreDrillStack: its outputs keep their logical IDs, none added', () => {
  const outputs = Object.keys(synthesize().template.toJSON().Outputs).sort();
  expect(outputs).toEqual(
    [
      'DrillFunctionName',
      'ReportTopicArn',
      'HistoryTableName',
      'FixtureTableName',
      'BackupVaultName',
      'RestoreRoleArn',
      'DrilledTableArns',
      'DrillLogGroupName',
    ].sort(),
  );
});
