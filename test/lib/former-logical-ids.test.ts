import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { keepFormerLogicalIds } from '../../lib/constructs/former-logical-ids';

const code = lambda.Code.fromInline('exports.handler = async () => {};');
const functionProps = { code, handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X };

/** The same resources, once directly in `Drill` (before the split), once in two parts (after). */
function resourcesOf(layout: 'flat' | 'parts'): Record<string, string> {
  const stack = new Stack(new App(), 'Host');
  const drill = new Construct(stack, 'Drill');
  const engine = layout === 'flat' ? drill : new Construct(drill, 'Engine');
  const fn = new lambda.Function(engine, 'DrillFunction', functionProps);
  new sqs.Queue(engine, 'FailureQueue');
  new CfnResource(engine, 'Plain', { type: 'Test::Plain' });
  if (layout === 'parts') keepFormerLogicalIds(engine);
  // The rule's Lambda permission is named after the function's unique id.
  const triggers = layout === 'flat' ? drill : new Construct(drill, 'Triggers');
  new events.Rule(triggers, 'DrillSchedule', {
    schedule: events.Schedule.rate(Duration.hours(1)),
    targets: [new eventTargets.LambdaFunction(fn)],
  });
  if (layout === 'parts') keepFormerLogicalIds(triggers);
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
  return Object.fromEntries(Object.entries(resources).map(([id, resource]) => [id, resource.Type]));
}

test('Compliance: resources of a part keep the logical IDs they had directly in its scope', () => {
  const flat = resourcesOf('flat');
  expect(Object.keys(flat)).toHaveLength(6);
  expect(resourcesOf('parts')).toEqual(flat);
});

test('Compliance: a permission named after the unique id of a function in another part keeps its former ID', () => {
  const permission = (resources: Record<string, string>) => Object.keys(resources).find((id) => id.includes('AllowEventRule'));
  expect(permission(resourcesOf('parts'))).toBe('DrillDrillScheduleAllowEventRuleHostDrillDrillFunction9D625BA3E029FFA0');
  expect(permission(resourcesOf('flat'))).toBe('DrillDrillScheduleAllowEventRuleHostDrillDrillFunction9D625BA3E029FFA0');
});

test('Compliance: the probes leave nothing behind', () => {
  const stack = new Stack(new App(), 'Host');
  const drill = new Construct(stack, 'Drill');
  const part = new Construct(drill, 'Part');
  new CfnResource(new Construct(part, 'Nested'), 'Resource', { type: 'Test::Plain' });
  keepFormerLogicalIds(part);
  expect(drill.node.children.map((child) => child.node.id)).toEqual(['Part']);
  const flat = new CfnResource(new Construct(new Construct(new Stack(new App(), 'Host'), 'Drill'), 'Nested'), 'Resource', {
    type: 'Test::Plain',
  });
  expect(stack.resolve((part.node.findChild('Nested').node.defaultChild as CfnResource).logicalId)).toBe(
    flat.stack.resolve(flat.logicalId),
  );
});

test('Noncompliance: a part named like a former resource is refused', () => {
  const stack = new Stack(new App(), 'Host');
  const drill = new Construct(stack, 'Drill');
  const part = new Construct(drill, 'Vault');
  new CfnResource(new Construct(part, 'Vault'), 'Resource', { type: 'Test::Plain' });
  expect(() => keepFormerLogicalIds(part)).toThrow(/Host\/Drill\/Vault exists: a part's id must differ/);
});
