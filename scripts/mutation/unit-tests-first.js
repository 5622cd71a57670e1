const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

/**
 * The test order of mutation runs: a mutant's unit tests (test/lambda/<folder>/) before the drill
 * flow tests (test/lambda/*.test.ts, every drill through in-memory AWS and DynamoDB Local). Jest's
 * own order runs the slowest file first, so every mutant a unit test kills in milliseconds would
 * first pay for the flow suite; the bail environment (bail-environment.js) stops at the first
 * failure, so the order decides the cost. Within each group, jest's order.
 */
const FLOW_TESTS = path.join(__dirname, '..', '..', 'test', 'lambda');
const isFlowTest = (test) => path.dirname(test.path) === FLOW_TESTS;

class UnitTestsFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    return [...ordered.filter((test) => !isFlowTest(test)), ...ordered.filter(isFlowTest)];
  }
}

module.exports = UnitTestsFirst;
