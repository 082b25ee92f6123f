/**
 * Which fields a GraphQL request selects below a field, so a resolver can leave out of its Cypher
 * what nobody asked for (a neighbourhood's optional node and edge fields). Fragments (inline and
 * named) are followed; `@skip` / `@include` are ignored, so a conditional field counts as asked
 * for: reading a field too many is harmless, one too few would answer null for a stored value.
 */
import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { NeighborhoodFields } from '../../services/explore.service';

/** Names of the fields selected directly under `selectionSet` (through fragments). */
function collect(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  into: Map<string, FieldNode[]>,
  seen: Set<string>,
): void {
  if (!selectionSet) return;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const list = into.get(selection.name.value);
      if (list) list.push(selection);
      else into.set(selection.name.value, [selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, fragments, into, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      collect(fragments[selection.name.value]?.selectionSet, fragments, into, seen);
    }
  }
}

/** Fields selected under the resolved field, by name (each with every node that selects it). */
function childFields(nodes: readonly FieldNode[], fragments: Record<string, FragmentDefinitionNode>): Map<string, FieldNode[]> {
  const into = new Map<string, FieldNode[]>();
  for (const node of nodes) collect(node.selectionSet, fragments, into, new Set());
  return into;
}

/** The optional neighbourhood fields (see NeighborhoodFields) that the `neighborhood` field selects. */
export function neighborhoodFieldsOf(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): NeighborhoodFields {
  const top = childFields(info.fieldNodes, info.fragments);
  const nodes = childFields(top.get('nodes') ?? [], info.fragments);
  const edges = childFields(top.get('edges') ?? [], info.fragments);
  return {
    nodeName: nodes.has('name'),
    nodeConfidence: nodes.has('confidence'),
    nodeCreated: nodes.has('created'),
    nodeModified: nodes.has('modified'),
    edgeRelationshipType: edges.has('relationshipType'),
    edgeConfidence: edges.has('confidence'),
  };
}
