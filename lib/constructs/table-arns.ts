import type { Stack } from 'aws-cdk-lib';

/** The ARN of a table of the stack's account and Region. */
export function tableArn(stack: Stack, tableName: string): string {
  return stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName });
}

/** Every table a drill may restore into: `table/<prefix>*`, the only stable handle on restored copies. */
export function restoredTablesArn(stack: Stack, restoreTablePrefix: string): string {
  return tableArn(stack, `${restoreTablePrefix}*`);
}
