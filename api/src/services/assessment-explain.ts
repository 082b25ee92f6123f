/**
 * An assessment in plain sentences, so that analysts and readers of a report see what the numbers
 * say and what they rest on: the leader and ranking, what drives it (the most diagnostic items),
 * what would change it (sensitivity), what analysts think (pool, disagreement), and the caveats.
 * Pure: built from the case and the engine's result only.
 */
import type { AssessmentResult } from '../domain/assessment';
import type { CaseRecord } from './case-model';

const pct = (p: number) => `${(100 * p).toFixed(1)} %`;

export function explainAssessment(c: CaseRecord, result: AssessmentResult, droppedRatings = 0): string[] {
  const name = (id: string) => c.hypotheses.find((h) => h.id === id)?.name ?? id;
  const evidenceName = (id: string) => c.evidence.find((e) => e.id === id)?.name ?? id;
  const out: string[] = [];
  const known = result.asOf ? ` known as of ${result.asOf}` : '';
  if (result.hypotheses.length === 0) {
    return [`${c.incident.name} has no attribution hypothesis yet: add one for each line of inquiry, including an "unknown/other" one.`];
  }
  const leader = result.hypotheses[0]!;
  if (leader.posterior !== null) {
    out.push(
      `Leading hypothesis: "${leader.name}" with a posterior of ${pct(leader.posterior)} (${leader.label}; STIX confidence ${leader.confidence}, ${leader.confidenceLevel})` +
        (leader.achRank !== null ? `; it ranks ${leader.achRank} by ACH (score ${leader.score?.toFixed(2)}).` : '.') +
        (leader.posterior < 0.5 ? ' No hypothesis is more likely than not: attribution stays open.' : ''),
    );
    out.push(
      `Ranking: ${result.hypotheses.map((h) => `${h.rank}. ${h.name} ${pct(h.posterior ?? 0)}`).join('; ')}. The posteriors sum to 1 over these hypotheses only, so keep an "other" hypothesis open if the list may be incomplete.`,
    );
  } else {
    out.push(
      `Least refuted hypothesis (ACH): "${leader.name}" (score ${leader.score?.toFixed(2)}; 0 means nothing is inconsistent with it). Ranking: ${result.hypotheses
        .map((h) => `${h.rank}. ${h.name} ${h.score?.toFixed(2)}`)
        .join('; ')}.`,
    );
  }
  const counted = result.evidence.filter((e) => e.effectiveWeight > 0);
  const raters = new Set(c.evidence.flatMap((e) => e.ratings.map((r) => r.analyst)));
  out.push(
    `Based on ${result.evidence.length} evidence item(s)${known} (${counted.length} counted, the others discredited or weighted 0), rated by ${raters.size} analyst(s).`,
  );
  const nonDiagnostic = result.evidence.filter((e) => e.nonDiagnostic);
  if (nonDiagnostic.length > 0) {
    out.push(
      `Non-diagnostic (rated the same for every hypothesis, so they move nothing): ${nonDiagnostic.map((e) => `"${evidenceName(e.evidenceId)}"`).join(', ')}.`,
    );
  }
  const diagnostic = [...result.evidence].filter((e) => !e.nonDiagnostic).sort((a, b) => b.diagnosticity - a.diagnosticity);
  if (diagnostic.length > 0) {
    out.push(
      `Most diagnostic: ${diagnostic
        .slice(0, 3)
        .map((e) => `"${evidenceName(e.evidenceId)}" (likelihood ratio up to ${Math.exp(e.diagnosticity).toFixed(2)})`)
        .join(', ')}.`,
    );
  }
  const flips = result.sensitivity.filter((s) => s.flipsLead);
  if (flips.length === 0) {
    if (result.sensitivity.length > 0) out.push('No single evidence item, removed or discredited, would change the leading hypothesis.');
  } else {
    for (const s of flips) {
      out.push(
        `${s.action === 'remove' ? 'Removing or discrediting' : 'Crediting again'} "${evidenceName(s.evidenceId)}" would make "${name(s.newLeader ?? '')}" the leader: the assessment hangs on it.`,
      );
    }
  }
  if (result.pooled) {
    out.push(
      `Pooled judgement of ${result.pooled.analysts.join(', ')} (${result.pooled.rule} pool): ${result.pooled.hypotheses
        .map((h) => `${name(h.hypothesisId)} ${pct(h.probability)}`)
        .join('; ')}.`,
    );
  }
  const top = result.disagreement[0];
  if (top && top.spread > 0) {
    out.push(
      `Analysts disagree most about "${name(top.hypothesisId)}": ${top.lowest.analyst} gives ${pct(top.lowest.probability)}, ${top.highest.analyst} ${pct(top.highest.probability)}.`,
    );
  }
  if (droppedRatings > 0) {
    out.push(`${droppedRatings} rating(s) of hypotheses you may not see (or of another incident) were left out.`);
  }
  out.push(
    'The numbers follow documented conventions (docs/assessment.md: likelihoods per rating, Admiralty weights), not calibrated frequencies; evidence items are treated as independent, so an item reported twice counts twice.',
  );
  return out;
}
