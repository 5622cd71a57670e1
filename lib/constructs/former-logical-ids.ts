import { CfnElement, CfnResource, Names, Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/**
 * Logical IDs from before `RestoreDrill` was split into child constructs.
 *
 * CloudFormation knows a resource by its logical ID, which CDK derives from the construct path.
 * The resources of `RestoreDrill` used to sit directly under it (`Drill/Vault`); they now sit in
 * child constructs, the parts (`Drill/Backup/Vault`). Had their IDs followed the new paths, an
 * upgrade would replace every resource: new tables and a new vault (the data left in the retained
 * old ones), new keys, email subscriptions to confirm again. So a part is transparent to logical
 * IDs: each of its resources gets the ID the stack allocates at its former path, the path without
 * the part's segment, computed by the stack itself (`Stack.getLogicalId` of a probe placed there).
 *
 * CDK names a few constructs after another construct's unique id (an EventBridge rule's Lambda
 * permission is `AllowEventRule<unique id of the function>`); in a former path such a name embeds
 * the other construct's former unique id.
 *
 * Call it at the end of a part's constructor, before anything that renders a logical ID into a
 * string (cdk-nag acknowledgements name resources by their IDs). Resources added to a part later
 * keep the IDs of their new paths.
 */
export function keepFormerLogicalIds(part: Construct): void {
  if (part.node.scope === undefined) throw new Error('keepFormerLogicalIds: a part needs a scope');
  parts.add(part);
  for (const construct of part.node.findAll()) {
    if (CfnElement.isCfnElement(construct)) construct.overrideLogicalId(formerLogicalId(construct));
  }
}

/** The constructs whose children are placed as if they sat in the part's scope. */
const parts = new WeakSet<IConstruct>();

function formerLogicalId(element: CfnElement): string {
  const { scope, ids } = formerPath(element);
  return withProbe(scope, ids.map(withFormerUniqueIds(scope)), (probe) => Stack.of(probe).getLogicalId(probe));
}

function formerUniqueId(construct: IConstruct): string {
  const { scope, ids } = formerPath(construct);
  return withProbe(scope, ids, (probe) => Names.nodeUniqueId(probe.node));
}

/** The part's scope, and the ids from there down to `construct` without the part's own. */
function formerPath(construct: IConstruct): { scope: Construct; ids: string[] } {
  const scopes = construct.node.scopes;
  const partIndex = scopes.findIndex((each) => parts.has(each));
  return { scope: scopes[partIndex - 1] as Construct, ids: scopes.slice(partIndex + 1).map((each) => each.node.id) };
}

/** Rewrites an id that embeds the unique id of a construct of a part to embed its former one. */
function withFormerUniqueIds(scope: Construct): (id: string) => string {
  return (id) => {
    let rewritten = id;
    for (const construct of scope.node.findAll()) {
      if (!construct.node.scopes.some((each) => parts.has(each) && each !== construct)) continue;
      const uniqueId = Names.nodeUniqueId(construct.node);
      if (rewritten.includes(uniqueId)) rewritten = rewritten.replace(uniqueId, formerUniqueId(construct));
    }
    return rewritten;
  };
}

/** Places a probe resource at `ids` below `scope`, reads it, and removes it again. */
function withProbe<T>(scope: Construct, ids: readonly string[], read: (probe: CfnResource) => T): T {
  const [first] = ids;
  if (scope.node.tryFindChild(first) !== undefined) {
    throw new Error(
      `${scope.node.path}/${first} exists: a part's id must differ from the ids its resources had when they sat in ${scope.node.path}`,
    );
  }
  let parent: Construct = scope;
  for (const id of ids.slice(0, -1)) parent = new Construct(parent, id);
  const probe = new CfnResource(parent, ids[ids.length - 1], { type: 'RestoreDrill::FormerPathProbe' });
  try {
    return read(probe);
  } finally {
    scope.node.tryRemoveChild(first);
  }
}
