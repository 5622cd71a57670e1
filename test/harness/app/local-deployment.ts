import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { UpdateContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import { BackupClient, CreateRestoreTestingPlanCommand, CreateRestoreTestingSelectionCommand } from '@aws-sdk/client-backup';
import { ENV, type WaitTuning } from '../../../lambda/config';
import { type LocalAws, type LocalAwsOptions, startLocalAws } from '../local-aws';
import { type LocalFanOut, type LocalFanOutOptions, drillFunctionLogicalId, startLocalFanOut } from './local-fan-out';
import { type LocalInvocationOutcome, invokeLocally } from './local-lambda';
import { type BundledFunction, type SynthesizedApp, bundledFunction, physicalResources, resourcesOfType } from './synthesized-app';
import { type ResolutionContext, localStackId } from './intrinsics';
import { listenOnLoopback, readBody } from '../http/loopback-server';

/**
 * "Deploys" a synthesized app onto the local endpoints: creates its DynamoDB tables from the
 * template's own definitions, registers its topic, vault and restore role, runs its fixture
 * seeder (the bundled custom-resource handler, with the Create event CloudFormation would send),
 * and hands back the bundled drill Lambda with its environment resolved to the local resources.
 */

/** Drill timing on this machine: restores take seconds, so polls are sub-second. */
export const LOCAL_WAIT_TUNING: WaitTuning = {
  minPollSeconds: 0.25,
  maxPollSeconds: 1,
  invocationReserveSeconds: 1,
  tablePollSeconds: 0.1,
};

export interface LocalDeployment {
  readonly app: SynthesizedApp;
  readonly local: LocalAws;
  readonly drill: BundledFunction;
  readonly fixtureTableName: string;
  readonly historyTableName: string;
  readonly topicArn: string;
  readonly vaultNames: readonly string[];
  readonly restoreTablePrefix: string;
  /**
   * What the fixture seeder PUT to the custom resource's ResponseURL: its answer to CloudFormation
   * when it is the service token itself (the console template); none behind the provider framework.
   */
  readonly seedResponses: readonly Record<string, unknown>[];
  /** Native mode: the restore testing plan the template creates (made through CreateRestoreTestingPlan), else undefined. */
  readonly restoreTestingPlanName?: string;
  /** The fan-out state machine on the local Step Functions endpoint (AWS_ENDPOINT_URL_SFN in the drill's environment). */
  readonly fanOut?: LocalFanOut;
  /** Invokes the bundled drill Lambda (default timeout: the template's). */
  invokeDrill(
    event: unknown,
    options?: { timeoutMs?: number; requestId?: string; onLogLine?: (line: string) => void },
  ): Promise<LocalInvocationOutcome>;
  close(): Promise<void>;
}

export interface LocalDeploymentOptions {
  readonly localAws?: Omit<LocalAwsOptions, 'backup' | 'sns'> & {
    readonly backup?: Omit<NonNullable<LocalAwsOptions['backup']>, 'vaultNames' | 'knownRoleArns'>;
    readonly sns?: Omit<NonNullable<LocalAwsOptions['sns']>, 'topics'>;
  };
  readonly waitTuning?: WaitTuning;
  /** The local Step Functions endpoint: worker timeouts, retry intervals. */
  readonly fanOut?: LocalFanOutOptions;
  /** More environment for the drill and the fan-out worker (settings a scenario forces). */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  readonly accountId?: string;
  readonly region?: string;
}

/** CloudFormation AWS::DynamoDB::Table properties -> CreateTable input (what DynamoDB and the harness keep). */
function createTableInput(properties: Record<string, any>): Omit<CreateTableCommandInput, 'TableName'> {
  const stream = properties.StreamSpecification?.StreamViewType;
  return {
    KeySchema: properties.KeySchema,
    AttributeDefinitions: properties.AttributeDefinitions,
    GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes,
    LocalSecondaryIndexes: properties.LocalSecondaryIndexes,
    BillingMode: properties.BillingMode ?? 'PROVISIONED',
    ProvisionedThroughput: properties.ProvisionedThroughput,
    StreamSpecification: stream ? { StreamEnabled: true, StreamViewType: stream } : undefined,
    SSESpecification: properties.SSESpecification
      ? {
          Enabled: properties.SSESpecification.SSEEnabled,
          SSEType: properties.SSESpecification.SSEType,
          KMSMasterKeyId: properties.SSESpecification.KMSMasterKeyId,
        }
      : undefined,
    DeletionProtectionEnabled: properties.DeletionProtectionEnabled,
    TableClass: properties.TableClass,
  };
}

/**
 * The user handler behind a custom resource: custom resource -> provider framework -> onEvent
 * function, or the function that is the service token itself (then it answers CloudFormation).
 */
function customResourceHandler(
  app: SynthesizedApp,
  resolution: ResolutionContext,
  customResourceType: string,
): { handler: BundledFunction; answersCloudFormation: boolean } {
  const [custom] = Object.values(app.template.Resources).filter((r) => r.Type === customResourceType);
  if (!custom) throw new Error(`the template has no ${customResourceType}`);
  const providerId = custom.Properties?.ServiceToken?.['Fn::GetAtt']?.[0];
  const provider = app.template.Resources[providerId];
  const onEventId = provider?.Properties?.Environment?.Variables?.USER_ON_EVENT_FUNCTION_ARN?.['Fn::GetAtt']?.[0];
  const userFunctionId = onEventId ?? providerId;
  return {
    handler: bundledFunction(app, resolution, (logicalId) => logicalId === userFunctionId),
    answersCloudFormation: onEventId === undefined,
  };
}

/** A stand-in for the presigned S3 URL CloudFormation waits on: records what is PUT to it. */
async function responseUrl() {
  const responses: Record<string, unknown>[] = [];
  const server = await listenOnLoopback(async (request, response) => {
    const body = await readBody(request);
    if (request.method !== 'PUT') {
      response.writeHead(405).end();
      return;
    }
    responses.push(JSON.parse(body) as Record<string, unknown>);
    response.writeHead(200).end();
  });
  return { url: `${server.url}/cloudformation-response?X-Amz-Signature=local`, responses, close: () => server.close() };
}

export async function deployLocally(app: SynthesizedApp, options: LocalDeploymentOptions = {}): Promise<LocalDeployment> {
  const accountId = options.accountId ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const resolution = physicalResources(app, { region, accountId });
  const drillLogicalId = drillFunctionLogicalId(app);
  const drill = bundledFunction(app, resolution, (logicalId) => logicalId === drillLogicalId);
  const env = drill.environment;
  const vaultNames = env[ENV.vaultNames].split(',');

  // Roles AWS Backup may assume: the drill's restore role, and the restore testing selections' roles.
  const restoreTestingSelections = resourcesOfType(app, resolution, 'AWS::Backup::RestoreTestingSelection');
  const knownRoleArns = [env[ENV.restoreRoleArn], ...restoreTestingSelections.map(({ properties }) => String(properties.IamRoleArn))];
  const local = await startLocalAws({
    ...options.localAws,
    accountId,
    region,
    backup: { ...options.localAws?.backup, vaultNames, knownRoleArns },
    sns: { ...options.localAws?.sns, topics: [env[ENV.topicArn], env[ENV.failureTopicArn]].filter((arn): arn is string => Boolean(arn)) },
  });
  try {
    for (const { logicalId, properties } of resourcesOfType(app, resolution, 'AWS::DynamoDB::Table')) {
      const tableName = resolution.ref(logicalId);
      await local.dynamodb.createTable({ ...createTableInput(properties), TableName: tableName });
      if (properties.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled) {
        await local.dynamodb.client.send(
          new UpdateContinuousBackupsCommand({
            TableName: tableName,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        );
      }
    }

    // Restore testing plans and selections, through the API CloudFormation calls for them (the
    // CloudFormation properties are the API's members): the endpoint refuses what AWS would.
    const plans = resourcesOfType(app, resolution, 'AWS::Backup::RestoreTestingPlan');
    const backupClient = new BackupClient({
      endpoint: local.backup.url,
      region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (const { properties } of plans) {
      await backupClient.send(new CreateRestoreTestingPlanCommand({ RestoreTestingPlan: properties as never }));
    }
    for (const { properties } of restoreTestingSelections) {
      const { RestoreTestingPlanName, ...selection } = properties;
      await backupClient.send(
        new CreateRestoreTestingSelectionCommand({ RestoreTestingPlanName, RestoreTestingSelection: selection as never }),
      );
    }

    const seedType = Object.values(app.template.Resources).find(
      (r) => r.Type.startsWith('Custom::') && r.Type.includes('FixtureSeed'),
    )?.Type;
    if (!seedType) throw new Error('the template has no fixture seed custom resource');
    const { handler: seeder, answersCloudFormation } = customResourceHandler(app, resolution, seedType);
    const [seed] = resourcesOfType(app, resolution, seedType);
    const answers = await responseUrl();
    const seeded = await invokeLocally({
      handlerFile: seeder.handlerFile,
      handlerName: seeder.handlerName,
      environment: { ...seeder.environment, ...local.env },
      timeoutMs: seeder.timeoutMs,
      event: {
        RequestType: 'Create',
        ServiceToken: seed.properties.ServiceToken,
        ResponseURL: answers.url,
        StackId: localStackId(region, accountId, app.stackName),
        RequestId: 'local-create',
        LogicalResourceId: seed.logicalId,
        ResourceType: seedType,
        ResourceProperties: seed.properties,
      },
    });
    await answers.close();
    if (seeded.error) throw new Error(`fixture seeder failed: ${seeded.error.name}: ${seeded.error.message}\n${seeded.logs.join('\n')}`);
    // CloudFormation waits for exactly this: a SUCCESS PUT to the ResponseURL.
    if (answersCloudFormation && answers.responses[0]?.Status !== 'SUCCESS') {
      throw new Error(
        `the fixture seeder did not answer CloudFormation with SUCCESS: ${JSON.stringify(answers.responses)}\n${seeded.logs.join('\n')}`,
      );
    }

    const drillEnvironment: Record<string, string> = {
      ...env,
      ...local.env,
      [ENV.waitTuning]: JSON.stringify(options.waitTuning ?? LOCAL_WAIT_TUNING),
      ...options.functionEnvironment,
    };
    const invokeDrill: LocalDeployment['invokeDrill'] = (event, invocation = {}) =>
      invokeLocally({
        handlerFile: drill.handlerFile,
        handlerName: drill.handlerName,
        environment: drillEnvironment,
        event,
        timeoutMs: invocation.timeoutMs ?? drill.timeoutMs,
        requestId: invocation.requestId,
        onLogLine: invocation.onLogLine,
      });
    const fanOut = await startLocalFanOut({
      app,
      resolution,
      local,
      drillLogicalId,
      invokeDrill: (event) => invokeDrill(event),
      functionEnvironment: options.functionEnvironment,
      options: options.fanOut,
    });
    if (fanOut) Object.assign(drillEnvironment, fanOut.env);
    return {
      app,
      local,
      drill,
      fixtureTableName: seed.properties.TableName,
      historyTableName: env[ENV.historyTableName],
      topicArn: env[ENV.topicArn],
      vaultNames,
      restoreTablePrefix: env[ENV.restoreTablePrefix],
      seedResponses: answers.responses,
      restoreTestingPlanName: plans[0]?.properties.RestoreTestingPlanName,
      fanOut,
      invokeDrill,
      close: async () => {
        await fanOut?.close();
        await local.close();
      },
    };
  } catch (error) {
    await local.close();
    throw error;
  }
}
