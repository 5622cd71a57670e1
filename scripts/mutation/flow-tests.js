/**
 * Which of test/lambda's tests are flow tests: a whole drill through the handler on the in-memory
 * flow world (test/lambda/support/flow-world.ts) - test/lambda/drill/*-flow*.test.ts
 * (drill-flow*.test.ts, data-checks-flow.test.ts) and the handler's own test/lambda/handler.test.ts.
 * Every other test file under test/lambda is a unit test of one module. Used by the test order
 * (unit-tests-first.js) and by --unit-only (jest.mutation.config.js).
 */
const FLOW_TEST = /(?:^|[\\/])(?:handler|[\w-]+-flow(?:-[\w-]+)?)\.test\.ts$/;

/** jest's testPathIgnorePatterns entry for the flow tests (a regular expression's source). */
const FLOW_TEST_PATTERN = FLOW_TEST.source;

const isFlowTestPath = (testPath) => FLOW_TEST.test(testPath);

module.exports = { FLOW_TEST_PATTERN, isFlowTestPath };
