import { type CfnCondition, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type DrillTargets,
  type DrilledTable,
  ENV,
  type FanOutTuning,
  type RecoveryPointSelection,
  type RestoreTestingConfig,
} from '../../lambda/config';
import { NATIVE_BACKUPS_REASON, acknowledge, acknowledgeWildcardResourceList, acknowledgeWildcardResources } from '../nag-findings';
import { DRILL_FUNCTION_MEMORY_MB, SETTINGS, SettingsError } from '../settings';
import { type DrillPermissionsScope, SOURCE_TABLE_READS, acknowledgeDrillPolicy, drillPolicyStatements } from './drill-permissions';
import { keepFormerLogicalIds } from './former-logical-ids';
import { type FunctionCodeSource, buildNodejsFunction, functionEnvironment } from './node-function';
import { executionsArn, stateMachineArn } from './scan-fan-out';
import { arnList, arnListWithSuffix, restoredTablesArn, tableArn } from './table-arns';

/** Metric namespace and service dimension the engine publishes with (Powertools Metrics). */
export const METRICS_NAMESPACE = 'RestoreDrill';
export const SERVICE_NAME = 'restore-drill';

export interface DrillFunctionProps {
  /** The tables to drill, as the engine reads them (`DRILL_TABLES`). */
  readonly drilledTables: readonly DrilledTable[];
  /** Backup vaults searched for recovery points. */
  readonly vaultNames: readonly string[];
  /** The role the drill passes to AWS Backup for its restores. */
  readonly restoreRole: iam.IRole;
  /** Name prefix of restored copies: the drill deletes `table/<prefix>*` only. */
  readonly restoreTablePrefix: string;
  /**
   * Customer-managed key of the restored copies: the drill reads them with it.
   * @default - the encryption the restore chooses by default
   */
  readonly restoreKmsKeyArn?: string;
  /** Where every report goes. */
  readonly reportTopic: sns.ITopic;
  /**
   * Where FAIL reports go too.
   * @default - no failure topic
   */
  readonly failureTopic?: sns.ITopic;
  /** One record per drill; its encryption key, if any, is granted too. */
  readonly historyTable: dynamodb.ITable;
  /** The targets and limits of the checks (`DRILL_TARGETS`), e.g. `drillTargets(settings)`. */
  readonly targets: DrillTargets;
  /**
   * Reserved concurrency of the function.
   * @default - no reservation
   */
  readonly reservedConcurrency?: number;
  /**
   * More tables, chosen at deploy time: their ARNs, comma-separated, read only under `given`.
   * They join DRILL_TABLES as `{"tableArn": ...}` entries (the engine takes the name from the
   * ARN), and a policy created only under `given` lets the drill read them and restore their
   * native backups.
   * @default - none
   */
  readonly deployTimeTableArns?: { readonly arns: string; readonly given: CfnCondition };
  /**
   * Hours a FAILed drill's copy is kept for investigation; above 0 the drill may also tag its
   * restored copies (`dynamodb:TagResource` on `table/<prefix>*` only).
   * @default 0 (every copy deleted at once)
   */
  readonly keepFailedCopyHours?: number;
  /**
   * Restores the drill runs at once; set in the environment only when it differs from the
   * setting's default (the engine applies the same default).
   * @default 10 (SETTINGS.maxConcurrentRestores)
   */
  readonly maxConcurrentRestores?: number;
  /** @default 'asset' */
  readonly codeSource?: FunctionCodeSource;
  /**
   * The user's custom check modules (absolute paths), bundled into the function.
   * @default - none
   */
  readonly customCheckModules?: readonly string[];
  /**
   * Which recovery point a drill restores.
   * @default - the newest
   */
  readonly recoveryPointSelection?: RecoveryPointSelection;
  /**
   * Native mode: the restore testing plans whose restore tests the drill validates, and the ARN
   * pattern of their copies. The function then bundles the AWS SDK (PutRestoreValidationResult).
   * @default - drill mode
   */
  readonly restoreTesting?: { readonly config: RestoreTestingConfig; readonly copiesArn: string };
  /**
   * The name of the fan-out state machine (fanOutStateMachineName): the drill starts an execution
   * of it for a copy too large for one invocation (`FAN_OUT_STATE_MACHINE_ARN`). A name, not a
   * reference: the state machine invokes this function, so a `Ref` would be a dependency cycle.
   * @default - no fan-out: every copy is scanned in the drill's invocation
   */
  readonly fanOutStateMachineName?: string;
  /**
   * How the drill sizes a fan-out (`DRILL_FAN_OUT`): workers, segments per worker, the state
   * machine's timeout, the per-invocation rate the switch judges a copy by.
   * @default - the settings' defaults (the engine's)
   */
  readonly fanOutTuning?: FanOutTuning;
}

/** The drill's environment variable naming the fan-out state machine (lambda/fanout/contract.ts). */
export const FAN_OUT_STATE_MACHINE_ARN = ENV.fanOutStateMachineArn;

/**
 * The drill Lambda: the engine in lambda/, its role with one statement per purpose, its log
 * group, and the failure queue that keeps async invocations and EventBridge deliveries that still
 * failed after their retries.
 */
export class DrillFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  /** Where the drill function logs. */
  public readonly logGroup: logs.LogGroup;
  /** Async invocations and EventBridge deliveries that still failed after retries. */
  public readonly failureQueue: sqs.Queue;
  /** The drill's permissions on backups, tables and keys (besides CDK's grants on its own resources). */
  public readonly permissions: iam.Policy;
  /** The function's configuration (without NODE_OPTIONS): the fan-out worker reads the same. */
  public readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: DrillFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      // SQS-managed SSE: Lambda and EventBridge can both deliver without key-policy grants.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const environment: Record<string, string> = {
      [ENV.tables]: drilledTablesJson(stack, props.drilledTables, props.deployTimeTableArns),
      [ENV.vaultNames]: props.vaultNames.join(','),
      [ENV.restoreRoleArn]: props.restoreRole.roleArn,
      [ENV.restoreTablePrefix]: props.restoreTablePrefix,
      [ENV.topicArn]: props.reportTopic.topicArn,
      [ENV.historyTableName]: props.historyTable.tableName,
      // Targets chosen at deploy time are tokens (parameters): rendered into the JSON by CloudFormation.
      [ENV.targets]: Object.values(props.targets).some((value) => Token.isUnresolved(value))
        ? stack.toJsonString(props.targets)
        : JSON.stringify(props.targets),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };
    if (props.restoreKmsKeyArn !== undefined) environment[ENV.restoreKmsKeyArn] = props.restoreKmsKeyArn;
    if (props.failureTopic) environment[ENV.failureTopicArn] = props.failureTopic.topicArn;
    if (props.recoveryPointSelection && props.recoveryPointSelection.policy !== 'latest') {
      environment[ENV.recoveryPointSelection] = JSON.stringify(props.recoveryPointSelection);
    }
    if (props.restoreTesting) environment[ENV.restoreTesting] = stack.toJsonString(props.restoreTesting.config);
    if (props.drilledTables.some((table) => isBareTable(stack, table))) environment[ENV.tableArnPrefix] = tableArn(stack, '');
    if (props.keepFailedCopyHours) environment[ENV.keepFailedCopyHours] = String(props.keepFailedCopyHours);
    if (props.maxConcurrentRestores !== undefined && props.maxConcurrentRestores !== SETTINGS.maxConcurrentRestores.default) {
      environment[ENV.maxConcurrentRestores] = String(props.maxConcurrentRestores);
    }
    const fanOut = props.fanOutStateMachineName === undefined ? undefined : fanOutArns(stack, props.fanOutStateMachineName);
    if (fanOut) environment[FAN_OUT_STATE_MACHINE_ARN] = fanOut.stateMachineArn;
    if (fanOut && props.fanOutTuning) environment[ENV.fanOutTuning] = JSON.stringify(props.fanOutTuning);
    this.environment = environment;
    checkEnvironmentSize(stack, functionEnvironment(environment));

    const drill = buildNodejsFunction(
      this,
      { function: 'DrillFunction', logGroup: 'DrillLogs', role: 'DrillFunctionRole' },
      {
        description: 'Restores the latest recovery point of each drilled table, checks it, reports, deletes the copy',
        entry: 'handler.ts',
        codeSource: props.codeSource,
        checkModules: props.customCheckModules,
        memorySize: DRILL_FUNCTION_MEMORY_MB,
        // A restore can outlast an invocation; the engine hands over to the restore-job event.
        timeout: Duration.minutes(15),
        reservedConcurrentExecutions: props.reservedConcurrency,
        logRetention: logs.RetentionDays.THREE_MONTHS,
        roleDescription: 'Runs restore drills',
        tracing: lambda.Tracing.ACTIVE,
        environment,
        onFailure: new lambdaDestinations.SqsDestination(this.failureQueue),
        retryAttempts: 2,
        bundleAwsSdk: props.restoreTesting !== undefined,
      },
    );
    this.function = drill.function;
    this.role = drill.role;
    this.logGroup = drill.logGroup;

    const tables = props.drilledTables;
    const permissionsScope: DrillPermissionsScope = {
      restoredTablesArn: restoredTablesArn(stack, props.restoreTablePrefix),
      sourceTableArns: tables.map((table) => table.tableArn),
      vaultNames: props.vaultNames,
      canaryTableArns: tables.filter((table) => table.canary).map((table) => table.tableArn),
      restoreRoleArn: props.restoreRole.roleArn,
      restoreKmsKeyArn: props.restoreKmsKeyArn,
      tagRestoredCopies: Boolean(props.keepFailedCopyHours),
      sourceTableKeyArns: unique(tables.flatMap((table) => (table.kmsKeyArn === undefined ? [] : [table.kmsKeyArn]))),
      canaryTableKeyArns: unique(tables.flatMap((table) => (table.canary && table.kmsKeyArn !== undefined ? [table.kmsKeyArn] : []))),
      restoreTestCopiesArn: props.restoreTesting?.copiesArn,
      fanOut,
    };
    this.permissions = new iam.Policy(this, 'DrillPermissions', { statements: drillPolicyStatements(stack, permissionsScope) });
    checkInlinePolicySize(stack, this.permissions.document, tables.length);
    this.role.attachInlinePolicy(this.permissions);
    // The history table: exactly the item operations the engine's history port makes (no
    // DeleteItem, no BatchWriteItem: audit records are never removed by the drill), on the table
    // and its indexes; the data key for DynamoDB to use on the drill's behalf.
    props.historyTable.grant(this.role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query');
    props.historyTable.encryptionKey?.grantEncryptDecrypt(this.role);
    props.reportTopic.grantPublish(this.role);
    props.failureTopic?.grantPublish(this.role);
    const deployTimeTables = props.deployTimeTableArns && this.deployTimeTablePermissions(props.deployTimeTableArns);
    keepFormerLogicalIds(this);

    deployTimeTables?.acknowledgeFindings();
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
    acknowledge(
      this.function,
      'Serverless-LambdaDLQ',
      'Uses an on-failure destination (the failure queue) instead of a DLQ: it records the whole invocation, request and error.',
    );
    acknowledgeDrillPolicy(this.permissions, permissionsScope);
    acknowledgeWildcardResources(
      this.role,
      [`${props.historyTable.tableArn}/index/*`],
      'Queries of the drill-history table by its indexes (byRestoreJob, openDrills, byTable).',
    );
    const onDataKey = 'From CDK grants on the drill-history table and the topic; the statement is limited to the data key.';
    acknowledge(this.role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', onDataKey);
    acknowledge(this.role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', onDataKey);
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource type.',
    );
  }

  /**
   * The tables chosen at deploy time: read them (as the drill reads its other sources) and
   * restore their native backups, in a policy created only when some are chosen. They get no
   * canary and no key of their own: those are options of `-c tables`.
   */
  private deployTimeTablePermissions(tables: NonNullable<DrillFunctionProps['deployTimeTableArns']>) {
    const nativeBackups = arnListWithSuffix(tables.arns, '/backup/*');
    const policy = new iam.Policy(this, 'DeployTimeTablePermissions', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({ sid: 'ReadDeployTimeTables', actions: [...SOURCE_TABLE_READS], resources: arnList(tables.arns) }),
        new iam.PolicyStatement({
          sid: 'RestoreNativeBackupsOfDeployTimeTables',
          actions: ['backup:StartRestoreJob'],
          resources: nativeBackups,
        }),
      ],
    });
    (policy.node.defaultChild as iam.CfnPolicy).cfnOptions.condition = tables.given;
    return { acknowledgeFindings: () => acknowledgeWildcardResourceList(policy, nativeBackups, NATIVE_BACKUPS_REASON) };
  }
}

/**
 * DRILL_TABLES: the tables known at synth, then, when tables are chosen at deploy time, one
 * `{"tableArn": ...}` entry per ARN of the list (built by Fn::Join, whose delimiter closes one
 * entry and opens the next).
 */
function drilledTablesJson(
  stack: Stack,
  drilledTables: readonly DrilledTable[],
  deployTimeTableArns: DrillFunctionProps['deployTimeTableArns'],
): string {
  const tables = drilledTables.map((table) => (isBareTable(stack, table) ? table.tableName : table));
  if (!deployTimeTableArns) return stack.toJsonString(tables);
  const entries = Fn.join('"},{"tableArn":"', arnList(deployTimeTableArns.arns));
  const more = Fn.conditionIf(deployTimeTableArns.given.logicalId, Fn.join('', [',{"tableArn":"', entries, '"}']), '');
  return Fn.join('', [
    '[',
    Fn.join(
      ',',
      tables.map((table) => stack.toJsonString(table)),
    ),
    more.toString(),
    ']',
  ]);
}

/**
 * A table of the stack's account and Region named at synth, without options: DRILL_TABLES holds
 * its name alone (read-config.ts adds DRILL_TABLE_ARN_PREFIX back), so hundreds of tables fit in
 * Lambda's 4 KB of environment variables.
 */
function isBareTable(stack: Stack, table: DrilledTable): boolean {
  const { tableName, tableArn: arn, ...options } = table;
  return !Token.isUnresolved(tableName) && arn === tableArn(stack, tableName) && Object.keys(options).length === 0;
}

/**
 * "Role policy size cannot exceed 10,240 characters": the total of a role's inline policies,
 * white space not counted (IAM User Guide, "IAM and AWS STS quotas"). The drill role's
 * DrillPermissions grow with every drilled table (its reads, its backups, its key); its other
 * inline policy (the grants on the history table and topics) is about 1,000 characters. A stack
 * over the limit would fail its deploy at IAM, so the synth says so first. References are counted
 * at the shortest value they resolve to (partition `aws`, a 9-character Region, a 12-digit
 * account, 60 for other ARNs), so no stack IAM would accept is refused.
 */
const ROLE_INLINE_POLICY_CHARACTERS = 10_240;
const OTHER_INLINE_POLICY_CHARACTERS = 1_200;

function checkInlinePolicySize(stack: Stack, document: iam.PolicyDocument, tableCount: number): void {
  const pseudo: Record<string, number> = { 'AWS::Partition': 3, 'AWS::Region': 9, 'AWS::AccountId': 12, 'AWS::URLSuffix': 13 };
  // The document as IAM receives it: each intrinsic function replaced by the text it resolves to.
  const resolved = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolved);
    if (node === null || typeof node !== 'object') return node;
    const record = node as Record<string, unknown>;
    const join = record['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map((part) => String(resolved(part))).join(join[0] as string);
    if (typeof record.Ref === 'string') return 'x'.repeat(pseudo[record.Ref] ?? 60);
    if ('Fn::GetAtt' in record || 'Fn::ImportValue' in record) return 'x'.repeat(60);
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, resolved(value)]));
  };
  const size = JSON.stringify(resolved(stack.resolve(document.toJSON()))).length + OTHER_INLINE_POLICY_CHARACTERS;
  if (size > ROLE_INLINE_POLICY_CHARACTERS) {
    throw new SettingsError(
      'tables',
      `with ${tableCount} drilled tables the drill role's inline policies would be about ${size} characters, over IAM's ${ROLE_INLINE_POLICY_CHARACTERS} for a role ("IAM and AWS STS quotas"), and the deploy would fail`,
      'fewer tables per RestoreDrill construct (about 35 with 10-character names), or split them across several RestoreDrill constructs',
    );
  }
}

function fanOutArns(stack: Stack, name: string) {
  return { stateMachineArn: stateMachineArn(stack, name), executionsArn: executionsArn(stack, name) };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * Lambda allows 4 KB of environment variables in total. Estimated with each reference (ARN,
 * generated name) counted at a generous resolved length.
 */
function checkEnvironmentSize(stack: Stack, environment: Record<string, string>): void {
  const referenceLength = 100;
  const render = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const join = (node as Record<string, unknown> | null)?.['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(render).join(join[0] as string);
    return 'x'.repeat(referenceLength);
  };
  const size = Object.entries(environment).reduce((total, [name, value]) => total + name.length + render(stack.resolve(value)).length, 0);
  if (size > 4096) {
    throw new SettingsError(
      'tables',
      `the drill Lambda's environment would be about ${size} bytes, over Lambda's 4 KB limit`,
      'fewer drilled tables (or shorter names), or split them across several RestoreDrill constructs',
    );
  }
}
