/**
 * The building blocks of setting checks. Plain TypeScript: the drill Lambda's bundle may import it (no aws-cdk-lib).
 */

/** Thrown for an invalid setting; the message names the setting and what it accepts. */
export class SettingsError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
    accepted: string,
  ) {
    super(`Invalid restore-drill setting "${setting}": ${problem}. Accepted: ${accepted}.`);
    this.name = 'SettingsError';
  }
}

export function checkTableName(setting: string, name: string): void {
  if (!TABLE_NAME.test(name)) {
    throw new SettingsError(setting, `"${name}" is not a valid DynamoDB table name`, '3-255 characters of a-z A-Z 0-9 _ . -');
  }
}

/**
 * A KMS key ARN, never an alias: an IAM policy names a key only by its key ARN (KMS developer
 * guide, "Specifying KMS keys in IAM policy statements"); an alias ARN would grant nothing.
 */
export function checkKmsKeyArn(setting: string, arn: unknown): string {
  if (typeof arn !== 'string' || !KMS_KEY_ARN.test(arn)) {
    throw new SettingsError(setting, `${describe(arn)} is not a KMS key ARN`, 'arn:aws:kms:<region>:<account>:key/<key id> (not an alias)');
  }
  return arn;
}

export function checkNumber(setting: string, value: unknown, range: { min: number; max: number; integer?: boolean }): number {
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

// DynamoDB table names: 3-255 characters of a-z, A-Z, 0-9, '_', '-', '.'.
export const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
export const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]+$/;
