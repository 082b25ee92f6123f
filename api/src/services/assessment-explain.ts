/**
 * An assessment in plain sentences, so that analysts and readers of a report see what the numbers
 * say and what they rest on: the lead (or that there is none), the analytic confidence apart from
 * the likelihood, what drives it, what would change it (sensitivity, decisive runs only), blank
 * cells, dependent evidence, what each analyst's ratings say, the pool and disagreement, caveats.
 * Pure: built from the case and the engine's result only.
 */
import type { AssessmentResult } from '../domain/assessment';
import type { CaseRecord } from './case-model';

const pct = (p: number) => `${(100 * p).toFixed(1)} %`;

/** What every section of the explanation reads: the result, and how to name hypotheses and evidence. */
interface Explaining {
  result: AssessmentResult;
  /** Posteriors (Bayes) or ACH scores only. */
  bayes: boolean;
  byId: Map<string, AssessmentResult['hypotheses'][number]>;
  name(id: string): string;
  evidenceName(id: string): string;
  quoted(ids: readonly string[], of: (id: string) => string): string;
  /** A hypothesis' posterior, or its ACH score. */
  value(id: string): string;
}

export function explainAssessment(c: CaseRecord, result: AssessmentResult, droppedRatings = 0): string[] {
  const name = (id: string) => result.hypotheses.find((h) => h.hypothesisId === id)?.name ?? c.hypotheses.find((h) => h.id === id)?.name ?? id;
  const evidenceName = (id: string) => c.evidence.find((e) => e.id === id)?.name ?? id;
  const quoted = (ids: readonly string[], of: (id: string) => string) => ids.map((id) => `"${of(id)}"`).join(', ');
  if (result.hypotheses.length === 0) {
    return [`${c.incident.name} has no attribution hypothesis yet: add one for each line of inquiry, including an "other / not considered" one.`];
  }
  const byId = new Map(result.hypotheses.map((h) => [h.hypothesisId, h]));
  const bayes = result.hypotheses[0]!.posterior !== null;
  const value = (id: string) => {
    const h = byId.get(id)!;
    return bayes ? pct(h.posterior ?? 0) : `ACH score ${h.score?.toFixed(2)}`;
  };
  const x: Explaining = { result, bayes, byId, name, evidenceName, quoted, value };
  const out: string[] = [...lead(x), ...basis(x), ...sensitivity(x), ...analysts(x)];
  if (droppedRatings > 0) {
    out.push(`${droppedRatings} rating(s) of hypotheses you may not see (or of another incident) were left out.`);
  }
  out.push(
    'The numbers follow documented conventions (docs/assessment.md: likelihoods per rating, Admiralty reliability as a mixture, floors), not calibrated frequencies; dependent evidence counts once only where the dependency is recorded (same external reference, a reference to the other item, or the same name).',
  );
  return out;
}

/** The leader (or why there is none) and the ranking. */
function lead({ result, bayes, byId, name, quoted, value }: Explaining): string[] {
  const out: string[] = [];
  if (result.leadStatus === 'clear' && result.leader) {
    const leader = byId.get(result.leader)!;
    out.push(
      bayes
        ? `Leading hypothesis: "${leader.name}" with a posterior of ${pct(leader.posterior ?? 0)} (${leader.label}; STIX confidence ${leader.confidence}, ${leader.confidenceLevel})` +
            (leader.achRank !== null ? `; it ranks ${leader.achRank} by ACH (score ${leader.score?.toFixed(2)}).` : '.') +
            ((leader.posterior ?? 0) < 0.5 ? ' No hypothesis is more likely than not: attribution stays open.' : '')
        : `Least refuted hypothesis (ACH): "${leader.name}" (score ${leader.score?.toFixed(2)}; 0 means nothing is inconsistent with it).`,
    );
  } else if (result.leadRestsOn.length > 0) {
    out.push(
      `No clear leader: the lead of ${quoted(result.tiedForLead.slice(0, 1), name)} rests on the ratings of ${result.leadRestsOn.join(', ')} alone; without them it is not the clear leader. Contenders: ${result.tiedForLead
        .map((id) => `"${name(id)}" ${value(id)}`)
        .join(', ')}.`,
    );
  } else {
    out.push(
      `No clear leader: ${result.tiedForLead.map((id) => `"${name(id)}" ${value(id)}`).join(', ')} are within the tie margin of each other.`,
    );
  }
  out.push(
    `Ranking: ${result.hypotheses.map((h) => `${h.rank}. ${h.name} ${bayes ? pct(h.posterior ?? 0) : h.score?.toFixed(2)}`).join('; ')}.` +
      (result.hypotheses.some((h) => h.isOther)
        ? ''
        : ' The posteriors sum to 1 over these hypotheses only: add an "other / not considered" hypothesis (category unknown) if the list may be incomplete.'),
  );
  return out;
}

/** What the assessment rests on: analytic confidence, the evidence counted, blank, flat, dependent and most diagnostic items. */
function basis({ result, evidenceName, quoted }: Explaining): string[] {
  const out: string[] = [];
  const known = result.asOf ? ` known as of ${result.asOf}` : '';
  const confidence = result.analyticConfidence;
  out.push(
    `Analytic confidence (how much the evidence can be trusted, apart from how likely the leader is): ${confidence.level}, from ${confidence.independentGroups} independent discriminating source group(s), mean source reliability ${confidence.meanReliability.toFixed(2)}, ${confidence.analysts} analyst(s)` +
      (confidence.reasons.length > 0 ? ` (${confidence.reasons.join('; ')}).` : '.'),
  );
  const counted = result.evidence.filter((e) => e.effectiveWeight > 0);
  const raters = result.analysts.filter((a) => a.ratedItems > 0).length;
  out.push(
    `Based on ${result.evidence.length} evidence item(s)${known} (${counted.length} counted, the others discredited, weighted 0 or not rated), rated by ${raters} analyst(s)${result.asOf ? ' by then' : ''}.`,
  );
  const blanks = result.hypotheses.filter((h) => h.blankCells > 0);
  if (blanks.length > 0) {
    out.push(
      `Blank cells (nobody rated the item against the hypothesis; they count as missing, not as neutral): ${blanks
        .map((h) => `"${h.name}" ${h.blankCells}`)
        .join(', ')}.`,
    );
  }
  const unrated = result.evidence.filter((e) => e.cells.every((cell) => cell.blank));
  if (unrated.length > 0) out.push(`Not rated by anyone yet, so they move nothing: ${quoted(unrated.map((e) => e.evidenceId), evidenceName)}.`);
  const flat = result.evidence.filter((e) => e.nonDiagnostic && !e.cells.every((cell) => cell.blank));
  if (flat.length > 0) {
    out.push(`Non-diagnostic (the same rating for every hypothesis that was rated, so they move nothing): ${quoted(flat.map((e) => e.evidenceId), evidenceName)}.`);
  }
  const groups = new Map<string, string[]>();
  for (const e of result.evidence) if (e.groupSize > 1) groups.set(e.group, [...(groups.get(e.group) ?? []), e.evidenceId]);
  for (const members of groups.values()) {
    out.push(`Counted once, as dependent (same source, derived from one another, or duplicates): ${quoted(members, evidenceName)} share one item's weight.`);
  }
  const near = result.evidence.filter((e) => e.nearDuplicateOf.length > 0 && e.evidenceId < (e.nearDuplicateOf[0] ?? ''));
  for (const e of near) {
    out.push(`Possible duplicates, check them: ${quoted([e.evidenceId, ...e.nearDuplicateOf], evidenceName)} (names nearly the same; counted separately).`);
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
  return out;
}

/** What would change the lead (decisive sensitivity runs only). */
function sensitivity({ result, name, evidenceName, quoted }: Explaining): string[] {
  const out: string[] = [];
  const decisive = result.sensitivity.filter((s) => s.decisive);
  if (decisive.length === 0) {
    if (result.sensitivity.length > 0) out.push('No single evidence item, removed or discredited, would change the lead by a noticeable amount.');
  } else {
    for (const s of decisive) {
      const verb = s.action === 'remove' ? 'Removing or discrediting' : 'Crediting again';
      // With a lead resting on one analyst the runs compare against the margin alone: say so.
      const margin = result.leadRestsOn.length > 0;
      const what =
        s.outcome === 'new-leader'
          ? margin
            ? `would put "${name(s.newLeader ?? '')}" ahead by the tie margin instead.`
            : `would make "${name(s.newLeader ?? '')}" the leader: the assessment hangs on it.`
          : s.outcome === 'breaks-tie'
            ? `would put "${name(s.newLeader ?? '')}" ahead by the tie margin.`
            : margin
              ? `would also erase the margin of ${quoted(result.tiedForLead.slice(0, 1), name)} (${quoted(s.tiedAfter, name)} within the tie margin).`
              : `would leave no clear leader (${quoted(s.tiedAfter, name)} within the tie margin).`;
      out.push(`${verb} "${evidenceName(s.evidenceId)}" ${what}`);
    }
  }
  return out;
}

/** Each analyst's view, their divergence, the pool and the largest disagreement of judgements. */
function analysts({ result, name }: Explaining): string[] {
  const out: string[] = [];
  const views = result.analysts.filter((a) => a.ratedItems > 0);
  if (views.length > 1) {
    out.push(
      `Each analyst's ratings alone: ${views
        .map((a) => `${a.analyst} ${a.leader ? `leads with "${name(a.leader)}"` : 'has no clear leader'}`)
        .join('; ')}.`,
    );
    const top = result.analystDivergence[0];
    if (top) {
      out.push(
        `Largest divergence between analysts' rating-based views: ${top.analystA} and ${top.analystB} (Jensen–Shannon ${top.jensenShannon.toFixed(3)}; 0 identical, 1 disjoint).`,
      );
    }
  }
  if (result.pooled) {
    out.push(
      `Pooled judgement of ${result.pooled.analysts.join(', ')} (${result.pooled.rule} pool, ${result.pooled.coherentisation} coherentisation): ${result.pooled.hypotheses
        .map((h) => `${name(h.hypothesisId)} ${pct(h.probability)}`)
        .join('; ')}.`,
    );
  }
  const top = result.disagreement[0];
  if (top && top.spread > 0) {
    out.push(
      `Analysts' judgements differ most about "${name(top.hypothesisId)}": ${top.lowest.analyst} gives ${pct(top.lowest.probability)}, ${top.highest.analyst} ${pct(top.highest.probability)}.`,
    );
  }
  return out;
}
