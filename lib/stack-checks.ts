import { Annotations, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import type { Construct, IConstruct } from 'constructs';
import { type ResolvedTableSetting, SettingsError, prefixMatchesTable } from './settings';

/**
 * Checks that need the stack (its name, account and Region, the other drills in it) or a prop
 * only the construct takes; they run after the settings' own (lib/settings.ts), before any
 * resource exists.
 */

/** Reserved concurrency is a prop of the construct only (RestoreDrillProps), not a setting. */
export function checkReservedConcurrency(reservedConcurrency: number | undefined): void {
  if (
    reservedConcurrency !== undefined &&
    (!Number.isInteger(reservedConcurrency) || reservedConcurrency < 1 || reservedConcurrency > 50)
  ) {
    throw new SettingsError(
      'reservedConcurrency',
      `${reservedConcurrency} is out of range`,
      'an integer from 1 to 50, or no reservation (the default)',
    );
  }
}

/** Each drill of a stack seeds and drills its own fixture table. */
export function checkFixtureTableUnique(
  fixtureTableName: string,
  otherDrills: readonly (IConstruct & { fixtureTableName: string })[],
): void {
  const sameName = otherDrills.find((other) => other.fixtureTableName === fixtureTableName);
  if (sameName) {
    throw new SettingsError(
      'fixtureTableName',
      `"${fixtureTableName}" is already the fixture table of ${sameName.node.path}`,
      'a distinct fixtureTableName for each RestoreDrill in a stack',
    );
  }
}

/**
 * Refuses a prefix that could select a table this stack creates: IAM lets the drill delete
 * `table/<prefix>*`. CloudFormation names the history table `<stack name>-<logical id>-<suffix>`.
 */
export function checkStackOwnedTableNames(prefix: string, fixtureTableName: string, stackName: string): void {
  if (!Token.isUnresolved(fixtureTableName) && prefixMatchesTable(prefix, fixtureTableName)) {
    throw new SettingsError(
      'restoreTablePrefix',
      `"${prefix}" matches the fixture table "${fixtureTableName}"; the drill may delete any table with this prefix`,
      'a prefix that no drilled table name starts with, or another fixtureTableName',
    );
  }
  if (!Token.isUnresolved(stackName)) {
    const generatedHead = `${stackName}-`.toLowerCase();
    const lowerPrefix = prefix.toLowerCase();
    if (generatedHead.startsWith(lowerPrefix) || lowerPrefix.startsWith(generatedHead)) {
      throw new SettingsError(
        'restoreTablePrefix',
        `"${prefix}" could match tables named after the stack "${stackName}" (such as the drill-history table)`,
        'a prefix that is not the start of "<stack name>-" and does not start with it',
      );
    }
  }
}

function describeArns(arns: readonly string[]): string {
  return arns.length <= 2
    ? `${arns.join(' and ')} ${arns.length === 1 ? 'is' : 'are'}`
    : `${arns.slice(0, 2).join(', ')} and ${arns.length - 2} more are`;
}

/** The fixture is drilled anyway, and its stack seeds and deletes it: it is no user table. */
export function checkFixtureNotListed(tables: readonly ResolvedTableSetting[], fixtureTableName: string): void {
  const listed = tables.find((table) => table.tableName === fixtureTableName);
  if (listed) {
    throw new SettingsError(
      'tables',
      `"${listed.tableArn ?? listed.tableName}" is the fixture table "${fixtureTableName}", which the stack creates, seeds and always drills`,
      'tables other than the fixture table (fixtureTableName)',
    );
  }
}

/**
 * The vault, plan and restore role are regional and the drill's IAM names this account: every
 * table must be in the stack's account and Region. Checked at synth where both sides are known.
 * An environment-agnostic stack learns its account and Region only at deploy. The CloudFormation
 * user guide's Rules page documents assertions that validate template parameters and says nothing
 * of pseudo parameters (AWS::Region, AWS::AccountId), so no deploy is staked on a rule comparing
 * them: the synth warns, and the drill checks each table's ARN when it runs (an early FAIL naming
 * both, with no AWS Backup call).
 */
export function checkTablesInStackEnvironment(scope: Construct, tables: readonly { tableName: string; tableArn: string }[]): void {
  const stack = Stack.of(scope);
  const given = new Map<string, { region: string; account: string; arns: string[] }>();
  for (const table of tables) {
    const parts = stack.splitArn(table.tableArn, ArnFormat.SLASH_RESOURCE_NAME);
    const mismatch = (given: string | undefined, expected: string) =>
      given !== undefined && !Token.isUnresolved(given) && !Token.isUnresolved(expected) && given !== expected;
    if (mismatch(parts.region, stack.region) || mismatch(parts.account, stack.account)) {
      throw new SettingsError(
        'tables',
        `"${table.tableArn}" is not in the stack's account and Region (${stack.account}/${stack.region}); the vault and plan are regional`,
        'tables in the same account and Region as the stack',
      );
    }
    if (Token.isUnresolved(parts.region) || Token.isUnresolved(parts.account) || parts.region === undefined || parts.account === undefined)
      continue;
    const key = `${parts.account}/${parts.region}`;
    given.set(key, { region: parts.region, account: parts.account, arns: [...(given.get(key)?.arns ?? []), table.tableArn] });
  }
  if (given.size > 1) {
    throw new SettingsError(
      'tables',
      `table ARNs name ${given.size} accounts/Regions (${[...given.keys()].join(', ')}); one stack drills the tables of one account and Region`,
      'table ARNs of one account and Region (a stack per account and Region)',
    );
  }
  const [environment] = given.values();
  if (environment === undefined || (!Token.isUnresolved(stack.region) && !Token.isUnresolved(stack.account))) return;
  Annotations.of(scope).addWarningV2(
    'restore-drill:tablesAccountRegion',
    `restore-drill setting "tables": ${describeArns(environment.arns)} in account ${environment.account}, Region ${environment.region}; this stack is environment-agnostic, so that cannot be compared with where it deploys at synth. The account and Region of table ARNs is checked when the drill runs: a table of another account or Region FAILs its drill (the backup vault and plan are regional). Give the stack an env to check it now.`,
  );
}
