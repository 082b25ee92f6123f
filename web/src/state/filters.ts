/**
 * Which loaded elements the current filters and as-of date let through. A view concern only: the
 * server has already removed what the caller may not see.
 */
import { timeOf, type EdgeData, type NodeData } from '../graph/elements';
import type { Filters } from './view-state';

function day(iso: string | undefined): string | null {
  return iso && iso.length >= 10 ? iso.slice(0, 10) : null;
}

export function nodePasses(node: NodeData, filters: Filters, asOf: string | null): boolean {
  if (filters.hiddenTypes.includes(node.stixType)) return false;
  if (filters.minConfidence !== null && typeof node.confidence === 'number' && node.confidence < filters.minConfidence) {
    return false;
  }
  if (filters.tlp.length > 0 && !filters.tlp.includes(node.tlp ?? 'CLEAR')) return false;
  // When it happened (evidence: when it was known), else when it was created.
  const created = day(timeOf(node));
  if (created) {
    if (filters.from && created < filters.from) return false;
    if (filters.to && created > filters.to) return false;
    if (asOf && created > asOf) return false;
  }
  return true;
}

export function edgePasses(edge: EdgeData, filters: Filters, asOf: string | null): boolean {
  if (filters.minConfidence !== null && typeof edge.confidence === 'number' && edge.confidence < filters.minConfidence) {
    return false;
  }
  const created = day(edge.created);
  if (created && asOf && created > asOf) return false;
  return true;
}

export function filtersActive(filters: Filters, asOf: string | null): boolean {
  return (
    filters.hiddenTypes.length > 0 || filters.minConfidence !== null || filters.from !== null ||
    filters.to !== null || filters.tlp.length > 0 || asOf !== null
  );
}
