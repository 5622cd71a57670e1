import type { Item } from '../../ports/dynamodb-port';
import { formatCount } from '../../report/format';
import type { CheckDefinition } from '../check';
import { describeKeys, keyId, keyOf } from '../item-keys';
import type { Json, JsonKey } from '../../fanout/contract';
import { keyFromJson, keyToJson } from '../../fanout/json-key';

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

/** Offending keys a run keeps: the report names the first five; the smallest keys, so the same whatever the scan order. */
const KEPT_OFFENDERS = 5;

interface ItemRulePartial {
  readonly checked: number;
  readonly reasons: Record<string, number>;
  readonly offenders: JsonKey[];
}

export function itemRuleCheck(rule: ItemRule): CheckDefinition {
  return {
    name: rule.name,
    needs: 'restored-table',
    begin: (context) => {
      const keySchema = context.restored?.keySchema ?? [];
      let checked = 0;
      // By key id, the smallest KEPT_OFFENDERS: order-independent, so split runs merge to the same report.
      let offenders = new Map<string, Item>();
      const reasons = new Map<string, number>();
      const keep = (key: Item) => {
        offenders.set(keyId(key, keySchema), key);
        if (offenders.size > KEPT_OFFENDERS) {
          offenders = new Map([...offenders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, KEPT_OFFENDERS));
        }
      };
      return {
        observeItem(item) {
          if (rule.appliesTo && !rule.appliesTo(item)) return;
          checked += 1;
          const problem = rule.check(item);
          if (problem === undefined) return;
          keep(keyOf(item, keySchema));
          reasons.set(problem, (reasons.get(problem) ?? 0) + 1);
        },
        partial: (): Json => ({
          checked,
          reasons: Object.fromEntries(reasons),
          offenders: [...offenders.values()].map(keyToJson),
        }),
        absorb(json) {
          const partial = json as unknown as ItemRulePartial;
          checked += partial.checked;
          for (const [reason, n] of Object.entries(partial.reasons)) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
          for (const key of partial.offenders) keep(keyFromJson(key));
        },
        async result() {
          const broken = [...reasons.values()].reduce((sum, n) => sum + n, 0);
          const numbers = { checked, broken };
          if (broken === 0) {
            return { check: rule.name, status: 'PASS', summary: `${formatCount(checked)} items: ${rule.description}`, numbers };
          }
          const why = [...reasons.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([reason, n]) => `${n} ${reason}`)
            .join(', ');
          const examples = [...offenders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key);
          return {
            check: rule.name,
            status: 'FAIL',
            summary: `${formatCount(broken)} of ${formatCount(checked)} items break the rule (${why}): ${describeKeys(examples, keySchema, KEPT_OFFENDERS, broken)}`,
            nextStep: rule.nextStep,
            numbers,
          };
        },
      };
    },
  };
}
