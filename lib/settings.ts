import { CUSTOM_CHECK_NAMES } from '../lambda/checks/custom';
import { FIXTURE_DEFAULT_PROPERTY_COUNT } from '../lambda/fixture/fixture-items';
import {
  SettingsError,
  TABLE_ARN,
  checkBoolean,
  checkKmsKeyArn,
  checkNumber,
  checkStringList,
  checkTableName,
  describe,
} from '../lambda/settings/setting';
import { MAX_DRILL_GAP_HOURS, checkAtMostHourly, checkDrillAfterBackupWindows, scheduleGapHours } from './setting-checks';

export { SettingsError };
export { DRILL_ALARM_SLACK_HOURS, MAX_DRILL_GAP_HOURS } from './setting-checks';

/**
 * Settings of a restore drill: the CDK context keys of the app (`cdk.json` or `-c key=value`)
 * and, with the same names and types, the props of the `RestoreDrill` construct.
 *
 * Every value is checked by {@link resolveSettings}; an invalid one stops the synth with an
 * error that names the setting, what was given and what is accepted.
 */

/** One source table to drill, with its optional per-table tuning. */
export interface DrillTableSetting {
  /** Table name (same account and Region as the stack) or table ARN. */
  readonly table: string;
  /**
   * Attribute holding each item's creation time; enables the exact item count.
   * @default - none: the item count uses the tolerance
   */
  readonly createdAtAttribute?: string;
  /**
   * Attribute holding each item's last update time; sample compare skips items changed after the recovery point.
   * @default - none
   */
  readonly updatedAtAttribute?: string;
  /**
   * Write a canary item (partition key `restore-drill#canary`) and require it in the restore.
   * The table's partition key must be a string.
   * @default false
   */
  readonly canary?: boolean;
  /**
   * Percent difference allowed between restored and source item counts for this table.
   * @default - the drill-wide `itemCountTolerancePercent`
   */
  readonly itemCountTolerancePercent?: number;
  /**
   * Names of registered custom checks to run on this table.
   * @default - none
   */
  readonly customChecks?: readonly string[];
  /**
   * The customer-managed KMS key (key ARN, not an alias) the table is encrypted with. The drill
   * role may then use it through DynamoDB in the stack's Region only: kms:Decrypt for the checks'
   * reads, and kms:Encrypt / kms:GenerateDataKey as well when `canary` is on (the canary write).
   * A table encrypted with a customer-managed key that is not named here fails its drill before
   * any restore, with a message naming this setting.
   * @default - none: the table uses an AWS owned or AWS managed key
   */
  readonly kmsKeyArn?: string;
}

export interface RestoreDrillSettings {
  /**
   * Source tables to drill, besides the fixture test table the drill always creates and drills.
   * Context: a JSON array, or a comma-separated list of names/ARNs. Each entry is a table name,
   * a table ARN, or a {@link DrillTableSetting} object. They are added to the backup plan too.
   * @default - none: only the fixture table
   */
  readonly tables?: readonly (string | DrillTableSetting)[];
  /**
   * Existing backup vaults also searched for recovery points (the stack's own vault always is),
   * such as the vault an earlier instance of this stack left behind (vaults are retained).
   * @default - none
   */
  readonly vaultNames?: readonly string[];
  /**
   * Customer-managed KMS keys (key ARNs) of the vaults in `vaultNames`: the restore role may
   * decrypt their recovery points. Not needed for vaults encrypted with the AWS managed key.
   * @default - none
   */
  readonly vaultKeyArns?: readonly string[];
  /**
   * Email address subscribed to drill reports and alarms (the recipient must confirm).
   * @default - no subscription
   */
  readonly notificationEmail?: string;
  /**
   * Send the email subscriber only FAIL reports (alarms still reach it).
   * @default false
   */
  readonly notifyFailuresOnly?: boolean;
  /**
   * When the drill runs: an EventBridge `cron(...)` (6 fields, UTC) or `rate(...)` expression.
   * At most hourly, and at least once every 166 hours: the "no drill finished" alarm watches the
   * longest gap between runs plus two hours, and CloudWatch alarms look back at most seven days.
   * Every run must find a finished backup young enough for `rpoTargetHours`: a backup counts as
   * finished once its start and completion windows have closed (a rate schedule can run at any
   * time of day, so it needs an RPO of the longest backup gap plus both windows).
   * @default 'cron(0 6 * * ? *)' (06:00 UTC daily, when the default 03:00 backup's windows close)
   */
  readonly drillSchedule?: string;
  /**
   * Also start a drill when AWS Backup reports a COMPLETED backup job of a drilled table.
   * @default false
   */
  readonly drillAfterBackup?: boolean;
  /**
   * When the daily backup rule runs: a `cron(...)` expression (AWS Backup accepts cron only),
   * at most hourly. Its longest gap between backups must not exceed `rpoTargetHours`, or drills
   * would fail the RPO check by design.
   * @default 'cron(0 3 * * ? *)'
   */
  readonly backupSchedule?: string;
  /**
   * Minutes after its scheduled time within which a backup job must start, else AWS Backup
   * cancels it (the rule's StartWindowMinutes; AWS requires at least 60, and without one AWS
   * Backup allows 8 hours). With the completion window it bounds when a backup has finished: a
   * drill schedule that could run before the backup it expects has finished is refused.
   * @default 60
   */
  readonly backupStartWindowMinutes?: number;
  /**
   * Minutes within which a started backup job must complete, else AWS Backup cancels it (the
   * rule's CompletionWindowMinutes; without one, 7 days). At least 60 more than the start window.
   * Raise it for a table whose backup takes longer, and move the drill later to match.
   * @default 120
   */
  readonly backupCompletionWindowMinutes?: number;
  /**
   * Days a recovery point is kept (AWS Backup `deleteAfter`).
   * @default 35
   */
  readonly backupRetentionDays?: number;
  /**
   * Days after which recovery points move to cold storage. AWS Backup requires the retention to
   * be at least this plus 90 days.
   * @default - never
   */
  readonly coldStorageAfterDays?: number;
  /**
   * Oldest acceptable age of the latest recovery point, in hours.
   * @default 26 (a daily backup plus two hours of slack)
   */
  readonly rpoTargetHours?: number;
  /**
   * Longest acceptable restore duration, in minutes.
   * @default 60
   */
  readonly rtoTargetMinutes?: number;
  /**
   * Percent difference allowed between restored and source item counts.
   * @default 5
   */
  readonly itemCountTolerancePercent?: number;
  /**
   * Random restored items compared with the source.
   * @default 50
   */
  readonly sampleSize?: number;
  /**
   * Parallel scan segments for full-table checks.
   * @default 4: one per 256 MB of the drill Lambda's 1024 MB (DRILL_FUNCTION_MEMORY_MB). A
   * segment keeps one page of up to 1 MB in flight, tens of MB once parsed; the scan waits on
   * the network, not the CPU, so four segments keep the ~0.6 vCPU of 1024 MB busy
   * (`npm run bench:digest`: 3.8x a sequential scan's items/s; see README).
   */
  readonly scanSegments?: number;
  /**
   * Read capacity units the checks may consume from one source table per drill.
   * @default 50000
   */
  readonly sourceReadBudgetUnits?: number;
  /**
   * Read capacity units per second the checks may consume from one source table; for a table
   * with a read capacity (provisioned, or an on-demand maximum), at most a quarter of it. Reads
   * wait rather than run faster, so a drill cannot be what throttles a production table.
   * @default 200
   */
  readonly sourceReadUnitsPerSecond?: number;
  /**
   * Name prefix of restored copies. The drill may delete any table with this prefix, so no
   * drilled table (nor the stack's own tables) may start with it.
   * @default 'drill-copy-'
   */
  readonly restoreTablePrefix?: string;
  /**
   * Customer-managed KMS key (key ARN) that restored copies are encrypted with.
   * @default - the encryption the restore chooses by default
   */
  readonly restoreKmsKeyArn?: string;
  /**
   * Number of properties in the fixture test table (about 10 items each).
   * @default FIXTURE_DEFAULT_PROPERTY_COUNT (40)
   */
  readonly fixturePropertyCount?: number;
  /**
   * Physical name of the fixture test table.
   * @default '<stack name>-fixture'
   */
  readonly fixtureTableName?: string;
  /**
   * IAM principal ARNs (roles, users; wildcards allowed in the name, not in the account) that may
   * still delete recovery points or change their lifecycle in the stack's vault. Everyone else is
   * denied by the vault policy.
   * @default - only the account root user (break-glass)
   */
  readonly vaultAdminPrincipalArns?: readonly string[];
}

/** Settings with every default applied; what the construct builds from. */
export interface ResolvedRestoreDrillSettings {
  readonly tables: readonly ResolvedTableSetting[];
  readonly vaultNames: readonly string[];
  readonly vaultKeyArns: readonly string[];
  readonly notificationEmail?: string;
  readonly notifyFailuresOnly: boolean;
  readonly drillSchedule: string;
  /** Longest time the drill schedule leaves between two runs, in whole hours (an upper bound). */
  readonly drillScheduleLongestGapHours: number;
  readonly drillAfterBackup: boolean;
  readonly backupSchedule: string;
  readonly backupStartWindowMinutes: number;
  readonly backupCompletionWindowMinutes: number;
  readonly backupRetentionDays: number;
  readonly coldStorageAfterDays?: number;
  readonly rpoTargetHours: number;
  readonly rtoTargetMinutes: number;
  readonly itemCountTolerancePercent: number;
  readonly sampleSize: number;
  readonly scanSegments: number;
  readonly sourceReadBudgetUnits: number;
  readonly sourceReadUnitsPerSecond: number;
  readonly restoreTablePrefix: string;
  readonly restoreKmsKeyArn?: string;
  readonly fixturePropertyCount: number;
  readonly fixtureTableName?: string;
  readonly vaultAdminPrincipalArns: readonly string[];
}

/** A table entry after parsing: the name always, the ARN when one was given. */
export interface ResolvedTableSetting extends Omit<DrillTableSetting, 'table'> {
  readonly tableName: string;
  readonly tableArn?: string;
}

/** Memory of the drill Lambda; the default scan parallelism is sized to it. */
export const DRILL_FUNCTION_MEMORY_MB = 1024;
const MB_PER_SCAN_SEGMENT = 256;

/** The defaults, in one place. */
export const DEFAULT_SETTINGS = {
  tables: [],
  vaultNames: [],
  vaultKeyArns: [],
  notifyFailuresOnly: false,
  drillSchedule: 'cron(0 6 * * ? *)',
  drillAfterBackup: false,
  backupSchedule: 'cron(0 3 * * ? *)',
  backupStartWindowMinutes: 60,
  backupCompletionWindowMinutes: 120,
  backupRetentionDays: 35,
  rpoTargetHours: 26,
  rtoTargetMinutes: 60,
  itemCountTolerancePercent: 5,
  sampleSize: 50,
  scanSegments: Math.max(1, Math.floor(DRILL_FUNCTION_MEMORY_MB / MB_PER_SCAN_SEGMENT)),
  sourceReadBudgetUnits: 50_000,
  sourceReadUnitsPerSecond: 200,
  restoreTablePrefix: 'drill-copy-',
  fixturePropertyCount: FIXTURE_DEFAULT_PROPERTY_COUNT,
  vaultAdminPrincipalArns: [],
} as const satisfies Partial<ResolvedRestoreDrillSettings>;

// AWS Backup vault names: 2-50 characters of a-z, A-Z, 0-9, '-', '_'.
const VAULT_NAME = /^[a-zA-Z0-9_-]{2,50}$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):[a-zA-Z0-9+=,.@_/*:-]+$/;
// Deliberately simple: one @, no spaces, a dot in the domain. SNS has the final word.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ATTRIBUTE_NAME = /^.{1,255}$/;
const CUSTOM_CHECK_NAME = /^[a-zA-Z0-9_.:-]{1,64}$/;

const TABLE_ENTRY_KEYS = new Set([
  'table',
  'createdAtAttribute',
  'updatedAtAttribute',
  'canary',
  'itemCountTolerancePercent',
  'customChecks',
  'kmsKeyArn',
]);

/**
 * Checks settings and applies the defaults. Throws {@link SettingsError} on the first invalid one.
 */
export function resolveSettings(settings: RestoreDrillSettings = {}): ResolvedRestoreDrillSettings {
  const restoreTablePrefix = checkPrefix(settings.restoreTablePrefix ?? DEFAULT_SETTINGS.restoreTablePrefix);
  const itemCountTolerancePercent = checkNumber(
    'itemCountTolerancePercent',
    settings.itemCountTolerancePercent ?? DEFAULT_SETTINGS.itemCountTolerancePercent,
    { min: 0, max: 100 },
  );
  const tables = (settings.tables ?? DEFAULT_SETTINGS.tables).map((entry, index) => checkTableEntry(entry, index));
  checkNoDuplicateTables(tables);

  const rpoTargetHours = checkNumber('rpoTargetHours', settings.rpoTargetHours ?? DEFAULT_SETTINGS.rpoTargetHours, {
    min: 1,
    max: 720,
  });
  const backupRetentionDays = checkNumber('backupRetentionDays', settings.backupRetentionDays ?? DEFAULT_SETTINGS.backupRetentionDays, {
    min: 1,
    max: 36_500,
    integer: true,
  });
  if (backupRetentionDays * 24 < rpoTargetHours) {
    // Otherwise the recovery point the RPO allows could already be deleted when the drill looks.
    throw new SettingsError(
      'backupRetentionDays',
      `${backupRetentionDays} days (${backupRetentionDays * 24} h) is shorter than the RPO window rpoTargetHours=${rpoTargetHours}`,
      `at least ${Math.ceil(rpoTargetHours / 24)} days, or lower rpoTargetHours`,
    );
  }
  const coldStorageAfterDays =
    settings.coldStorageAfterDays === undefined
      ? undefined
      : checkNumber('coldStorageAfterDays', settings.coldStorageAfterDays, { min: 1, max: 36_500, integer: true });
  if (coldStorageAfterDays !== undefined && backupRetentionDays < coldStorageAfterDays + 90) {
    // AWS Backup: recovery points in cold storage must stay there at least 90 days.
    throw new SettingsError(
      'coldStorageAfterDays',
      `${coldStorageAfterDays} days leaves ${backupRetentionDays - coldStorageAfterDays} days in cold storage before backupRetentionDays=${backupRetentionDays}`,
      `backupRetentionDays >= coldStorageAfterDays + 90 (here at most ${Math.max(backupRetentionDays - 90, 0)}), or no cold storage`,
    );
  }

  const drillSchedule = checkSchedule('drillSchedule', settings.drillSchedule ?? DEFAULT_SETTINGS.drillSchedule, {
    allowRate: true,
  });
  const backupSchedule = checkSchedule('backupSchedule', settings.backupSchedule ?? DEFAULT_SETTINGS.backupSchedule, { allowRate: false });
  checkAtMostHourly('drillSchedule', drillSchedule, 'a drill restores a table: more than one an hour piles up restores of the same data');
  // AWS Backup refuses rules whose backups are less than 60 minutes apart ("The interval between
  // backup jobs shouldn't be less than 60 minutes", as reported on AWS re:Post).
  checkAtMostHourly('backupSchedule', backupSchedule, 'AWS Backup refuses backup rules less than 60 minutes apart');
  const drillScheduleLongestGapHours = scheduleGapHours('drillSchedule', drillSchedule);
  if (drillScheduleLongestGapHours > MAX_DRILL_GAP_HOURS) {
    throw new SettingsError(
      'drillSchedule',
      `"${drillSchedule}" leaves up to ${drillScheduleLongestGapHours} h between drills; the "no drill finished" alarm can watch at most ${MAX_DRILL_GAP_HOURS} h plus two`,
      `a schedule that runs at least once every ${MAX_DRILL_GAP_HOURS} hours, e.g. the default "${DEFAULT_SETTINGS.drillSchedule}"`,
    );
  }
  const backupGapHours = scheduleGapHours('backupSchedule', backupSchedule);
  if (backupGapHours > rpoTargetHours) {
    throw new SettingsError(
      'backupSchedule',
      `"${backupSchedule}" leaves up to ${backupGapHours} h between backups, more than rpoTargetHours=${rpoTargetHours}: drills would fail the RPO check by design`,
      `a schedule that backs up at least every ${rpoTargetHours} hours, or rpoTargetHours >= ${backupGapHours}`,
    );
  }

  const { backupStartWindowMinutes, backupCompletionWindowMinutes } = checkBackupWindows(settings);
  checkDrillAfterBackupWindows({ drillSchedule, backupSchedule, backupStartWindowMinutes, backupCompletionWindowMinutes, rpoTargetHours });

  const notificationEmail = settings.notificationEmail;
  if (notificationEmail !== undefined && !EMAIL.test(notificationEmail)) {
    throw new SettingsError('notificationEmail', `"${notificationEmail}" is not an email address`, 'name@example.com');
  }
  const notifyFailuresOnly = checkBoolean('notifyFailuresOnly', settings.notifyFailuresOnly ?? DEFAULT_SETTINGS.notifyFailuresOnly);

  const vaultNames = checkStringList('vaultNames', settings.vaultNames ?? DEFAULT_SETTINGS.vaultNames);
  for (const name of vaultNames) {
    if (!VAULT_NAME.test(name)) {
      throw new SettingsError('vaultNames', `"${name}" is not a backup vault name`, '2-50 characters of a-z A-Z 0-9 - _');
    }
  }

  const vaultKeyArns = checkStringList('vaultKeyArns', settings.vaultKeyArns ?? DEFAULT_SETTINGS.vaultKeyArns);
  for (const arn of vaultKeyArns) checkKmsKeyArn('vaultKeyArns', arn);

  const restoreKmsKeyArn = settings.restoreKmsKeyArn;
  if (restoreKmsKeyArn !== undefined) checkKmsKeyArn('restoreKmsKeyArn', restoreKmsKeyArn);

  const fixtureTableName = settings.fixtureTableName;
  if (fixtureTableName !== undefined) {
    checkTableName('fixtureTableName', fixtureTableName);
    checkPrefixDoesNotMatch(restoreTablePrefix, fixtureTableName, 'fixtureTableName');
  }

  const vaultAdminPrincipalArns = checkStringList(
    'vaultAdminPrincipalArns',
    settings.vaultAdminPrincipalArns ?? DEFAULT_SETTINGS.vaultAdminPrincipalArns,
  );
  for (const arn of vaultAdminPrincipalArns) {
    const principal = PRINCIPAL_ARN.exec(arn);
    if (!principal) {
      throw new SettingsError(
        'vaultAdminPrincipalArns',
        `"${arn}" is not an IAM principal ARN`,
        'arn:aws:iam::<account>:role/<name> (wildcards allowed in the name)',
      );
    }
    // The vault policy exempts these ARNs from its deny (ArnNotLike aws:PrincipalArn): a "*"
    // account would exempt a principal of that name in every AWS account.
    if (principal[2] === '*') {
      throw new SettingsError(
        'vaultAdminPrincipalArns',
        `"${arn}" names any account ("*"), so a principal of that name in any AWS account could delete recovery points`,
        'an ARN with a 12-digit account, e.g. arn:aws:iam::123456789012:role/BackupAdmin (wildcards allowed in the name only)',
      );
    }
  }

  for (const table of tables) checkPrefixDoesNotMatch(restoreTablePrefix, table.tableName, 'tables');

  return {
    tables,
    vaultNames,
    vaultKeyArns,
    notificationEmail,
    notifyFailuresOnly,
    drillSchedule,
    drillScheduleLongestGapHours,
    drillAfterBackup: checkBoolean('drillAfterBackup', settings.drillAfterBackup ?? DEFAULT_SETTINGS.drillAfterBackup),
    backupSchedule,
    backupStartWindowMinutes,
    backupCompletionWindowMinutes,
    backupRetentionDays,
    coldStorageAfterDays,
    rpoTargetHours,
    rtoTargetMinutes: checkNumber('rtoTargetMinutes', settings.rtoTargetMinutes ?? DEFAULT_SETTINGS.rtoTargetMinutes, {
      min: 1,
      max: 1440,
    }),
    itemCountTolerancePercent,
    sampleSize: checkNumber('sampleSize', settings.sampleSize ?? DEFAULT_SETTINGS.sampleSize, {
      min: 0,
      max: 10_000,
      integer: true,
    }),
    scanSegments: checkNumber('scanSegments', settings.scanSegments ?? DEFAULT_SETTINGS.scanSegments, {
      min: 1,
      max: 64,
      integer: true,
    }),
    sourceReadBudgetUnits: checkNumber('sourceReadBudgetUnits', settings.sourceReadBudgetUnits ?? DEFAULT_SETTINGS.sourceReadBudgetUnits, {
      min: 1,
      max: 1_000_000_000,
      integer: true,
    }),
    // 40,000 read units per second is DynamoDB's default per-table limit.
    sourceReadUnitsPerSecond: checkNumber(
      'sourceReadUnitsPerSecond',
      settings.sourceReadUnitsPerSecond ?? DEFAULT_SETTINGS.sourceReadUnitsPerSecond,
      { min: 1, max: 40_000 },
    ),
    restoreTablePrefix,
    restoreKmsKeyArn,
    fixturePropertyCount: checkNumber('fixturePropertyCount', settings.fixturePropertyCount ?? DEFAULT_SETTINGS.fixturePropertyCount, {
      min: 1,
      max: 2000,
      integer: true,
    }),
    fixtureTableName,
    vaultAdminPrincipalArns,
  };
}

/** The CDK context keys, one per setting. */
export const CONTEXT_KEYS = [
  'tables',
  'vaultNames',
  'vaultKeyArns',
  'notificationEmail',
  'notifyFailuresOnly',
  'drillSchedule',
  'drillAfterBackup',
  'backupSchedule',
  'backupStartWindowMinutes',
  'backupCompletionWindowMinutes',
  'backupRetentionDays',
  'coldStorageAfterDays',
  'rpoTargetHours',
  'rtoTargetMinutes',
  'itemCountTolerancePercent',
  'sampleSize',
  'scanSegments',
  'sourceReadBudgetUnits',
  'sourceReadUnitsPerSecond',
  'restoreTablePrefix',
  'restoreKmsKeyArn',
  'fixturePropertyCount',
  'fixtureTableName',
  'vaultAdminPrincipalArns',
] as const satisfies readonly (keyof RestoreDrillSettings)[];

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
 * accepted. Keys not given stay unset: the construct applies the defaults. `contextKeys`, every
 * key the app's context holds, are checked for misspelled settings ({@link checkContextKeys}).
 */
export function settingsFromContext(getContext: (key: string) => unknown, contextKeys: Iterable<string> = []): RestoreDrillSettings {
  checkContextKeys(contextKeys);
  const text = (key: string): string | undefined => {
    const value = getContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new SettingsError(key, `expected text, got ${describe(value)}`, 'a string');
    return value;
  };
  const number = (key: string): number | undefined => {
    const value = getContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    const parsed = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof parsed !== 'number' || Number.isNaN(parsed)) {
      throw new SettingsError(key, `expected a number, got ${describe(value)}`, 'a number');
    }
    return parsed;
  };
  const boolean = (key: string): boolean | undefined => {
    const value = getContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new SettingsError(key, `expected true or false, got ${describe(value)}`, 'true or false');
  };
  const list = (key: string): unknown[] | undefined => {
    const value = getContext(key);
    if (value === undefined || value === null || value === '') return undefined;
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
  };

  const settings: RestoreDrillSettings = {
    tables: list('tables') as (string | DrillTableSetting)[] | undefined,
    vaultNames: list('vaultNames') as string[] | undefined,
    vaultKeyArns: list('vaultKeyArns') as string[] | undefined,
    notificationEmail: text('notificationEmail'),
    notifyFailuresOnly: boolean('notifyFailuresOnly'),
    drillSchedule: text('drillSchedule'),
    drillAfterBackup: boolean('drillAfterBackup'),
    backupSchedule: text('backupSchedule'),
    backupStartWindowMinutes: number('backupStartWindowMinutes'),
    backupCompletionWindowMinutes: number('backupCompletionWindowMinutes'),
    backupRetentionDays: number('backupRetentionDays'),
    coldStorageAfterDays: number('coldStorageAfterDays'),
    rpoTargetHours: number('rpoTargetHours'),
    rtoTargetMinutes: number('rtoTargetMinutes'),
    itemCountTolerancePercent: number('itemCountTolerancePercent'),
    sampleSize: number('sampleSize'),
    scanSegments: number('scanSegments'),
    sourceReadBudgetUnits: number('sourceReadBudgetUnits'),
    sourceReadUnitsPerSecond: number('sourceReadUnitsPerSecond'),
    restoreTablePrefix: text('restoreTablePrefix'),
    restoreKmsKeyArn: text('restoreKmsKeyArn'),
    fixturePropertyCount: number('fixturePropertyCount'),
    fixtureTableName: text('fixtureTableName'),
    vaultAdminPrincipalArns: list('vaultAdminPrincipalArns') as string[] | undefined,
  };
  resolveSettings(settings);
  return settings;
}

/** Splits a table name or ARN into its parts. */
export function parseTableReference(reference: string): { tableName: string; tableArn?: string } {
  const arn = TABLE_ARN.exec(reference);
  if (arn) return { tableName: arn[3], tableArn: reference };
  return { tableName: reference };
}

/**
 * True when the prefix could select the table: IAM lets the drill delete `table/<prefix>*`.
 * Compared case-insensitively to stay on the safe side.
 */
export function prefixMatchesTable(prefix: string, tableName: string): boolean {
  return tableName.toLowerCase().startsWith(prefix.toLowerCase());
}

function checkTableEntry(entry: unknown, index: number): ResolvedTableSetting {
  const setting = `tables[${index}]`;
  if (typeof entry === 'string') return checkTableReference(setting, entry);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new SettingsError(setting, `expected a table name, ARN or object, got ${describe(entry)}`, tableAccepted());
  }
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!TABLE_ENTRY_KEYS.has(key)) {
      throw new SettingsError(`${setting}.${key}`, 'unknown field', [...TABLE_ENTRY_KEYS].join(', '));
    }
  }
  if (typeof record.table !== 'string') {
    throw new SettingsError(`${setting}.table`, `expected a table name or ARN, got ${describe(record.table)}`, tableAccepted());
  }
  const reference = checkTableReference(`${setting}.table`, record.table);
  const optionalAttribute = (key: 'createdAtAttribute' | 'updatedAtAttribute'): string | undefined => {
    const value = record[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !ATTRIBUTE_NAME.test(value)) {
      throw new SettingsError(`${setting}.${key}`, `expected an attribute name, got ${describe(value)}`, '1-255 characters');
    }
    return value;
  };
  const canary = record.canary === undefined ? undefined : checkBoolean(`${setting}.canary`, record.canary);
  const itemCountTolerancePercent =
    record.itemCountTolerancePercent === undefined
      ? undefined
      : checkNumber(`${setting}.itemCountTolerancePercent`, record.itemCountTolerancePercent, { min: 0, max: 100 });
  let customChecks: string[] | undefined;
  if (record.customChecks !== undefined) {
    customChecks = checkStringList(`${setting}.customChecks`, record.customChecks);
    for (const name of customChecks) {
      if (!CUSTOM_CHECK_NAME.test(name)) {
        throw new SettingsError(`${setting}.customChecks`, `"${name}" is not a check name`, '1-64 characters of a-z A-Z 0-9 _ . : -');
      }
      // The engine looks checks up by name at drill time; an unknown name is caught here instead.
      if (!CUSTOM_CHECK_NAMES.includes(name)) {
        throw new SettingsError(
          `${setting}.customChecks`,
          `no custom check is registered as "${name}"`,
          `a name registered in lambda/checks/custom/index.ts: ${CUSTOM_CHECK_NAMES.join(', ')}`,
        );
      }
    }
  }
  const kmsKeyArn = record.kmsKeyArn === undefined ? undefined : checkKmsKeyArn(`${setting}.kmsKeyArn`, record.kmsKeyArn);
  return {
    ...reference,
    createdAtAttribute: optionalAttribute('createdAtAttribute'),
    updatedAtAttribute: optionalAttribute('updatedAtAttribute'),
    canary,
    itemCountTolerancePercent,
    customChecks,
    kmsKeyArn,
  };
}

function checkTableReference(setting: string, reference: string): ResolvedTableSetting {
  if (reference.startsWith('arn:')) {
    if (!TABLE_ARN.test(reference)) {
      throw new SettingsError(setting, `"${reference}" is not a DynamoDB table ARN`, tableAccepted());
    }
    return parseTableReference(reference);
  }
  checkTableName(setting, reference);
  return { tableName: reference };
}

function checkNoDuplicateTables(tables: readonly ResolvedTableSetting[]): void {
  const seen = new Set<string>();
  for (const table of tables) {
    const key = table.tableArn ?? table.tableName;
    if (seen.has(key)) {
      throw new SettingsError('tables', `"${key}" is listed twice`, 'each table once');
    }
    seen.add(key);
  }
}

function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') {
    throw new SettingsError('restoreTablePrefix', `expected text, got ${describe(prefix)}`, prefixAccepted());
  }
  // Short prefixes select too many tables for a permission that deletes them.
  if (!/^[a-zA-Z0-9_.-]{4,64}$/.test(prefix)) {
    throw new SettingsError('restoreTablePrefix', `"${prefix}" is too short, too long or has invalid characters`, prefixAccepted());
  }
  return prefix;
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

function checkSchedule(setting: string, expression: unknown, options: { allowRate: boolean }): string {
  const accepted = options.allowRate
    ? 'cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) with one of the day fields "?", or rate(<n> minute(s)|hour(s)|day(s))'
    : 'cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) with one of the day fields "?"';
  if (typeof expression !== 'string') throw new SettingsError(setting, `expected text, got ${describe(expression)}`, accepted);
  const cron = /^cron\(([^()]+)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    const fieldPattern = /^[0-9A-Za-z*?,/#L-]+$/;
    // EventBridge and AWS Backup cron: 6 fields; day-of-month or day-of-week must be '?'.
    if (fields.length === 6 && fields.every((field) => fieldPattern.test(field)) && (fields[2] === '?') !== (fields[4] === '?')) {
      return expression;
    }
    throw new SettingsError(setting, `"${expression}" is not a valid cron expression`, accepted);
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate && options.allowRate) {
    const value = Number(rate[1]);
    const singular = !rate[2].endsWith('s');
    if (value >= 1 && singular === (value === 1)) return expression;
  }
  throw new SettingsError(setting, `"${expression}" is not a valid schedule expression`, accepted);
}

/** AWS Backup's largest start and completion windows the drill could use: a month. */
const MAX_BACKUP_WINDOW_MINUTES = 30 * 24 * 60;

/**
 * The backup rule's start and completion windows. AWS Backup API reference (BackupRule,
 * StartWindowMinutes): "If this value is included, it must be at least 60 minutes to avoid
 * errors"; without it the default is 8 hours (AWS-FACTS, CDK BackupPlanRuleProps). The
 * completion window has no documented minimum; widely used modules (cloudposse's
 * terraform-aws-backup: "Must be at least 60 minutes greater than start_window") hold it to the
 * start window plus 60 minutes, which is kept here rather than learnt at deploy time.
 */
function checkBackupWindows(settings: RestoreDrillSettings): { backupStartWindowMinutes: number; backupCompletionWindowMinutes: number } {
  const backupStartWindowMinutes = checkNumber(
    'backupStartWindowMinutes',
    settings.backupStartWindowMinutes ?? DEFAULT_SETTINGS.backupStartWindowMinutes,
    { min: 60, max: MAX_BACKUP_WINDOW_MINUTES, integer: true },
  );
  const backupCompletionWindowMinutes = checkNumber(
    'backupCompletionWindowMinutes',
    settings.backupCompletionWindowMinutes ?? DEFAULT_SETTINGS.backupCompletionWindowMinutes,
    { min: 120, max: MAX_BACKUP_WINDOW_MINUTES, integer: true },
  );
  if (backupCompletionWindowMinutes < backupStartWindowMinutes + 60) {
    throw new SettingsError(
      'backupCompletionWindowMinutes',
      `${backupCompletionWindowMinutes} is less than backupStartWindowMinutes=${backupStartWindowMinutes} plus 60`,
      `at least ${backupStartWindowMinutes + 60}, or a shorter backupStartWindowMinutes`,
    );
  }
  return { backupStartWindowMinutes, backupCompletionWindowMinutes };
}

function tableAccepted(): string {
  return 'a table name (3-255 characters of a-z A-Z 0-9 _ . -), a table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>) or {"table": ..., "createdAtAttribute"?, "updatedAtAttribute"?, "canary"?, "itemCountTolerancePercent"?, "customChecks"?, "kmsKeyArn"?}';
}

function prefixAccepted(): string {
  return '4-64 characters of a-z A-Z 0-9 _ . -, e.g. "drill-copy-"';
}
