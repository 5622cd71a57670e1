import type { DrillConfig, DrilledTable } from '../config';

/**
 * A drill restores through its stack's backup vault, plan and restore role, which are regional,
 * and its IAM names the stack's account: a table of another account or Region cannot be drilled
 * from here. The construct refuses one at synth when the stack's account and Region are known; an
 * environment-agnostic stack learns them only at deploy, so the drill compares each table's ARN
 * with them before it asks AWS for anything about the table. The stack's own account and Region
 * are read from the report topic's ARN: the stack created that topic.
 */

interface ArnEnvironment {
  readonly region: string;
  readonly account: string;
}

/** arn:partition:service:region:account:resource; undefined when either field is missing. */
function environmentOf(arn: string): ArnEnvironment | undefined {
  const [prefix, , , region, account] = arn.split(':');
  return prefix === 'arn' && region && account ? { region, account } : undefined;
}

/** Why the table cannot be drilled from this stack, or undefined when it is in the stack's account and Region. */
export function tableOutsideStack(table: DrilledTable, config: Pick<DrillConfig, 'topicArn'>): string | undefined {
  const stack = environmentOf(config.topicArn);
  const given = environmentOf(table.tableArn);
  if (!stack || !given || (given.account === stack.account && given.region === stack.region)) return undefined;
  return (
    `table in another account or Region: ${table.tableName} is ${table.tableArn} (account ${given.account}, Region ${given.region}), ` +
    `but this drill's stack is in account ${stack.account}, Region ${stack.region}; nothing was asked of AWS Backup — ` +
    `the backup vault and plan are regional: drill it from a stack in that account and Region, and remove it from this stack's tables`
  );
}
