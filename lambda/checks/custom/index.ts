import type { CheckDefinition } from '../check';
import { polygonClosesCheck } from './polygon-closes';

/**
 * Custom checks by registered name. To add one: write a module beside this file (an
 * `itemRuleCheck` for per-item rules, or any `CheckDefinition`), add it here, and list its name
 * in a table's `customChecks` setting. The stack refuses names not registered here.
 */
export const CUSTOM_CHECKS: Readonly<Record<string, CheckDefinition>> = {
  [polygonClosesCheck.name]: polygonClosesCheck,
};

export const CUSTOM_CHECK_NAMES: readonly string[] = Object.keys(CUSTOM_CHECKS);
