#!/usr/bin/env node
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Command, CommanderError, Option } from 'commander';
import { createHistoryReader } from '../lambda/ports/history-reader';
import { type CommandContext, EXIT, UsageError, historyCommand, runCommand, runbookCommand, showCommand, statusCommand } from './commands';
import { DEFAULT_STACK_NAME, DeploymentError, findDeployment } from './deployment';

/**
 * `restore-drill`: the deployed drill from a terminal or a script. Finds the stack by name (its
 * outputs), uses the standard AWS credential chain and Region (AWS_PROFILE, AWS_REGION, SSO...,
 * and AWS_ENDPOINT_URL_* for local endpoints).
 */

const EXIT_CODES_HELP = `
Exit codes: 0 done (and every drill it followed or showed PASSed), 1 a drill FAILed or a table is
not proven, 2 a usage error or something named that is not there (a table, a drill), 3 the
deployment cannot be reached (no stack, no credentials or Region, an AWS error).`;

async function context(program: Command): Promise<CommandContext> {
  const { stack } = program.opts<{ stack: string }>();
  const deployment = await findDeployment(new CloudFormationClient({}), stack);
  return {
    deployment,
    history: createHistoryReader(new DynamoDBClient({}), deployment.historyTableName),
    lambda: new LambdaClient({}),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`restore-drill: ${line}\n`),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const positive = (name: string) => (value: string) => {
  const number = Number(value);
  if (!(number > 0)) throw new UsageError(`${name} must be a positive number, got "${value}"`);
  return number;
};

export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('restore-drill')
    .description('Start restore drills and read their history, runbooks and status from the deployed restore-drill stack.')
    .addOption(new Option('--stack <name>', 'name of the deployed stack').env('RESTORE_DRILL_STACK').default(DEFAULT_STACK_NAME))
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  program
    .command('run')
    .description('start a drill now (all drilled tables, or those named); safe to repeat with the same --idempotency-key')
    .option('--table <name>', 'a table to drill (repeatable)', collect)
    .option('--follow', 'show progress until each verdict; exit 1 if any drill FAILs')
    .option('--idempotency-key <key>', 'names this drill: running the command again with it continues the same drill')
    .addOption(
      new Option('--poll-seconds <n>', 'how often --follow reads the history').default(5).argParser(positive('--poll-seconds')).hideHelp(),
    )
    .option('--start-timeout <seconds>', 'how long --follow waits for the drill to be recorded', positive('--start-timeout'), 120)
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options) =>
      exit(
        await runCommand(await context(program), {
          table: options.table,
          follow: options.follow,
          idempotencyKey: options.idempotencyKey,
          pollSeconds: options.pollSeconds,
          startTimeoutSeconds: options.startTimeout,
        }),
      ),
    );

  program
    .command('status')
    .description('one line per table: last verdict, when it was last proven restorable, RTO, RPO; exit 1 unless every last verdict is PASS')
    .option('--json', 'JSON for scripts')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options) => exit(await statusCommand(await context(program), options)));

  program
    .command('history')
    .description('the drills recorded, newest first')
    .option('--table <name>', 'only this table (repeatable)', collect)
    .option('--since <when>', 'only drills started since: a date (2026-11-01), an ISO time, or a span (36h, 7d)')
    .option('--limit <n>', 'at most this many', positive('--limit'))
    .option('--json', 'the history records as JSON, for scripts')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options) => exit(await historyCommand(await context(program), options)));

  program
    .command('show')
    .description('one drill: verdict, every check, recovery point, restore job, the copy')
    .argument('<drill-id>', 'a drill id, as history prints it')
    .option('--json', 'the history record as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (drillId, options) => exit(await showCommand(await context(program), drillId, options)));

  program
    .command('runbook')
    .description("the table's recovery procedure, as the newest PASSing drill proved it: the restore command and what to re-apply")
    .argument('<table>', 'a drilled table')
    .option('--json', 'the runbook as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (table, options) => exit(await runbookCommand(await context(program), table, options)));

  return program;
}

/** Says plainly what is missing: the SDK's own messages name classes, not what to do. */
export function explainFailure(error: unknown): { code: number; message: string } {
  const name = (error as Error)?.name ?? '';
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof UsageError) return { code: EXIT.usage, message };
  if (error instanceof DeploymentError) return { code: EXIT.unreachable, message };
  if (/Region is missing/i.test(message)) {
    return { code: EXIT.unreachable, message: 'no AWS Region: set AWS_REGION, or a region in your AWS profile (aws configure)' };
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return {
      code: EXIT.unreachable,
      message:
        'no AWS credentials: sign in (aws sso login, aws configure) or set AWS_PROFILE / AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    };
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || /not authorized/i.test(message)) {
    return { code: EXIT.unreachable, message: `not allowed: ${message}` };
  }
  return { code: EXIT.unreachable, message: `${name ? `${name}: ` : ''}${message}` };
}

export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((exitCode) => {
    code = exitCode;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0; anything else is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { code: failureCode, message } = explainFailure(error);
    process.stderr.write(`restore-drill: ${message}\n`);
    return failureCode;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
