import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { DYNAMODB_LOCAL_URL_VARIABLE, startDynamoDbLocal } from '../../test/harness/dynamodb/dynamodb-local';
import { printScores, TEXT_RANGES_FILE } from './scores';

/**
 * npm run test:mutation [-- --with-text] [-- --unit-only] [-- <Stryker options, e.g. --mutate lambda/checks/rpo.ts>]
 *
 * Starts one DynamoDB Local for the whole run (the flow tests need it; jest's global setup would
 * otherwise start and stop a JVM around every mutant's test run), runs Stryker
 * (stryker.config.mjs), then prints the per-folder scores. Fails when Stryker does (its score under
 * thresholds.break) or, on a run of every file, when a folder misses its target.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const withText = args.includes('--with-text');
  const unitOnly = args.includes('--unit-only');
  const strykerArgs = args.filter((arg) => arg !== '--with-text' && arg !== '--unit-only');
  const partial = strykerArgs.some((arg) => arg === '--mutate' || arg === '-m' || arg.startsWith('--mutate='));
  rmSync(TEXT_RANGES_FILE, { force: true });
  const dynamoDbLocal = await startDynamoDbLocal();
  const started = Date.now();
  let code: number;
  try {
    code = await new Promise<number>((resolve, reject) => {
      const stryker = spawn('node_modules/.bin/stryker', ['run', ...strykerArgs], {
        stdio: 'inherit',
        env: {
          ...process.env,
          [DYNAMODB_LOCAL_URL_VARIABLE]: dynamoDbLocal.url,
          MUTATION_TEXT: withText ? 'include' : 'exclude',
          MUTATION_TESTS: unitOnly ? 'unit' : 'all',
        },
      });
      stryker.once('error', reject);
      stryker.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
  } finally {
    await dynamoDbLocal.stop();
  }
  const kind = [withText ? 'text mutants included' : '', unitOnly ? 'unit tests only: a lower bound' : ''].filter(Boolean).join('; ');
  console.log(`\nStryker took ${((Date.now() - started) / 60_000).toFixed(1)} minutes${kind ? ` (${kind})` : ''}.`);
  const met = printScores();
  return code !== 0 ? code : !partial && !met ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
