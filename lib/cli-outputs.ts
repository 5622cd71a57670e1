import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The outputs the `restore-drill` CLI reads (cli/deployment.ts), as RestoreDrill and RestoreDrillStack name them. */
export const CLI_OUTPUT_NAMES = [
  'DrillFunctionName',
  'HistoryTableName',
  'DrilledTableArns',
  'DrillLogGroupName',
  'RestoreRoleArn',
] as const;

/** Stacks that have the CLI's outputs, and the drill they belong to: one per stack. */
const stacksWithCliOutputs = new WeakMap<Stack, string>();

/**
 * The outputs `restore-drill` reads, at the stack's top level (their logical IDs are the names
 * the CLI looks for), under `drill`. One drill per stack has them: another drill asking for them
 * explicitly (`required`) is refused; one that merely defaults to them leaves them to the first.
 */
export function addCliOutputs(drill: Construct, required: boolean, values: Record<(typeof CLI_OUTPUT_NAMES)[number], string>): void {
  const stack = Stack.of(drill);
  const owner = stacksWithCliOutputs.get(stack);
  if (owner) {
    if (!required) return;
    throw new Error(
      `${drill.node.path}: the stack already has the CLI's outputs (DrillFunctionName...) of ${owner}; set cliOutputs: false on all but one drill per stack`,
    );
  }
  stacksWithCliOutputs.set(stack, drill.node.path);
  const outputs = new Construct(drill, 'CliOutputs');
  for (const [name, value] of Object.entries(values)) new CfnOutput(outputs, name, { value }).overrideLogicalId(name);
}
