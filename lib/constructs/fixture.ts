import * as path from 'node:path';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { polygonClosesCheck } from '../../lambda/checks/custom/polygon-closes';
import type { DrilledTable } from '../../lambda/config';
import { TableDigest } from '../../lambda/digest/table-digest';
import { FIXTURE_DEFAULT_PROPERTY_COUNT, FIXTURE_SCHEMA, fixtureItems } from '../../lambda/fixture/fixture-items';
import { FIXTURE_GENERATOR_VERSION } from '../../lambda/fixture/fixture-marker';
import { acknowledge, acknowledgeWildcardResources } from '../nag-findings';
import { keepFormerLogicalIds } from './former-logical-ids';
import { type FunctionCodeSource, buildFunctionLogsAndRole, buildNodejsFunction } from './node-function';

export interface DrillFixtureProps {
  /** Physical name of the fixture table, known at synth. */
  readonly tableName: string;
  /**
   * Number of properties the seeder writes (about 10 items each).
   * @default FIXTURE_DEFAULT_PROPERTY_COUNT (40)
   */
  readonly propertyCount?: number;
  /**
   * Where the seeder's code comes from. With `inline` the seeder is the custom resource's own
   * service token and answers CloudFormation itself: the provider framework needs assets.
   * @default 'asset'
   */
  readonly codeSource?: FunctionCodeSource;
}

/**
 * The fixture test table, seeded at deploy time with `fixtureItems(propertyCount)` by a custom
 * resource, and its entry in the drilled tables: the drill checks its restore against the digest
 * of exactly those items.
 */
export class DrillFixture extends Construct {
  public readonly table: dynamodb.Table;
  /** The custom resource that seeds the table. */
  public readonly seed: CustomResource;
  /** What the drill Lambda receives for the fixture in `DRILL_TABLES`. */
  public readonly drilledTable: DrilledTable;

  constructor(scope: Construct, id: string, props: DrillFixtureProps) {
    super(scope, id);
    const propertyCount = props.propertyCount ?? FIXTURE_DEFAULT_PROPERTY_COUNT;

    this.table = new dynamodb.Table(this, 'FixtureTable', {
      tableName: props.tableName,
      partitionKey: { name: FIXTURE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: FIXTURE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS managed key: encrypted at rest, and restores need no key policy of ours.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Test data the generator can always reproduce; its recovery points stay in the vault.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: FIXTURE_SCHEMA.scanIndex.name,
      partitionKey: { name: FIXTURE_SCHEMA.scanIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: FIXTURE_SCHEMA.scanIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.table.addLocalSecondaryIndex({
      indexName: FIXTURE_SCHEMA.createdIndex.name,
      sortKey: { name: FIXTURE_SCHEMA.createdIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // Computed at synth from the same generator the seeder runs: the restore must hold exactly this.
    const digest = TableDigest.of(fixtureItems(propertyCount)).toString();

    const codeSource = props.codeSource ?? 'asset';
    const seed = buildNodejsFunction(
      this,
      { function: 'FixtureSeedFunction', logGroup: 'FixtureSeedLogs', role: 'FixtureSeedRole' },
      {
        description: 'Writes the restore-drill fixture items (deploy time)',
        entry: path.join('fixture', 'seed-handler.ts'),
        handler: codeSource === 'inline' ? 'cloudFormationHandler' : 'handler',
        codeSource,
        memorySize: 512,
        timeout: Duration.minutes(10),
        logRetention: logs.RetentionDays.ONE_MONTH,
        roleDescription: 'Seeds the restore-drill fixture table',
      },
    );
    // BatchWriteItem only: puts and the deletes of a shrinking fixture.
    seed.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:BatchWriteItem'], resources: [this.table.tableArn] }));
    const provider = codeSource === 'inline' ? undefined : this.buildProvider(seed.function);
    this.seed = new CustomResource(this, 'FixtureSeed', {
      serviceToken: provider?.serviceToken ?? seed.function.functionArn,
      resourceType: 'Custom::RestoreDrillFixtureSeed',
      // Digest too: a changed generator re-seeds even when the count stays the same. GeneratorVersion:
      // the version marker the seeder writes (fixture-marker.ts) is written again on an upgrade.
      properties: {
        TableName: this.table.tableName,
        PropertyCount: String(propertyCount),
        Digest: digest,
        GeneratorVersion: String(FIXTURE_GENERATOR_VERSION),
      },
    });

    this.drilledTable = {
      tableName: this.table.tableName,
      tableArn: this.table.tableArn,
      createdAtAttribute: FIXTURE_SCHEMA.createdAtAttribute,
      updatedAtAttribute: FIXTURE_SCHEMA.updatedAtAttribute,
      canary: true,
      // The example custom check, fitted to the fixture's room polygons (README "Custom checks").
      customChecks: [polygonClosesCheck.name],
      fixture: { propertyCount, digest },
    };
    keepFormerLogicalIds(this);

    const deployTimeOnly =
      'Runs only synchronously at deploy time for the custom resource; a failure fails the deployment, which is the signal.';
    acknowledge(seed.function, 'Serverless-LambdaDLQ', deployTimeOnly);
    acknowledge(seed.function, 'Serverless-LambdaTracing', deployTimeOnly);
    provider?.acknowledgeFindings();
  }

  /**
   * The CDK provider framework in front of the seeder (`cdk deploy`): its function, role and logs.
   * Its cdk-nag findings are acknowledged once the logical IDs are final (keepFormerLogicalIds).
   */
  private buildProvider(seedFunction: lambda.IFunction): { serviceToken: string; acknowledgeFindings: () => void } {
    const providerLogsAndRole = buildFunctionLogsAndRole(
      this,
      { logGroup: 'FixtureSeedProviderLogs', role: 'FixtureSeedProviderRole' },
      { logRetention: logs.RetentionDays.ONE_MONTH, roleDescription: 'CDK custom-resource provider framework for the fixture seed' },
    );
    const provider = new cr.Provider(this, 'FixtureSeedProvider', {
      onEventHandler: seedFunction,
      logGroup: providerLogsAndRole.logGroup,
      frameworkOnEventRole: providerLogsAndRole.role,
    });
    const acknowledgeFindings = () => {
      acknowledgeWildcardResources(
        providerLogsAndRole.role,
        [`${seedFunction.functionArn}:*`],
        "The CDK provider framework's grantInvoke covers the seed function's versions and aliases.",
      );
      const frameworkFunction =
        'CDK custom-resource provider framework function: its memory, tracing and retries are set by CDK; it runs only during deployments.';
      acknowledge(provider, 'Serverless-LambdaDLQ', frameworkFunction);
      acknowledge(provider, 'Serverless-LambdaTracing', frameworkFunction);
      acknowledge(provider, 'Serverless-LambdaDefaultMemorySize', frameworkFunction);
    };
    return { serviceToken: provider.serviceToken, acknowledgeFindings };
  }
}
