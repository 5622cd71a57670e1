/**
 * Mutation testing of the drill engine (README "Mutation testing"): npm run test:mutation.
 *
 * Text-only mutants - a check's summary, a cleanup detail, a log line, an error message - are
 * left out of the score by the `report-wording` ignorer (scripts/mutation/report-wording.mjs: the
 * words may change freely, the verdicts, statuses, numbers and advice may not); `--with-text`
 * (MUTATION_TEXT=include) runs them as well, to measure the score with text included.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const withText = process.env.MUTATION_TEXT === 'include';

export default {
  packageManager: 'npm',
  mutate: ['lambda/checks/**/*.ts', 'lambda/digest/**/*.ts', 'lambda/drill/**/*.ts', 'lambda/report/**/*.ts'],
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  // Each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // A mutant the compiler rejects is a CompileError, out of the score, and costs no test run.
  checkers: ['typescript'],
  // Only the engine: the checker re-checks what depends on each mutant, and the whole project (the
  // CDK app, aws-cdk-lib's types, every test) made it the slowest part of a run.
  tsconfigFile: 'tsconfig.mutation.json',
  plugins: ['@stryker-mutator/*', './scripts/mutation/report-wording.mjs'],
  ignorers: [withText ? 'report-wording-recorder' : 'report-wording'],
  // Results are reused for mutants whose code and covering tests did not change. The file is a
  // cache of this working tree, kept out of git (reports/ is ignored): see the README.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // A static mutant (module-level code, run once at load) needs every test file; too dear here.
  ignoreStatic: true,
  // The targets (scripts/mutation/scores.ts TARGETS): 85 % of logic mutants killed, 75 % with text
  // included. Stryker's break is on its one overall score; run.ts holds each folder to the target.
  thresholds: withText ? { high: 85, low: 75, break: 75 } : { high: 90, low: 85, break: 85 },
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, reportScoreTable: true, reportMutants: false },
  concurrency: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
