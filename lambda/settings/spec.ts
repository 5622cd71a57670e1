import { FIXTURE_DEFAULT_PROPERTY_COUNT } from '../fixture/fixture-items';
import {
  KMS_KEY_ARN_ACCEPTED,
  type NumberSetting,
  type Setting,
  SettingsError,
  TABLE_NAME_ACCEPTED,
  booleanSetting,
  checkAdminPrincipal,
  checkKmsKeyArn,
  checkTableName,
  kmsKeyArnSetting,
  listSetting,
  numberSetting,
  enumSetting,
  scheduleSetting,
  textSetting,
} from './setting';
import { tablesSetting } from './tables';

/**
 * Every setting of a restore drill, declared once: type, default, accepted values and doc. The
 * CDK context key is the setting's name (`cdk.json` or `-c key=value`), and the same names and
 * types are the props of the `RestoreDrill` construct ({@link RestoreDrillSettings}). The synth
 * checks each value with it (lib/settings.ts, then the checks across settings), and the drill
 * Lambda checks DRILL_TABLES and DRILL_TARGETS with it at cold start (lambda/read-config.ts), and
 * README's settings table is generated from it (`npm run docs:settings`).
 *
 * Plain TypeScript, for the drill Lambda's bundle too: no aws-cdk-lib, and no schedule
 * evaluation (the checks that simulate schedules stay in lib/).
 */

/**
 * Memory of the drill Lambda; the default scan parallelism is sized to it. 1,769 MB is one full
 * vCPU (Lambda allots CPU in proportion to memory): the shared scan is CPU-bound and runs on one
 * thread, so below it a drill takes longer at the same cost per item, and above it pays for a
 * second vCPU the scan cannot use (README, "Performance, measured": the memory trade-off).
 */
export const DRILL_FUNCTION_MEMORY_MB = 1769;
const MB_PER_SCAN_SEGMENT = 256;

// AWS Backup vault names: 2-50 characters of a-z, A-Z, 0-9, '-', '_'.
const VAULT_NAME = /^[a-zA-Z0-9_-]{2,50}$/;
// Deliberately simple: one @, no spaces, a dot in the domain. SNS has the final word.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PREFIX_ACCEPTED = '4-64 characters of a-z A-Z 0-9 _ . -, e.g. "drill-copy-"';
// Restore testing plan names: letters, digits and underscores, at most 50 (AWS::Backup::RestoreTestingPlan).
const RESTORE_TESTING_PLAN_NAME = /^[a-zA-Z0-9_]{1,50}$/;
const RESTORE_TESTING_PLAN_ARN = /^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:restore-testing-plan:[a-zA-Z0-9_]{1,50}-[^:/\s]+$/;
const RESTORE_TESTING_PLAN_NAME_ACCEPTED = 'a plan name (1-50 letters, digits, underscores)';
/** AWS Backup's largest start and completion windows the drill could use: a month. */
const MAX_BACKUP_WINDOW_MINUTES = 30 * 24 * 60;

/**
 * "Any number of users can execute up to 50 concurrent restores (any type of restore) in a given
 * account" (DynamoDB API Reference, RestoreTableFromBackup). An AWS Backup restore of a DynamoDB
 * table is one; AWS Backup's quotas page names no limit on restore jobs.
 */
export const DYNAMODB_CONCURRENT_RESTORES = 50;

export const SETTINGS = {
  /**
   * Source tables to drill besides the fixture table, which the drill always creates and drills
   * (it is refused here). Each entry is a table name, a table ARN, or an object with the table
   * and its options ({@link DrillTableSetting}); in context, a JSON array or a comma-separated
   * list of names and ARNs. They are added to the backup plan too. Every table must be in the
   * stack's account and Region: refused at synth when the stack has an `env`; for an
   * environment-agnostic stack the synth warns and the drill checks each table's ARN when it
   * runs (a table of another account or Region FAILs as `table in another account or Region`,
   * with no AWS Backup call).
   * @default - none: only the fixture table
   */
  tables: tablesSetting(),
  /**
   * Existing backup vaults also searched for recovery points (the stack's own vault always is),
   * such as the vault an earlier instance of this stack left behind (vaults are retained).
   * @default - none
   */
  vaultNames: listSetting({
    accepted: '2-50 characters of a-z A-Z 0-9 - _',
    check: (vault, name) => {
      if (!VAULT_NAME.test(vault))
        throw new SettingsError(name, `"${vault}" is not a backup vault name`, '2-50 characters of a-z A-Z 0-9 - _');
    },
  }),
  /**
   * Customer-managed KMS keys (key ARNs, not aliases) of the vaults in `vaultNames`: the restore
   * role may decrypt their recovery points. Not needed for vaults encrypted with the AWS managed key.
   * @default - none
   */
  vaultKeyArns: listSetting({ accepted: KMS_KEY_ARN_ACCEPTED, check: (arn, name) => void checkKmsKeyArn(name, arn) }),
  /**
   * Email address subscribed to drill reports and alarms (the recipient must confirm).
   * @default - no subscription
   */
  notificationEmail: textSetting({
    accepted: 'name@example.com',
    check: (email, name) => {
      if (!EMAIL.test(email)) throw new SettingsError(name, `"${email}" is not an email address`, 'name@example.com');
    },
  }),
  /**
   * Email only FAIL reports and alarms: the email subscribes to a failure topic the engine
   * publishes FAIL reports to, not to the report topic through a filter policy (the SNS guide
   * says message attributes are sent only for String-structured messages, and reports are
   * JSON-structured).
   * @default false
   */
  notifyFailuresOnly: booleanSetting({ default: false }),
  /**
   * When the drill runs: an EventBridge `cron(...)` (6 fields, UTC) or `rate(...)` expression.
   * At most hourly, and at least once every 166 hours: the "no drill finished" alarm watches the
   * longest gap between runs plus two hours, and CloudWatch alarms look back at most seven days.
   * Every run must find a finished backup young enough for `rpoTargetHours`: a backup counts as
   * finished once its start and completion windows have closed (a rate schedule can run at any
   * time of day, so it needs an RPO of the longest backup gap plus both windows).
   * @default 'cron(0 6 * * ? *)' (06:00 UTC daily, when the default 03:00 backup's windows close)
   */
  drillSchedule: scheduleSetting({ default: 'cron(0 6 * * ? *)', allowRate: true }),
  /**
   * Also start a drill when AWS Backup reports a COMPLETED backup job of a drilled table.
   * @default false
   */
  drillAfterBackup: booleanSetting({ default: false }),
  /**
   * When the daily backup rule runs: a `cron(...)` expression (AWS Backup accepts cron only),
   * at most hourly (AWS Backup refuses more). Its longest gap between backups must not exceed
   * `rpoTargetHours`, or drills would fail the RPO check by design.
   * @default 'cron(0 3 * * ? *)'
   */
  backupSchedule: scheduleSetting({ default: 'cron(0 3 * * ? *)', allowRate: false }),
  /**
   * Minutes after its scheduled time within which a backup job must start, else AWS Backup
   * cancels it (the rule's StartWindowMinutes; AWS requires at least 60, and without one AWS
   * Backup allows 8 hours). With the completion window it bounds when a backup has finished: a
   * drill schedule that could run before the backup it expects has finished is refused.
   * @default 60
   */
  backupStartWindowMinutes: numberSetting({ default: 60, min: 60, max: MAX_BACKUP_WINDOW_MINUTES, integer: true }),
  /**
   * Minutes within which a started backup job must complete, else AWS Backup cancels it (the
   * rule's CompletionWindowMinutes; without one, 7 days). At least 60 more than the start window.
   * Raise it for a table whose backup takes longer, and move the drill later to match.
   * @default 120
   */
  backupCompletionWindowMinutes: numberSetting({ default: 120, min: 120, max: MAX_BACKUP_WINDOW_MINUTES, integer: true }),
  /**
   * Days a recovery point is kept (AWS Backup `deleteAfter`); at least the RPO window
   * (`rpoTargetHours`).
   * @default 35
   */
  backupRetentionDays: numberSetting({ default: 35, min: 1, max: 36_500, integer: true }),
  /**
   * Days after which recovery points move to cold storage. AWS Backup requires the retention to
   * be at least this plus 90 days.
   * @default - never
   */
  coldStorageAfterDays: numberSetting({ min: 1, max: 36_500, integer: true }),
  /**
   * Oldest acceptable age of the latest recovery point, in hours.
   * @default 26 (a daily backup plus two hours of slack)
   */
  rpoTargetHours: numberSetting({ default: 26, min: 1, max: 720 }),
  /**
   * Longest acceptable restore duration, in minutes.
   * @default 60
   */
  rtoTargetMinutes: numberSetting({ default: 60, min: 1, max: 1440 }),
  /**
   * Percent difference allowed between restored and source item counts.
   * @default 5
   */
  itemCountTolerancePercent: numberSetting({ default: 5, min: 0, max: 100 }),
  /**
   * Random restored items compared with the source.
   * @default 50
   */
  sampleSize: numberSetting({ default: 50, min: 0, max: 10_000, integer: true }),
  /**
   * Parallel scan segments for full-table checks. A segment keeps one page of up to 1 MB in
   * flight (read in place from the response, not as objects); a page takes ~125 ms to arrive, so
   * enough segments keep the scan's one vCPU busy (`npm run bench:digest`, `npm run bench:cpu`;
   * README, "Performance, measured").
   * @default 6: one per 256 MB of the drill Lambda's 1,769 MB (DRILL_FUNCTION_MEMORY_MB)
   */
  scanSegments: numberSetting({
    default: Math.max(1, Math.floor(DRILL_FUNCTION_MEMORY_MB / MB_PER_SCAN_SEGMENT)),
    min: 1,
    max: 64,
    integer: true,
  }),
  /**
   * Read capacity units the checks may consume from one source table per drill.
   * @default 50000
   */
  sourceReadBudgetUnits: numberSetting({ default: 50_000, min: 1, max: 1_000_000_000, integer: true }),
  /**
   * Read capacity units per second the checks may consume from one source table; for a table
   * with a read capacity (provisioned, or an on-demand maximum), at most a quarter of it. Reads
   * wait rather than run faster, so a drill cannot be what throttles a production table.
   * @default 200
   */
  // 40,000 read units per second is DynamoDB's default per-table limit.
  sourceReadUnitsPerSecond: numberSetting({ default: 200, min: 1, max: 40_000 }),
  /**
   * Restores the drill runs at once (drill mode): a run of more tables queues the rest in the
   * drill history and starts each when a running drill finishes (README "How many tables").
   * DynamoDB allows 50 concurrent restores per account, shared with anything else restoring there
   * (RestoreTableFromBackup, DynamoDB API Reference); AWS Backup documents no quota of its own on
   * restore jobs (AWS Backup quotas page).
   * @default 10
   */
  maxConcurrentRestores: numberSetting({ default: 10, min: 1, max: DYNAMODB_CONCURRENT_RESTORES, integer: true }),
  /**
   * Items per second one invocation scans with every check on board, counted in 1 KB items
   * (a table's size / 1 KB, or its item count if more): the rate the drill judges a copy by. A
   * copy whose scan would take more than half the time the checks have at this rate is scanned
   * by the fan-out state machine instead, when the stack has one. The default is about 64% of the
   * measured CPU rate per vCPU (`npm run bench:cpu`: ~47,000 1 KB items/s on one core), leaving
   * room for page round trips.
   * @default 30000
   */
  scanItemsPerSecond: numberSetting({ default: 30_000, min: 1, max: 1_000_000, integer: true }),
  /**
   * Fan-out workers scanning one copy at once, at most; the drill also holds it to what the
   * copy's read capacity serves (an on-demand restored table: ~12,000 read units/s at first, i.e.
   * ~96,000 1 KB items/s eventually consistent, over scanItemsPerSecond per worker).
   * @default 8
   */
  fanOutMaxWorkers: numberSetting({ default: 8, min: 1, max: 40, integer: true }),
  /**
   * Parallel scan segments one fan-out worker reads (as scanSegments does in the drill's own
   * scan); the copy is split into fanOutMaxWorkers x this many segments.
   * @default 4
   */
  fanOutSegmentsPerWorker: numberSetting({ default: 4, min: 1, max: 16, integer: true }),
  /**
   * How long a fan-out execution may run (the state machine's timeout). A drill whose execution
   * has not reported back an hour after it is failed by the next scheduled run, its copy deleted.
   * @default 12
   */
  fanOutTimeoutHours: numberSetting({ default: 12, min: 1, max: 168, integer: true }),
  /**
   * Hours to keep the restored copy of a FAILed drill for investigation (0: delete it at once, as
   * every PASS is). A kept copy is tagged `restore-drill:kept-until`, named with its expiry in the
   * report, never counted as a leftover while kept, and deleted by the first scheduled run after
   * it expires. It costs its storage (and its reads) while kept.
   * @default 0 (delete every copy at once)
   */
  keepFailedCopyHours: numberSetting({ default: 0, min: 0, max: 168, integer: true }),
  /**
   * Name prefix of restored copies. The drill may delete any table with this prefix, so no
   * drilled table (nor the stack's own tables) may start with it.
   * @default 'drill-copy-'
   */
  restoreTablePrefix: textSetting({
    default: 'drill-copy-',
    accepted: PREFIX_ACCEPTED,
    check: (prefix, name) => {
      // Short prefixes select too many tables for a permission that deletes them.
      if (!/^[a-zA-Z0-9_.-]{4,64}$/.test(prefix)) {
        throw new SettingsError(name, `"${prefix}" is too short, too long or has invalid characters`, PREFIX_ACCEPTED);
      }
    },
  }),
  /**
   * Customer-managed KMS key (key ARN) that restored copies are encrypted with.
   * @default - the encryption the restore chooses by default
   */
  restoreKmsKeyArn: kmsKeyArnSetting(),
  /**
   * Number of properties in the fixture test table (about 10 items each).
   * @default 40 (FIXTURE_DEFAULT_PROPERTY_COUNT in lambda/fixture/fixture-items.ts)
   */
  fixturePropertyCount: numberSetting({ default: FIXTURE_DEFAULT_PROPERTY_COUNT, min: 1, max: 2000, integer: true }),
  /**
   * Physical name of the fixture test table.
   * @default - `<stack name>-fixture`
   */
  fixtureTableName: textSetting({ accepted: TABLE_NAME_ACCEPTED, check: (table, name) => checkTableName(name, table) }),
  /**
   * How drilled tables are restored. `drill`: the drill Lambda starts each restore on
   * `drillSchedule`, checks the copy and deletes it. `native`: AWS Backup restore testing restores
   * them on `restoreTestingSchedule` (a restore testing plan and selection this construct creates,
   * and the plans in `restoreTestingPlans`); the drill Lambda runs the same checks on each copy,
   * reports, and tells AWS Backup the result (PutRestoreValidationResult); AWS Backup deletes the
   * copy. README "Two ways to restore" says when to pick which. CDK only (not a console parameter).
   * @default 'drill'
   */
  restoreMode: enumSetting(['drill', 'native'] as const, 'drill'),
  /**
   * When AWS Backup restore testing runs (`restoreMode: native`): the plan's `cron(...)` expression
   * (UTC). AWS Backup evaluates restore testing cron expressions between 00:00 and 23:59 UTC.
   * @default 'cron(0 6 ? * * *)' (06:00 UTC daily, after the default 03:00 backup's windows)
   */
  restoreTestingSchedule: scheduleSetting({ default: 'cron(0 6 ? * * *)', allowRate: false }),
  /**
   * Hours after its scheduled time within which a restore test must start (the plan's
   * StartWindowHours, 1-168).
   * @default 1
   */
  restoreTestingStartWindowHours: numberSetting({ default: 1, min: 1, max: 168, integer: true }),
  /**
   * Hours AWS Backup keeps a restore test's copy for validation (the selection's
   * ValidationWindowHours, 1-168): the drill must report its result within it, else AWS Backup sets
   * TIMED_OUT and deletes the copy. Leave the checks time: a large table needs hours.
   * @default 4
   */
  validationWindowHours: numberSetting({ default: 4, min: 1, max: 168, integer: true }),
  /**
   * Restore testing plans you already have, by name or ARN, whose DynamoDB restore tests of
   * drilled tables the drill validates too (`restoreMode: native`). With any given, the plan this
   * construct creates tests only the fixture table: your tables are left to your plans.
   * @default - none
   */
  restoreTestingPlans: listSetting({
    accepted: `${RESTORE_TESTING_PLAN_NAME_ACCEPTED}, or a plan ARN (arn:aws:backup:<region>:<account>:restore-testing-plan:<name>-<id>)`,
    check: (plan, name) => {
      if (!RESTORE_TESTING_PLAN_NAME.test(plan) && !RESTORE_TESTING_PLAN_ARN.test(plan)) {
        throw new SettingsError(name, `"${plan}" is neither a restore testing plan name nor its ARN`, RESTORE_TESTING_PLAN_NAME_ACCEPTED);
      }
    },
  }),
  /**
   * Which recovery point is restored: `latest` (the newest COMPLETED one) or `random` (any
   * COMPLETED one created within `recoveryPointSelectionWindowDays`, so older points are proven
   * too). Native mode passes it to the plan (LATEST_WITHIN_WINDOW / RANDOM_WITHIN_WINDOW). The RPO
   * check always judges the newest point; the report names the policy that chose the restored one.
   * @default 'latest'
   */
  recoveryPointSelection: enumSetting(['latest', 'random'] as const, 'latest'),
  /**
   * Days back a recovery point may be chosen from (native: the plan's SelectionWindowDays, 1-365).
   * @default 7
   */
  recoveryPointSelectionWindowDays: numberSetting({ default: 7, min: 1, max: 365, integer: true }),
  /**
   * Add the drilled tables to this stack's backup plan. Set false to drill tables from the
   * backups you already take: their recovery points are then looked up in `vaultNames` (name the
   * vaults, and their keys in `vaultKeyArns`), and the stack adds no backup of them. A table's own
   * `addToBackupPlan` overrides this. The fixture table is always in the plan.
   * @default true
   */
  addTablesToBackupPlan: booleanSetting({ default: true }),
  /**
   * Send a readable FAIL message (`[BACKUP FAILED] <table>: ...`) to the report topic, and to the
   * failure topic with `notifyFailuresOnly`, when a backup job of a drilled table fails, is aborted
   * or expires, or a copy job of it fails. One message per job and state.
   * @default true
   */
  notifyBackupFailures: booleanSetting({ default: true }),
  /**
   * IAM principal ARNs (roles, users; wildcards allowed in the name, not in the account) that may
   * still delete recovery points or change their lifecycle in the stack's vault. Everyone else is
   * denied by the vault policy.
   * @default - only the account root user (break-glass)
   */
  vaultAdminPrincipalArns: listSetting({
    accepted: 'arn:aws:iam::<account>:role/<name> (wildcards allowed in the name only)',
    check: checkAdminPrincipal,
  }),
};

type Specs = typeof SETTINGS;
export type SettingName = keyof Specs;
type Given<S> = S extends Setting<infer G, unknown> ? G : never;
type Resolved<S> = S extends Setting<unknown, infer R> ? R : never;
/** The settings that are numbers in a range. */
export type NumberSettingName = { [K in SettingName]: Specs[K] extends NumberSetting ? K : never }[SettingName];
type WithDefault = { [K in SettingName]: Specs[K] extends { readonly default: unknown } ? K : never }[SettingName];

/**
 * Settings of a restore drill, each documented in {@link SETTINGS}: the CDK context keys of the
 * app and, with the same names and types, the props of the `RestoreDrill` construct.
 */
export type RestoreDrillSettings = { readonly [K in keyof Specs]?: Given<Specs[K]> };

type AllResolved = { readonly [K in keyof Specs]: Resolved<Specs[K]> };
/** Each setting after its check, defaults applied; a setting without a default may stay unset. */
export type ResolvedSettingValues = Pick<AllResolved, WithDefault> & Partial<Pick<AllResolved, Exclude<SettingName, WithDefault>>>;

/** The defaults, as {@link SETTINGS} declares them. */
export const SETTING_DEFAULTS = Object.fromEntries(
  Object.entries(SETTINGS).flatMap(([name, setting]) => (setting.default === undefined ? [] : [[name, setting.default]])),
) as { readonly [K in WithDefault]: Given<Specs[K]> };

/**
 * Checks each setting on its own, in the order of {@link SETTINGS}, and applies the defaults.
 * Throws {@link SettingsError} on the first invalid one. Checks across settings come after (lib/).
 */
export function checkEachSetting(settings: RestoreDrillSettings): ResolvedSettingValues {
  const resolved: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting<unknown>][]) {
    const value = settings[name] ?? setting.default;
    resolved[name] = value === undefined ? undefined : setting.check(value, name);
  }
  return resolved as ResolvedSettingValues;
}
