/** The service's ranking shaped as the SDL's CandidateActors (enums upper-case). */
import type { ProfileItem } from '../../domain/candidates';
import type { CandidateResult } from '../../services/candidates.service';

const item = (i: ProfileItem) => ({ id: i.id, type: i.type, name: i.name, externalId: i.externalId ?? null, channel: i.channel.toUpperCase() });

export function toCandidateActors(r: CandidateResult) {
  return {
    /** The service's result, for `navigatorLayer` (not an SDL field). */
    result: r,
    incidentId: r.incident.id,
    asOf: r.asOf,
    candidates: r.candidates.map((c) => ({
      actor: c.actor,
      rank: c.rank,
      score: c.score,
      probability: c.probability,
      shared: c.shared.map((s) => ({ object: item(s.item), channel: s.channel.toUpperCase(), weight: s.weight, match: s.match.toUpperCase(), actorsWithItem: s.actorsWithItem })),
      missing: c.missing.map((m) => ({ object: item(m.item), weight: m.weight })),
      channels: c.channels.map((ch) => ({ channel: ch.channel.toUpperCase(), score: ch.score })),
      carriedBy: c.carriedBy ? c.carriedBy.toUpperCase() : null,
    })),
    unknownProbability: r.unknownProbability,
    observed: r.observed.map(item),
    standsOut: r.standsOut,
    explanation: r.explanation,
    actorsConsidered: r.actorsConsidered,
  };
}

export type CandidateActorsResult = ReturnType<typeof toCandidateActors>;
