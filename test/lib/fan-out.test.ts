import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RestoreDrill } from '../../lib/restore-drill';
import {
  NATIVE_SETTINGS,
  NON_DEFAULT_SETTINGS,
  type PolicyStatementJson,
  type Synthesized,
  TEST_ENV,
  asList,
  identityStatements,
  logicalIdOf,
  renderValue,
  synthesize,
} from './synth';

/**
 * The fan-out in the stack (lib/constructs/fan-out.ts, scan-fan-out.ts), per the contract in
 * lambda/fanout/contract.ts: the state machine's definition, who may start and invoke what, the
 * worker's role and configuration, and the rule that tells the drill about executions that end
 * without having told it.
 */

let defaults: Synthesized;
let custom: Synthesized;

beforeAll(() => {
  defaults = synthesize();
  custom = synthesize({ settings: NON_DEFAULT_SETTINGS, env: TEST_ENV });
});

type States = Record<string, Record<string, any>>;

/** The state machine's definition as JSON, each reference rendered as `<LogicalId.Attr>`. */
function definitionOf(synthesized: Synthesized): { definition: Record<string, any>; properties: Record<string, any> } {
  const [machine] = Object.values(synthesized.template.findResources('AWS::StepFunctions::StateMachine'));
  const properties = machine.Properties as Record<string, any>;
  return { definition: JSON.parse(renderValue(properties.DefinitionString)), properties };
}

const functionArn = (construct: Parameters<typeof logicalIdOf>[0]) => `<${logicalIdOf(construct)}.Arn>`;
const statementsOf = (synthesized: Synthesized, owners: readonly string[]) =>
  identityStatements(synthesized.template).filter(({ owner }) => owners.includes(owner));
const resources = (statement: PolicyStatementJson) => asList(statement.Resource).map(renderValue).sort();

function environmentOf(synthesized: Synthesized, logicalId: string): Record<string, unknown> {
  return synthesized.template.toJSON().Resources[logicalId].Properties.Environment.Variables;
}

describe('state machine', () => {
  test('per the contract: Map over $.groups, Combine, MoreToScan, the drill told when done', () => {
    const { drill } = defaults.stack;
    const { definition } = definitionOf(defaults);
    const states = definition.States as States;
    const worker = functionArn(drill.fanOut.worker);
    const drillFunction = functionArn(drill.drillFunction);
    expect(definition.StartAt).toBe('ScanGroups');
    expect(states.ScanGroups).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.groups',
      MaxConcurrencyPath: '$.maxConcurrency',
      ItemSelector: { 'group.$': '$$.Map.Item.Value', 'facts.$': '$.facts' },
      ResultPath: '$.partials',
      Next: 'Combine',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReportScanFailure' }],
    });
    const scanGroup = (states.ScanGroups.ItemProcessor.States as States).ScanGroup;
    expect(scanGroup).toMatchObject({
      Type: 'Task',
      Resource: worker,
      Parameters: { action: 'scan', 'group.$': '$.group', 'facts.$': '$.facts' },
      TimeoutSeconds: 900,
    });
    expect(states.Combine).toMatchObject({
      Resource: worker,
      Parameters: { action: 'combine', 'state.$': '$' },
      Next: 'MoreToScan',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReportScanFailure' }],
    });
    expect(states.MoreToScan).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'FinishDrill' }],
      Default: 'ScanGroups',
    });
    expect(states.FinishDrill).toMatchObject({
      Resource: drillFunction,
      Parameters: { fanOut: 'finished', 'drillId.$': '$.drillId', 'executionArn.$': '$$.Execution.Id', 'totals.$': '$.totals' },
      Next: 'Proven',
    });
    expect(states.ReportScanFailure).toMatchObject({
      Resource: drillFunction,
      Parameters: { fanOut: 'failed', 'drillId.$': '$.drillId', 'executionArn.$': '$$.Execution.Id', 'error.$': '$.error' },
      ResultPath: null,
      Next: 'ScanFailed',
    });
    expect(states.ScanFailed).toMatchObject({ Type: 'Fail', Error: 'FanOutScanFailed' });
  });

  test('a worker or combiner that fails is retried twice with backoff; Lambda service errors on every task', () => {
    const states = definitionOf(defaults).definition.States as States;
    const scanGroup = (states.ScanGroups.ItemProcessor.States as States).ScanGroup;
    const workerRetry = { ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2, IntervalSeconds: 5, BackoffRate: 2 };
    for (const task of [scanGroup, states.Combine]) expect(task.Retry).toContainEqual(workerRetry);
    for (const task of [scanGroup, states.Combine, states.FinishDrill, states.ReportScanFailure]) {
      expect(task.Retry).toContainEqual(expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException']) }));
    }
  });

  test('fanOutTimeoutHours sets the timeout, and the drill is told the fan-out settings (DRILL_FAN_OUT)', () => {
    const synthesized = synthesize({
      settings: { fanOutTimeoutHours: 3, fanOutMaxWorkers: 16, fanOutSegmentsPerWorker: 2, scanItemsPerSecond: 5000 },
    });
    expect(definitionOf(synthesized).definition.TimeoutSeconds).toBe(3 * 3600);
    const environment = environmentOf(synthesized, logicalIdOf(synthesized.stack.drill.drillFunction));
    expect(JSON.parse(environment.DRILL_FAN_OUT as string)).toEqual({
      maxWorkers: 16,
      segmentsPerWorker: 2,
      timeoutHours: 3,
      itemsPerSecond: 5000,
    });
  });

  test('12 hours at most, traced, every transition logged without execution data to its own retained log group', () => {
    const { definition, properties } = definitionOf(defaults);
    expect(definition.TimeoutSeconds).toBe(12 * 3600);
    expect(properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const logGroupId = logicalIdOf(defaults.stack.drill.fanOut.node.findChild('Scan').node.findChild('Logs'));
    expect(renderValue(properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn)).toBe(`<${logGroupId}.Arn>`);
    defaults.template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 }, DeletionPolicy: 'Delete' });
  });

  test('named restore-drill-fan-out-<stack uuid>-<hash>: the drill names it in its environment and policy, no Ref cycle', () => {
    const { properties } = definitionOf(defaults);
    const name = defaults.template.toJSON().Resources[logicalIdOf(defaults.stack.drill.fanOut.stateMachine)].Properties.StateMachineName;
    expect(name).toEqual({
      'Fn::Join': [
        '-',
        [
          'restore-drill-fan-out',
          { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
          expect.stringMatching(/^[0-9a-f]{8}$/),
        ],
      ],
    });
    expect(properties.StateMachineName).toEqual(name);
    const environment = environmentOf(defaults, logicalIdOf(defaults.stack.drill.drillFunction));
    expect(renderValue(environment.FAN_OUT_STATE_MACHINE_ARN)).toBe(
      `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:${renderValue(name)}`,
    );
  });

  test('two drills in one stack get two state machines of different names', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Host', { env: TEST_ENV });
    new RestoreDrill(stack, 'OrdersDrill', { tables: ['orders'], restoreTablePrefix: 'orders-copy-' });
    new RestoreDrill(stack, 'ScansDrill', { tables: ['scans'], restoreTablePrefix: 'scans-copy-', fixtureTableName: 'scans-fixture' });
    const names = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine')).map((machine) =>
      renderValue(machine.Properties.StateMachineName),
    );
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
  });
});

describe('permissions', () => {
  test('the drill may start executions of its own state machine and stop them, nothing else of Step Functions', () => {
    const { drill } = defaults.stack;
    const environment = environmentOf(defaults, logicalIdOf(drill.drillFunction));
    const machineArn = renderValue(environment.FAN_OUT_STATE_MACHINE_ARN);
    const policyId = logicalIdOf(drill.node.findChild('Function').node.findChild('DrillPermissions'));
    const states = identityStatements(defaults.template).filter(({ statement }) =>
      asList(statement.Action).some((action) => action.startsWith('states:')),
    );
    expect(
      states.map(({ owner, statement }) => ({ owner, sid: statement.Sid, action: statement.Action, resources: resources(statement) })),
    ).toEqual([
      { owner: policyId, sid: 'StartFanOutScansOnly', action: 'states:StartExecution', resources: [machineArn] },
      {
        owner: policyId,
        sid: 'StopOwnFanOutScansOnly',
        action: 'states:StopExecution',
        resources: [`${machineArn.replace(':stateMachine:', ':execution:')}:*`],
      },
    ]);
  });

  test('the state machine invokes the worker and the drill function only', () => {
    const { drill } = defaults.stack;
    const owners = [
      `${logicalIdOf(drill.fanOut.stateMachine.role)}`,
      logicalIdOf(drill.fanOut.stateMachine.role.node.findChild('DefaultPolicy')),
    ];
    const invoking = statementsOf(defaults, owners).filter(({ statement }) => asList(statement.Action).includes('lambda:InvokeFunction'));
    const invoked = invoking.flatMap(({ statement }) => resources(statement));
    const worker = functionArn(drill.fanOut.worker);
    const drillFunction = functionArn(drill.drillFunction);
    expect(invoked.sort()).toEqual([worker, `${worker}:*`, drillFunction, `${drillFunction}:*`].sort());
    const actions = statementsOf(defaults, owners).flatMap(({ statement }) => asList(statement.Action));
    expect(actions.filter((action) => !action.startsWith('xray:') && !action.startsWith('logs:'))).toEqual(['lambda:InvokeFunction']);
  });

  test.each([
    ['default settings: no restore key', () => defaults, []],
    ['a restore key: kms:Decrypt of it through DynamoDB only', () => custom, [NON_DEFAULT_SETTINGS.restoreKmsKeyArn]],
  ])('the worker scans restored copies only, %s', (_name, get, keys) => {
    const synthesized = get();
    const { fanOut } = synthesized.stack.drill;
    const owners = [
      logicalIdOf(fanOut.workerRole),
      logicalIdOf(fanOut.workerRole.node.findChild('DefaultPolicy')),
      logicalIdOf(fanOut.node.findChild('WorkerPermissions')),
    ];
    const statements = statementsOf(synthesized, owners).map(({ statement }) => statement);
    const prefix = synthesized.stack.drill.settings.restoreTablePrefix;
    const dynamodb = statements.filter((statement) => asList(statement.Action).some((action) => action.startsWith('dynamodb:')));
    expect(dynamodb).toEqual([expect.objectContaining({ Sid: 'ScanRestoredCopiesOnly', Action: 'dynamodb:Scan' })]);
    expect(resources(dynamodb[0])).toEqual([expect.stringMatching(new RegExp(`:table/${prefix}\\*$`))]);
    const kms = statements.filter((statement) => asList(statement.Action).some((action) => action.startsWith('kms:')));
    expect(kms.map((statement) => ({ action: statement.Action, resources: resources(statement), condition: statement.Condition }))).toEqual(
      keys.map((key) => ({
        action: 'kms:Decrypt',
        resources: [key],
        condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
      })),
    );
    const others = statements
      .flatMap((statement) => asList(statement.Action))
      .filter((action) => !/^(dynamodb|kms|xray|logs):/.test(action));
    expect(others).toEqual([]);
  });

  test('native mode: the worker scans the restore tests copies too', () => {
    const synthesized = synthesize({ settings: NATIVE_SETTINGS, env: TEST_ENV });
    const policy = synthesized.stack.drill.fanOut.node.findChild('WorkerPermissions');
    const [scan] = statementsOf(synthesized, [logicalIdOf(policy)]).map(({ statement }) => statement);
    expect(resources(scan)).toEqual([
      expect.stringMatching(/:table\/awsbackup-restore-test-\*$/),
      expect.stringMatching(/:table\/drill-copy-\*$/),
    ]);
  });
});

describe('worker function', () => {
  test('the fan-out handler, on the drill configuration without the hand-off, 15 minutes, traced, its own logs', () => {
    const { drill } = custom.stack;
    const workerId = logicalIdOf(drill.fanOut.worker);
    const worker = custom.template.toJSON().Resources[workerId].Properties;
    const { FAN_OUT_STATE_MACHINE_ARN, ...drillConfiguration } = environmentOf(custom, logicalIdOf(drill.drillFunction));
    expect(FAN_OUT_STATE_MACHINE_ARN).toBeDefined();
    expect(environmentOf(custom, workerId)).toEqual(drillConfiguration);
    expect(worker).toMatchObject({ Timeout: 900, Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
    expect(renderValue(worker.LoggingConfig.LogGroup)).toBe(`<${logicalIdOf(drill.fanOut.workerLogGroup)}>`);
  });
});

test('the status-change rule: FAILED, TIMED_OUT and ABORTED of this state machine, to the drill with retries and the DLQ', () => {
  const { drill } = defaults.stack;
  const rule = defaults.template.toJSON().Resources[logicalIdOf(drill.fanOut.executionEndedRule)].Properties;
  expect(rule.EventPattern).toEqual({
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: logicalIdOf(drill.fanOut.stateMachine) }] },
  });
  expect(rule.Targets).toEqual([
    expect.objectContaining({
      Arn: { 'Fn::GetAtt': [logicalIdOf(drill.drillFunction), 'Arn'] },
      RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 2 }),
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(drill.failureQueue), 'Arn'] } },
    }),
  ]);
});
