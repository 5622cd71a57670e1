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
  // `npm run test:coverage`: the construct and the engine (the harness and tests are not the product).
  collectCoverageFrom: ['lib/**/*.ts', 'lambda/**/*.ts'],
};
