#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { RestoreDrillStack } from '../lib/restore-drill-stack';
import { SettingsError, settingsFromContext } from '../lib/settings';

const app = new App();

let settings;
try {
  // Context is read here only; the stack and construct take typed settings.
  settings = settingsFromContext((key) => app.node.tryGetContext(key));
} catch (error) {
  if (error instanceof SettingsError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

new RestoreDrillStack(app, 'RestoreDrill', {
  description: 'restore-drill: proves daily that the latest AWS Backup recovery point of each DynamoDB table restores with the expected data',
  settings,
  // Account/Region from the CLI profile when there is one; the template stays environment-agnostic otherwise.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

// Synth fails on any finding that is not acknowledged, with its reason, next to the resource.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
