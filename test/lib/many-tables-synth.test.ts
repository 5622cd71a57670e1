import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RestoreDrill } from '../../lib/restore-drill';
import { SettingsError } from '../../lib/settings';

/**
 * How many tables one stack holds, at synth. Native mode: AWS Backup allows 30 table ARNs per
 * restore testing selection (CreateRestoreTestingSelection) and 30 selections per plan (restore
 * testing quotas), so the plan gets one selection per 30 tables, and more than 900 is refused.
 * Either mode: the drill role's inline policies grow with each table, and IAM takes 10,240
 * characters for a role's inline policies: a stack IAM would refuse is refused at synth, naming it.
 */

const tableNames = (count: number) => Array.from({ length: count }, (_, i) => `orders_${String(i).padStart(3, '0')}`);

function nativeStack(tables: number) {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Host', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  const drill = new RestoreDrill(stack, 'Drill', { restoreMode: 'native', tables: tableNames(tables) });
  return { drill, template: Template.fromStack(stack) };
}

type Selection = { Properties: { RestoreTestingSelectionName: string; ProtectedResourceArns: string[]; RestoreTestingPlanName: unknown } };

test('44 tables and the fixture: two selections of the one plan (30, 15), each table in exactly one', () => {
  const { drill, template } = nativeStack(44);
  const selections = template.findResources('AWS::Backup::RestoreTestingSelection') as Record<string, Selection>;
  const byName = Object.fromEntries(Object.values(selections).map((s) => [s.Properties.RestoreTestingSelectionName, s.Properties]));
  expect(Object.keys(byName).sort()).toEqual(['drilled_tables', 'drilled_tables_2']);
  expect([byName.drilled_tables, byName.drilled_tables_2].map((s) => s.ProtectedResourceArns.length)).toEqual([30, 15]);
  const selected = Object.values(byName).flatMap((s) => s.ProtectedResourceArns);
  const arns = selected.map((arn) => JSON.stringify(arn));
  expect(new Set(arns).size).toBe(45);
  for (const name of tableNames(44))
    expect(arns.filter((arn) => arn.endsWith(`:dynamodb:us-east-1:123456789012:table/${name}"]]}`))).toHaveLength(1);
  // All in the stack's one plan.
  const plans = new Set(Object.values(byName).map((s) => JSON.stringify(s.RestoreTestingPlanName)));
  expect(plans.size).toBe(1);
  template.resourceCountIs('AWS::Backup::RestoreTestingPlan', 1);
  // The first selection keeps the logical ID it always had.
  const restoreTesting = drill.restoreTesting!;
  expect(restoreTesting.selections).toHaveLength(2);
  expect(Stack.of(drill).getLogicalId(restoreTesting.selection)).toMatch(/^DrillRestoreTestingTables[0-9A-F]{8}$/);
});

test('30 tables in all (29 and the fixture): one selection, as before', () => {
  const { template } = nativeStack(29);
  template.resourceCountIs('AWS::Backup::RestoreTestingSelection', 1);
});

test('more than 900 tables: a SettingsError naming both AWS Backup limits', () => {
  expect(() => nativeStack(900)).toThrow(SettingsError);
  expect(() => nativeStack(900)).toThrow(
    /901 tables for restoreMode native; one restore testing plan tests at most 900: 30 selections .* of 30 table ARNs each/,
  );
});

test('DRILL_TABLES holds a table of the stack without options as its bare name, its ARN prefix once', () => {
  const { template } = nativeStack(44);
  const [drillFunction] = Object.values(template.findResources('AWS::Lambda::Function')).filter(
    (fn) => fn.Properties.Environment?.Variables?.DRILL_TABLES,
  );
  const variables = drillFunction.Properties.Environment.Variables;
  expect(JSON.stringify(variables.DRILL_TABLES)).toContain('\\"orders_000\\",\\"orders_001\\"');
  expect(variables.DRILL_TABLE_ARN_PREFIX).toEqual({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:us-east-1:123456789012:table/']],
  });
});

test("more tables than the drill role's inline policies hold: a SettingsError naming IAM's 10,240 characters, before any deploy", () => {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Host', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  expect(() => new RestoreDrill(stack, 'Drill', { tables: tableNames(60) })).toThrow(
    /"tables": with 61 drilled tables the drill role's inline policies would be about \d+ characters, over IAM's 10240 for a role/,
  );
  const fits = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Fits', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  expect(() => new RestoreDrill(fits, 'Drill', { tables: tableNames(30) })).not.toThrow();
});
