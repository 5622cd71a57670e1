/**
 * Resolves the CloudFormation intrinsics a synthesized template uses in Lambda environments and
 * custom-resource properties (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub and the
 * pseudo parameters, AWS::StackId included: the backup vault is named after it) against the
 * physical values of the local resources. Anything else is an error naming the intrinsic, so a
 * new kind of reference shows up as a clear test failure.
 */

export interface ResolutionContext {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  /** AWS::StackId; default {@link localStackId}. */
  readonly stackId?: string;
  /** Ref of a resource, by logical id. */
  ref(logicalId: string): string;
  /** Fn::GetAtt of a resource, by logical id and attribute. */
  getAtt(logicalId: string, attribute: string): string;
}

export type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> }> };

/**
 * The stack id a local deployment stands in for CloudFormation's: the documented shape
 * (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`) with a fixed uuid, since a
 * local deployment is always the same stack instance.
 */
export function localStackId(region: string, accountId: string, stackName: string): string {
  return `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/10ca1000-0000-1000-8000-000000000000`;
}

function pseudo(name: string, context: ResolutionContext): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return context.region;
    case 'AWS::AccountId':
      return context.accountId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return context.stackName;
    case 'AWS::StackId':
      return context.stackId ?? localStackId(context.region, context.accountId, context.stackName);
    default:
      return undefined;
  }
}

export function resolveIntrinsics(value: unknown, context: ResolutionContext): any {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, context));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, argument] = entries[0];
    switch (key) {
      case 'Ref': {
        const name = argument as string;
        return pseudo(name, context) ?? context.ref(name);
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        return context.getAtt(logicalId, attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return (resolveIntrinsics(parts, context) as string[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [number | string, unknown];
        return (resolveIntrinsics(list, context) as string[])[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return String(resolveIntrinsics(text, context)).split(separator);
      }
      case 'Fn::Sub': {
        const [template, variables = {}] = Array.isArray(argument) ? argument : [argument, {}];
        const resolved = resolveIntrinsics(variables, context) as Record<string, string>;
        return String(template).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in resolved) return resolved[name];
          const fromPseudo = pseudo(name, context);
          if (fromPseudo !== undefined) return fromPseudo;
          const [logicalId, attribute] = name.split('.');
          return attribute ? context.getAtt(logicalId, attribute) : context.ref(logicalId);
        });
      }
      default:
        if (key.startsWith('Fn::') || key === 'Condition') throw new Error(`unsupported intrinsic ${key} in the template`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, context)]));
}
