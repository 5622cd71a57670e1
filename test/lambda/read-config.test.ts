import { ENV } from '../../lambda/config';
import { readConfig } from '../../lambda/read-config';
import { DRILL_TARGET_SETTINGS, type DrillTargetName, drillTargetSetting } from '../../lambda/settings/targets';

const validEnv = (): NodeJS.ProcessEnv => ({
  [ENV.tables]: JSON.stringify([{ tableName: 'orders', tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders', canary: true }]),
  [ENV.vaultNames]: 'vault-a, vault-b',
  [ENV.restoreRoleArn]: 'arn:aws:iam::123456789012:role/restore',
  [ENV.restoreTablePrefix]: 'drill-copy-',
  [ENV.topicArn]: 'arn:aws:sns:us-east-1:123456789012:reports',
  [ENV.historyTableName]: 'history',
  [ENV.targets]: JSON.stringify({
    rpoTargetMinutes: 1560,
    rtoTargetMinutes: 60,
    itemCountTolerancePercent: 5,
    sampleSize: 50,
    scanSegments: 4,
    sourceReadBudgetUnits: 50000,
    sourceReadUnitsPerSecond: 200,
  }),
});

test('reads a complete environment, with production wait tuning by default', () => {
  const config = readConfig(validEnv());
  expect(config.vaultNames).toEqual(['vault-a', 'vault-b']);
  expect(config.tables[0]).toMatchObject({ tableName: 'orders', canary: true });
  expect(config.wait).toEqual({ minPollSeconds: 15, maxPollSeconds: 1800, invocationReserveSeconds: 120, tablePollSeconds: 5 });
  expect(config.restoreKmsKeyArn).toBeUndefined();
});

test.each([
  ['a missing variable', (env: NodeJS.ProcessEnv) => delete env[ENV.topicArn], /DRILL_TOPIC_ARN is not set/],
  ['malformed JSON', (env: NodeJS.ProcessEnv) => (env[ENV.tables] = '[{'), /DRILL_TABLES is not valid JSON/],
  [
    'a table ARN that is not a DynamoDB table',
    (env: NodeJS.ProcessEnv) => (env[ENV.tables] = JSON.stringify([{ tableName: 'orders', tableArn: 'arn:aws:s3:::orders' }])),
    /DRILL_TABLES: 0.tableArn a DynamoDB table ARN/,
  ],
  [
    'a target out of range',
    (env: NodeJS.ProcessEnv) => (env[ENV.targets] = env[ENV.targets]!.replace('"scanSegments":4', '"scanSegments":0')),
    /DRILL_TARGETS: scanSegments/,
  ],
  [
    'a prefix that matches a source table',
    (env: NodeJS.ProcessEnv) => (env[ENV.restoreTablePrefix] = 'ord'),
    /DRILL_RESTORE_TABLE_PREFIX "ord" matches source table orders; refusing to run/,
  ],
])('refuses %s, naming the variable', (_case, breakIt, message) => {
  const env = validEnv();
  breakIt(env);
  expect(() => readConfig(env)).toThrow(message);
});

describe('DRILL_TARGETS and DRILL_TABLES are checked with the settings spec, as the synth checks the settings', () => {
  test.each(Object.keys(DRILL_TARGET_SETTINGS) as DrillTargetName[])('DRILL_TARGETS.%s: its setting’s range, in its unit', (target) => {
    const { min, max } = drillTargetSetting(target);
    const withTarget = (value: number) => {
      const env = validEnv();
      env[ENV.targets] = JSON.stringify({ ...JSON.parse(env[ENV.targets]!), [target]: value });
      return env;
    };
    expect(readConfig(withTarget(min)).targets[target]).toBe(min);
    expect(readConfig(withTarget(max)).targets[target]).toBe(max);
    expect(() => readConfig(withTarget(min - 1))).toThrow(new RegExp(`DRILL_TARGETS: ${target} ${min - 1} is out of range`));
    expect(() => readConfig(withTarget(max + 1))).toThrow(new RegExp(`DRILL_TARGETS: ${target} ${max + 1} is out of range`));
  });

  test('DRILL_TABLES: a table option out of its setting’s range, naming what is accepted', () => {
    const env = validEnv();
    env[ENV.tables] = JSON.stringify([
      { tableName: 'orders', tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders', itemCountTolerancePercent: 150 },
    ]);
    expect(() => readConfig(env)).toThrow(
      'DRILL_TABLES: 0.itemCountTolerancePercent 150 is out of range (accepted: a number from 0 to 100)',
    );
  });
});

describe('DRILL_MAX_CONCURRENT_RESTORES', () => {
  test('absent: the engine applies the setting default; present: read and checked by the setting', () => {
    expect(readConfig(validEnv()).maxConcurrentRestores).toBeUndefined();
    expect(readConfig({ ...validEnv(), [ENV.maxConcurrentRestores]: '25' }).maxConcurrentRestores).toBe(25);
  });

  test.each(['0', '51', '2.5', 'ten'])('%s is refused, naming the variable', (value) => {
    expect(() => readConfig({ ...validEnv(), [ENV.maxConcurrentRestores]: value })).toThrow(/DRILL_MAX_CONCURRENT_RESTORES: /);
  });
});

describe('bare table names in DRILL_TABLES (tables of the stack with no option, as the construct writes them)', () => {
  test('a bare name is the table whose ARN is DRILL_TABLE_ARN_PREFIX and the name', () => {
    const env = {
      ...validEnv(),
      [ENV.tables]: JSON.stringify([
        'orders',
        { tableName: 'users', tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/users', canary: true },
      ]),
      [ENV.tableArnPrefix]: 'arn:aws:dynamodb:us-east-1:123456789012:table/',
    };
    expect(readConfig(env).tables).toEqual([
      { tableName: 'orders', tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' },
      { tableName: 'users', tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/users', canary: true },
    ]);
  });

  test('a bare name without DRILL_TABLE_ARN_PREFIX is refused', () => {
    expect(() => readConfig({ ...validEnv(), [ENV.tables]: JSON.stringify(['orders']) })).toThrow(/DRILL_TABLES: 0/);
  });
});

describe('fan-out (FAN_OUT_STATE_MACHINE_ARN, DRILL_FAN_OUT)', () => {
  const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:restore-drill-fan-out';

  test('absent: no fan-out, every copy is scanned in the drill invocation', () => {
    expect(readConfig(validEnv()).fanOut).toBeUndefined();
  });

  test("the state machine alone: the settings' defaults", () => {
    expect(readConfig({ ...validEnv(), [ENV.fanOutStateMachineArn]: machine }).fanOut).toEqual({
      stateMachineArn: machine,
      maxWorkers: 8,
      segmentsPerWorker: 4,
      timeoutHours: 12,
      itemsPerSecond: 30_000,
    });
  });

  test('tuning as the settings accept it; anything else refused at cold start', () => {
    const tuning = { maxWorkers: 40, segmentsPerWorker: 2, timeoutHours: 24, itemsPerSecond: 20_000 };
    const env = { ...validEnv(), [ENV.fanOutStateMachineArn]: machine, [ENV.fanOutTuning]: JSON.stringify(tuning) };
    expect(readConfig(env).fanOut).toEqual({ stateMachineArn: machine, ...tuning });
    expect(() => readConfig({ ...env, [ENV.fanOutTuning]: JSON.stringify({ ...tuning, maxWorkers: 41 }) })).toThrow(
      /DRILL_FAN_OUT: maxWorkers/,
    );
    expect(() => readConfig({ ...env, [ENV.fanOutStateMachineArn]: 'arn:aws:lambda:us-east-1:123456789012:function:x' })).toThrow(
      /FAN_OUT_STATE_MACHINE_ARN is not a state machine ARN/,
    );
  });
});
