import { ArnFormat, type CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CANARY_KEY_VALUE, type DrillTargets, type DrilledTable, ENV } from '../lambda/config';
import { DrillBackup } from './constructs/backup';
import { checkEnvironmentSize } from './constructs/drill-function';
import { DrillHistory } from './constructs/drill-history';
import { DrillFixture } from './constructs/fixture';
import { buildNodejsFunction, functionEnvironment } from './constructs/node-function';
import { DrillNotifications } from './constructs/notifications';
import { DrillRestoreRole } from './constructs/restore-role';
import { DrillTriggers } from './constructs/triggers';
import { restoredTablesArn as restoredTablesArnOf, tableArn } from './constructs/table-arns';
import { NATIVE_BACKUPS_REASON, RESTORED_COPIES_REASON, acknowledge, acknowledgeWildcardResources } from './nag-findings';
import {
  DRILL_ALARM_SLACK_HOURS,
  DRILL_FUNCTION_MEMORY_MB,
  type ResolvedRestoreDrillSettings,
  type ResolvedTableSetting,
  type RestoreDrillSettings,
  SettingsError,
  resolveSettings,
} from './settings';
import { checkFixtureNotListed, checkStackOwnedTableNames, checkTablesInStackEnvironment } from './stack-checks';

/**
 * Props of {@link RestoreDrill}: the drill settings (see `RestoreDrillSettings` for each one and
 * its default) plus what only makes sense in code.
 */
export interface RestoreDrillProps extends RestoreDrillSettings {
  /**
   * Reserved concurrency of the drill Lambda (1-50), opt-in. Lambda refuses a reservation that
   * leaves the account fewer unreserved executions than its minimum (the PutFunctionConcurrency
   * API reference: at least 100; an account whose whole quota is lower, such as a new account at
   * 10, has a lower minimum and no room at all), so any reservation can make `cdk deploy` fail in
   * a small account. It is not needed to protect AWS: the engine limits its own parallel drills
   * (MAX_PARALLEL_DRILLS in lambda/handler.ts) well under DynamoDB's 50 concurrent restores.
   * Reserve only in an account with room to spare, to keep other functions from starving the drill.
   * @default - no reservation: the drill shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;
}

/** Metric namespace and service dimension the engine publishes with (Powertools Metrics). */
export const METRICS_NAMESPACE = 'RestoreDrill';
export const SERVICE_NAME = 'restore-drill';

/**
 * Proves every day that the latest AWS Backup recovery point of each protected DynamoDB table
 * restores and holds the expected data: a fixture test table seeded with known content, a
 * KMS-encrypted backup vault and daily plan, the role AWS Backup restores with, the drill Lambda
 * and its triggers, a drill-history table, an SNS topic for reports and alarms.
 */
export class RestoreDrill extends Construct {
  /** The settings after defaults, as the drill uses them. */
  public readonly settings: ResolvedRestoreDrillSettings;
  /** What the drill Lambda receives in `DRILL_TABLES`: the fixture table first, then the user tables. */
  public readonly drilledTables: readonly DrilledTable[];
  /** The fixture test table, seeded at deploy time with `fixtureItems(fixturePropertyCount)`. */
  public readonly fixtureTable: dynamodb.Table;
  /** Its physical name, known at synth. */
  public readonly fixtureTableName: string;
  /** The custom resource that seeds the fixture table. */
  public readonly fixtureSeed: CustomResource;
  /** Customer-managed key of the backup vault. */
  public readonly vaultKey: kms.Key;
  public readonly vault: backup.BackupVault;
  public readonly backupPlan: backup.BackupPlan;
  public readonly backupSelection: backup.BackupSelection;
  /** The role AWS Backup assumes to restore drilled tables into `<prefix>*` copies. */
  public readonly restoreRole: iam.Role;
  /** Customer-managed key of the report topic and the drill-history table. */
  public readonly dataKey: kms.Key;
  /** Drill reports (message attributes `verdict`, `table`) and alarms. */
  public readonly topic: sns.Topic;
  /**
   * FAIL reports and alarms, present with `notifyFailuresOnly`: the email subscribes here, with
   * no filter policy, instead of to the report topic.
   */
  public readonly failureTopic?: sns.Topic;
  /** Async invocations and EventBridge deliveries that still failed after retries. */
  public readonly failureQueue: sqs.Queue;
  /** One record per drill: audit evidence, and the lock that makes reporting exactly-once. */
  public readonly historyTable: dynamodb.Table;
  public readonly drillFunction: nodejs.NodejsFunction;
  public readonly drillScheduleRule: events.Rule;
  /** Present when `drillAfterBackup` is set. */
  public readonly backupCompletedRule?: events.Rule;
  public readonly restoreJobFinishedRule: events.Rule;
  public readonly drillFailedAlarm: cloudwatch.Alarm;
  public readonly noDrillFinishedAlarm: cloudwatch.Alarm;
  public readonly lambdaErrorsAlarm: cloudwatch.Alarm;
  public readonly failureQueueNotEmptyAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RestoreDrillProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    // Props first: nothing is created from a setting that could delete a source table.
    this.settings = resolveSettings(props);
    const settings = this.settings;
    const reservedConcurrency = props.reservedConcurrency;
    if (
      reservedConcurrency !== undefined &&
      (!Number.isInteger(reservedConcurrency) || reservedConcurrency < 1 || reservedConcurrency > 50)
    ) {
      throw new SettingsError(
        'reservedConcurrency',
        `${reservedConcurrency} is out of range`,
        'an integer from 1 to 50, or no reservation (the default)',
      );
    }
    const fixtureTableName = settings.fixtureTableName ?? `${stack.stackName}-fixture`;
    checkStackOwnedTableNames(settings.restoreTablePrefix, fixtureTableName, stack.stackName);
    const sameName = stack.node.findAll().find((other) => other instanceof RestoreDrill && other.fixtureTableName === fixtureTableName);
    if (sameName) {
      throw new SettingsError(
        'fixtureTableName',
        `"${fixtureTableName}" is already the fixture table of ${sameName.node.path}`,
        'a distinct fixtureTableName for each RestoreDrill in a stack',
      );
    }
    this.fixtureTableName = fixtureTableName;
    const userTables = settings.tables.map((table) => ({
      ...table,
      tableArn: table.tableArn ?? tableArn(stack, table.tableName),
    }));
    checkTablesInStackEnvironment(this, userTables);
    checkFixtureNotListed(settings.tables, fixtureTableName);

    // ---- Fixture test table, seeded with known content ---------------------------------------
    const fixture = new DrillFixture(this, 'Fixture', { tableName: fixtureTableName, propertyCount: settings.fixturePropertyCount });
    this.fixtureTable = fixture.table;
    this.fixtureSeed = fixture.seed;
    this.drilledTables = [fixture.drilledTable, ...userTables.map(toDrilledTable)];
    const sourceTableArns = this.drilledTables.map((table) => table.tableArn);
    const restoredTablesArn = restoredTablesArnOf(stack, settings.restoreTablePrefix);

    // ---- Backup vault and plan ----------------------------------------------------------------
    const backups = new DrillBackup(this, 'Backup', {
      resources: [
        backup.BackupResource.fromDynamoDbTable(this.fixtureTable),
        ...userTables.map((table) => backup.BackupResource.fromArn(table.tableArn)),
      ],
      schedule: events.Schedule.expression(settings.backupSchedule),
      startWindow: Duration.minutes(settings.backupStartWindowMinutes),
      completionWindow: Duration.minutes(settings.backupCompletionWindowMinutes),
      retention: Duration.days(settings.backupRetentionDays),
      coldStorageAfter: settings.coldStorageAfterDays === undefined ? undefined : Duration.days(settings.coldStorageAfterDays),
      adminPrincipalArns: settings.vaultAdminPrincipalArns,
      // Named after this construct, as before it had child constructs: a deployed vault keeps its name.
      nameScope: this,
    });
    this.vaultKey = backups.vaultKey;
    this.vault = backups.vault;
    this.backupPlan = backups.plan;
    this.backupSelection = backups.selection;

    // ---- Restore role ---------------------------------------------------------------------------
    this.restoreRole = new DrillRestoreRole(this, 'Restore', {
      restoreTablePrefix: settings.restoreTablePrefix,
      sourceTableArns,
      vaultKeyArns: [this.vaultKey.keyArn, ...settings.vaultKeyArns],
      restoreKmsKeyArn: settings.restoreKmsKeyArn,
    }).role;

    // ---- Reports: KMS-encrypted, TLS-only topic ---------------------------------------------------
    const notifications = new DrillNotifications(this, 'Notifications', {
      email: settings.notificationEmail,
      failuresOnly: settings.notifyFailuresOnly,
    });
    this.dataKey = notifications.dataKey;
    this.topic = notifications.reportTopic;
    this.failureTopic = notifications.failureTopic;

    // ---- Failures of async invocation and event delivery ---------------------------------------
    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      // SQS-managed SSE: Lambda and EventBridge can both deliver without key-policy grants.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.failureQueue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter destination itself (Lambda on-failure and EventBridge target DLQ).',
    );
    acknowledge(
      this.failureQueue,
      'Serverless-SQSRedrivePolicy',
      'This queue is the dead-letter destination itself; nothing consumes it automatically, an alarm fires when it is not empty.',
    );

    // ---- Drill history (audit evidence) ------------------------------------------------------------
    this.historyTable = new DrillHistory(this, 'History', { encryptionKey: this.dataKey }).table;

    // ---- Drill Lambda ---------------------------------------------------------------------------------
    const targets: DrillTargets = {
      rpoTargetMinutes: settings.rpoTargetHours * 60,
      rtoTargetMinutes: settings.rtoTargetMinutes,
      itemCountTolerancePercent: settings.itemCountTolerancePercent,
      sampleSize: settings.sampleSize,
      scanSegments: settings.scanSegments,
      sourceReadBudgetUnits: settings.sourceReadBudgetUnits,
      sourceReadUnitsPerSecond: settings.sourceReadUnitsPerSecond,
    };
    const vaultNames = [this.vault.backupVaultName, ...settings.vaultNames];
    const environment: Record<string, string> = {
      [ENV.tables]: stack.toJsonString(this.drilledTables),
      [ENV.vaultNames]: vaultNames.join(','),
      [ENV.restoreRoleArn]: this.restoreRole.roleArn,
      [ENV.restoreTablePrefix]: settings.restoreTablePrefix,
      [ENV.topicArn]: this.topic.topicArn,
      [ENV.historyTableName]: this.historyTable.tableName,
      [ENV.targets]: JSON.stringify(targets),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };
    if (settings.restoreKmsKeyArn !== undefined) environment[ENV.restoreKmsKeyArn] = settings.restoreKmsKeyArn;
    if (this.failureTopic) environment[ENV.failureTopicArn] = this.failureTopic.topicArn;
    checkEnvironmentSize(stack, functionEnvironment(environment));

    const drill = buildNodejsFunction(
      this,
      { function: 'DrillFunction', logGroup: 'DrillLogs', role: 'DrillFunctionRole' },
      {
        description: 'Restores the latest recovery point of each drilled table, checks it, reports, deletes the copy',
        entry: 'handler.ts',
        memorySize: DRILL_FUNCTION_MEMORY_MB,
        // A restore can outlast an invocation; the engine hands over to the restore-job event.
        timeout: Duration.minutes(15),
        reservedConcurrentExecutions: reservedConcurrency,
        logRetention: logs.RetentionDays.THREE_MONTHS,
        roleDescription: 'Runs restore drills',
        tracing: lambda.Tracing.ACTIVE,
        environment,
        onFailure: new lambdaDestinations.SqsDestination(this.failureQueue),
        retryAttempts: 2,
      },
    );
    this.drillFunction = drill.function;
    const drillRole = drill.role;
    acknowledge(
      this.drillFunction,
      'Serverless-LambdaDLQ',
      'Uses an on-failure destination (the failure queue) instead of a DLQ: it records the whole invocation, request and error.',
    );
    this.grantDrillPermissions(drillRole, {
      restoredTablesArn,
      sourceTableArns,
      vaultNames,
      canaryTableArns: this.drilledTables.filter((table) => table.canary).map((table) => table.tableArn),
      restoreKmsKeyArn: settings.restoreKmsKeyArn,
      sourceTableKeyArns: unique(this.drilledTables.flatMap((table) => (table.kmsKeyArn === undefined ? [] : [table.kmsKeyArn]))),
      canaryTableKeyArns: unique(
        this.drilledTables.flatMap((table) => (table.canary && table.kmsKeyArn !== undefined ? [table.kmsKeyArn] : [])),
      ),
    });

    // ---- Triggers ------------------------------------------------------------------------------------
    const triggers = new DrillTriggers(this, 'Triggers', {
      drillFunction: this.drillFunction,
      deadLetterQueue: this.failureQueue,
      drillSchedule: events.Schedule.expression(settings.drillSchedule),
      drillAfterBackupOf: settings.drillAfterBackup ? sourceTableArns : undefined,
      restoreRole: this.restoreRole,
    });
    this.drillScheduleRule = triggers.scheduleRule;
    this.backupCompletedRule = triggers.backupCompletedRule;
    this.restoreJobFinishedRule = triggers.restoreJobFinishedRule;

    // ---- Alarms ----------------------------------------------------------------------------------------
    const metric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.hours(1),
      });
    this.drillFailedAlarm = new cloudwatch.Alarm(this, 'DrillFailedAlarm', {
      alarmDescription: 'A restore drill failed: a backup did not restore, or not with the expected data. See the report.',
      metric: metric('DrillFailed'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Dead man's switch: silence is a failure too. The window is the schedule's longest gap between
    // runs plus two hours for a slow restore (26 h for a daily drill, 74 h over a weekend for a
    // weekday one); settings keep it within CloudWatch's 7-day limit for 1-hour periods.
    const silenceHours = settings.drillScheduleLongestGapHours + DRILL_ALARM_SLACK_HOURS;
    this.noDrillFinishedAlarm = new cloudwatch.Alarm(this, 'NoDrillFinishedAlarm', {
      alarmDescription: `No restore drill finished in the last ${silenceHours} hours (the longest gap of "${settings.drillSchedule}" plus ${DRILL_ALARM_SLACK_HOURS}): the drill itself is not running.`,
      metric: metric('DrillCompleted'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: silenceHours,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.lambdaErrorsAlarm = new cloudwatch.Alarm(this, 'DrillFunctionErrorsAlarm', {
      alarmDescription: 'The drill Lambda threw an error; see its logs.',
      metric: this.drillFunction.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failureQueueNotEmptyAlarm = new cloudwatch.Alarm(this, 'FailureQueueNotEmptyAlarm', {
      alarmDescription: 'A drill invocation or trigger event failed after all retries; see the failure queue.',
      metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.drillFailedAlarm, this.noDrillFinishedAlarm, this.lambdaErrorsAlarm, this.failureQueueNotEmptyAlarm]) {
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));
      if (this.failureTopic) alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.failureTopic));
    }
  }

  /**
   * The drill Lambda's permissions, one statement per purpose. Resource types and condition keys
   * verified against the Service Authorization Reference (list_awsbackup, as mirrored by
   * iam-floyd's generated backup statements):
   * - ListRecoveryPointsByBackupVault: resource type backupVault (required).
   * - DescribeRestoreJob: no resource type, so Resource "*".
   * Only what lambda/ports calls is granted (test/lib/engine-permissions.test.ts holds it to that):
   * recovery points are listed per vault, and no index of a drilled table is queried.
   * - StartRestoreJob: resource type recoveryPoint
   *   (arn:aws:backup:<region>:<account>:recovery-point:<id>); StartRestoreJob depends on iam:PassRole.
   *   The recovery-point ARN carries no vault name, so "only recovery points of the drill's vaults"
   *   cannot be expressed in IAM; the statement is limited to this account and Region, plus the
   *   native DynamoDB backups (table/<source>/backup/*) of the drilled tables. The engine only
   *   restores what it found in the configured vaults.
   */
  private grantDrillPermissions(
    role: iam.Role,
    scope: {
      restoredTablesArn: string;
      sourceTableArns: readonly string[];
      vaultNames: readonly string[];
      canaryTableArns: readonly string[];
      restoreKmsKeyArn?: string;
      /** Customer-managed keys of drilled tables (`kmsKeyArn`), and those of canary tables among them. */
      sourceTableKeyArns: readonly string[];
      canaryTableKeyArns: readonly string[];
    },
  ): void {
    const stack = Stack.of(this);
    const readableTables = [...scope.sourceTableArns, scope.restoredTablesArn];
    const statements = [
      new iam.PolicyStatement({
        sid: 'ListRecoveryPointsInDrillVaults',
        actions: ['backup:ListRecoveryPointsByBackupVault'],
        resources: scope.vaultNames.map((name) =>
          stack.formatArn({ service: 'backup', resource: 'backup-vault', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        ),
      }),
      new iam.PolicyStatement({
        sid: 'RestoreRecoveryPoints',
        actions: ['backup:StartRestoreJob'],
        resources: [
          stack.formatArn({ service: 'backup', resource: 'recovery-point', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          ...scope.sourceTableArns.map((arn) => `${arn}/backup/*`),
        ],
      }),
      new iam.PolicyStatement({
        sid: 'FollowRestoreJobs',
        actions: ['backup:DescribeRestoreJob'],
        resources: ['*'],
      }),
      // A StartRestoreJob repeated with the same token may succeed without a RestoreJobId; the
      // drill then finds its job among the restore jobs of the source table. No resource type in
      // the Service Authorization Reference (list_awsbackup), so Resource "*"; read-only.
      new iam.PolicyStatement({
        sid: 'FindRestoreJobsStartedWithoutAnId',
        actions: ['backup:ListRestoreJobsByProtectedResource'],
        resources: ['*'],
      }),
      // Before a restore the drill asks KMS who manages the key a source is encrypted with, when it
      // is not the table's configured kmsKeyArn: DescribeTable reports the same kind of ARN for the
      // AWS managed key aws/dynamodb and for a customer-managed key. Metadata only (no key use);
      // keys of this account and Region, where the drilled tables and their AWS managed key are.
      new iam.PolicyStatement({
        sid: 'TellAwsManagedFromCustomerKeys',
        actions: ['kms:DescribeKey'],
        resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
      }),
      new iam.PolicyStatement({
        sid: 'PassTheRestoreRoleToBackupOnly',
        actions: ['iam:PassRole'],
        resources: [this.restoreRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadSourceTablesAndRestoredCopies',
        actions: [
          'dynamodb:DescribeTable',
          'dynamodb:Scan',
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:DescribeTimeToLive',
          'dynamodb:DescribeContinuousBackups',
          'dynamodb:ListTagsOfResource',
        ],
        resources: readableTables,
      }),
      new iam.PolicyStatement({
        sid: 'DeleteRestoredCopiesOnly',
        actions: ['dynamodb:DeleteTable'],
        resources: [scope.restoredTablesArn],
      }),
      new iam.PolicyStatement({
        sid: 'ListTables',
        actions: ['dynamodb:ListTables'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'WriteCanaryItemsOnly',
        actions: ['dynamodb:PutItem'],
        resources: [...scope.canaryTableArns],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CANARY_KEY_VALUE] } },
      }),
    ];
    // Source tables encrypted with a customer-managed key: DynamoDB uses the key on the caller's
    // behalf, so the caller needs it (kms:Decrypt to read items; kms:Encrypt and
    // kms:GenerateDataKey to write them: the canary PutItem). Only through DynamoDB in this Region
    // (kms:ViaService is "<service>.<region>.amazonaws.com": KMS developer guide, "kms:ViaService").
    const viaDynamoDb = { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` } };
    if (scope.sourceTableKeyArns.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'ReadSourceTablesEncryptedWithTheirKeys',
          actions: ['kms:Decrypt'],
          resources: [...scope.sourceTableKeyArns],
          conditions: viaDynamoDb,
        }),
      );
    }
    if (scope.canaryTableKeyArns.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'WriteCanaryItemsToEncryptedSourceTables',
          actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [...scope.canaryTableKeyArns],
          conditions: viaDynamoDb,
        }),
      );
    }
    if (scope.restoreKmsKeyArn !== undefined) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'ReadRestoredCopiesEncryptedWithTheRestoreKey',
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: [scope.restoreKmsKeyArn],
        }),
      );
    }
    const policy = new iam.Policy(this, 'DrillPermissions', { statements });
    role.attachInlinePolicy(policy);
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'backup:DescribeRestoreJob, backup:ListRestoreJobsByProtectedResource and dynamodb:ListTables have no resource type in the Service Authorization Reference; all are read-only.',
    );
    acknowledgeWildcardResources(
      policy,
      [stack.formatArn({ service: 'backup', resource: 'recovery-point', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      'Recovery-point ARNs carry no vault name, so IAM cannot limit StartRestoreJob to the drill vaults; limited to this account and Region.',
    );
    acknowledgeWildcardResources(policy, [scope.restoredTablesArn], RESTORED_COPIES_REASON);
    acknowledgeWildcardResources(
      policy,
      [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
      'kms:DescribeKey only (key metadata, no use of a key) on the keys of this account and Region: the drill reads KeyManager of whatever key a source table reports, to tell the AWS managed key from a customer-managed one.',
    );
    acknowledgeWildcardResources(
      policy,
      scope.sourceTableArns.map((arn) => `${arn}/backup/*`),
      NATIVE_BACKUPS_REASON,
    );

    // The history table: exactly the item operations the engine's history port makes (no
    // DeleteItem, no BatchWriteItem: audit records are never removed by the drill), on the table
    // and its indexes; the data key for DynamoDB to use on the drill's behalf.
    this.historyTable.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query');
    this.historyTable.encryptionKey?.grantEncryptDecrypt(role);
    this.topic.grantPublish(role);
    this.failureTopic?.grantPublish(role);
    acknowledgeWildcardResources(
      role,
      [`${this.historyTable.tableArn}/index/*`],
      'Queries of the drill-history table by its indexes (byRestoreJob, openDrills, byTable).',
    );
    const onDataKey = 'From CDK grants on the drill-history table and the topic; the statement is limited to the data key.';
    acknowledge(role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', onDataKey);
    acknowledge(role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', onDataKey);
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource type.',
    );
  }
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Converts a user table setting to the engine's {@link DrilledTable}. */
function toDrilledTable(table: ResolvedTableSetting & { tableArn: string }): DrilledTable {
  return {
    tableName: table.tableName,
    tableArn: table.tableArn,
    ...(table.createdAtAttribute !== undefined && { createdAtAttribute: table.createdAtAttribute }),
    ...(table.updatedAtAttribute !== undefined && { updatedAtAttribute: table.updatedAtAttribute }),
    ...(table.canary !== undefined && { canary: table.canary }),
    ...(table.itemCountTolerancePercent !== undefined && { itemCountTolerancePercent: table.itemCountTolerancePercent }),
    ...(table.customChecks !== undefined && { customChecks: table.customChecks }),
    ...(table.kmsKeyArn !== undefined && { kmsKeyArn: table.kmsKeyArn }),
  };
}
