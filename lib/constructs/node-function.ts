import * as path from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const LAMBDA_DIR = path.join(PROJECT_ROOT, 'lambda');

/** A function's log group and the role it runs with. */
export interface FunctionLogsAndRole {
  readonly logGroup: logs.LogGroup;
  /** Trusted by Lambda; may write to the log group and nothing else until granted more. */
  readonly role: iam.Role;
}

/** Construct ids of the log group and the role (each part keeps the ids its resources had). */
export interface FunctionLogsAndRoleIds {
  readonly logGroup: string;
  readonly role: string;
}

export interface FunctionLogsAndRoleProps {
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  readonly roleDescription: string;
}

/** A log group and a Lambda execution role that writes to it: the function's own, not CDK's default ones. */
export function buildFunctionLogsAndRole(
  scope: Construct,
  ids: FunctionLogsAndRoleIds,
  props: FunctionLogsAndRoleProps,
): FunctionLogsAndRole {
  const logGroup = new logs.LogGroup(scope, ids.logGroup, {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, ids.role, {
    description: props.roleDescription,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  logGroup.grantWrite(role);
  return { logGroup, role };
}

export interface NodeFunctionProps
  extends FunctionLogsAndRoleProps,
    Pick<
      nodejs.NodejsFunctionProps,
      'description' | 'memorySize' | 'timeout' | 'reservedConcurrentExecutions' | 'tracing' | 'onFailure' | 'retryAttempts'
    > {
  /** The handler's file, relative to lambda/; it exports `handler`. */
  readonly entry: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** @default - only NODE_OPTIONS (source maps) */
  readonly environment?: Record<string, string>;
}

/**
 * A function of this project's lambda/ code: Node.js 24 on ARM, bundled by esbuild (minified, with
 * a source map, the runtime's AWS SDK v3 left out), with its own log group and role.
 */
export function buildNodejsFunction(
  scope: Construct,
  ids: FunctionLogsAndRoleIds & { readonly function: string },
  props: NodeFunctionProps,
): FunctionLogsAndRole & { readonly function: nodejs.NodejsFunction } {
  const { logGroup, role } = buildFunctionLogsAndRole(scope, ids, props);
  const fn = new nodejs.NodejsFunction(scope, ids.function, {
    description: props.description,
    entry: path.join(LAMBDA_DIR, props.entry),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    role,
    logGroup,
    tracing: props.tracing,
    environment: functionEnvironment(props.environment ?? {}),
    onFailure: props.onFailure,
    retryAttempts: props.retryAttempts,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    // The Node.js runtime ships AWS SDK v3.
    bundling: { minify: true, sourceMap: true, externalModules: ['@aws-sdk/*'] },
  });
  return { logGroup, role, function: fn };
}

/** The environment a function gets: `environment`, and stack traces that point into lambda/*.ts through the bundled source map. */
export function functionEnvironment(environment: Record<string, string>): Record<string, string> {
  return { ...environment, NODE_OPTIONS: '--enable-source-maps' };
}
