const path = require('node:path');
const base = require('./jest.config');
const { FLOW_TEST_PATTERN } = require('./scripts/mutation/flow-tests');

/**
 * The tests mutation testing runs (stryker.config.mjs): the engine's unit and flow tests under
 * test/lambda, not the end-to-end suite (test/e2e) and not the local AWS harness's own tests
 * (test/harness). `roots` lists every folder the tests import from, so jest's findRelatedTests
 * finds the tests of a mutated file through the imports.
 */
module.exports = {
  ...base,
  roots: ['<rootDir>/lambda', '<rootDir>/test/lambda', '<rootDir>/test/harness'],
  // Every test under test/lambda by default: the unit tests and the flow tests (whole drills on the
  // in-memory flow world, milliseconds each; they are most of what kills lambda/drill's mutants).
  // npm run test:mutation -- --unit-only (MUTATION_TESTS=unit): the unit tests of the mutated folders
  // alone, without the flow tests (scripts/mutation/flow-tests.js), a lower bound of the score.
  testMatch:
    process.env.MUTATION_TESTS === 'unit'
      ? ['<rootDir>/test/lambda/{checks,digest,drill,metering,report}/**/*.test.ts']
      : ['<rootDir>/test/lambda/**/*.test.ts'],
  testPathIgnorePatterns: [
    ...(base.testPathIgnorePatterns ?? ['/node_modules/']),
    ...(process.env.MUTATION_TESTS === 'unit' ? [FLOW_TEST_PATTERN] : []),
  ],
  // An absolute path: Stryker loads the environment itself in the dry run, without jest's <rootDir>.
  testEnvironment: path.join(__dirname, 'scripts/mutation/bail-environment.js'),
  testSequencer: path.join(__dirname, 'scripts/mutation/unit-tests-first.js'),
  collectCoverageFrom: undefined,
};
