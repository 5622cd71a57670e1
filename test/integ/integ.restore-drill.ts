/**
 * Integration test on a real AWS account, in the CDK convention (@aws-cdk/integ-tests-alpha):
 * deploys the stack, backs the fixture table up on demand, runs a manual drill and asserts a PASS
 * in the drill history and no restored copy left behind. README "Integration test on AWS" says
 * how to run it and what it costs; `npm run test:integ-snapshot` checks its synthesized templates
 * against the committed snapshot without an account.
 *
 * Every assertion waits (waitForAssertions): the waiter fails its custom resource when the
 * expectation is not met in time, so the deploy of the assertion stack fails, whatever runs it
 * (`cdk deploy` or integ-runner).
 */
import { ExpectedResult, IntegTest, InvocationType, Match, type AwsApiCall } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HISTORY_INDEX } from '../../lambda/config';
import { RestoreDrillStack } from '../../lib/restore-drill-stack';

/** A prefix of its own, so a restore-drill already deployed in the account cannot confuse the leftover check. */
const RESTORE_TABLE_PREFIX = 'integ-drill-copy-';

// Cross-stack references follow cdk.json's recommended flags (weak: no CloudFormation exports
// that would pin the stack under test until the assertion stack is gone).
const app = new App();
const stack = new RestoreDrillStack(app, 'RestoreDrillInteg', {
  description: 'restore-drill integration test (test/integ/integ.restore-drill.ts); safe to delete',
  settings: {
    // About 50 items: the drill proves the same things on a small table, in minutes.
    fixturePropertyCount: 5,
    restoreTablePrefix: RESTORE_TABLE_PREFIX,
  },
});
const drill = stack.drill;

const integ = new IntegTest(app, 'RestoreDrillIntegTest', {
  testCases: [stack],
  // The update workflow would deploy the previous snapshot first: a second drill stack for nothing.
  stackUpdateWorkflow: false,
});
const assertions = integ.assertions;

/** Lets both the provider and the waiter (waitForAssertions) make a call the SDK action name does not cover. */
function allow(call: ReturnType<typeof assertions.awsApiCall>, statement: { Action: string[]; Resource: string[] }): void {
  const policy = { Effect: 'Allow', ...statement };
  call.provider.addToRolePolicy(policy);
  (call as AwsApiCall).waiterProvider?.addToRolePolicy(policy);
}

// 1. A recovery point: an on-demand backup of the fixture into the stack's vault, with the role the
//    backup plan uses (so the scheduled backups would work the same). It expires after a day, so the
//    retained vault can be deleted afterwards (README).
const backupRole = drill.backupSelection.grantPrincipal as iam.IRole;
const startBackup = assertions.awsApiCall('Backup', 'startBackupJob', {
  BackupVaultName: drill.vault.backupVaultName,
  ResourceArn: drill.fixtureTable.tableArn,
  IamRoleArn: backupRole.roleArn,
  Lifecycle: { DeleteAfterDays: 1 },
});
allow(startBackup, { Action: ['iam:PassRole'], Resource: [backupRole.roleArn] });

const backupCompleted = assertions
  .awsApiCall('Backup', 'describeBackupJob', { BackupJobId: startBackup.getAttString('BackupJobId') })
  .expect(ExpectedResult.objectLike({ State: 'COMPLETED' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) });
allow(backupCompleted, { Action: ['backup:DescribeBackupJob'], Resource: ['*'] });

// 2. A manual drill of the fixture, invoked asynchronously: a drill outlives the assertion's own
//    Lambda, and the drill hands a long restore over to the restore-job event anyway.
const runDrill = assertions.invokeFunction({
  functionName: drill.drillFunction.functionName,
  invocationType: InvocationType.EVENT,
  payload: JSON.stringify({ tables: [drill.fixtureTableName] }),
});

// 3. The drill history records the manual drill as FINISHED with a PASS and the copy deleted. The
//    history is encrypted with the stack's data key, which the reader needs.
const passRecorded = assertions
  .awsApiCall('DynamoDB', 'query', {
    TableName: drill.historyTable.tableName,
    IndexName: HISTORY_INDEX.byTable,
    KeyConditionExpression: 'sourceTable = :table',
    ExpressionAttributeValues: { ':table': { S: drill.fixtureTableName } },
  })
  .expect(
    ExpectedResult.objectLike({
      Items: Match.arrayWith([
        Match.objectLike({
          trigger: { S: 'manual' },
          status: { S: 'FINISHED' },
          outcome: { M: Match.objectLike({ verdict: { S: 'PASS' }, cleanup: { M: Match.objectLike({ result: { S: 'deleted' } }) } }) },
        }),
      ]),
    }),
  )
  // Below CloudFormation's one-hour limit for a custom resource.
  .waitForAssertions({ totalTimeout: Duration.minutes(45), interval: Duration.minutes(1) });
allow(passRecorded, { Action: ['dynamodb:Query'], Resource: [drill.historyTable.tableArn, `${drill.historyTable.tableArn}/index/*`] });
allow(passRecorded, { Action: ['kms:Decrypt'], Resource: [drill.dataKey.keyArn] });

// 4. No restored copy is left: every table of the account and Region, every page of ListTables
//    (one API call cannot page, so a small function lists them), none with the prefix. A deleted
//    table stays listed while DELETING, hence the wait.
const assertionStack = Stack.of(startBackup);
const listCopies = new lambda.Function(assertionStack, 'ListRestoredCopies', {
  description: 'restore-drill integration test: tables whose name starts with a prefix',
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  timeout: Duration.minutes(1),
  code: lambda.Code.fromInline(`
const { DynamoDBClient, paginateListTables } = require('@aws-sdk/client-dynamodb');
const client = new DynamoDBClient({});
exports.handler = async ({ prefix }) => {
  const leftover = [];
  for await (const page of paginateListTables({ client }, {})) {
    leftover.push(...(page.TableNames ?? []).filter((name) => name.startsWith(prefix)));
  }
  return { leftover };
};`),
});
listCopies.addToRolePolicy(
  // ListTables has no resource type (Service Authorization Reference): "*" is the only form.
  new iam.PolicyStatement({ actions: ['dynamodb:ListTables'], resources: ['*'] }),
);
const noCopyLeft = assertions
  .invokeFunction({ functionName: listCopies.functionName, payload: JSON.stringify({ prefix: RESTORE_TABLE_PREFIX }) })
  .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ leftover: [] }) }))
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });
allow(noCopyLeft, { Action: ['lambda:InvokeFunction'], Resource: [listCopies.functionArn] });

startBackup.next(backupCompleted).next(runDrill).next(passRecorded).next(noCopyLeft);
