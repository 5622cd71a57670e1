import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type ResolutionContext, type Template, resolveIntrinsics } from './intrinsics';
import { restoreTestingPlanArn } from '../backup/restore-testing';

/**
 * The synthesized app as the local harness uses it: `cdk synth` output (the very template and
 * bundles `cdk deploy` would upload), read back with physical names for every resource so the
 * template's references resolve to local endpoints.
 */

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface SynthesizedApp {
  readonly cdkOut: string;
  readonly stackName: string;
  readonly template: Template;
}

/** Runs the project's real `cdk synth` (bin/ reads the context, esbuild bundles the Lambdas). */
export async function synthesizeApp(options: {
  readonly outdir: string;
  readonly context?: Readonly<Record<string, string>>;
  readonly onOutput?: (text: string) => void;
}): Promise<SynthesizedApp> {
  const contextArgs = Object.entries(options.context ?? {}).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  const cdk = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cdk, ['synth', '--quiet', '--output', options.outdir, ...contextArgs], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      options.onOutput?.(chunk.toString());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cdk synth failed (exit ${code}):\n${output}`))));
  });
  return readSynthesizedApp(options.outdir);
}

export function readSynthesizedApp(cdkOut: string): SynthesizedApp {
  const manifest = JSON.parse(readFileSync(path.join(cdkOut, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  if (stacks.length !== 1) throw new Error(`expected one stack in ${cdkOut}, found ${stacks.length}`);
  const [stackName, artifact] = stacks[0];
  const template = JSON.parse(readFileSync(path.join(cdkOut, artifact.properties!.templateFile!), 'utf8')) as Template;
  return { cdkOut, stackName, template };
}

/**
 * Physical names a deployment would give each resource, in one account and Region: explicit
 * names from the template, else `<stack>-<logical id>` (CloudFormation's own pattern, minus the
 * random suffix, which a local deployment does not need).
 */
export function physicalResources(app: SynthesizedApp, env: { region: string; accountId: string }): ResolutionContext {
  const { template, stackName } = app;
  const { region, accountId } = env;
  const resource = (logicalId: string) => {
    const found = template.Resources[logicalId];
    if (!found) throw new Error(`the template has no resource ${logicalId}`);
    return found;
  };
  const context: ResolutionContext = {
    region,
    accountId,
    stackName,
    ref(logicalId) {
      const { Type, Properties = {} } = resource(logicalId);
      const named = (property: string) => {
        const value = Properties[property];
        return value === undefined ? `${stackName}-${logicalId}` : String(resolveIntrinsics(value, context));
      };
      switch (Type) {
        case 'AWS::DynamoDB::Table':
          return named('TableName');
        case 'AWS::SNS::Topic':
          return `arn:aws:sns:${region}:${accountId}:${named('TopicName')}`;
        case 'AWS::Backup::BackupVault':
          return named('BackupVaultName');
        case 'AWS::IAM::Role':
          return named('RoleName');
        case 'AWS::Lambda::Function':
          return named('FunctionName');
        case 'AWS::SQS::Queue':
          return `http://sqs.${region}.localhost/${accountId}/${named('QueueName')}`;
        case 'AWS::Logs::LogGroup':
          return named('LogGroupName');
        case 'AWS::StepFunctions::StateMachine':
          return `arn:aws:states:${region}:${accountId}:stateMachine:${named('StateMachineName')}`;
        default:
          return `${stackName}-${logicalId}`;
      }
    },
    getAtt(logicalId, attribute) {
      const { Type } = resource(logicalId);
      const name = context.ref(logicalId);
      switch (`${Type}.${attribute}`) {
        case 'AWS::DynamoDB::Table.Arn':
          return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
        case 'AWS::Backup::BackupVault.BackupVaultName':
          return name;
        case 'AWS::Backup::BackupVault.BackupVaultArn':
          return `arn:aws:backup:${region}:${accountId}:backup-vault:${name}`;
        case 'AWS::IAM::Role.Arn':
          return `arn:aws:iam::${accountId}:role/${name}`;
        case 'AWS::SNS::Topic.TopicArn':
          return name;
        case 'AWS::Lambda::Function.Arn':
          return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
        case 'AWS::KMS::Key.Arn':
          return `arn:aws:kms:${region}:${accountId}:key/${logicalId}`;
        case 'AWS::Backup::RestoreTestingPlan.RestoreTestingPlanArn':
          // The local endpoint's ARN for the plan (restoreTestingPlanArn): AWS appends a random id.
          return restoreTestingPlanArn(
            region,
            accountId,
            String(resolveIntrinsics(resource(logicalId).Properties?.RestoreTestingPlanName, context)),
          );
        case 'AWS::StepFunctions::StateMachine.Arn':
          return name;
        case 'AWS::Logs::LogGroup.Arn':
          return `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;
        case 'AWS::SQS::Queue.Arn':
          return `arn:aws:sqs:${region}:${accountId}:${name.split('/').pop()}`;
        default:
          throw new Error(`no local value for Fn::GetAtt ${logicalId}.${attribute} (${Type})`);
      }
    },
  };
  return context;
}

export interface BundledFunction {
  readonly logicalId: string;
  readonly handlerFile: string;
  readonly handlerName: string;
  /** The function's environment with every reference resolved to a local physical value. */
  readonly environment: Record<string, string>;
  readonly timeoutMs: number;
}

/**
 * A Lambda function of the template, with its bundled code: from cdk.out (an asset), or from the
 * template itself (`Code.ZipFile`, the console template), written to `<cdkOut>/inline/<logical
 * id>/index.js` as CloudFormation writes it to the function's `index` file.
 */
export function bundledFunction(
  app: SynthesizedApp,
  resolution: ResolutionContext,
  matches: (logicalId: string, properties: Record<string, any>) => boolean,
): BundledFunction {
  const found = Object.entries(app.template.Resources).filter(
    ([logicalId, r]) => r.Type === 'AWS::Lambda::Function' && matches(logicalId, r.Properties ?? {}),
  );
  if (found.length !== 1) throw new Error(`expected one matching Lambda function in the template, found ${found.length}`);
  const [logicalId, { Properties = {}, Metadata = {} }] = found[0];
  const [file, handlerName] = String(Properties.Handler).split('.');
  const inline = Properties.Code?.ZipFile;
  const assetPath = Metadata['aws:asset:path'];
  if (!assetPath && typeof inline !== 'string')
    throw new Error(`${logicalId} has neither a bundled asset (aws:asset:path) nor inline code`);
  const codeDir = typeof inline === 'string' ? path.join(app.cdkOut, 'inline', logicalId) : path.join(app.cdkOut, assetPath);
  const handlerFile = path.join(codeDir, `${file}.js`);
  if (typeof inline === 'string') {
    if (file !== 'index') throw new Error(`${logicalId}: inline code is the file index, but the handler is ${Properties.Handler}`);
    mkdirSync(codeDir, { recursive: true });
    writeFileSync(handlerFile, inline);
  }
  if (!existsSync(handlerFile)) throw new Error(`bundle ${handlerFile} is missing; synthesize again`);
  return {
    logicalId,
    handlerFile,
    handlerName,
    environment: resolveIntrinsics(Properties.Environment?.Variables ?? {}, resolution),
    timeoutMs: Number(Properties.Timeout ?? 3) * 1000,
  };
}

/** Resources of one type, with their properties resolved. */
export function resourcesOfType(app: SynthesizedApp, resolution: ResolutionContext, type: string) {
  return Object.entries(app.template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([logicalId, r]) => ({ logicalId, properties: resolveIntrinsics(r.Properties ?? {}, resolution) as Record<string, any> }));
}
