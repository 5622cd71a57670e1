import { NON_DEFAULT_SETTINGS, type Synthesized, TEST_ENV, synthesize } from './synth';

/**
 * A deployed stack upgrades in place only if every resource keeps its logical ID: CloudFormation
 * replaces a resource whose ID changes (a new table or vault, the data left behind in the
 * retained old one; new keys; email subscriptions to confirm again). These are the IDs the
 * template had before RestoreDrill was split into child constructs (lib/constructs/), listed
 * from the template of that commit; keepFormerLogicalIds keeps them.
 */

/** What holds data or a subscriber's confirmation. */
const STATEFUL = {
  DrillFixtureTable5CF4401B: 'AWS::DynamoDB::Table',
  DrillHistoryTable76BCB941: 'AWS::DynamoDB::Table',
  DrillVaultB3B1A660: 'AWS::Backup::BackupVault',
  DrillVaultKey24067CDC: 'AWS::KMS::Key',
  DrillDataKey1FC3AC1F: 'AWS::KMS::Key',
  DrillReportTopic220BFE95: 'AWS::SNS::Topic',
};
/** With notifyFailuresOnly and an email (NON_DEFAULT_SETTINGS). */
const FAILURE_TOPIC_AND_SUBSCRIPTION = {
  DrillAlarmTopicABA165E1: 'AWS::SNS::Topic',
  DrillAlarmTopiconcallexamplecomEDE9843E: 'AWS::SNS::Subscription',
};
const FAILURE_TOPIC_POLICY = { DrillAlarmTopicPolicy002F0095: 'AWS::SNS::TopicPolicy' };

const STATELESS = {
  // Added with issue 12 (failed backup and copy jobs reach the subscribers): new resources, new IDs.
  DrillBackupJobFailed89940C41: 'AWS::Events::Rule',
  DrillBackupJobFailedAllowEventRuleRestoreDrillDrillFunction46EB6711D45EDE31: 'AWS::Lambda::Permission',
  DrillFixtureSeedLogs339D94EC: 'AWS::Logs::LogGroup',
  DrillFixtureSeedRole7859C2C5: 'AWS::IAM::Role',
  DrillFixtureSeedRoleDefaultPolicyFE77DD54: 'AWS::IAM::Policy',
  DrillFixtureSeedFunction826EF492: 'AWS::Lambda::Function',
  DrillFixtureSeedProviderLogsECB4FEDA: 'AWS::Logs::LogGroup',
  DrillFixtureSeedProviderRole03899EF9: 'AWS::IAM::Role',
  DrillFixtureSeedProviderRoleDefaultPolicy74133019: 'AWS::IAM::Policy',
  DrillFixtureSeedProviderframeworkonEvent7BED2298: 'AWS::Lambda::Function',
  DrillFixtureSeed0CA47183: 'Custom::RestoreDrillFixtureSeed',
  DrillBackupPlanACBFB76A: 'AWS::Backup::BackupPlan',
  DrillBackupPlanDrilledTablesRole42BDABCC: 'AWS::IAM::Role',
  DrillBackupPlanDrilledTables4073C214: 'AWS::Backup::BackupSelection',
  DrillRestoreRoleA14D183B: 'AWS::IAM::Role',
  // Added by issue 13 (DrillDashboard): new, with the ID it would have directly in RestoreDrill like every part's.
  DrillDashboard02B3482A: 'AWS::CloudWatch::Dashboard',
  DrillReportTopicPolicy633345E7: 'AWS::SNS::TopicPolicy',
  DrillFailureQueueD0CA7276: 'AWS::SQS::Queue',
  DrillFailureQueuePolicyC657769B: 'AWS::SQS::QueuePolicy',
  DrillDrillLogs08B07D84: 'AWS::Logs::LogGroup',
  DrillDrillFunctionRole70CEA99C: 'AWS::IAM::Role',
  DrillDrillFunctionRoleDefaultPolicyDB2C2060: 'AWS::IAM::Policy',
  DrillDrillFunction5F11A407: 'AWS::Lambda::Function',
  DrillDrillFunctionEventInvokeConfig659A505B: 'AWS::Lambda::EventInvokeConfig',
  DrillDrillPermissions7E16F657: 'AWS::IAM::Policy',
  DrillDrillScheduleBB5781D2: 'AWS::Events::Rule',
  DrillDrillScheduleAllowEventRuleRestoreDrillDrillFunction46EB6711FDCC97DD: 'AWS::Lambda::Permission',
  DrillRestoreJobFinished263E6139: 'AWS::Events::Rule',
  DrillRestoreJobFinishedAllowEventRuleRestoreDrillDrillFunction46EB6711A33C23AF: 'AWS::Lambda::Permission',
  DrillDrillFailedAlarm0584E654: 'AWS::CloudWatch::Alarm',
  DrillNoDrillFinishedAlarmE492CF2F: 'AWS::CloudWatch::Alarm',
  DrillDrillFunctionErrorsAlarmE84D8D69: 'AWS::CloudWatch::Alarm',
  DrillFailureQueueNotEmptyAlarm1C1612ED: 'AWS::CloudWatch::Alarm',
  // Added by issue 14 (DrillFanOut: the fan-out worker, its state machine, its status-change rule): new resources, new IDs.
  DrillFanOutExecutionEnded71E12D3C: 'AWS::Events::Rule',
  DrillFanOutExecutionEndedAllowEventRuleRestoreDrillFunctionDrillFunctionF92C86AD636419A3: 'AWS::Lambda::Permission',
  DrillFanOutScanLogs6E4B6CE3: 'AWS::Logs::LogGroup',
  DrillFanOutScanStateMachine658986C3: 'AWS::StepFunctions::StateMachine',
  DrillFanOutScanStateMachineRoleACFB6929: 'AWS::IAM::Role',
  DrillFanOutScanStateMachineRoleDefaultPolicy958A6B2E: 'AWS::IAM::Policy',
  DrillFanOutWorkerFunctionFAAC28BE: 'AWS::Lambda::Function',
  DrillFanOutWorkerLogs4DB21FB0: 'AWS::Logs::LogGroup',
  DrillFanOutWorkerPermissionsA26F5487: 'AWS::IAM::Policy',
  DrillFanOutWorkerRole0E4E0786: 'AWS::IAM::Role',
  DrillFanOutWorkerRoleDefaultPolicy0C70A830: 'AWS::IAM::Policy',
};
/** With drillAfterBackup (NON_DEFAULT_SETTINGS). */
const BACKUP_COMPLETED_RULE = {
  DrillDrillAfterBackupAE55016D: 'AWS::Events::Rule',
  DrillDrillAfterBackupAllowEventRuleRestoreDrillDrillFunction46EB671182536A89: 'AWS::Lambda::Permission',
};

function resourceTypes(synthesized: Synthesized): Record<string, string> {
  const resources = synthesized.template.toJSON().Resources as Record<string, { Type: string }>;
  return Object.fromEntries(Object.entries(resources).map(([id, resource]) => [id, resource.Type]));
}

describe('default settings', () => {
  test('the tables, the vault, the keys and the report topic keep their logical IDs', () =>
    expect(resourceTypes(synthesize())).toMatchObject(STATEFUL));
  test('so does every other resource: the template has exactly these IDs', () =>
    expect(resourceTypes(synthesize())).toEqual({ ...STATEFUL, ...STATELESS }));
});

describe('non-default settings', () => {
  const custom = () => synthesize({ settings: NON_DEFAULT_SETTINGS, env: TEST_ENV });
  test('the failure topic and its email subscription keep their logical IDs (no new confirmation)', () =>
    expect(resourceTypes(custom())).toMatchObject({ ...STATEFUL, ...FAILURE_TOPIC_AND_SUBSCRIPTION }));
  test('so does every other resource: the template has exactly these IDs', () =>
    expect(resourceTypes(custom())).toEqual({
      ...STATEFUL,
      ...FAILURE_TOPIC_AND_SUBSCRIPTION,
      ...STATELESS,
      ...FAILURE_TOPIC_POLICY,
      ...BACKUP_COMPLETED_RULE,
    }));
});

test('an email subscribed to the report topic keeps its logical ID', () =>
  expect(resourceTypes(synthesize({ settings: { notificationEmail: 'a@example.com' } }))).toMatchObject({
    DrillReportTopicaexamplecomF3C7E431: 'AWS::SNS::Subscription',
  }));
