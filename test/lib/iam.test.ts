import { CANARY_KEY_VALUE } from '../../lambda/config';
import {
  NON_DEFAULT_SETTINGS,
  ORDERS_KEY_ARN,
  type PolicyStatementJson,
  SCANS_KEY_ARN,
  type Synthesized,
  TEST_ENV,
  asList,
  identityStatements,
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

const allows = (statement: PolicyStatementJson, action: string) =>
  statement.Effect === 'Allow' &&
  asList(statement.Action).some((granted) => granted === action || (granted.endsWith('*') && action.startsWith(granted.slice(0, -1))));
// Sorted: CDK's recommended @aws-cdk/aws-iam:minimizePolicies flag sorts and merges what a policy lists.
const resources = (statement: PolicyStatementJson) => asList(statement.Resource).map(renderValue).sort();
const sorted = (values: readonly string[]) => [...values].sort();

function drillStatement(synthesized: Synthesized, sid: string): PolicyStatementJson {
  const policyId = logicalIdOf(synthesized.stack.drill.node.findChild('Function').node.findChild('DrillPermissions'));
  const found = identityStatements(synthesized.template).filter(({ owner, statement }) => owner === policyId && statement.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0].statement;
}

function restoreStatement(synthesized: Synthesized, sid: string): PolicyStatementJson {
  const roleId = logicalIdOf(synthesized.stack.drill.restoreRole);
  const found = identityStatements(synthesized.template).filter(({ owner, statement }) => owner === roleId && statement.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0].statement;
}

/** Actions that change or destroy data, or hand out power. */
const DESTRUCTIVE = [
  'dynamodb:DeleteTable',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:UpdateTable',
  'dynamodb:RestoreTableFromBackup',
  'dynamodb:RestoreTableFromAwsBackup',
  'backup:StartRestoreJob',
  'backup:DeleteRecoveryPoint',
  'backup:UpdateRecoveryPointLifecycle',
  'iam:PassRole',
  'sns:Publish',
  'kms:Decrypt',
  'kms:CreateGrant',
];

describe.each([
  ['default settings', () => defaults],
  ['non-default settings', () => custom],
])('every identity policy (%s)', (_name, get) => {
  test('Noncompliance guard: no destructive action on "*"', () => {
    for (const { owner, statement } of identityStatements(get().template)) {
      if (!resources(statement).includes('*')) continue;
      for (const action of DESTRUCTIVE) {
        expect({ owner, action, allowed: allows(statement, action) }).toEqual({ owner, action, allowed: false });
      }
    }
  });

  test('"*" only for actions without a resource type', () => {
    const onStar = identityStatements(get().template)
      .filter(({ statement }) => statement.Effect === 'Allow' && resources(statement).includes('*'))
      .flatMap(({ statement }) => asList(statement.Action));
    expect(new Set(onStar)).toEqual(
      new Set([
        'backup:DescribeRestoreJob',
        'backup:ListRestoreJobsByProtectedResource',
        'dynamodb:ListTables',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        // The fan-out state machine's role (CDK's grants for tracing and logging): X-Ray sampling and
        // CloudWatch Logs vended delivery, which Step Functions' logging guide grants on "*" (no resource type).
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ]),
    );
  });

  test('dynamodb:DeleteTable only once, only on the restore-table prefix', () => {
    const synthesized = get();
    const prefix = synthesized.stack.drill.settings.restoreTablePrefix;
    const deleting = identityStatements(synthesized.template).filter(({ statement }) => allows(statement, 'dynamodb:DeleteTable'));
    expect(deleting).toHaveLength(1);
    expect(asList(deleting[0].statement.Action)).toEqual(['dynamodb:DeleteTable']);
    expect(resources(deleting[0].statement)).toEqual(
      sorted([
        expect.stringMatching(
          new RegExp(
            `^arn:(<AWS::Partition>|aws):dynamodb:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|\\d{12}):table/${prefix.replace(/[.-]/g, '\\$&')}\\*$`,
          ),
        ),
      ]),
    );
  });
});

describe('drill Lambda policy', () => {
  test('recovery points: listed only in the drill vaults (never across the account by resource)', () => {
    expect(identityStatements(defaults.template).some(({ statement }) => allows(statement, 'backup:ListRecoveryPointsByResource'))).toBe(
      false,
    );
    expect(resources(drillStatement(defaults, 'ListRecoveryPointsInDrillVaults'))).toEqual(
      sorted([
        `arn:<AWS::Partition>:backup:<AWS::Region>:<AWS::AccountId>:backup-vault:<${logicalIdOf(defaults.stack.drill.vault)}.BackupVaultName>`,
      ]),
    );
    expect(resources(drillStatement(custom, 'ListRecoveryPointsInDrillVaults'))).toEqual(
      sorted([
        `arn:aws:backup:eu-west-1:123456789012:backup-vault:<${logicalIdOf(custom.stack.drill.vault)}.BackupVaultName>`,
        'arn:aws:backup:eu-west-1:123456789012:backup-vault:legacy-vault',
      ]),
    );
  });

  test('StartRestoreJob: recovery points of this account and Region and native backups of the drilled tables, never "*"', () => {
    const statement = drillStatement(custom, 'RestoreRecoveryPoints');
    // The restore metadata is built from AWS's documented keys, so GetRecoveryPointRestoreMetadata is not needed.
    expect(statement.Action).toBe('backup:StartRestoreJob');
    expect(resources(statement)).toEqual(
      sorted([
        'arn:aws:backup:eu-west-1:123456789012:recovery-point:*',
        `<${logicalIdOf(custom.stack.drill.fixtureTable)}.Arn>/backup/*`,
        'arn:aws:dynamodb:eu-west-1:123456789012:table/orders/backup/*',
        'arn:aws:dynamodb:eu-west-1:123456789012:table/scans/backup/*',
      ]),
    );
  });

  test('DescribeRestoreJob on "*" (no resource type)', () => {
    expect(drillStatement(defaults, 'FollowRestoreJobs')).toMatchObject({ Action: 'backup:DescribeRestoreJob', Resource: '*' });
  });

  test('kms:DescribeKey, metadata only, on the keys of the stack account and Region', () => {
    expect(drillStatement(custom, 'TellAwsManagedFromCustomerKeys')).toMatchObject({ Action: 'kms:DescribeKey' });
    expect(resources(drillStatement(custom, 'TellAwsManagedFromCustomerKeys'))).toEqual(
      sorted(['arn:aws:kms:eu-west-1:123456789012:key/*']),
    );
  });

  test('ListRestoreJobsByProtectedResource on "*" (no resource type), in its own statement', () => {
    expect(drillStatement(defaults, 'FindRestoreJobsStartedWithoutAnId')).toEqual({
      Sid: 'FindRestoreJobsStartedWithoutAnId',
      Effect: 'Allow',
      Action: 'backup:ListRestoreJobsByProtectedResource',
      Resource: '*',
    });
  });

  test('iam:PassRole: only the restore role, only to AWS Backup', () => {
    const statement = drillStatement(defaults, 'PassTheRestoreRoleToBackupOnly');
    expect(statement).toEqual({
      Sid: 'PassTheRestoreRoleToBackupOnly',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [logicalIdOf(defaults.stack.drill.restoreRole), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } },
    });
    const passing = identityStatements(defaults.template).filter(({ statement }) => allows(statement, 'iam:PassRole'));
    expect(passing).toHaveLength(1);
  });

  test('reads: source tables and restored copies, not their indexes (the engine queries none)', () => {
    const statement = drillStatement(custom, 'ReadSourceTablesAndRestoredCopies');
    expect(statement.Action).toEqual(
      sorted([
        'dynamodb:DescribeTable',
        'dynamodb:Scan',
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:ListTagsOfResource',
      ]),
    );
    const fixture = `<${logicalIdOf(custom.stack.drill.fixtureTable)}.Arn>`;
    const tables = [
      fixture,
      'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
      'arn:aws:dynamodb:eu-west-1:123456789012:table/scans',
      'arn:aws:dynamodb:eu-west-1:123456789012:table/rd-restore-*',
    ];
    expect(resources(statement)).toEqual(sorted(tables));
  });

  test('canary: PutItem only on canary tables, only with the canary partition key', () => {
    const statement = drillStatement(custom, 'WriteCanaryItemsOnly');
    expect(statement.Action).toBe('dynamodb:PutItem');
    expect(resources(statement)).toEqual(
      sorted([`<${logicalIdOf(custom.stack.drill.fixtureTable)}.Arn>`, 'arn:aws:dynamodb:eu-west-1:123456789012:table/scans']),
    );
    expect(statement.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CANARY_KEY_VALUE] } });
    expect(CANARY_KEY_VALUE).toBe('restore-drill#canary');
  });

  test('no write to a source table other than the canary PutItem', () => {
    const drill = custom.stack.drill;
    const sourceArns = drill.drilledTables.map((table) => renderValue(custom.stack.resolve(table.tableArn)));
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable'];
    const drillOwners = [
      logicalIdOf(drill.node.findChild('Function').node.findChild('DrillPermissions')),
      logicalIdOf(drill.drillFunction.role!.node.findChild('DefaultPolicy')),
    ];
    for (const { owner, statement } of identityStatements(custom.template).filter(({ owner }) => drillOwners.includes(owner))) {
      const touchesSource = resources(statement).some((arn) => sourceArns.includes(arn));
      if (!touchesSource) continue;
      const granted = writes.filter((action) => allows(statement, action));
      expect({ owner, sid: statement.Sid, granted }).toEqual({
        owner,
        sid: statement.Sid,
        granted: statement.Sid === 'WriteCanaryItemsOnly' ? ['dynamodb:PutItem'] : [],
      });
    }
  });

  test('source tables with their own key: kms:Decrypt on those keys, only through DynamoDB in the stack Region', () => {
    const statement = drillStatement(custom, 'ReadSourceTablesEncryptedWithTheirKeys');
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
    });
    expect(resources(statement)).toEqual(sorted([ORDERS_KEY_ARN, SCANS_KEY_ARN]));
  });

  test('canary tables with their own key: kms:Encrypt and kms:GenerateDataKey too, and only for them', () => {
    const statement = drillStatement(custom, 'WriteCanaryItemsToEncryptedSourceTables');
    expect(statement).toMatchObject({
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
    });
    // scans has canary: true; orders has none, so its key is only decrypted.
    expect(resources(statement)).toEqual(sorted([SCANS_KEY_ARN]));
    const encrypting = identityStatements(custom.template).filter(
      ({ statement: s }) => allows(s, 'kms:Encrypt') && resources(s).includes(ORDERS_KEY_ARN),
    );
    expect(encrypting).toEqual([]);
  });

  test('no table key: no source-key statement', () => {
    const sids = identityStatements(defaults.template).map(({ statement }) => statement.Sid);
    expect(sids).not.toContain('ReadSourceTablesEncryptedWithTheirKeys');
    expect(sids).not.toContain('WriteCanaryItemsToEncryptedSourceTables');
  });

  test('environment-agnostic stack: the ViaService condition names the deploy Region', async () => {
    const agnostic = synthesize({ settings: { tables: [{ table: 'orders', kmsKeyArn: ORDERS_KEY_ARN, canary: true }] } });
    for (const sid of ['ReadSourceTablesEncryptedWithTheirKeys', 'WriteCanaryItemsToEncryptedSourceTables']) {
      expect(renderValue(drillStatement(agnostic, sid).Condition?.StringEquals['kms:ViaService'])).toBe(
        'dynamodb.<AWS::Region>.amazonaws.com',
      );
    }
  });

  test('restore key: decrypt restored copies only when one is configured', () => {
    expect(resources(drillStatement(custom, 'ReadRestoredCopiesEncryptedWithTheRestoreKey'))).toEqual([
      NON_DEFAULT_SETTINGS.restoreKmsKeyArn,
    ]);
    const sids = identityStatements(defaults.template).map(({ statement }) => statement.Sid);
    expect(sids).not.toContain('ReadRestoredCopiesEncryptedWithTheRestoreKey');
  });

  test('history table: only the item operations the engine makes, never DeleteItem; topic through its CDK grant', () => {
    const defaultPolicy = logicalIdOf(defaults.stack.drill.drillFunction.role!.node.findChild('DefaultPolicy'));
    const statements = identityStatements(defaults.template)
      .filter(({ owner }) => owner === defaultPolicy)
      .map(({ statement }) => statement);
    const historyArn = `<${logicalIdOf(defaults.stack.drill.historyTable)}.Arn>`;
    expect(statements.some((statement) => allows(statement, 'dynamodb:PutItem') && resources(statement).includes(historyArn))).toBe(true);
    expect(
      statements.some((statement) => allows(statement, 'dynamodb:Query') && resources(statement).includes(`${historyArn}/index/*`)),
    ).toBe(true);
    for (const removal of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(statements.some((statement) => allows(statement, removal) && resources(statement).includes(historyArn))).toBe(false);
    }
    expect(
      statements.some(
        (statement) => allows(statement, 'sns:Publish') && resources(statement).includes(`<${logicalIdOf(defaults.stack.drill.topic)}>`),
      ),
    ).toBe(true);
    expect(statements.some((statement) => allows(statement, 'sqs:SendMessage'))).toBe(true);
  });
});

describe('restore role policy', () => {
  test('creates and fills drill copies only under the prefix', () => {
    const statement = restoreStatement(defaults, 'CreateAndFillDrillCopies');
    expect(asList(statement.Action)).toEqual(
      expect.arrayContaining([
        'dynamodb:RestoreTableFromAwsBackup',
        'dynamodb:RestoreTableFromBackup',
        'dynamodb:BatchWriteItem',
        'dynamodb:DescribeTable',
      ]),
    );
    expect(resources(statement)).toEqual(sorted(['arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/drill-copy-*']));
  });

  test('reads native backups of the drilled tables only', () => {
    const statement = restoreStatement(custom, 'ReadNativeBackupsOfDrilledTables');
    expect(statement.Action).toBe('dynamodb:RestoreTableFromBackup');
    expect(resources(statement)).toEqual(
      sorted([
        `<${logicalIdOf(custom.stack.drill.fixtureTable)}.Arn>/backup/*`,
        'arn:aws:dynamodb:eu-west-1:123456789012:table/orders/backup/*',
        'arn:aws:dynamodb:eu-west-1:123456789012:table/scans/backup/*',
      ]),
    );
  });

  test('KMS: the vault key, and any key only through DynamoDB in this Region', () => {
    const vaultKey = `<${logicalIdOf(defaults.stack.drill.vaultKey)}.Arn>`;
    expect(resources(restoreStatement(defaults, 'DecryptRecoveryPointsWithTheVaultKey'))).toEqual(sorted([vaultKey]));
    // vaultKeyArns: the keys of the other vaults searched, such as an earlier stack instance's retained vault.
    const customVaultKeys = [`<${logicalIdOf(custom.stack.drill.vaultKey)}.Arn>`, ...NON_DEFAULT_SETTINGS.vaultKeyArns!];
    expect(resources(restoreStatement(custom, 'DecryptRecoveryPointsWithTheVaultKey'))).toEqual(sorted(customVaultKeys));
    expect(resources(restoreStatement(custom, 'GrantTheVaultKeyToAwsResources'))).toEqual(sorted(customVaultKeys));
    expect(restoreStatement(defaults, 'GrantTheVaultKeyToAwsResources')).toMatchObject({
      Action: 'kms:CreateGrant',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
    expect(resources(restoreStatement(defaults, 'GrantTheVaultKeyToAwsResources'))).toEqual(sorted([vaultKey]));
    for (const sid of ['UseTableKeysThroughDynamoDb', 'GrantKeysToDynamoDb']) {
      const statement = restoreStatement(custom, sid);
      expect(renderValue(statement.Condition?.StringEquals['kms:ViaService'])).toBe('dynamodb.eu-west-1.amazonaws.com');
      expect(resources(statement)).toEqual(sorted(['arn:aws:kms:eu-west-1:123456789012:key/*']));
    }
    expect(restoreStatement(defaults, 'GrantKeysToDynamoDb').Condition?.Bool).toEqual({ 'kms:GrantIsForAWSResource': 'true' });
  });

  test('restore key: used for the copies only when configured', () => {
    expect(resources(restoreStatement(custom, 'EncryptCopiesWithTheRestoreKey'))).toEqual([NON_DEFAULT_SETTINGS.restoreKmsKeyArn]);
    const roleId = logicalIdOf(defaults.stack.drill.restoreRole);
    expect(
      identityStatements(defaults.template)
        .filter(({ owner }) => owner === roleId)
        .map(({ statement }) => statement.Sid),
    ).not.toContain('EncryptCopiesWithTheRestoreKey');
  });

  test('no DeleteTable, no item write outside the prefix', () => {
    const roleId = logicalIdOf(custom.stack.drill.restoreRole);
    for (const { statement } of identityStatements(custom.template).filter(({ owner }) => owner === roleId)) {
      expect(allows(statement, 'dynamodb:DeleteTable')).toBe(false);
      if (allows(statement, 'dynamodb:PutItem'))
        expect(resources(statement)).toEqual(sorted(['arn:aws:dynamodb:eu-west-1:123456789012:table/rd-restore-*']));
    }
  });
});

describe('fixture seed', () => {
  test('BatchWriteItem on the fixture table, nothing else on data', () => {
    const seedRole = defaults.stack.drill.node.findChild('Fixture').node.findChild('FixtureSeedRole');
    const policyId = logicalIdOf(seedRole.node.findChild('DefaultPolicy'));
    const dynamodbStatements = identityStatements(defaults.template)
      .filter(({ owner }) => owner === policyId)
      .map(({ statement }) => statement)
      .filter((statement) => asList(statement.Action).some((action) => action.startsWith('dynamodb:')));
    expect(dynamodbStatements).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:BatchWriteItem',
        Resource: { 'Fn::GetAtt': [logicalIdOf(defaults.stack.drill.fixtureTable), 'Arn'] },
      },
    ]);
  });
});
