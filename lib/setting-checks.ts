import { SettingsError } from '../lambda/settings/setting';
import { longestGapHours, oldestUsableBackup, shortestGapMinutes } from './schedule';

/** Checks of the schedules, which simulate them (lib/schedule.ts), and checks across settings. */

/** How long past the schedule's longest gap the "no drill finished" alarm waits (a slow restore). */
export const DRILL_ALARM_SLACK_HOURS = 2;
/** CloudWatch alarms look back at most 7 days (168 one-hour periods), slack included. */
export const MAX_DRILL_GAP_HOURS = 7 * 24 - DRILL_ALARM_SLACK_HOURS;

export function checkAtMostHourly(setting: string, expression: string, why: string): void {
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

export function formatHours(minutes: number): string {
  const rest = minutes % 60;
  return rest === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

export function scheduleGapHours(setting: string, expression: string): number {
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
