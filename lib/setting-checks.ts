import { CUSTOM_CHECK_NAMES } from '../lambda/checks/custom';
import { SettingsError } from '../lambda/settings/setting';
import { type ResolvedSettingValues, SETTINGS } from '../lambda/settings/spec';
import { longestGapHours, oldestUsableBackup, shortestGapMinutes } from './schedule';

/**
 * The checks that run after each setting passed its own (lambda/settings/spec.ts): those that
 * simulate the schedules (lib/schedule.ts, which the Lambda bundle leaves out) and those across
 * settings. Each is named after what it refuses; resolveSettings (lib/settings.ts) runs them in
 * this order.
 */

/** How long past the schedule's longest gap the "no drill finished" alarm waits (a slow restore). */
export const DRILL_ALARM_SLACK_HOURS = 2;
/** CloudWatch alarms look back at most 7 days (168 one-hour periods), slack included. */
export const MAX_DRILL_GAP_HOURS = 7 * 24 - DRILL_ALARM_SLACK_HOURS;

/** The recovery point the RPO allows could already be deleted when the drill looks for it. */
export function checkRetentionCoversRpo({ backupRetentionDays, rpoTargetHours }: ResolvedSettingValues): void {
  if (backupRetentionDays * 24 < rpoTargetHours) {
    throw new SettingsError(
      'backupRetentionDays',
      `${backupRetentionDays} days (${backupRetentionDays * 24} h) is shorter than the RPO window rpoTargetHours=${rpoTargetHours}`,
      `at least ${Math.ceil(rpoTargetHours / 24)} days, or lower rpoTargetHours`,
    );
  }
}

/** AWS Backup: recovery points in cold storage must stay there at least 90 days. */
export function checkColdStorageLeaves90Days({ coldStorageAfterDays, backupRetentionDays }: ResolvedSettingValues): void {
  if (coldStorageAfterDays !== undefined && backupRetentionDays < coldStorageAfterDays + 90) {
    throw new SettingsError(
      'coldStorageAfterDays',
      `${coldStorageAfterDays} days leaves ${backupRetentionDays - coldStorageAfterDays} days in cold storage before backupRetentionDays=${backupRetentionDays}`,
      `backupRetentionDays >= coldStorageAfterDays + 90 (here at most ${Math.max(backupRetentionDays - 90, 0)}), or no cold storage`,
    );
  }
}

export function checkSchedulesAtMostHourly({ drillSchedule, backupSchedule }: ResolvedSettingValues): void {
  checkAtMostHourly('drillSchedule', drillSchedule, 'a drill restores a table: more than one an hour piles up restores of the same data');
  // AWS Backup refuses rules whose backups are less than 60 minutes apart ("The interval between
  // backup jobs shouldn't be less than 60 minutes", as reported on AWS re:Post).
  checkAtMostHourly('backupSchedule', backupSchedule, 'AWS Backup refuses backup rules less than 60 minutes apart');
}

/** The "no drill finished" alarm watches the longest gap between drills; returns it, in whole hours. */
export function checkDrillGapWatchable({ drillSchedule }: ResolvedSettingValues): number {
  const drillScheduleLongestGapHours = scheduleGapHours('drillSchedule', drillSchedule);
  if (drillScheduleLongestGapHours > MAX_DRILL_GAP_HOURS) {
    throw new SettingsError(
      'drillSchedule',
      `"${drillSchedule}" leaves up to ${drillScheduleLongestGapHours} h between drills; the "no drill finished" alarm can watch at most ${MAX_DRILL_GAP_HOURS} h plus two`,
      `a schedule that runs at least once every ${MAX_DRILL_GAP_HOURS} hours, e.g. the default "${SETTINGS.drillSchedule.default}"`,
    );
  }
  return drillScheduleLongestGapHours;
}

/** Drills would fail the RPO check by design. */
export function checkBackupGapWithinRpo({ backupSchedule, rpoTargetHours }: ResolvedSettingValues): void {
  const backupGapHours = scheduleGapHours('backupSchedule', backupSchedule);
  if (backupGapHours > rpoTargetHours) {
    throw new SettingsError(
      'backupSchedule',
      `"${backupSchedule}" leaves up to ${backupGapHours} h between backups, more than rpoTargetHours=${rpoTargetHours}: drills would fail the RPO check by design`,
      `a schedule that backs up at least every ${rpoTargetHours} hours, or rpoTargetHours >= ${backupGapHours}`,
    );
  }
}

/**
 * The backup rule's start and completion windows. AWS Backup API reference (BackupRule,
 * StartWindowMinutes): "If this value is included, it must be at least 60 minutes to avoid
 * errors"; without it the default is 8 hours (AWS-FACTS, CDK BackupPlanRuleProps). The
 * completion window has no documented minimum; widely used modules (cloudposse's
 * terraform-aws-backup: "Must be at least 60 minutes greater than start_window") hold it to the
 * start window plus 60 minutes, which is kept here rather than learnt at deploy time.
 */
export function checkCompletionWindowAfterStartWindow({
  backupStartWindowMinutes,
  backupCompletionWindowMinutes,
}: ResolvedSettingValues): void {
  if (backupCompletionWindowMinutes < backupStartWindowMinutes + 60) {
    throw new SettingsError(
      'backupCompletionWindowMinutes',
      `${backupCompletionWindowMinutes} is less than backupStartWindowMinutes=${backupStartWindowMinutes} plus 60`,
      `at least ${backupStartWindowMinutes + 60}, or a shorter backupStartWindowMinutes`,
    );
  }
}

/** IAM lets the drill delete `table/<prefix>*`: no drilled table may match the prefix. */
export function checkPrefixMatchesNoTable({ restoreTablePrefix, fixtureTableName, tables }: ResolvedSettingValues): void {
  if (fixtureTableName !== undefined) checkPrefixDoesNotMatch(restoreTablePrefix, fixtureTableName, 'fixtureTableName');
  for (const table of tables) checkPrefixDoesNotMatch(restoreTablePrefix, table.tableName, 'tables');
}

/**
 * True when the prefix could select the table: IAM lets the drill delete `table/<prefix>*`.
 * Compared case-insensitively to stay on the safe side.
 */
export function prefixMatchesTable(prefix: string, tableName: string): boolean {
  return tableName.toLowerCase().startsWith(prefix.toLowerCase());
}

function checkPrefixDoesNotMatch(prefix: string, tableName: string, setting: string): void {
  if (prefixMatchesTable(prefix, tableName)) {
    throw new SettingsError(
      'restoreTablePrefix',
      `"${prefix}" matches the drilled table "${tableName}" (from ${setting}); the drill may delete any table with this prefix`,
      'a prefix that no drilled table name starts with, e.g. the default "drill-copy-"',
    );
  }
}

/**
 * The engine looks checks up by name at drill time; an unknown name is caught here instead.
 * `moduleCheckNames`: the checks of the construct's `customCheckModules`.
 */
export function checkCustomChecksRegistered({ tables }: ResolvedSettingValues, moduleCheckNames: readonly string[] = []): void {
  const registered = [...CUSTOM_CHECK_NAMES, ...moduleCheckNames];
  tables.forEach((table, index) => {
    for (const name of table.customChecks ?? []) {
      if (!registered.includes(name)) {
        throw new SettingsError(
          `tables[${index}].customChecks`,
          `no custom check is registered as "${name}"`,
          `a name registered in lambda/checks/custom/index.ts or exported by a module of customCheckModules: ${registered.join(', ')}`,
        );
      }
    }
  });
}

function checkAtMostHourly(setting: string, expression: string, why: string): void {
  let minutes: number;
  try {
    minutes = shortestGapMinutes(expression);
  } catch (error) {
    throw new SettingsError(
      setting,
      `"${expression}" cannot be evaluated (${(error as Error).message})`,
      'a cron expression EventBridge accepts',
    );
  }
  if (minutes < 60) {
    throw new SettingsError(
      setting,
      `"${expression}" runs as often as every ${minutes} minutes (${why})`,
      'a schedule whose runs are at least 60 minutes apart, e.g. "cron(0 * * * ? *)"',
    );
  }
}

/**
 * Refuses a drill schedule that can run before the backup it expects has finished: at every drill
 * run, the newest backup whose start and completion windows have both closed must be at most
 * rpoTargetHours old (see {@link oldestUsableBackup}). Both windows are added: the rule's
 * completion window counts from the job's start (BackupRule API reference), which may itself come
 * as late as the end of the start window.
 */
export function checkDrillAfterBackupWindows(settings: {
  drillSchedule: string;
  backupSchedule: string;
  backupStartWindowMinutes: number;
  backupCompletionWindowMinutes: number;
  rpoTargetHours: number;
}): void {
  const {
    drillSchedule,
    backupSchedule,
    backupStartWindowMinutes: start,
    backupCompletionWindowMinutes: completion,
    rpoTargetHours,
  } = settings;
  const window = start + completion;
  const worst = oldestUsableBackup(drillSchedule, backupSchedule, window);
  if (worst.ageMinutes <= rpoTargetHours * 60) return;
  const at = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const when = worst.drillAt
    ? `the drill of ${at(worst.drillAt)} runs before the backup of ${at(new Date(worst.nextBackupClosesAt.getTime() - window * 60_000))} is sure to have finished (${at(worst.nextBackupClosesAt)})`
    : `a rate schedule runs at any time of day, e.g. just before a backup is sure to have finished (${window} minutes after it is scheduled)`;
  throw new SettingsError(
    'drillSchedule',
    `"${drillSchedule}" can run before the backup it expects: with backupSchedule "${backupSchedule}", backupStartWindowMinutes=${start} and backupCompletionWindowMinutes=${completion}, ${when}, so it can only count on the backup of ${at(worst.backupAt)}, ${formatHours(worst.ageMinutes)} old, over rpoTargetHours=${rpoTargetHours}`,
    `a drill schedule whose every run is at least ${window} minutes after a backup and within rpoTargetHours of it, shorter backup windows (backupStartWindowMinutes >= 60, backupCompletionWindowMinutes >= start + 60), or rpoTargetHours >= ${Math.ceil(worst.ageMinutes / 60)}`,
  );
}

function formatHours(minutes: number): string {
  const rest = minutes % 60;
  return rest === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

function scheduleGapHours(setting: string, expression: string): number {
  try {
    return longestGapHours(expression);
  } catch (error) {
    throw new SettingsError(
      setting,
      `"${expression}" cannot be evaluated (${(error as Error).message})`,
      'a cron expression EventBridge accepts',
    );
  }
}
