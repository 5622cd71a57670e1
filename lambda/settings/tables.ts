import {
  type Setting,
  SettingsError,
  TABLE_ARN,
  TABLE_NAME_ACCEPTED,
  booleanSetting,
  checkStringList,
  checkTableName,
  describe,
  kmsKeyArnSetting,
  numberSetting,
} from './setting';

/**
 * The per-table options of the `tables` setting, declared once: the props, the entries of
 * `tables` in context, and the engine's DrilledTable (lambda/config.ts) all take these.
 */
export const TABLE_OPTIONS = {
  /**
   * Attribute holding each item's creation time (ISO-8601 text or epoch seconds or milliseconds);
   * enables the exact item count.
   * @default - none: the item count uses the tolerance
   */
  createdAtAttribute: attributeName(),
  /**
   * Attribute holding each item's last update time; sample compare skips items changed after the
   * recovery point.
   * @default - none
   */
  updatedAtAttribute: attributeName(),
  /**
   * Write a canary item (partition key `restore-drill#canary`) before the backup and require it in
   * the restore. The table's partition key must be a string.
   * @default - no canary
   */
  canary: booleanSetting(),
  /**
   * Percent difference allowed between restored and source item counts for this table.
   * @default - the drill-wide `itemCountTolerancePercent`
   */
  itemCountTolerancePercent: numberSetting({ min: 0, max: 100 }),
  /**
   * Names of registered custom checks (lambda/checks/custom/index.ts) to run on this table.
   * @default - none
   */
  customChecks: customChecksSetting(),
  /**
   * Add this table to the stack's backup plan; false drills it from the backups you already take
   * (recovery points looked up in `vaultNames`).
   * @default - the drill-wide `addTablesToBackupPlan`
   */
  addToBackupPlan: booleanSetting(),
  /**
   * The customer-managed KMS key (key ARN, not an alias) the table is encrypted with. The drill
   * role may then use it through DynamoDB in the stack's Region only: kms:Decrypt for the checks'
   * reads, and kms:Encrypt / kms:GenerateDataKey as well when `canary` is on (the canary write).
   * A table encrypted with a customer-managed key that is not named here fails its drill before
   * any restore, with a message naming this setting.
   * @default - none: the table uses an AWS owned or AWS managed key
   */
  kmsKeyArn: kmsKeyArnSetting(),
};

type Options = typeof TABLE_OPTIONS;
type Given<S> = S extends Setting<infer G, unknown> ? G : never;
type Resolved<S> = S extends Setting<unknown, infer R> ? R : never;

/** A table's options as given (each documented in {@link TABLE_OPTIONS}). */
export type TableOptions = { readonly [K in keyof Options]?: Given<Options[K]> };

/** One source table to drill, with its optional per-table tuning. */
export interface DrillTableSetting extends TableOptions {
  /** Table name (same account and Region as the stack) or table ARN. */
  readonly table: string;
}

/** A table entry after its check: the name always, the ARN when one was given. */
export type ResolvedTableSetting = { readonly [K in keyof Options]?: Resolved<Options[K]> } & {
  readonly tableName: string;
  readonly tableArn?: string;
};

export const CUSTOM_CHECK_NAME = /^[a-zA-Z0-9_.:-]{1,64}$/;
const ATTRIBUTE_NAME = /^.{1,255}$/;
const OPTION_NAMES = Object.keys(TABLE_OPTIONS) as (keyof Options)[];

export const TABLE_ENTRY_ACCEPTED = `a table name (${TABLE_NAME_ACCEPTED}), a table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>) or {"table": ..., ${OPTION_NAMES.map((key) => `"${key}"?`).join(', ')}}`;

/** The `tables` setting: each entry a name, an ARN or an object with options; each table once. */
export function tablesSetting(): Setting<readonly (string | DrillTableSetting)[], readonly ResolvedTableSetting[]> & {
  readonly default: readonly (string | DrillTableSetting)[];
} {
  return {
    context: 'list',
    accepted: `a JSON array or a comma-separated list; each entry ${TABLE_ENTRY_ACCEPTED}`,
    default: [],
    check: (value, name) => {
      if (!Array.isArray(value)) throw new SettingsError(name, `expected a list, got ${describe(value)}`, 'a list of table entries');
      const tables = value.map((entry, index) => checkTableEntry(entry, `${name}[${index}]`));
      checkNoDuplicateTables(name, tables);
      return tables;
    },
  };
}

/** Splits a table name or ARN into its parts. */
export function parseTableReference(reference: string): { tableName: string; tableArn?: string } {
  const arn = TABLE_ARN.exec(reference);
  if (arn) return { tableName: arn[3], tableArn: reference };
  return { tableName: reference };
}

function checkTableEntry(entry: unknown, setting: string): ResolvedTableSetting {
  if (typeof entry === 'string') return checkTableReference(setting, entry);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new SettingsError(setting, `expected a table name, ARN or object, got ${describe(entry)}`, TABLE_ENTRY_ACCEPTED);
  }
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'table' && !(OPTION_NAMES as string[]).includes(key)) {
      throw new SettingsError(`${setting}.${key}`, 'unknown field', ['table', ...OPTION_NAMES].join(', '));
    }
  }
  if (typeof record.table !== 'string') {
    throw new SettingsError(`${setting}.table`, `expected a table name or ARN, got ${describe(record.table)}`, TABLE_ENTRY_ACCEPTED);
  }
  const options: Record<string, unknown> = {};
  for (const option of OPTION_NAMES) {
    const value = record[option];
    options[option] = value === undefined ? undefined : TABLE_OPTIONS[option].check(value, `${setting}.${option}`);
  }
  return { ...checkTableReference(`${setting}.table`, record.table), ...options };
}

function checkTableReference(setting: string, reference: string): ResolvedTableSetting {
  if (reference.startsWith('arn:')) {
    if (!TABLE_ARN.test(reference)) {
      throw new SettingsError(setting, `"${reference}" is not a DynamoDB table ARN`, TABLE_ENTRY_ACCEPTED);
    }
    return parseTableReference(reference);
  }
  checkTableName(setting, reference);
  return { tableName: reference };
}

function checkNoDuplicateTables(setting: string, tables: readonly ResolvedTableSetting[]): void {
  const seen = new Set<string>();
  for (const table of tables) {
    const key = table.tableArn ?? table.tableName;
    if (seen.has(key)) {
      throw new SettingsError(setting, `"${key}" is listed twice`, 'each table once');
    }
    seen.add(key);
  }
}

function attributeName(): Setting<string> {
  return {
    context: 'text',
    accepted: 'an attribute name (1-255 characters)',
    check: (value, name) => {
      if (typeof value !== 'string' || !ATTRIBUTE_NAME.test(value)) {
        throw new SettingsError(name, `expected an attribute name, got ${describe(value)}`, '1-255 characters');
      }
      return value;
    },
  };
}

function customChecksSetting(): Setting<readonly string[], readonly string[]> {
  const accepted = '1-64 characters of a-z A-Z 0-9 _ . : -';
  return {
    context: 'list',
    accepted: `names of checks registered in lambda/checks/custom/index.ts (${accepted})`,
    check: (value, name) => {
      const names = checkStringList(name, value);
      for (const check of names) {
        if (!CUSTOM_CHECK_NAME.test(check)) throw new SettingsError(name, `"${check}" is not a check name`, accepted);
      }
      return names;
    },
  };
}
