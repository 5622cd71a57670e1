import { CfnCondition, CfnMapping, CfnParameter, Fn, type Stack, Token } from 'aws-cdk-lib';
import { longestGapHours } from './schedule';
import { type RestoreDrillSettings, SETTINGS, SettingsError, resolveSettings } from './settings';

/**
 * The console template (`npm run template`): the settings a person deploying from the
 * CloudFormation console chooses, as CloudFormation parameters, and what the construct builds
 * from them. A parameter is a token at synth, so a setting is a parameter only where everything
 * that reads it works with a token; every synth-time check it takes part in is run here for each
 * value the parameter allows (AllowedValues), or the parameter's own constraints hold what the
 * check held. Every other setting keeps the value `-c` gave at `npm run template` time (or its
 * default) and is checked at synth as for `cdk deploy`.
 *
 * - notificationEmail, notifyFailuresOnly: conditions choose the subscription; both topics exist.
 * - tables: `TableArns` adds tables (ARNs) to those `-c tables` bakes in. ARNs, not names: a name
 *   would have to become an ARN in the template, and Fn::Join takes no function in its delimiter
 *   (CloudFormation template reference, Fn::Join, "Supported functions"), so a list of names
 *   cannot be turned into a list of ARNs in this account and Region; a list of ARNs is used as
 *   is by IAM, the backup selection and DRILL_TABLES. Per-table options stay with `-c tables`.
 * - backupSchedule and drillSchedule: `BackupHourUtc`, a daily backup at a whole hour; the drill
 *   runs when that backup's start and completion windows have closed (a mapping per hour). Every
 *   hour is checked at synth with the schedule checks, and the dead man's switch is the same 24 h
 *   gap for all. Free cron expressions cannot be: the checks simulate the schedules.
 * - rpoTargetHours: whole hours from a list (the engine counts minutes and CloudFormation cannot
 *   multiply: a mapping per value); each value checked against the backup schedules and retention.
 * - rtoTargetMinutes: a number in the setting's range (the engine's unit).
 */

/** Settings chosen at deploy time, as the construct reads them: tokens and conditions. */
export interface DeployTimeSettings {
  /** The email address to subscribe, '' for none. */
  readonly notificationEmail: string;
  readonly emailGiven: CfnCondition;
  readonly failuresOnly: CfnCondition;
  /** More table ARNs to drill, comma-separated (only read under `tableArnsGiven`). */
  readonly tableArns: string;
  readonly tableArnsGiven: CfnCondition;
  /**
   * The daily backup and the drill after it; absent when `-c` gave a schedule (then both are as
   * given, checked at synth).
   */
  readonly schedules?: { readonly backupSchedule: string; readonly drillSchedule: string };
  readonly rpoTargetMinutes: number;
  readonly rtoTargetMinutes: number;
}

/** The parameters' logical IDs, as the console shows them. */
export const CONSOLE_PARAMETERS = {
  notificationEmail: 'NotificationEmail',
  notifyFailuresOnly: 'NotifyFailuresOnly',
  tableArns: 'TableArns',
  backupHourUtc: 'BackupHourUtc',
  rpoTargetHours: 'RpoTargetHours',
  rtoTargetMinutes: 'RtoTargetMinutes',
} as const;

/** The settings `npm run template` keeps as given (or default): CDK-only in the console template. */
export const CDK_ONLY_IN_CONSOLE_TEMPLATE = Object.keys(SETTINGS).filter(
  (name) =>
    !['notificationEmail', 'notifyFailuresOnly', 'backupSchedule', 'drillSchedule', 'rpoTargetHours', 'rtoTargetMinutes'].includes(name),
);

const TABLE_ARN_PATTERN = 'arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255}';
/**
 * DRILL_TABLES must stay within Lambda's 4 KB of environment: each ARN costs about itself plus
 * 16 characters of JSON there. 1500 characters are about 20 ARNs of 70 characters.
 */
const TABLE_ARNS_MAX_LENGTH = 1500;
/** RPO values offered: every hour up to a week, then 8, 10 days, 2, 3 weeks and 30 days. */
const RPO_CANDIDATES = [...Array.from({ length: 168 }, (_, index) => index + 1), 192, 240, 336, 504, 720];

/**
 * Adds the console template's parameters, conditions and mappings to the stack, checks every
 * value they allow, and returns what the construct builds from.
 */
export function addConsoleParameters(stack: Stack, settings: RestoreDrillSettings): DeployTimeSettings {
  const resolved = resolveSettings(settings);
  const email = new CfnParameter(stack, CONSOLE_PARAMETERS.notificationEmail, {
    type: 'String',
    default: resolved.notificationEmail ?? '',
    description: 'Email address that gets the drill reports and alarms (confirm the subscription email). Empty: no email.',
    allowedPattern: '^$|^[^@ ]+@[^@ ]+\\.[^@ ]+$',
    maxLength: 254,
    constraintDescription: 'an email address (name@example.com), or empty',
  });
  const failuresOnly = new CfnParameter(stack, CONSOLE_PARAMETERS.notifyFailuresOnly, {
    type: 'String',
    default: String(resolved.notifyFailuresOnly),
    allowedValues: ['true', 'false'],
    description: 'true: the email gets only FAIL reports and alarms; false: every report.',
  });
  const tableArns = new CfnParameter(stack, CONSOLE_PARAMETERS.tableArns, {
    type: 'String',
    default: '',
    description:
      'DynamoDB tables to drill besides the fixture table: their ARNs (DynamoDB console, table, General information), comma-separated, no spaces; tables of this account and Region only. They are added to the backup plan. Empty: only the fixture table.',
    allowedPattern: `^$|^${TABLE_ARN_PATTERN}(,${TABLE_ARN_PATTERN})*$`,
    maxLength: TABLE_ARNS_MAX_LENGTH,
    constraintDescription: `table ARNs (arn:aws:dynamodb:<region>:<account>:table/<name>) separated by commas, no spaces, ${TABLE_ARNS_MAX_LENGTH} characters at most`,
  });
  const rto = new CfnParameter(stack, CONSOLE_PARAMETERS.rtoTargetMinutes, {
    type: 'Number',
    default: resolved.rtoTargetMinutes,
    minValue: SETTINGS.rtoTargetMinutes.min,
    maxValue: SETTINGS.rtoTargetMinutes.max,
    description: 'Longest acceptable restore duration, in minutes: a slower restore FAILs the RTO check.',
  });

  const schedules = settings.backupSchedule === undefined && settings.drillSchedule === undefined ? backupHour(stack, settings) : undefined;
  const rpo = rpoTargetHours(stack, settings, schedules?.checked ?? [settings]);

  const given = (id: string, parameter: CfnParameter) =>
    new CfnCondition(stack, id, { expression: Fn.conditionNot(Fn.conditionEquals(parameter.valueAsString, '')) });
  return {
    notificationEmail: email.valueAsString,
    emailGiven: given('NotificationEmailGiven', email),
    failuresOnly: new CfnCondition(stack, 'FailuresOnly', { expression: Fn.conditionEquals(failuresOnly.valueAsString, 'true') }),
    tableArns: tableArns.valueAsString,
    tableArnsGiven: given('TableArnsGiven', tableArns),
    schedules: schedules && { backupSchedule: schedules.backupSchedule, drillSchedule: schedules.drillSchedule },
    rpoTargetMinutes: rpo,
    rtoTargetMinutes: rto.valueAsNumber,
  };
}

/**
 * `BackupHourUtc`: the daily backup's hour; the drill runs when its start and completion windows
 * have closed. Each hour is checked with every schedule check, at the lowest RPO offered.
 */
function backupHour(stack: Stack, settings: RestoreDrillSettings) {
  const resolved = resolveSettings(settings);
  const defaultHour = /^cron\(0 (\d{1,2}) \* \* \? \*\)$/.exec(resolved.backupSchedule)?.[1];
  if (defaultHour === undefined) throw new Error(`the default backup schedule ${resolved.backupSchedule} is not daily at a whole hour`);
  const windowMinutes = resolved.backupStartWindowMinutes + resolved.backupCompletionWindowMinutes;
  const drillMinute = windowMinutes % 60;
  const hours = Array.from({ length: 24 }, (_, hour) => hour);
  const drillHour = (hour: number) => (hour + Math.floor(windowMinutes / 60)) % 24;
  const checked = hours.map((hour) => ({
    ...settings,
    backupSchedule: `cron(0 ${hour} * * ? *)`,
    drillSchedule: `cron(${drillMinute} ${drillHour(hour)} * * ? *)`,
  }));
  // The dead man's switch waits the drill schedule's longest gap: the same for every hour.
  const gaps = new Set(checked.map((each) => longestGapHours(each.drillSchedule)));
  if (gaps.size !== 1) throw new Error('the drill schedules of the backup hours leave different gaps');
  const parameter = new CfnParameter(stack, CONSOLE_PARAMETERS.backupHourUtc, {
    type: 'String',
    default: defaultHour,
    allowedValues: hours.map(String),
    description: `Hour (UTC, 0-23) of the daily backup. The drill runs ${windowMinutes} minutes later, when the backup's start and completion windows (${resolved.backupStartWindowMinutes} + ${resolved.backupCompletionWindowMinutes} minutes) have closed.`,
  });
  // Mapping keys are the parameter's values; the attribute name is alphanumeric, as mappings require.
  const drillHours = new CfnMapping(stack, 'DrillHourAfterBackup', {
    mapping: Object.fromEntries(hours.map((hour) => [String(hour), { hour: String(drillHour(hour)) }])),
  });
  return {
    checked,
    // Starts with "cron(": CDK's backup rule accepts only cron expressions, and this is one at deploy.
    backupSchedule: `cron(0 ${parameter.valueAsString} * * ? *)`,
    drillSchedule: `cron(${drillMinute} ${drillHours.findInMap(parameter.valueAsString, 'hour')} * * ? *)`,
  };
}

/**
 * `RpoTargetHours`: the values every schedule choice passes with (the RPO must cover the backup
 * gap and the drill's wait for a finished backup, and fit the retention); in minutes for the engine.
 */
function rpoTargetHours(stack: Stack, settings: RestoreDrillSettings, scheduleChoices: readonly RestoreDrillSettings[]): number {
  const passes = (hours: number) =>
    scheduleChoices.every((choice) => {
      try {
        resolveSettings({ ...choice, rpoTargetHours: hours });
        return true;
      } catch (error) {
        if (error instanceof SettingsError) return false;
        throw error;
      }
    });
  const defaultHours = resolveSettings(settings).rpoTargetHours;
  if (!Number.isInteger(defaultHours)) {
    throw new SettingsError('rpoTargetHours', `${defaultHours} is not a whole number of hours`, 'whole hours in the console template');
  }
  const allowed = [...new Set([...RPO_CANDIDATES, defaultHours])].sort((a, b) => a - b).filter(passes);
  if (!allowed.includes(defaultHours)) {
    throw new SettingsError(
      'rpoTargetHours',
      `${defaultHours} does not pass with every backup hour the template offers`,
      allowed.join(', '),
    );
  }
  const parameter = new CfnParameter(stack, CONSOLE_PARAMETERS.rpoTargetHours, {
    type: 'String',
    default: String(defaultHours),
    allowedValues: allowed.map(String),
    description: `Oldest acceptable age of the newest recovery point, in hours (${allowed[0]}-${allowed.at(-1)}): an older one FAILs the RPO check.`,
  });
  const minutes = new CfnMapping(stack, 'RpoTargetMinutes', {
    mapping: Object.fromEntries(allowed.map((hours) => [String(hours), { minutes: String(hours * 60) }])),
  });
  return Token.asNumber(minutes.findInMap(parameter.valueAsString, 'minutes'));
}
