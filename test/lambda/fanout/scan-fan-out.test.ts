import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TableDigest } from '../../../lambda/digest/table-digest';
import {
  type CombineInput,
  type CombinedScan,
  combine,
  firstRound,
  type ScanGroupInput,
  scanGroup,
} from '../../../lambda/fanout/scan-worker';
import { createDynamoDbPort, type Item } from '../../../lambda/ports/dynamodb-port';
import { ScanFanOut } from '../../../lib/constructs/scan-fan-out';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../harness/dynamodb/local-dynamodb';
import { LocalStateMachine as StateMachine } from '../../harness/stepfunctions/run-definition';
import { PK_SK_SCHEMA } from '../../harness/dynamodb/pk-sk-schema';

/**
 * The fan-out state machine as synthesized, validated by asl-validator and run by
 * aws-local-stepfunctions (3.0.0), its Lambda tasks answered by the worker's functions in this
 * process against DynamoDB Local: 16 segments in groups of 4, one worker out of time (its
 * segments continue in a second round), one worker failing once (retried). The combined digest
 * equals one digest of the whole table.
 *
 * aws-local-stepfunctions 3.0.0 needs Node.js 22's Promise.withResolvers (polyfilled for Node.js 20
 * by the harness's run-definition.ts, which this test takes the interpreter from) and runs a Distributed Map as an inline one; this state machine uses an inline Map.
 */
const validateAsl = require('asl-validator') as (definition: unknown, options: object) => { isValid: boolean; errorsText: () => string };

/** The Combine task's local handler: the worker's combine over the contract's payload ({ action, state }), keeping drillId and facts. */
const combineTask = (async ({ state }: { state: CombineInput & Record<string, unknown> }) => {
  const { partials: _partials, ...kept } = state;
  return { ...kept, ...combine(state) };
}) as never;

/** The execution's input: the first round, with the drill's id and (opaque) facts. */
const firstState = (...round: Parameters<typeof firstRound>) =>
  ({ drillId: 'drill-1', facts: { drillId: 'drill-1' }, ...firstRound(...round) }) as never;

const WORKER_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:fan-out-worker';
/** The context object's Execution.Id, which Step Functions sets and the drill payloads carry. */
const context = { Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:fan-out:drill-1' } };

type Definition = ConstructorParameters<typeof StateMachine>[0];
let synthesized: string | undefined;

/** The synthesized definition (synthesized once), its tokens (the worker's ARN) replaced by a fixed ARN. */
function synthesizedDefinition(): Definition {
  synthesized ??= synthesize();
  return JSON.parse(synthesized);
}

function synthesize(): string {
  const stack = new Stack(new App(), 'FanOut', { env: { account: '123456789012', region: 'us-east-1' } });
  const worker = new lambda.Function(stack, 'Worker', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  new ScanFanOut(stack, 'ScanFanOut', { worker, drill: worker, stateMachineName: 'fan-out' });
  const [machine] = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
  const body = (machine.Properties as { DefinitionString: unknown }).DefinitionString as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : WORKER_ARN)).join('');
}

const TABLE = 'fan-out-copy';
const ITEMS: Item[] = Array.from({ length: 2_000 }, (_, i) => ({
  pk: { S: `P#${String(i).padStart(5, '0')}` },
  sk: { S: 'META' },
  area: { N: String((i % 97) * 1.5) },
  polygon: { L: [{ M: { x: { N: String(i % 10) }, y: { N: '2.50' } } }] },
}));

let local: LocalDynamoDb;
let client: DynamoDBClient;

beforeAll(async () => {
  local = await startLocalDynamoDb({ accountId: '123456789012', region: 'us-east-1', createTableMs: 0, deleteTableMs: 0 });
  client = new DynamoDBClient({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      ...PK_SK_SCHEMA,
    }),
  );
  await local.putItems(TABLE, ITEMS);
}, 60_000);

afterAll(async () => {
  client.destroy();
  await local.close();
});

test('the synthesized definition is valid ASL (asl-validator 4, paths and ARNs checked)', () => {
  const result = validateAsl(synthesizedDefinition(), { checkPaths: true, checkArn: true });
  expect(result.errorsText()).toBe('');
  expect(result.isValid).toBe(true);
});

test('16 segments in groups of 4: a worker out of time continues next round, a failed worker is retried, the digest is the whole table', async () => {
  const port = createDynamoDbPort(client, async () => undefined);
  const calls: string[] = [];
  let failedOnce = false;
  const worker = async (input: { group: ScanGroupInput }) => {
    const segments = input.group.positions.map((p) => p.segment);
    calls.push(`${segments.join(',')}${input.group.positions.some((p) => p.startKey) ? ' (continued)' : ''}`);
    if (segments.includes(8) && !failedOnce) {
      failedOnce = true;
      throw Object.assign(new Error('worker crashed'), { name: 'States.TaskFailed' });
    }
    // The group holding segment 4 runs short of time after its first page.
    let pages = 0;
    const outOfTime = segments.includes(4) && !input.group.positions.some((p) => p.startKey);
    return scanGroup(input.group, port, () => !outOfTime || ++pages < 1);
  };
  const execution = new StateMachine(synthesizedDefinition(), { validationOptions: { checkArn: true, checkPaths: true } }).run(
    firstState(TABLE, 16, 4, 3, 40),
    {
      context,
      overrides: {
        taskResourceLocalHandlers: { ScanGroup: worker as never, Combine: combineTask, FinishDrill: async (input) => input },
        retryIntervalOverrides: { ScanGroup: 0 },
      },
    },
  );
  const result = (await execution.result) as unknown as CombinedScan;
  expect(result).toMatchObject({ fanOut: 'finished', drillId: 'drill-1' });
  expect(result.totals.items).toBe(ITEMS.length);
  expect(result.totals.digest).toBe(TableDigest.of(ITEMS).toString());
  expect(calls.filter((call) => call.endsWith('(continued)'))).toHaveLength(1);
  expect(calls.filter((call) => call.startsWith('8,'))).toHaveLength(2);
}, 120_000);

test('a worker that keeps failing hands its error to the drill, and the execution ends FAILED', async () => {
  const told: unknown[] = [];
  const execution = new StateMachine(synthesizedDefinition()).run(firstState(TABLE, 4, 2, 2, 0), {
    context,
    overrides: {
      taskResourceLocalHandlers: {
        ScanGroup: async () => {
          throw Object.assign(new Error('table gone'), { name: 'ResourceNotFoundException' });
        },
        Combine: combineTask,
        ReportScanFailure: async (input) => {
          told.push(input);
          return {};
        },
      },
      retryIntervalOverrides: { ScanGroup: 0 },
    },
  });
  await expect(execution.result).rejects.toThrow(/the drill reported the FAIL/);
  expect(told).toEqual([
    expect.objectContaining({ fanOut: 'failed', error: expect.objectContaining({ Error: 'ResourceNotFoundException' }) }),
  ]);
});
