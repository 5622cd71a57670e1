import { Fn, type Stack } from 'aws-cdk-lib';

/** The ARN of a table of the stack's account and Region. */
export function tableArn(stack: Stack, tableName: string): string {
  return stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName });
}

/** Every table a drill may restore into: `table/<prefix>*`, the only stable handle on restored copies. */
export function restoredTablesArn(stack: Stack, restoreTablePrefix: string): string {
  return tableArn(stack, `${restoreTablePrefix}*`);
}

/** The ARNs of a comma-separated list (a token at synth, such as a parameter), as a list. */
export function arnList(arns: string): string[] {
  return Fn.split(',', arns);
}

/**
 * Each ARN of a comma-separated list with `suffix` appended, as a list. Fn::Join takes no
 * function in its delimiter (CloudFormation template reference, Fn::Join, "Supported
 * functions"), so only a literal suffix can go between the elements this way.
 */
export function arnListWithSuffix(arns: string, suffix: string): string[] {
  return Fn.split(',', Fn.join('', [Fn.join(`${suffix},`, Fn.split(',', arns)), suffix]));
}
