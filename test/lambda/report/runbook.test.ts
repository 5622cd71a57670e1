import type { TableSettings, TableShape } from '../../../lambda/ports/dynamodb-port';
import { buildRunbook, type RunbookFacts } from '../../../lambda/report/runbook';
import { tableShape } from '../checks/in-memory-tables';

/**
 * The tested recovery runbook: the StartRestoreJob request that worked as an AWS CLI command, and
 * each setting a restore does not carry with the command that re-applies it. A person copies these
 * commands during an incident, so the commands themselves are the contract.
 */

const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const shape = (overrides: Partial<TableShape> = {}): TableShape => tableShape('orders', overrides);
const settings = (overrides: Partial<TableSettings> = {}): TableSettings => ({
  pointInTimeRecovery: false,
  tagCount: 0,
  unread: [],
  ...overrides,
});
const facts = (overrides: Partial<RunbookFacts> = {}): RunbookFacts => ({
  source: shape(),
  sourceTableArn: ARN,
  sourceSettings: settings(),
  recoveryPoint: { recoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:rp-1', backupVaultName: 'drill-vault' },
  restoreRoleArn: 'arn:aws:iam::123456789012:role/restore',
  metadata: { targetTableName: 'orders-drill-1', encryptionType: 'Default' },
  restoreDurationSeconds: 312,
  ...overrides,
});
/** The four settings the drill cannot read, always listed last but for what could not be read. */
const ALWAYS = [
  'auto scaling (if the source has it)',
  'resource policy (if the source has one)',
  'CloudWatch alarms on the table',
  'contributor insights (if enabled on the source)',
];
const settingsOf = (runbook: ReturnType<typeof buildRunbook>) => runbook.reapply.map((step) => step.setting);

test('the restore command: the request that worked, its target name left for the person to choose', () => {
  const runbook = buildRunbook(facts());
  expect(runbook.metadata).toEqual({ targetTableName: '<new-table-name>', encryptionType: 'Default' });
  expect(runbook.restoreCommand).toBe(
    [
      'aws backup start-restore-job',
      '--recovery-point-arn arn:aws:backup:us-east-1:123456789012:recovery-point:rp-1',
      '--iam-role-arn arn:aws:iam::123456789012:role/restore',
      '--resource-type DynamoDB',
      '--metadata targetTableName=<new-table-name>,encryptionType=Default',
    ].join(' \\\n  '),
  );
  expect(runbook).toMatchObject({
    recoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:rp-1',
    backupVaultName: 'drill-vault',
    restoreRoleArn: 'arn:aws:iam::123456789012:role/restore',
    restoreDurationSeconds: 312,
  });
});

test('a source with none of the readable settings: only the four the drill cannot read', () => {
  expect(settingsOf(buildRunbook(facts()))).toEqual(ALWAYS);
  expect(settingsOf(buildRunbook(facts({ sourceSettings: undefined })))).toEqual(ALWAYS);
});

test('every setting the source has, in order, each with the command that re-applies it', () => {
  const runbook = buildRunbook(
    facts({
      source: shape({ streamEnabled: true, deletionProtection: true }),
      sourceSettings: settings({
        ttlAttribute: 'expiresAt',
        pointInTimeRecovery: true,
        tagCount: 3,
        unread: ['TTL (AccessDenied)', 'tags (Throttled)'],
      }),
    }),
  );
  expect(settingsOf(runbook)).toEqual([
    'TTL on expiresAt',
    'point-in-time recovery',
    'stream (view type as on the source)',
    '3 tags',
    'deletion protection',
    ...ALWAYS,
    'could not be read: TTL (AccessDenied), tags (Throttled)',
  ]);
  const command = (setting: string) => runbook.reapply.find((step) => step.setting === setting)?.command;
  expect(command('TTL on expiresAt')).toBe(
    'aws dynamodb update-time-to-live --table-name <new-table-name> --time-to-live-specification Enabled=true,AttributeName=expiresAt',
  );
  expect(command('point-in-time recovery')).toBe(
    'aws dynamodb update-continuous-backups --table-name <new-table-name> --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true',
  );
  expect(command('stream (view type as on the source)')).toContain(
    '--stream-specification StreamEnabled=true,StreamViewType=$(aws dynamodb describe-table --table-name orders ',
  );
  expect(command('3 tags')).toMatch(
    /^aws dynamodb list-tags-of-resource --resource-arn arn:aws:dynamodb:us-east-1:123456789012:table\/orders /,
  );
  expect(command('deletion protection')).toBe('aws dynamodb update-table --table-name <new-table-name> --deletion-protection-enabled');
  expect(command('resource policy (if the source has one)')).toContain(`get-resource-policy --resource-arn ${ARN}`);
  expect(command('auto scaling (if the source has it)')).toContain('--resource-ids table/orders ');
  expect(command('CloudWatch alarms on the table')).toContain('Value=orders ');
  expect(command('could not be read: TTL (AccessDenied), tags (Throttled)')).toBe('check these on the source by hand');
});

test('one tag is "1 tag"; no tags, no step', () => {
  expect(settingsOf(buildRunbook(facts({ sourceSettings: settings({ tagCount: 1 }) })))[0]).toBe('1 tag');
  expect(settingsOf(buildRunbook(facts({ sourceSettings: settings({ tagCount: 0 }) })))).toEqual(ALWAYS);
});
