import type { DrilledTable } from '../lambda/config';
import { type Setting, SettingsError, describe } from '../lambda/settings/setting';
import {
  type ResolvedSettingValues,
  type RestoreDrillSettings,
  SETTINGS,
  SETTING_DEFAULTS,
  type SettingName,
  checkEachSetting,
} from '../lambda/settings/spec';
import type { ResolvedTableSetting } from '../lambda/settings/tables';
import {
  checkBackupGapWithinRpo,
  checkColdStorageLeaves90Days,
  checkCompletionWindowAfterStartWindow,
  checkCustomChecksRegistered,
  checkDrillAfterBackupWindows,
  checkDrillGapWatchable,
  checkPrefixMatchesNoTable,
  checkRetentionCoversRpo,
  checkSchedulesAtMostHourly,
} from './setting-checks';

/**
 * The settings of a restore drill at synth. Each one is declared and documented once, in
 * lambda/settings/spec.ts (SETTINGS); here they are read from CDK context, checked, and resolved
 * with their defaults. An invalid value stops the synth with a {@link SettingsError} that names
 * the setting, what was given and what is accepted.
 */

export { SettingsError, SETTINGS, type RestoreDrillSettings };
export { DRILL_FUNCTION_MEMORY_MB } from '../lambda/settings/spec';
export type { DrillTableSetting, ResolvedTableSetting } from '../lambda/settings/tables';
export { parseTableReference } from '../lambda/settings/tables';
export { DRILL_ALARM_SLACK_HOURS, MAX_DRILL_GAP_HOURS, prefixMatchesTable } from './setting-checks';

/** The defaults, in one place (SETTINGS declares them). */
export const DEFAULT_SETTINGS = SETTING_DEFAULTS;

/** Settings with every default applied; what the construct builds from. */
export interface ResolvedRestoreDrillSettings extends ResolvedSettingValues {
  /** Longest time the drill schedule leaves between two runs, in whole hours (an upper bound). */
  readonly drillScheduleLongestGapHours: number;
}

/**
 * Checks settings and applies the defaults: each setting on its own (in the order of SETTINGS),
 * then the checks across settings, each named after what it refuses. Throws
 * {@link SettingsError} on the first invalid one.
 */
export function resolveSettings(
  settings: RestoreDrillSettings = {},
  moduleCheckNames: readonly string[] = [],
): ResolvedRestoreDrillSettings {
  const resolved = checkEachSetting(settings);
  checkRetentionCoversRpo(resolved);
  checkColdStorageLeaves90Days(resolved);
  checkSchedulesAtMostHourly(resolved);
  const drillScheduleLongestGapHours = checkDrillGapWatchable(resolved);
  checkBackupGapWithinRpo(resolved);
  checkCompletionWindowAfterStartWindow(resolved);
  checkDrillAfterBackupWindows(resolved);
  checkPrefixMatchesNoTable(resolved);
  checkCustomChecksRegistered(resolved, moduleCheckNames);
  return { ...resolved, drillScheduleLongestGapHours };
}

/** Converts a user table setting, with its ARN, to the engine's {@link DrilledTable}: the options given, nothing unset. */
export function toDrilledTable(table: ResolvedTableSetting & { tableArn: string }): DrilledTable {
  const options = Object.entries(table).filter(([name, value]) => value !== undefined && name !== 'tableName' && name !== 'tableArn');
  return { tableName: table.tableName, tableArn: table.tableArn, ...Object.fromEntries(options) };
}

/** The CDK context keys, one per setting. */
export const CONTEXT_KEYS = Object.keys(SETTINGS) as SettingName[];

/**
 * Refuses a context key that looks like a setting but is none (`rpoTargetHour`), naming the
 * nearest setting by edit distance. Keys of CDK and its CLI are left alone: those with ":" or "/"
 * or starting with "@" (feature flags, `aws:cdk:*`, lookups cached in cdk.context.json) and
 * kebab-case ones (`cli-telemetry`, `acknowledged-issue-numbers`, `assets-ecr-repository-name`),
 * unless a kebab-case key spells a setting (`rpo-target-hours`).
 */
export function checkContextKeys(keys: Iterable<string>): void {
  const settings: readonly string[] = CONTEXT_KEYS;
  const accepted = `a restore-drill setting: ${settings.join(', ')} (keys with ":", "/", "@" or "-" belong to CDK and its CLI)`;
  for (const key of keys) {
    if (settings.includes(key)) continue;
    if (/[:/@.]/.test(key)) continue;
    const squashed = key.replace(/-/g, '').toLowerCase();
    if (key.includes('-')) {
      const spelled = settings.find((setting) => setting.toLowerCase() === squashed);
      if (spelled) throw new SettingsError(key, `is written in kebab-case; the setting is "${spelled}"`, accepted);
      continue;
    }
    const nearest = [...settings].sort((a, b) => editDistance(squashed, a.toLowerCase()) - editDistance(squashed, b.toLowerCase()))[0];
    throw new SettingsError(key, `is not a setting (did you mean "${nearest}"?)`, accepted);
  }
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Reads the settings from CDK context and checks them (so a bad value fails before any construct
 * exists). Values from `-c key=value` arrive as strings, values from `cdk.json` as JSON; both are
 * accepted, as each setting's context form says (SETTINGS). Keys not given stay unset: the
 * construct applies the defaults. `contextKeys`, every key the app's context holds, are checked
 * for misspelled settings ({@link checkContextKeys}).
 */
export function settingsFromContext(getContext: (key: string) => unknown, contextKeys: Iterable<string> = []): RestoreDrillSettings {
  checkContextKeys(contextKeys);
  const settings: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting<unknown>][]) {
    const value = getContext(name);
    settings[name] = value === undefined || value === null || value === '' ? undefined : FROM_CONTEXT[setting.context](name, value);
  }
  resolveSettings(settings);
  return settings;
}

/** Reads a value of each context form (a string from `-c`, JSON from cdk.json). */
const FROM_CONTEXT: Record<Setting<unknown>['context'], (key: string, value: unknown) => unknown> = {
  text: (key, value) => {
    if (typeof value !== 'string') throw new SettingsError(key, `expected text, got ${describe(value)}`, 'a string');
    return value;
  },
  number: (key, value) => {
    const parsed = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof parsed !== 'number' || Number.isNaN(parsed)) {
      throw new SettingsError(key, `expected a number, got ${describe(value)}`, 'a number');
    }
    return parsed;
  },
  boolean: (key, value) => {
    if (typeof value === 'boolean') return value;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new SettingsError(key, `expected true or false, got ${describe(value)}`, 'true or false');
  },
  list: (key, value) => {
    if (Array.isArray(value)) return value;
    if (typeof value !== 'string') {
      throw new SettingsError(key, `expected a list, got ${describe(value)}`, 'a JSON array or a comma-separated list');
    }
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (Array.isArray(parsed)) return parsed;
      } catch {
        // fall through to the error below
      }
      throw new SettingsError(key, `"${value}" is not a valid JSON array`, 'a JSON array or a comma-separated list');
    }
    return trimmed
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  },
};
