/**
 * The check API a user's own module writes custom checks with (`import ... from
 * 'restore-drill/checks'`): the same contract the built-in checks implement. Pass the module to
 * the construct's `customCheckModules` and name its checks in a table's `customChecks`.
 */
export type { CheckContext, CheckDefinition, CheckRun } from './check';
export { resultOnly } from './check';
export type { CheckResult, CheckStatus } from '../domain/check-result';
export type { Item } from '../ports/dynamodb-port';
export { type ItemRule, itemRuleCheck } from './custom/item-rule';
export { describeKey, describeKeys } from './item-keys';
