import { type NumberSetting, numberSetting } from './setting';
import { type NumberSettingName, type ResolvedSettingValues, SETTINGS } from './spec';

/**
 * DRILL_TARGETS, the targets and limits the engine checks a restore with (`DrillTargets` in
 * lambda/config.ts): each is a setting, in the unit the engine counts in (`factor` times the
 * setting's value). The construct writes them from the settings; the engine accepts what the
 * settings accept (lambda/read-config.ts).
 */
export const DRILL_TARGET_SETTINGS = {
  /** Oldest acceptable age of the latest recovery point, in minutes (`rpoTargetHours` × 60). */
  rpoTargetMinutes: { setting: 'rpoTargetHours', factor: 60 },
  /** Longest acceptable restore duration, in minutes. */
  rtoTargetMinutes: { setting: 'rtoTargetMinutes', factor: 1 },
  /** Percent difference allowed between restored and source item counts (a table's own overrides it). */
  itemCountTolerancePercent: { setting: 'itemCountTolerancePercent', factor: 1 },
  /** Random restored items compared with the source. */
  sampleSize: { setting: 'sampleSize', factor: 1 },
  /** Parallel scan segments for full-table checks. */
  scanSegments: { setting: 'scanSegments', factor: 1 },
  /** Read capacity units the checks may consume from one source table per drill. */
  sourceReadBudgetUnits: { setting: 'sourceReadBudgetUnits', factor: 1 },
  /** Read units per second the checks may take from a source table (at most a quarter of its read capacity, when it has one). */
  sourceReadUnitsPerSecond: { setting: 'sourceReadUnitsPerSecond', factor: 1 },
} as const satisfies Record<string, { readonly setting: NumberSettingName; readonly factor: number }>;

export type DrillTargetName = keyof typeof DRILL_TARGET_SETTINGS;
export type DrillTargetValues = { readonly [K in keyof typeof DRILL_TARGET_SETTINGS]: number };

/** DRILL_TARGETS from the checked settings. */
export function drillTargets(settings: ResolvedSettingValues): DrillTargetValues {
  const entries = Object.entries(DRILL_TARGET_SETTINGS).map(([target, { setting, factor }]) => [target, settings[setting] * factor]);
  return Object.fromEntries(entries) as DrillTargetValues;
}

/** What the engine accepts for a target: its setting's range, in the target's unit. */
export function drillTargetSetting(target: DrillTargetName): NumberSetting {
  const { setting, factor } = DRILL_TARGET_SETTINGS[target];
  const { min, max, integer } = SETTINGS[setting];
  return numberSetting({ min: min * factor, max: max * factor, integer });
}
