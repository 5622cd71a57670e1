/**
 * What a setting is made of, and the kinds of setting the spec (spec.ts) declares them with. Plain
 * TypeScript: the drill Lambda's bundle imports it (no aws-cdk-lib).
 */

/** Thrown for an invalid setting; the message names the setting, the value and what is accepted. */
export class SettingsError extends Error {
  constructor(
    readonly setting: string,
    readonly problem: string,
    readonly accepted: string,
  ) {
    super(`Invalid restore-drill setting "${setting}": ${problem}. Accepted: ${accepted}.`);
    this.name = 'SettingsError';
  }
}

/** How a value arrives in CDK context: `-c key=value` always gives text, `cdk.json` gives JSON. */
export type ContextForm = 'text' | 'number' | 'boolean' | 'list';

/**
 * One setting: what it accepts, its default, and the check that turns a given value into the
 * value the drill uses (`Given` is what props and context give, `Resolved` what the check returns).
 */
export interface Setting<Given, Resolved = Given> {
  /** How CDK context gives it. */
  readonly context: ContextForm;
  /** What is accepted, as errors and the README say it. */
  readonly accepted: string;
  /** The value when the setting is not given; without one, the setting stays unset. */
  readonly default?: Given;
  /** Checks a given value; throws {@link SettingsError} naming `name`. */
  check(value: unknown, name: string): Resolved;
}

/** A number in a closed range. */
export interface NumberSetting extends Setting<number> {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
}

export function numberSetting(range: NumberRange & { readonly default: number }): NumberSetting & { readonly default: number };
export function numberSetting(range: NumberRange): NumberSetting;
export function numberSetting(range: NumberRange & { readonly default?: number }): NumberSetting {
  const integer = range.integer ?? false;
  return {
    context: 'number',
    accepted: `${integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`,
    default: range.default,
    min: range.min,
    max: range.max,
    integer,
    check: (value, name) => checkNumber(name, value, { ...range, integer }),
  };
}

export function booleanSetting(options: { readonly default: boolean }): Setting<boolean> & { readonly default: boolean };
export function booleanSetting(): Setting<boolean>;
export function booleanSetting(options: { readonly default?: boolean } = {}): Setting<boolean> {
  return { context: 'boolean', accepted: 'true or false', default: options.default, check: (value, name) => checkBoolean(name, value) };
}

interface TextSpec {
  readonly accepted: string;
  /** Checks text that is given (a string); throws {@link SettingsError} naming `name`. */
  readonly check: (text: string, name: string) => void;
}

/** Text that must be a string, then pass `check`. */
export function textSetting(spec: TextSpec & { readonly default: string }): Setting<string> & { readonly default: string };
export function textSetting(spec: TextSpec): Setting<string>;
export function textSetting(spec: TextSpec & { readonly default?: string }): Setting<string> {
  return {
    context: 'text',
    accepted: spec.accepted,
    default: spec.default,
    check: (value, name) => {
      if (typeof value !== 'string') throw new SettingsError(name, `expected text, got ${describe(value)}`, spec.accepted);
      spec.check(value, name);
      return value;
    },
  };
}

/** A list of strings, each of which must pass `item`; empty by default. */
export function listSetting(spec: TextSpec): Setting<readonly string[], readonly string[]> & { readonly default: readonly string[] } {
  return {
    context: 'list',
    accepted: `a list of strings, each ${spec.accepted}`,
    default: [],
    check: (value, name) => {
      const list = checkStringList(name, value);
      for (const item of list) spec.check(item, name);
      return list;
    },
  };
}

/** One of a few words. */
export function enumSetting<const V extends string>(values: readonly V[], defaultValue: V): Setting<V> & { readonly default: V } {
  const accepted = values.map((value) => `"${value}"`).join(' or ');
  return {
    context: 'text',
    accepted,
    default: defaultValue,
    check: (value, name) => {
      if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
        throw new SettingsError(name, `expected one of ${accepted}, got ${describe(value)}`, accepted);
      }
      return value as V;
    },
  };
}

/** A customer-managed KMS key, by its key ARN. */
export function kmsKeyArnSetting(): Setting<string> {
  return { context: 'text', accepted: KMS_KEY_ARN_ACCEPTED, check: (value, name) => checkKmsKeyArn(name, value) };
}

export function checkNumber(setting: string, value: unknown, range: NumberRange): number {
  const accepted = `${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SettingsError(setting, `expected a number, got ${describe(value)}`, accepted);
  }
  if (value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
    throw new SettingsError(setting, `${value} is out of range`, accepted);
  }
  return value;
}

export function checkBoolean(setting: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new SettingsError(setting, `expected true or false, got ${describe(value)}`, 'true or false');
  return value;
}

export function checkStringList(setting: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new SettingsError(setting, `expected a list of strings, got ${describe(value)}`, 'a list of strings');
  }
  return [...value];
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

// ---- AWS names and ARNs ----------------------------------------------------------------------

// DynamoDB table names: 3-255 characters of a-z, A-Z, 0-9, '_', '-', '.'.
export const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
export const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):[a-zA-Z0-9+=,.@_/*:-]+$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]+$/;
export const TABLE_NAME_ACCEPTED = '3-255 characters of a-z A-Z 0-9 _ . -';
export const KMS_KEY_ARN_ACCEPTED = 'arn:aws:kms:<region>:<account>:key/<key id> (not an alias)';

export function checkTableName(setting: string, name: string): void {
  if (!TABLE_NAME.test(name)) {
    throw new SettingsError(setting, `"${name}" is not a valid DynamoDB table name`, TABLE_NAME_ACCEPTED);
  }
}

/**
 * A KMS key ARN, never an alias: an IAM policy names a key only by its key ARN (KMS developer
 * guide, "Specifying KMS keys in IAM policy statements"); an alias ARN would grant nothing.
 */
export function checkKmsKeyArn(setting: string, arn: unknown): string {
  if (typeof arn !== 'string' || !KMS_KEY_ARN.test(arn)) {
    throw new SettingsError(setting, `${describe(arn)} is not a KMS key ARN`, KMS_KEY_ARN_ACCEPTED);
  }
  return arn;
}

/** The vault policy exempts these ARNs from its deny (ArnNotLike aws:PrincipalArn). */
export function checkAdminPrincipal(arn: string, name: string): void {
  const principal = PRINCIPAL_ARN.exec(arn);
  if (!principal) {
    throw new SettingsError(
      name,
      `"${arn}" is not an IAM principal ARN`,
      'arn:aws:iam::<account>:role/<name> (wildcards allowed in the name)',
    );
  }
  // A "*" account would exempt a principal of that name in every AWS account.
  if (principal[2] === '*') {
    throw new SettingsError(
      name,
      `"${arn}" names any account ("*"), so a principal of that name in any AWS account could delete recovery points`,
      'an ARN with a 12-digit account, e.g. arn:aws:iam::123456789012:role/BackupAdmin (wildcards allowed in the name only)',
    );
  }
}

/**
 * The shape of an EventBridge or AWS Backup schedule: `cron(...)` with 6 fields, one of the day
 * fields "?"; `rate(n unit)` where allowed. How often it runs is checked in lib/ (it simulates it).
 */
export function scheduleSetting(options: {
  readonly default: string;
  readonly allowRate: boolean;
}): Setting<string> & { readonly default: string } {
  const accepted = options.allowRate
    ? 'cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) with one of the day fields "?", or rate(<n> minute(s)|hour(s)|day(s))'
    : 'cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) with one of the day fields "?"';
  return textSetting({
    default: options.default,
    accepted,
    check: (expression, name) => {
      const cron = /^cron\(([^()]+)\)$/.exec(expression);
      if (cron) {
        const fields = cron[1].trim().split(/\s+/);
        const fieldPattern = /^[0-9A-Za-z*?,/#L-]+$/;
        // EventBridge and AWS Backup cron: 6 fields; day-of-month or day-of-week must be '?'.
        if (fields.length === 6 && fields.every((field) => fieldPattern.test(field)) && (fields[2] === '?') !== (fields[4] === '?')) return;
        throw new SettingsError(name, `"${expression}" is not a valid cron expression`, accepted);
      }
      const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
      if (rate && options.allowRate) {
        const value = Number(rate[1]);
        const singular = !rate[2].endsWith('s');
        if (value >= 1 && singular === (value === 1)) return;
      }
      throw new SettingsError(name, `"${expression}" is not a valid schedule expression`, accepted);
    },
  });
}
