const { TestEnvironment } = require('jest-environment-node');

/**
 * The test environment of mutation runs: once a test has failed with a mutant active, the rest of
 * that run is skipped - later tests, later describe blocks and later test files, with their
 * beforeAll hooks (a flow test's in-memory AWS). One failure is all Stryker needs to call a mutant
 * killed, and its jest runner cannot bail on its own ("Bail isn't supported programmatically in
 * jest"): without this, every killed mutant of the drill flow still ran its hundred flow tests.
 * Runs without an active mutant (the dry run, which measures coverage) are never cut short.
 */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
/** Kept on the worker's own global, which outlives each test file's environment. */
const FAILED_UNDER = Symbol.for('restore-drill.mutation.failedUnderMutant');

class BailEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') globalThis[FAILED_UNDER] = mutant;
    else if (globalThis[FAILED_UNDER] === mutant) {
      if (event.name === 'run_describe_start') event.describeBlock.mode = 'skip';
      else if (event.name === 'test_start') event.test.mode = 'skip';
    }
  }
}

module.exports = BailEnvironment;
