import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Reasons shared by the restore role and the drill function's policy. */
export const RESTORED_COPIES_REASON =
  'Restored copies get a new name per drill; the restore-table prefix (refused when any drilled or stack-owned table starts with it) is the only stable handle.';
export const NATIVE_BACKUPS_REASON =
  'Native DynamoDB backups of the drilled tables (recovery points of tables without AWS Backup advanced features).';

/**
 * Acknowledges one cdk-nag finding on a construct, with the reason an auditor will read.
 * cdk-nag 3 reads acknowledgements from CDK's native `Validations` metadata.
 */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}

/**
 * Acknowledges AwsSolutions-IAM5 (wildcard) findings for the given policy resources.
 *
 * IAM5 names each finding after the resource as it appears in the template, with references
 * flattened (`<Logical.Arn>`, `<AWS::Region>`, or a concrete Region when the stack has one), so
 * the finding ID is computed from the resource itself here rather than written by hand; the
 * cdk-nag test fails if the two ever disagree.
 */
export function acknowledgeWildcardResources(construct: IConstruct, resources: readonly string[], reason: string): void {
  const stack = Stack.of(construct);
  for (const resource of new Set(resources.map((value) => flattenReference(stack.resolve(value))))) {
    if (resource.includes('*')) acknowledge(construct, `AwsSolutions-IAM5[Resource::${resource}]`, reason);
  }
}

/** Renders a resolved CloudFormation value the way cdk-nag names IAM5 findings. */
function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (Array.isArray(record['Fn::Join'])) {
      const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if ('Fn::Sub' in record) return flattenReference(record['Fn::Sub']);
    if (Array.isArray(record['Fn::GetAtt'])) {
      const [resource, attribute] = record['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if ('Fn::ImportValue' in record) return flattenReference(record['Fn::ImportValue']);
    if ('Ref' in record) return `<${flattenReference(record.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * Acknowledges the AwsSolutions-IAM5 finding of a statement whose whole Resource is one list
 * built at deploy time (such as the ARNs of a parameter with a suffix appended): cdk-nag names it
 * after the list's intrinsic as JSON.
 */
export function acknowledgeWildcardResourceList(construct: IConstruct, resources: readonly string[], reason: string): void {
  const rendered = JSON.stringify(Stack.of(construct).resolve(resources));
  if (rendered.includes('*')) acknowledge(construct, `AwsSolutions-IAM5[Resource::${rendered}]`, reason);
}
