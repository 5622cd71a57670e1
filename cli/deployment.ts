import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { tableNameFromArn } from './table-arn';

/**
 * The deployed drill, found by its stack's name through the stack's outputs
 * (lib/restore-drill-stack.ts), so the CLI needs nothing but the stack name and the standard AWS
 * credential chain and Region.
 */

export const DEFAULT_STACK_NAME = 'RestoreDrill';

export interface Deployment {
  readonly stackName: string;
  readonly drillFunctionName: string;
  readonly historyTableName: string;
  readonly restoreRoleArn?: string;
  readonly logGroupName?: string;
  readonly tables: readonly { readonly name: string; readonly arn: string }[];
}

/** A problem the user fixes outside the CLI (no stack, an old stack, no credentials): exit code 3. */
export class DeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentError';
  }
}

const REQUIRED_OUTPUTS = ['DrillFunctionName', 'HistoryTableName', 'DrilledTableArns'] as const;

export async function findDeployment(client: CloudFormationClient, stackName: string): Promise<Deployment> {
  let outputs: Record<string, string>;
  try {
    // DescribeStacks answers a stack that does not exist with a ValidationError (CloudFormation API
    // reference, DescribeStacks).
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries((Stacks[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      throw new DeploymentError(
        `no stack named "${stackName}" in this account and Region: deploy it (npx cdk deploy) or name yours with --stack or RESTORE_DRILL_STACK`,
      );
    }
    throw error;
  }
  const missing = REQUIRED_OUTPUTS.filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new DeploymentError(
      `stack "${stackName}" has no output ${missing.join(', ')}: it is not a restore-drill stack, or was deployed by an older version (deploy again)`,
    );
  }
  return {
    stackName,
    drillFunctionName: outputs.DrillFunctionName,
    historyTableName: outputs.HistoryTableName,
    restoreRoleArn: outputs.RestoreRoleArn,
    logGroupName: outputs.DrillLogGroupName,
    tables: outputs.DrilledTableArns.split(',')
      .filter(Boolean)
      .map((arn) => ({ name: tableNameFromArn(arn), arn })),
  };
}
