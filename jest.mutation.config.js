const path = require('node:path');
const base = require('./jest.config');

/**
 * The tests mutation testing runs (stryker.config.mjs): the engine's unit and flow tests under
 * test/lambda, not the end-to-end suite (test/e2e) and not the local AWS harness's own tests
 * (test/harness). `roots` lists every folder the tests import from, so jest's findRelatedTests
 * finds the tests of a mutated file through the imports.
 */
module.exports = {
  ...base,
  roots: ['<rootDir>/lambda', '<rootDir>/test/lambda', '<rootDir>/test/harness'],
  // npm run test:mutation -- --unit-only (MUTATION_TESTS=unit): the unit tests alone, a quick lower bound
  // of the score while killing survivors; the drill flow tests (test/lambda/*.test.ts) only add kills.
  testMatch:
    process.env.MUTATION_TESTS === 'unit'
      ? ['<rootDir>/test/lambda/{checks,digest,drill,metering,report}/**/*.test.ts']
      : ['<rootDir>/test/lambda/**/*.test.ts'],
  // An absolute path: Stryker loads the environment itself in the dry run, without jest's <rootDir>.
  testEnvironment: path.join(__dirname, 'scripts/mutation/bail-environment.js'),
  testSequencer: path.join(__dirname, 'scripts/mutation/unit-tests-first.js'),
  collectCoverageFrom: undefined,
};
