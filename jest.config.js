/**
 * Tests run TypeScript through SWC, without type-checking; `npm run typecheck` (part of
 * `npm test`) does that once for the whole project.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // AWS's DynamoDB Local (a JVM) for every test that talks to a DynamoDB engine.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
  // Hooks and tests that start the local harness or talk to DynamoDB Local took over jest's default
  // 5 s on this shared 2-core machine under load (24 harness tests failed in their beforeAll at a
  // load average of 13); no test here is meant to be timed, the timeout only catches a hang.
  testTimeout: 30_000,
  // `npm run test:coverage`: the construct and the engine (the harness and tests are not the product).
  collectCoverageFrom: ['lib/**/*.ts', 'lambda/**/*.ts'],
};
