import type { Item } from '../../ports/dynamodb-port';
import { formatCount } from '../../report/format';
import type { CheckDefinition } from '../check';
import { describeKeys } from '../item-keys';

/**
 * The easy way to write a custom check: a rule every restored item must satisfy. The engine
 * runs it on each item during the shared scan; the report gives the number of offenders and
 * the keys of the first few (never their values).
 */
export interface ItemRule {
  /** Registered name, used in the `customChecks` setting. */
  readonly name: string;
  /** What the rule proves, shown in the report when it passes. */
  readonly description: string;
  /** Items the rule applies to (default: all). */
  readonly appliesTo?: (item: Item) => boolean;
  /** Returns undefined when the item is fine, else a short reason. */
  readonly check: (item: Item) => string | undefined;
  /** Next step for the reader when items break the rule. */
  readonly nextStep: string;
}

export function itemRuleCheck(rule: ItemRule): CheckDefinition {
  return {
    name: rule.name,
    needs: 'restored-table',
    begin: (context) => {
      const keySchema = context.restored?.keySchema ?? [];
      let checked = 0;
      const offenders: Item[] = [];
      const reasons = new Map<string, number>();
      return {
        observeItem(item) {
          if (rule.appliesTo && !rule.appliesTo(item)) return;
          checked += 1;
          const problem = rule.check(item);
          if (problem === undefined) return;
          if (offenders.length < 20) offenders.push(item);
          reasons.set(problem, (reasons.get(problem) ?? 0) + 1);
        },
        async result() {
          const broken = [...reasons.values()].reduce((sum, n) => sum + n, 0);
          const numbers = { checked, broken };
          if (broken === 0) {
            return { check: rule.name, status: 'PASS', summary: `${formatCount(checked)} items: ${rule.description}`, numbers };
          }
          const why = [...reasons.entries()].map(([reason, n]) => `${n} ${reason}`).join(', ');
          return {
            check: rule.name,
            status: 'FAIL',
            summary: `${formatCount(broken)} of ${formatCount(checked)} items break the rule (${why}): ${describeKeys(offenders, keySchema)}`,
            nextStep: rule.nextStep,
            numbers,
          };
        },
      };
    },
  };
}
