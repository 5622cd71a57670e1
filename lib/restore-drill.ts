import { ArnFormat, Aws, type CustomResource, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DrilledTable, RecoveryPointSelection } from '../lambda/config';
import { drillTargets } from '../lambda/settings/targets';
import { DrillAlarms } from './constructs/alarms';
import { DrillBackup } from './constructs/backup';
import { DrillDashboard } from './constructs/dashboard';
import { DrillFunction, METRICS_NAMESPACE, SERVICE_NAME } from './constructs/drill-function';
import { DrillHistory } from './constructs/drill-history';
import { DrillFanOut } from './constructs/fan-out';
import { DrillFixture } from './constructs/fixture';
import { DrillNotifications } from './constructs/notifications';
import { DrillRestoreRole } from './constructs/restore-role';
import { DrillRestoreTesting } from './constructs/restore-testing';
import { fanOutStateMachineName } from './constructs/scan-fan-out';
import { restoredTablesArn, tableArn } from './constructs/table-arns';
import { DrillTriggers } from './constructs/triggers';
import { customCheckNames, loadCustomCheckModules } from './custom-check-modules';
import { addCliOutputs } from './cli-outputs';
import type { RestoreDrillProps } from './restore-drill-props';
import { type ResolvedRestoreDrillSettings, resolveSettings, toDrilledTable } from './settings';
import {
  checkFixtureNotListed,
  checkFixtureTableUnique,
  checkReservedConcurrency,
  checkStackOwnedTableNames,
  checkTablesInStackEnvironment,
} from './stack-checks';

export type { RestoreDrillProps } from './restore-drill-props';
export { CLI_OUTPUT_NAMES } from './cli-outputs';

/** Metric namespace and service dimension the engine publishes with (Powertools Metrics). */
export { METRICS_NAMESPACE, SERVICE_NAME };

/**
 * Proves every day that the latest AWS Backup recovery point of each protected DynamoDB table
 * restores and holds the expected data: a fixture test table seeded with known content, a
 * KMS-encrypted backup vault and daily plan, the role AWS Backup restores with, the drill Lambda
 * and its triggers, a drill-history table, an SNS topic for reports and alarms.
 *
 * The constructor checks the settings, then wires the child constructs of lib/constructs/, one
 * per concern; their resources keep the logical IDs they had when they sat directly in this
 * construct (keepFormerLogicalIds), so a deployed stack upgrades in place.
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
  public readonly drillFunction: lambda.Function;
  /** A copy too large for one invocation: the worker, the state machine and its status-change rule. */
  public readonly fanOut: DrillFanOut;
  /** The drill function's log group. */
  public readonly drillLogGroup: logs.LogGroup;
  public readonly drillScheduleRule: events.Rule;
  /** Present when `drillAfterBackup` is set. */
  public readonly backupCompletedRule?: events.Rule;
  public readonly restoreJobFinishedRule: events.Rule;
  /** Native mode (`restoreMode: native`): the restore testing plan, its selection and restore role. */
  public readonly restoreTesting?: DrillRestoreTesting;
  /** Native mode: ended restore jobs of the validated restore testing plans. */
  public readonly restoreTestEndedRule?: events.Rule;
  /** With `notifyBackupFailures`: failed backup and copy jobs of the drilled tables. */
  public readonly backupFailedRule?: events.Rule;
  /** Present unless `dashboard` is false. */
  public readonly dashboard?: cloudwatch.Dashboard;
  public readonly drillFailedAlarm: cloudwatch.Alarm;
  public readonly noDrillFinishedAlarm: cloudwatch.Alarm;
  public readonly lambdaErrorsAlarm: cloudwatch.Alarm;
  public readonly failureQueueNotEmptyAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RestoreDrillProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    // Props first: nothing is created from a setting that could delete a source table.
    const checkModules = loadCustomCheckModules(props.customCheckModules);
    this.settings = resolveSettings(props, customCheckNames(checkModules));
    const settings = this.settings;
    checkReservedConcurrency(props.reservedConcurrency);
    const deployTime = props.deployTime;
    // A console template's stack name is chosen at deploy: the fixture is named after it then.
    const fixtureTableName = settings.fixtureTableName ?? `${deployTime ? Aws.STACK_NAME : stack.stackName}-fixture`;
    const deployTimeTableArns = deployTime && { arns: deployTime.tableArns, given: deployTime.tableArnsGiven };
    checkStackOwnedTableNames(settings.restoreTablePrefix, fixtureTableName, stack.stackName);
    checkFixtureTableUnique(
      fixtureTableName,
      stack.node.findAll().filter((other) => other instanceof RestoreDrill),
    );
    this.fixtureTableName = fixtureTableName;
    const userTables = settings.tables.map((table) => ({
      ...table,
      tableArn: table.tableArn ?? tableArn(stack, table.tableName),
    }));
    checkTablesInStackEnvironment(this, userTables);
    checkFixtureNotListed(settings.tables, fixtureTableName);

    const fixture = new DrillFixture(this, 'Fixture', {
      tableName: fixtureTableName,
      propertyCount: settings.fixturePropertyCount,
      codeSource: props.codeSource,
    });
    this.fixtureTable = fixture.table;
    this.fixtureSeed = fixture.seed;
    this.drilledTables = [fixture.drilledTable, ...userTables.map(toDrilledTable)];
    const sourceTableArns = this.drilledTables.map((table) => table.tableArn);

    // Tables drilled from the backups the user already takes are not added to this plan.
    const plannedTables = userTables.filter((table) => table.addToBackupPlan ?? settings.addTablesToBackupPlan);
    const backups = new DrillBackup(this, 'Backup', {
      resources: [
        backup.BackupResource.fromDynamoDbTable(this.fixtureTable),
        ...plannedTables.map((table) => backup.BackupResource.fromArn(table.tableArn)),
      ],
      schedule: events.Schedule.expression(deployTime?.schedules?.backupSchedule ?? settings.backupSchedule),
      startWindow: Duration.minutes(settings.backupStartWindowMinutes),
      completionWindow: Duration.minutes(settings.backupCompletionWindowMinutes),
      retention: Duration.days(settings.backupRetentionDays),
      coldStorageAfter: settings.coldStorageAfterDays === undefined ? undefined : Duration.days(settings.coldStorageAfterDays),
      adminPrincipalArns: settings.vaultAdminPrincipalArns,
      // Named after this construct, as before it had child constructs: a deployed vault keeps its name.
      nameScope: this,
      deployTimeTableArns,
    });
    this.vaultKey = backups.vaultKey;
    this.vault = backups.vault;
    this.backupPlan = backups.plan;
    this.backupSelection = backups.selection;

    this.restoreRole = new DrillRestoreRole(this, 'Restore', {
      restoreTablePrefix: settings.restoreTablePrefix,
      sourceTableArns,
      vaultKeyArns: [this.vaultKey.keyArn, ...settings.vaultKeyArns],
      restoreKmsKeyArn: settings.restoreKmsKeyArn,
      deployTimeTableArns,
    }).role;

    const notifications = new DrillNotifications(this, 'Notifications', {
      email: settings.notificationEmail,
      failuresOnly: settings.notifyFailuresOnly,
      deployTime: deployTime && {
        email: deployTime.notificationEmail,
        emailGiven: deployTime.emailGiven,
        failuresOnly: deployTime.failuresOnly,
      },
    });
    this.dataKey = notifications.dataKey;
    this.topic = notifications.reportTopic;
    this.failureTopic = notifications.failureTopic;

    this.historyTable = new DrillHistory(this, 'History', { encryptionKey: this.dataKey }).table;

    const vaultNames = [this.vault.backupVaultName, ...settings.vaultNames];
    const recoveryPointSelection: RecoveryPointSelection = {
      policy: settings.recoveryPointSelection,
      windowDays: settings.recoveryPointSelectionWindowDays,
    };
    if (settings.restoreMode === 'native') {
      const adopting = settings.restoreTestingPlans.length > 0;
      this.restoreTesting = new DrillRestoreTesting(this, 'RestoreTesting', {
        // With adopted plans the user's tables are left to them; the fixture is always tested here.
        tableArns: adopting ? [this.fixtureTable.tableArn] : sourceTableArns,
        vaultArns: vaultNames.map((name) => vaultArn(stack, name)),
        vaultKeyArns: [this.vaultKey.keyArn, ...settings.vaultKeyArns],
        schedule: settings.restoreTestingSchedule,
        startWindowHours: settings.restoreTestingStartWindowHours,
        selection: recoveryPointSelection,
        validationWindowHours: settings.validationWindowHours,
        restoreKmsKeyArn: settings.restoreKmsKeyArn,
      });
    }
    const restoreTesting = this.restoreTesting;
    const adoptedPlans = settings.restoreTestingPlans.map((plan) =>
      plan.startsWith('arn:')
        ? plan
        : `${stack.formatArn({ service: 'backup', resource: 'restore-testing-plan', resourceName: plan, arnFormat: ArnFormat.COLON_RESOURCE_NAME })}-`,
    );

    const targets = deployTime
      ? { ...drillTargets(settings), rpoTargetMinutes: deployTime.rpoTargetMinutes, rtoTargetMinutes: deployTime.rtoTargetMinutes }
      : drillTargets(settings);
    const stateMachineName = fanOutStateMachineName(this);
    const drill = new DrillFunction(this, 'Function', {
      drilledTables: this.drilledTables,
      vaultNames,
      recoveryPointSelection,
      restoreTesting: restoreTesting && {
        config: {
          ownPlan: {
            arn: restoreTesting.planArn,
            validationWindowHours: settings.validationWindowHours,
            selection: recoveryPointSelection,
          },
          adoptedPlans,
        },
        copiesArn: restoreTesting.copiesArn,
      },
      restoreRole: this.restoreRole,
      restoreTablePrefix: settings.restoreTablePrefix,
      restoreKmsKeyArn: settings.restoreKmsKeyArn,
      reportTopic: this.topic,
      failureTopic: this.failureTopic,
      historyTable: this.historyTable,
      targets,
      reservedConcurrency: props.reservedConcurrency,
      keepFailedCopyHours: settings.keepFailedCopyHours,
      maxConcurrentRestores: settings.maxConcurrentRestores,
      deployTimeTableArns,
      codeSource: props.codeSource,
      customCheckModules: checkModules.map((module) => module.path),
      fanOutStateMachineName: stateMachineName,
      fanOutTuning: {
        maxWorkers: settings.fanOutMaxWorkers,
        segmentsPerWorker: settings.fanOutSegmentsPerWorker,
        timeoutHours: settings.fanOutTimeoutHours,
        itemsPerSecond: settings.scanItemsPerSecond,
      },
    });
    this.drillFunction = drill.function;
    this.drillLogGroup = drill.logGroup;
    this.failureQueue = drill.failureQueue;
    this.fanOut = new DrillFanOut(this, 'FanOut', {
      drill: this.drillFunction,
      drillEnvironment: drill.environment,
      stateMachineName,
      restoredTablesArn: restoredTablesArn(stack, settings.restoreTablePrefix),
      restoreTestCopiesArn: restoreTesting?.copiesArn,
      restoreKmsKeyArn: settings.restoreKmsKeyArn,
      deadLetterQueue: this.failureQueue,
      codeSource: props.codeSource,
      customCheckModules: checkModules.map((module) => module.path),
      timeout: Duration.hours(settings.fanOutTimeoutHours),
    });

    const drillSchedule = deployTime?.schedules?.drillSchedule ?? settings.drillSchedule;
    const triggers = new DrillTriggers(this, 'Triggers', {
      drillFunction: this.drillFunction,
      deadLetterQueue: this.failureQueue,
      drillSchedule: events.Schedule.expression(drillSchedule),
      drillAfterBackupOf: settings.drillAfterBackup ? sourceTableArns : undefined,
      restoreRole: this.restoreRole,
      deployTimeTableArns,
      restoreTestingPlans: restoreTesting
        ? [restoreTesting.planArn, ...adoptedPlans.map((plan) => (plan.endsWith('-') ? { prefix: plan } : plan))]
        : undefined,
      backupFailuresOf: settings.notifyBackupFailures ? sourceTableArns : undefined,
    });
    this.restoreTestEndedRule = triggers.restoreTestEndedRule;
    this.backupFailedRule = triggers.backupFailedRule;
    this.drillScheduleRule = triggers.scheduleRule;
    this.backupCompletedRule = triggers.backupCompletedRule;
    this.restoreJobFinishedRule = triggers.restoreJobFinishedRule;

    const alarms = new DrillAlarms(this, 'Alarms', {
      drillFunction: this.drillFunction,
      failureQueue: this.failureQueue,
      drillSchedule,
      // Every drill schedule the console template offers leaves this gap (lib/console-template.ts).
      drillScheduleLongestGapHours: settings.drillScheduleLongestGapHours,
      topics: this.failureTopic ? [this.topic, this.failureTopic] : [this.topic],
    });
    this.drillFailedAlarm = alarms.drillFailed;
    this.noDrillFinishedAlarm = alarms.noDrillFinished;
    this.lambdaErrorsAlarm = alarms.lambdaErrors;
    this.failureQueueNotEmptyAlarm = alarms.failureQueueNotEmpty;

    if (props.cliOutputs !== false) {
      addCliOutputs(this, props.cliOutputs === true, {
        DrillFunctionName: this.drillFunction.functionName,
        HistoryTableName: this.historyTable.tableName,
        DrilledTableArns: Fn.join(
          ',',
          this.drilledTables.map((table) => table.tableArn),
        ),
        DrillLogGroupName: this.drillLogGroup.logGroupName,
        RestoreRoleArn: this.restoreRole.roleArn,
      });
    }
    if (props.dashboard !== false) {
      this.dashboard = new DrillDashboard(this, 'Overview', {
        drillLogGroup: this.drillLogGroup,
        rtoTargetMinutes: targets.rtoTargetMinutes,
        rpoTargetMinutes: targets.rpoTargetMinutes,
        alarms: [alarms.drillFailed, alarms.noDrillFinished, alarms.lambdaErrors, alarms.failureQueueNotEmpty],
      }).dashboard;
    }
  }
}

/** A vault of the stack's account and Region, by name. */
function vaultArn(stack: Stack, name: string): string {
  return stack.formatArn({ service: 'backup', resource: 'backup-vault', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}
