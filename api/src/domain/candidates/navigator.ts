/**
 * ATT&CK Navigator layers (layer file format 4.5, ATT&CK Navigator 5.x): the incident's
 * techniques, a candidate's, or their comparison. In a comparison each technique gets a score:
 * 1 observed in the incident only, 2 known for the candidate only, 3 both; the comment of a shared
 * technique gives its contribution to the candidate's score. Techniques without an ATT&CK id
 * (analysts' own attack-patterns) cannot be placed on the matrix and are left out.
 */
import type { Candidate, ProfileItem } from './types';

export interface NavigatorTechnique {
  techniqueID: string;
  score?: number;
  color: string;
  comment: string;
  enabled: boolean;
  metadata: Array<{ name: string; value: string }>;
  links: Array<{ label: string; url: string }>;
  showSubtechniques: boolean;
}

export interface NavigatorLayer {
  name: string;
  versions: { attack: string; navigator: string; layer: string };
  domain: 'enterprise-attack';
  description: string;
  sorting: number;
  layout: { layout: string; aggregateFunction: string; showID: boolean; showName: boolean; showAggregateScores: boolean; countUnscored: boolean; expandedSubtechniques: string };
  hideDisabled: boolean;
  techniques: NavigatorTechnique[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: Array<{ label: string; color: string }>;
  metadata: Array<{ name: string; value: string }>;
  links: Array<{ label: string; url: string }>;
  showTacticRowBackground: boolean;
  tacticRowBackground: string;
  selectTechniquesAcrossTactics: boolean;
  selectSubtechniquesWithParent: boolean;
  selectVisibleTechniques: boolean;
}

export interface NavigatorLayerInput {
  incidentName: string;
  /** The incident's observed items (only techniques with an ATT&CK id are drawn). */
  observed: readonly ProfileItem[];
  /** A candidate and its technique items: the layer compares them with the incident. */
  candidate?: { candidate: Candidate; techniques: readonly ProfileItem[] } | null;
  /** `attack` of `versions`: the ATT&CK release the ids come from, when known. */
  attackVersion?: string;
}

const COLORS = { incident: '#66b1ff', candidate: '#ffe766', both: '#ff6666' } as const;

const techniqueIds = (items: readonly ProfileItem[]) =>
  new Map(items.filter((i) => i.channel === 'technique' && i.externalId && /^T\d{4}(\.\d{3})?$/.test(i.externalId)).map((i) => [i.externalId!, i]));

export function navigatorLayer(input: NavigatorLayerInput): NavigatorLayer {
  const observed = techniqueIds(input.observed);
  const known = input.candidate ? techniqueIds(input.candidate.techniques) : new Map<string, ProfileItem>();
  const contribution = new Map<string, number>();
  for (const s of input.candidate?.candidate.shared ?? []) {
    if (s.item.externalId) contribution.set(s.item.externalId, (contribution.get(s.item.externalId) ?? 0) + s.weight);
  }
  const ids = [...new Set([...observed.keys(), ...known.keys()])].sort();
  const techniques = ids.map((id): NavigatorTechnique => {
    const inIncident = observed.has(id);
    const inCandidate = known.has(id);
    const where = inIncident && inCandidate ? 'both' : inIncident ? 'incident' : 'candidate';
    const score = !input.candidate ? 1 : where === 'both' ? 3 : where === 'incident' ? 1 : 2;
    const w = contribution.get(id);
    const comment =
      where === 'both' ? `Observed in the incident and known for the candidate${w !== undefined ? `; adds ${w.toFixed(2)} to its score` : ''}.`
      : where === 'incident' ? (input.candidate && w !== undefined ? `Observed in the incident; the candidate has a related (sub-)technique; adds ${w.toFixed(2)}.` : 'Observed in the incident.')
      : 'Known for the candidate, not observed in the incident.';
    return {
      techniqueID: id,
      score,
      color: COLORS[where],
      comment,
      enabled: true,
      metadata: [{ name: 'name', value: (observed.get(id) ?? known.get(id))?.name ?? id }],
      links: [],
      showSubtechniques: false,
    };
  });
  const c = input.candidate?.candidate;
  const name = c ? `${input.incidentName} vs ${c.actor.name}` : input.incidentName;
  return {
    name: name.slice(0, 200),
    versions: { attack: input.attackVersion ?? '18', navigator: '5.1.0', layer: '4.5' },
    domain: 'enterprise-attack',
    description: c
      ? `Techniques of the incident compared with candidate ${c.actor.name} (rank ${c.rank}, score ${c.score.toFixed(2)}, probability ${(c.probability * 100).toFixed(1)}%). Exported by Attribution Graph.`
      : 'Techniques observed in the incident. Exported by Attribution Graph.',
    sorting: 3,
    layout: { layout: 'side', aggregateFunction: 'max', showID: true, showName: true, showAggregateScores: false, countUnscored: false, expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    techniques,
    gradient: { colors: [COLORS.incident, COLORS.candidate, COLORS.both], minValue: 1, maxValue: 3 },
    legendItems: c
      ? [
          { label: 'Incident only', color: COLORS.incident },
          { label: `${c.actor.name} only`, color: COLORS.candidate },
          { label: 'Both', color: COLORS.both },
        ]
      : [{ label: 'Observed in the incident', color: COLORS.incident }],
    metadata: c ? [{ name: 'candidate', value: c.actor.id }] : [],
    links: [],
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
  };
}
