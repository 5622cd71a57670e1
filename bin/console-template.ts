#!/usr/bin/env node
/**
 * `npm run template`: writes the console template, one self-contained CloudFormation template
 * that deploys from the CloudFormation console in an account that never ran `cdk bootstrap` (README
 * "Deploy from the console"). The same stack `cdk deploy` deploys, in its console mode: Lambda code
 * inline, the console user's settings as parameters, the BootstraplessSynthesizer. cdk-nag runs as
 * on `cdk synth`; settings given with `-c key=value` are the parameters' defaults or, for the
 * settings that are not parameters, baked in.
 *
 *   npm run template                                   dist/restore-drill.template.json
 *   npm run template -- -c rpoTargetHours=30 -c tables=orders --out my.template.json
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { context as projectContext } from '../cdk.json';
import { RestoreDrillStack } from '../lib/restore-drill-stack';
import { SettingsError, settingsFromContext } from '../lib/settings';

export const DEFAULT_TEMPLATE_FILE = path.join(__dirname, '..', 'dist', 'restore-drill.template.json');
/**
 * The console's "Upload a template file" stores the file in S3 and creates the stack from its
 * URL; a TemplateURL may point to a template of at most 1 MB (CloudFormation API reference,
 * CreateStack / ValidateTemplate TemplateURL). Kept under a million bytes to be safe.
 */
export const MAX_TEMPLATE_BYTES = 1_000_000;
export const STACK_NAME = 'RestoreDrill';

/** The console template for the given context (`-c` values), with what a console upload must not contain checked. */
export function synthesizeConsoleTemplate(context: Readonly<Record<string, unknown>> = {}): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'restore-drill-template-'));
  try {
    const app = new App({ context: { ...projectContext, ...context }, outdir, analyticsReporting: false });
    new RestoreDrillStack(app, STACK_NAME, {
      description:
        'restore-drill (console template): proves daily that the latest AWS Backup recovery point of each DynamoDB table restores with the expected data',
      settings: settingsFromContext((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext())),
      consoleTemplate: true,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    const assembly = app.synth();
    const template = JSON.stringify(JSON.parse(readFileSync(path.join(assembly.directory, `${STACK_NAME}.template.json`), 'utf8')));
    checkConsoleDeployable(template);
    return template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** What would stop the file from deploying by console upload: assets, the bootstrap check, size. */
export function checkConsoleDeployable(template: string): void {
  const problems = [
    /"aws:asset:/.test(template) && 'asset metadata',
    /AssetParameters|cdk-hnb659fds|S3Bucket"|S3Key"/.test(template) && 'code in the CDK bootstrap bucket',
    /BootstrapVersion/.test(template) && 'a BootstrapVersion parameter or rule',
    Buffer.byteLength(template) >= MAX_TEMPLATE_BYTES && `${Buffer.byteLength(template)} bytes, over the console upload's 1 MB`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`the console template cannot be uploaded: ${problems.join(', ')}`);
}

/** `-c key=value` / `--context key=value` pairs and `--out file`. */
function parseArguments(argv: readonly string[]): { context: Record<string, string>; out: string } {
  const context: Record<string, string> = {};
  let out = DEFAULT_TEMPLATE_FILE;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '-c' || argument === '--context') {
      const pair = argv[++index] ?? '';
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new SettingsError(argument, `"${pair}" is not key=value`, 'key=value');
      context[pair.slice(0, equals)] = pair.slice(equals + 1);
    } else if (argument === '--out') {
      out = path.resolve(argv[++index] ?? '');
    } else {
      throw new SettingsError(argument, 'is not an option of npm run template', '-c key=value, --context key=value, --out file');
    }
  }
  return { context, out };
}

function main(): number {
  try {
    const { context, out } = parseArguments(process.argv.slice(2));
    const template = synthesizeConsoleTemplate(context);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, template);
    const bytes = Buffer.byteLength(template);
    const parameters = Object.keys((JSON.parse(template) as { Parameters?: object }).Parameters ?? {});
    console.log(
      `wrote ${out.startsWith(process.cwd()) ? path.relative(process.cwd(), out) : out}: ${bytes} bytes (${(bytes / 1024).toFixed(0)} KB of the console upload's 1 MB)`,
    );
    console.log(`parameters: ${parameters.join(', ')}`);
    return 0;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    return 1;
  }
}

if (require.main === module) process.exit(main());
