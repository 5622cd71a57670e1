import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { canonicalValue } from '../../digest/canonical-item';
import { itemRuleCheck } from './item-rule';

/**
 * Example custom check, fitted to the spatial fixture: every room's floor polygon is a list of
 * at least four {x, y} vertices whose last vertex repeats the first (a closed ring), which the
 * 3D rendering pipeline depends on.
 */
function polygonProblem(polygon: AttributeValue | undefined): string | undefined {
  const vertices = polygon?.L;
  if (!vertices) return 'without a polygon list';
  if (vertices.length < 4) return 'with fewer than 4 vertices';
  const valid = vertices.every((v) => v.M?.x?.N !== undefined && v.M?.y?.N !== undefined);
  if (!valid) return 'with a vertex lacking numeric x/y';
  return canonicalValue(vertices[0]) === canonicalValue(vertices[vertices.length - 1]) ? undefined : 'with an open ring';
}

export const polygonClosesCheck = itemRuleCheck({
  name: 'polygon-closes',
  description: 'every room polygon is a closed ring',
  appliesTo: (item) => item.type?.S === 'room',
  check: (item) => polygonProblem(item.polygon),
  nextStep: 'room geometry came back broken: renderings from a recovery would be wrong; inspect these rooms in the source and the backup',
});
