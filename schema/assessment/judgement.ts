/**
 * The key judgement of an assessment in words, from the engine's verdict on the lead: the words
 * the Hypotheses view's summary and the server's brief both say. Browser-safe: imports only the
 * shared scales.
 */
import { ICD203_BANDS, TIE_MARGIN } from './scales';

export interface SummaryHypothesis {
  id: string;
  name: string;
  posterior: number | null;
  label: string | null;
}

export type Lead =
  | { kind: 'none' }
  | { kind: 'lead'; leader: SummaryHypothesis; next: SummaryHypothesis | null }
  | { kind: 'tie'; tied: SummaryHypothesis[]; restsOn: string[] };

/** The engine's verdict on the lead, as the assessment gives it. */
export interface EngineLead {
  status: 'CLEAR' | 'TIE' | 'NONE';
  /** Hypothesis ids tied for the lead, best first (the leader alone when it is clear). */
  tied: readonly string[];
  /** Analysts without whose ratings the top hypothesis would not lead (then the status is TIE). */
  restsOn: readonly string[];
}

/** The engine's lead, with the hypotheses it names; `next` is the runner-up by posterior. */
export function leadOf(hypotheses: readonly SummaryHypothesis[], engine: EngineLead): Lead {
  const scored = hypotheses.filter((x) => typeof x.posterior === 'number').sort((a, b) => b.posterior! - a.posterior!);
  if (engine.status === 'NONE' || scored.length === 0) return { kind: 'none' };
  const byId = new Map(scored.map((x) => [x.id, x]));
  const tied = engine.tied.flatMap((id) => byId.get(id) ?? []);
  if (engine.status === 'TIE') return { kind: 'tie', tied, restsOn: [...engine.restsOn] };
  const leader = tied[0] ?? scored[0]!;
  return { kind: 'lead', leader, next: scored.find((x) => x.id !== leader.id) ?? null };
}

/** Why there is no leader, in words; `name` formats one tied hypothesis (escaped by the caller where needed). */
export function tieWords(lead: Extract<Lead, { kind: 'tie' }>, name: (x: SummaryHypothesis) => string): string {
  const names = lead.tied.map(name);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? 'the top hypotheses');
  return lead.restsOn.length
    ? `${list}: the lead would rest on the ratings of ${lead.restsOn.join(' and ')} alone; without them the top changes, so no leader is named.`
    : `${list} are within ${Math.round(TIE_MARGIN * 100)} points of each other: on the present evidence this is a tie.`;
}

/** The ICD 203 words of a probability. */
export function bandOf(p: number): string {
  return (ICD203_BANDS.find((b) => p < b.max) ?? ICD203_BANDS[ICD203_BANDS.length - 1]!).name;
}

/** A probability as the summary and the brief print it ("41.3 %"; "—" without one). */
export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}
