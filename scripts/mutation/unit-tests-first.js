const Sequencer = require('@jest/test-sequencer').default;
const { isFlowTestPath } = require('./flow-tests');

/**
 * The test order of mutation runs: a mutant's unit tests (test/lambda/<folder>/) before the drill
 * flow tests (flow-tests.js: test/lambda/drill/*-flow*.test.ts and test/lambda/handler.test.ts,
 * whole drills through the handler on the in-memory flow world). Jest's own order runs the slowest
 * file first, so every mutant a unit test kills in milliseconds would first pay for the flow
 * suite; the bail environment (bail-environment.js) stops at the first failure, so the order
 * decides the cost. Within each group, jest's order.
 */
const isFlowTest = (test) => isFlowTestPath(test.path);

class UnitTestsFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    return [...ordered.filter((test) => !isFlowTest(test)), ...ordered.filter(isFlowTest)];
  }
}

module.exports = UnitTestsFirst;
