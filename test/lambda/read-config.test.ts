import { ENV } from '../../lambda/config';
import { readConfig } from '../../lambda/read-config';

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
