import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type DrillTargets, type DrilledTable, ENV } from '../../lambda/config';
import { acknowledge, acknowledgeWildcardResources } from '../nag-findings';
import { DRILL_FUNCTION_MEMORY_MB, SettingsError } from '../settings';
import { type DrillPermissionsScope, acknowledgeDrillPolicy, drillPolicyStatements } from './drill-permissions';
import { keepFormerLogicalIds } from './former-logical-ids';
import { buildNodejsFunction, functionEnvironment } from './node-function';
import { restoredTablesArn } from './table-arns';

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
}

/**
 * The drill Lambda: the engine in lambda/, its role with one statement per purpose, its log
 * group, and the failure queue that keeps async invocations and EventBridge deliveries that still
 * failed after their retries.
 */
export class DrillFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  /** Async invocations and EventBridge deliveries that still failed after retries. */
  public readonly failureQueue: sqs.Queue;
  /** The drill's permissions on backups, tables and keys (besides CDK's grants on its own resources). */
  public readonly permissions: iam.Policy;

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
      [ENV.tables]: stack.toJsonString(props.drilledTables),
      [ENV.vaultNames]: props.vaultNames.join(','),
      [ENV.restoreRoleArn]: props.restoreRole.roleArn,
      [ENV.restoreTablePrefix]: props.restoreTablePrefix,
      [ENV.topicArn]: props.reportTopic.topicArn,
      [ENV.historyTableName]: props.historyTable.tableName,
      [ENV.targets]: JSON.stringify(props.targets),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };
    if (props.restoreKmsKeyArn !== undefined) environment[ENV.restoreKmsKeyArn] = props.restoreKmsKeyArn;
    if (props.failureTopic) environment[ENV.failureTopicArn] = props.failureTopic.topicArn;
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
        reservedConcurrentExecutions: props.reservedConcurrency,
        logRetention: logs.RetentionDays.THREE_MONTHS,
        roleDescription: 'Runs restore drills',
        tracing: lambda.Tracing.ACTIVE,
        environment,
        onFailure: new lambdaDestinations.SqsDestination(this.failureQueue),
        retryAttempts: 2,
      },
    );
    this.function = drill.function;
    this.role = drill.role;

    const tables = props.drilledTables;
    const permissionsScope: DrillPermissionsScope = {
      restoredTablesArn: restoredTablesArn(stack, props.restoreTablePrefix),
      sourceTableArns: tables.map((table) => table.tableArn),
      vaultNames: props.vaultNames,
      canaryTableArns: tables.filter((table) => table.canary).map((table) => table.tableArn),
      restoreRoleArn: props.restoreRole.roleArn,
      restoreKmsKeyArn: props.restoreKmsKeyArn,
      sourceTableKeyArns: unique(tables.flatMap((table) => (table.kmsKeyArn === undefined ? [] : [table.kmsKeyArn]))),
      canaryTableKeyArns: unique(tables.flatMap((table) => (table.canary && table.kmsKeyArn !== undefined ? [table.kmsKeyArn] : []))),
    };
    this.permissions = new iam.Policy(this, 'DrillPermissions', { statements: drillPolicyStatements(stack, permissionsScope) });
    this.role.attachInlinePolicy(this.permissions);
    // The history table: exactly the item operations the engine's history port makes (no
    // DeleteItem, no BatchWriteItem: audit records are never removed by the drill), on the table
    // and its indexes; the data key for DynamoDB to use on the drill's behalf.
    props.historyTable.grant(this.role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query');
    props.historyTable.encryptionKey?.grantEncryptDecrypt(this.role);
    props.reportTopic.grantPublish(this.role);
    props.failureTopic?.grantPublish(this.role);
    keepFormerLogicalIds(this);

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
