/**
 * Layout options for the canvas. Force layouts start from the current positions (no
 * randomisation once a graph has been laid out) and switch to fcose's `draft` quality above
 * DRAFT_THRESHOLD nodes: `default` quality takes minutes past ~2 000 nodes, `draft` lays out
 * 5 000 in about a second. Saved views reopen with `preset` (positions kept, no computation).
 */
import type { LayoutOptions, NodeSingular } from 'cytoscape';
import type { LayoutName } from '../state/view-state';

export const DRAFT_THRESHOLD = 1_000;
export const ANIMATE_THRESHOLD = 300;

/** Ring order of the concentric layout: hypotheses in the centre, then the incident, evidence… */
const CONCENTRIC_RANK: Record<string, number> = {
  'attribution-hypothesis': 6,
  incident: 5,
  'attribution-evidence': 4,
  'threat-actor': 3,
  'intrusion-set': 3,
  campaign: 3,
};

export function concentricLevel(stixType: string): number {
  return CONCENTRIC_RANK[stixType] ?? 1;
}

export interface LayoutContext {
  nodeCount: number;
  /** True when the nodes already have meaningful positions (start force layouts from them). */
  positioned: boolean;
  /** Positions for `preset`. */
  positions?: Record<string, [number, number]>;
}

export function layoutOptions(name: LayoutName, context: LayoutContext): LayoutOptions {
  const animate = context.nodeCount <= ANIMATE_THRESHOLD;
  switch (name) {
    case 'fcose': {
      const big = context.nodeCount > DRAFT_THRESHOLD;
      return {
        name: 'fcose',
        quality: big ? 'draft' : 'default',
        randomize: !context.positioned,
        animate,
        animationDuration: 400,
        fit: true,
        padding: 30,
        nodeDimensionsIncludeLabels: !big,
        nodeRepulsion: 6500,
        idealEdgeLength: 90,
        numIter: big ? 1500 : 2500,
        packComponents: true,
      } as unknown as LayoutOptions;
    }
    case 'concentric':
      return {
        name: 'concentric',
        concentric: (node: NodeSingular) => concentricLevel(String(node.data('stixType'))) * 1000 + node.degree(false),
        levelWidth: () => 1000,
        minNodeSpacing: 12,
        animate,
        fit: true,
        padding: 30,
      } as LayoutOptions;
    case 'dagre':
      return { name: 'dagre', rankDir: 'LR', nodeSep: 20, rankSep: 80, animate, fit: true, padding: 30 } as unknown as LayoutOptions;
    case 'grid':
      return { name: 'grid', avoidOverlap: true, animate, fit: true, padding: 30, condense: true } as LayoutOptions;
    case 'preset': {
      const positions = context.positions ?? {};
      return {
        name: 'preset',
        positions: (node: NodeSingular) => {
          const p = positions[node.id()];
          return p ? { x: p[0], y: p[1] } : undefined;
        },
        fit: true,
        padding: 30,
      } as unknown as LayoutOptions;
    }
  }
}
