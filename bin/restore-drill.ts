#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { RestoreDrillStack } from '../lib/restore-drill-stack';
import { SettingsError, settingsFromContext } from '../lib/settings';

const app = new App();

try {
  new RestoreDrillStack(app, 'RestoreDrill', {
    description:
      'restore-drill: proves daily that the latest AWS Backup recovery point of each DynamoDB table restores with the expected data',
    // Context is read here only; the stack and construct take typed settings.
    // Every key the app's context holds (cdk.json, -c, the CLI's own): a misspelled setting is refused.
    settings: settingsFromContext((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext())),
    // No env: the template deploys to whichever account and Region the CLI credentials point at.
  });
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  // The message names the setting and what it accepts; a stack trace would only bury it.
  console.error(error.message);
  process.exit(1);
}

// Synth fails on any cdk-nag finding that is not acknowledged (with its reason) next to the resource.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
