import { CUSTOM_CHECK_NAME } from '../../settings/tables';
import type { CheckDefinition } from '../check';

/**
 * Custom checks from a user's own module (the `customCheckModules` prop of the construct): the
 * module exports one check or an array of checks as `default`, or exports them by name. The same
 * rule reads a module at synth (lib/constructs/custom-check-bundle.ts refuses a module that
 * yields no valid check) and in the drill function (lambda/custom-handler.ts).
 */

export function isCheckDefinition(value: unknown): value is CheckDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const check = value as Partial<CheckDefinition>;
  return (
    typeof check.name === 'string' &&
    (check.needs === 'recovery-point' || check.needs === 'restored-table') &&
    typeof check.begin === 'function'
  );
}

/** What is wrong with an export that was meant as a check, or undefined when it is one. */
export function checkDefinitionProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `is ${value === null ? 'null' : typeof value}, not a check`;
  const check = value as Record<string, unknown>;
  if (typeof check.name !== 'string') return 'has no string `name`';
  if (!CUSTOM_CHECK_NAME.test(check.name)) return `is named "${check.name}": a name is 1-64 letters, digits, . _ : -`;
  if (check.needs !== 'recovery-point' && check.needs !== 'restored-table')
    return `("${check.name}") has \`needs\` ${JSON.stringify(check.needs)}, not 'recovery-point' or 'restored-table'`;
  if (typeof check.begin !== 'function') return `("${check.name}") has no \`begin\` function`;
  return undefined;
}

/**
 * The checks a module exports. Throws, saying which export is wrong, when the default export is
 * not a check or an array of checks, or when the module exports no check at all.
 */
export function checksOfModule(moduleExports: Record<string, unknown>): CheckDefinition[] {
  const fromDefault = moduleExports.default;
  if (fromDefault !== undefined) {
    const candidates = Array.isArray(fromDefault) ? fromDefault : [fromDefault];
    return candidates.map((candidate, index) => {
      const problem = checkDefinitionProblem(candidate);
      if (problem) throw new Error(`its default export${Array.isArray(fromDefault) ? `[${index}]` : ''} ${problem}`);
      return candidate as CheckDefinition;
    });
  }
  const named = Object.values(moduleExports).filter(isCheckDefinition);
  if (named.length === 0) {
    throw new Error(
      'it exports no check: export a CheckDefinition (e.g. `export default itemRuleCheck({...})` from "restore-drill/checks") as default or by name',
    );
  }
  for (const check of named) {
    const problem = checkDefinitionProblem(check);
    if (problem) throw new Error(`its export ${problem}`);
  }
  return named;
}

/** Checks by name, refusing a name given twice (across modules, or with a built-in custom check). */
export function checksByName(
  registered: Readonly<Record<string, CheckDefinition>>,
  added: readonly CheckDefinition[],
): Record<string, CheckDefinition> {
  const byName: Record<string, CheckDefinition> = { ...registered };
  for (const check of added) {
    if (byName[check.name] && byName[check.name] !== check) throw new Error(`two custom checks are named "${check.name}"`);
    byName[check.name] = check;
  }
  return byName;
}
