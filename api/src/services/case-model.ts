/**
 * Stored STIX objects of a case (incident, `attribution-hypothesis`, `attribution-evidence`) →
 * typed records and the assessment engine's input. Pure: no I/O. The property names are those of
 * docs/attribution-extension.md; the mapping to the engine is the one docs/assessment.md gives
 * (`collected_at` → `knownAt`, `hypothesis_ref` → `hypothesisId`, `rated_at` → `ratedAt`,
 * `analyst_judgements` → judgements carrying the hypothesis id).
 */
import type {
  AnalystJudgement,
  AssessmentInput,
  EvidenceInput,
  EvidenceVersion,
  HypothesisVersion,
  HypothesisStatus,
  InformationCredibility,
  Rating,
  SourceReliability,
} from '../domain/assessment';
import type { StoredCase, StoredObject, StixJson } from '../graph/case.repository';
import { finiteNum, records, str, strings } from '../../../schema/json';

export interface JudgementRecord {
  analyst: string;
  probability: number;
  at: string;
  rationale: string | null;
}

export interface HypothesisRecord {
  id: string;
  incidentId: string;
  name: string;
  description: string | null;
  category: string;
  candidateRefs: string[];
  prior: number | null;
  status: HypothesisStatus;
  rationale: string | null;
  author: string;
  judgements: JudgementRecord[];
  labels: string[];
  created: string;
  modified: string;
  tlpRank: number;
  /** Deleted from its incident (the stored version is revoked, STIX `revoked: true`). */
  deleted: boolean;
  raw: StixJson;
}

export interface RatingRecord {
  hypothesisId: string;
  analyst: string;
  rating: Rating;
  rationale: string | null;
  ratedAt: string;
}

export interface EvidenceRecord {
  id: string;
  incidentId: string;
  name: string;
  description: string | null;
  kind: string;
  objectRefs: string[];
  reliability: SourceReliability | null;
  credibility: InformationCredibility | null;
  collectedAt: string;
  weight: number | null;
  discredited: boolean;
  /** Why it was discredited or deleted. */
  rationale: string | null;
  ratings: RatingRecord[];
  labels: string[];
  externalReferences: StixJson[];
  created: string;
  modified: string;
  tlpRank: number;
  /** Deleted from its incident (the stored version is revoked). */
  deleted: boolean;
  raw: StixJson;
}

export interface CaseRecord {
  incident: { id: string; name: string; description: string | null; tlpRank: number; raw: StixJson; modified: string };
  /** The hypotheses and evidence of the case, deleted ones left out. */
  hypotheses: HypothesisRecord[];
  evidence: EvidenceRecord[];
  /**
   * Deleted (revoked) hypotheses and evidence of the case the viewer may see: out of the case and
   * of the current assessment, still in an assessment as of an instant before their deletion.
   */
  deleted: { hypotheses: HypothesisRecord[]; evidence: EvidenceRecord[] };
  candidates: Map<string, { id: string; type: string; name: string; tlpRank: number }>;
}


export function hypothesisRecord(o: StoredObject): HypothesisRecord {
  const raw = o.raw;
  return {
    id: String(raw.id),
    incidentId: str(raw.incident_ref) ?? '',
    name: str(raw.name) ?? String(raw.id),
    description: str(raw.description),
    category: str(raw.category) ?? 'unknown',
    candidateRefs: strings(raw.candidate_refs),
    prior: finiteNum(raw.prior),
    status: (str(raw.status) ?? 'open') as HypothesisStatus,
    rationale: str(raw.rationale),
    author: str(raw.author) ?? '',
    judgements: records(raw.analyst_judgements).map((j) => ({
      analyst: str(j.analyst) ?? '',
      probability: finiteNum(j.probability) ?? 0,
      at: str(j.at) ?? str(raw.modified) ?? '',
      rationale: str(j.rationale),
    })),
    labels: strings(raw.labels),
    created: str(raw.created) ?? '',
    modified: str(raw.modified) ?? '',
    tlpRank: o.tlpRank,
    deleted: raw.revoked === true,
    raw,
  };
}

export function evidenceRecord(o: StoredObject): EvidenceRecord {
  const raw = o.raw;
  const credibility = finiteNum(raw.credibility);
  return {
    id: String(raw.id),
    incidentId: str(raw.incident_ref) ?? '',
    name: str(raw.name) ?? String(raw.id),
    description: str(raw.description),
    kind: str(raw.evidence_kind) ?? 'fact',
    objectRefs: strings(raw.object_refs),
    reliability: (str(raw.reliability) as SourceReliability | null) ?? null,
    credibility: credibility === null ? null : (credibility as InformationCredibility),
    collectedAt: str(raw.collected_at) ?? str(raw.created) ?? '',
    weight: finiteNum(raw.weight),
    discredited: raw.discredited === true,
    rationale: str(raw.rationale),
    ratings: records(raw.ratings).map((r) => ({
      hypothesisId: str(r.hypothesis_ref) ?? '',
      analyst: str(r.analyst) ?? '',
      rating: (str(r.rating) ?? 'N') as Rating,
      rationale: str(r.rationale),
      ratedAt: str(r.rated_at) ?? str(raw.collected_at) ?? '',
    })),
    labels: strings(raw.labels),
    externalReferences: records(raw.external_references),
    created: str(raw.created) ?? '',
    modified: str(raw.modified) ?? '',
    tlpRank: o.tlpRank,
    deleted: raw.revoked === true,
    raw,
  };
}

export function caseRecord(stored: StoredCase): CaseRecord {
  const raw = stored.incident.raw;
  const hypotheses = stored.hypotheses.map(hypothesisRecord);
  const evidence = stored.evidence.map(evidenceRecord);
  return {
    incident: {
      id: stored.incident.id,
      name: stored.incident.name,
      description: str(raw.description),
      tlpRank: stored.incident.tlpRank,
      raw,
      modified: str(raw.modified) ?? '',
    },
    hypotheses: hypotheses.filter((h) => !h.deleted),
    evidence: evidence.filter((e) => !e.deleted),
    deleted: { hypotheses: hypotheses.filter((h) => h.deleted), evidence: evidence.filter((e) => e.deleted) },
    candidates: new Map(stored.candidates.map((a) => [a.id, a])),
  };
}

/** A rating that cannot enter the engine (its hypothesis is not in the case as the viewer sees it). */
export interface DroppedRating {
  evidenceId: string;
  index: number;
  hypothesisId: string;
}

/** An older stored version of a case object: when it was made and its STIX JSON. */
export interface StoredVersion {
  modified: string;
  raw: StixJson;
}

/**
 * Evidence items another item depends on (docs/assessment.md, "Dependent evidence"): evidence
 * it refers to in `object_refs`, and, for an analyst judgement, every other item that is about
 * one of the objects the judgement refers to (the judgement re-reads that item's information).
 */
function dependencies(e: EvidenceRecord, all: readonly EvidenceRecord[]): string[] {
  const ids = new Set(all.map((x) => x.id));
  const out = new Set(e.objectRefs.filter((ref) => ids.has(ref) && ref !== e.id));
  if (e.kind === 'judgement') {
    const refs = new Set(e.objectRefs);
    for (const other of all) {
      if (other.id !== e.id && other.kind !== 'judgement' && other.objectRefs.some((ref) => refs.has(ref))) out.add(other.id);
    }
  }
  return [...out].sort();
}

/**
 * Knowledge bases whose ids name a technique or weakness, not a report: two items mapped to the
 * same ATT&CK technique are not the same observation.
 */
const VOCABULARY_SOURCES = new Set(['mitre-attack', 'mitre-mobile-attack', 'mitre-ics-attack', 'capec', 'cwe', 'cve', 'nvd']);

/**
 * Same report from the same source: the first external reference naming an item of a source
 * (`source_name` + `external_id`), knowledge-base vocabularies (ATT&CK, CAPEC, CWE, CVE) aside.
 */
function sourceKey(e: EvidenceRecord): string | undefined {
  for (const ref of e.externalReferences) {
    if (typeof ref.source_name !== 'string' || typeof ref.external_id !== 'string') continue;
    if (VOCABULARY_SOURCES.has(ref.source_name.toLowerCase())) continue;
    return `${ref.source_name}:${ref.external_id}`;
  }
  return undefined;
}

/** Stored versions (older ones, then the current) of a hypothesis, as the engine reads them. */
function hypothesisVersions(h: HypothesisRecord, older: readonly StoredVersion[]): HypothesisVersion[] {
  return [...older.map((v) => hypothesisRecord({ raw: v.raw, tlpRank: h.tlpRank } as StoredObject)), h].map((r) => ({
    validFrom: r.modified,
    name: r.name,
    status: r.status,
    ...(r.prior !== null ? { prior: r.prior } : {}),
    ...(r.deleted ? { deleted: true } : {}),
  }));
}

function evidenceVersions(e: EvidenceRecord, older: readonly StoredVersion[]): EvidenceVersion[] {
  return [...older.map((v) => evidenceRecord({ raw: v.raw, tlpRank: e.tlpRank } as StoredObject)), e].map((r) => ({
    validFrom: r.modified,
    ...(r.weight !== null ? { weight: r.weight } : {}),
    ...(r.reliability !== null ? { reliability: r.reliability } : {}),
    ...(r.credibility !== null ? { credibility: r.credibility } : {}),
    discredited: r.discredited,
    ...(r.deleted ? { deleted: true } : {}),
  }));
}

/**
 * The engine's input for a case. Ratings of hypotheses the viewer cannot see (a higher TLP) or
 * that belong to another incident are left out and reported, so one restricted hypothesis does
 * not make the whole assessment fail. With `versions` (older stored versions per object id), the
 * input carries every version, so an assessment as of an instant reads the case as it was then:
 * hypotheses created later are left out, and prior, status, weight, grades and discrediting are
 * those valid then (docs/assessment.md, "As of").
 */
export function toAssessmentInput(
  c: CaseRecord,
  versions?: ReadonlyMap<string, readonly StoredVersion[]>,
): { input: AssessmentInput; dropped: DroppedRating[] } {
  // As of an instant (with versions), deleted objects take part until their deletion; the current
  // assessment leaves them out, and the ratings of a deleted hypothesis with it (not reported as dropped).
  const hypotheses = versions ? [...c.hypotheses, ...c.deleted.hypotheses] : c.hypotheses;
  const items = versions ? [...c.evidence, ...c.deleted.evidence] : c.evidence;
  const known = new Set(hypotheses.map((h) => h.id));
  const deleted = new Set(c.deleted.hypotheses.map((h) => h.id));
  const dropped: DroppedRating[] = [];
  const evidence: EvidenceInput[] = items.map((e) => {
    const derivedFrom = dependencies(e, items);
    const key = sourceKey(e);
    return {
      id: e.id,
      name: e.name,
      knownAt: e.collectedAt,
      ...(e.weight !== null ? { weight: e.weight } : {}),
      ...(e.reliability !== null ? { reliability: e.reliability } : {}),
      ...(e.credibility !== null ? { credibility: e.credibility } : {}),
      ...(e.discredited ? { discredited: true } : {}),
      ...(derivedFrom.length > 0 ? { derivedFrom } : {}),
      ...(key !== undefined ? { sourceKey: key } : {}),
      ...(versions ? { versions: evidenceVersions(e, versions.get(e.id) ?? []) } : {}),
      ratings: e.ratings.flatMap((r, index) => {
        if (!known.has(r.hypothesisId)) {
          if (!deleted.has(r.hypothesisId)) dropped.push({ evidenceId: e.id, index, hypothesisId: r.hypothesisId });
          return [];
        }
        return [
          {
            hypothesisId: r.hypothesisId,
            analyst: r.analyst,
            rating: r.rating,
            ...(r.rationale !== null ? { rationale: r.rationale } : {}),
            ratedAt: r.ratedAt,
          },
        ];
      }),
    };
  });
  // Read from the stored JSON: a judgement without a probability reaches the engine as missing
  // (an error naming it), never as 0.
  const judgements: AnalystJudgement[] = hypotheses.flatMap((h) =>
    records(h.raw.analyst_judgements).map((j) => ({
      analyst: str(j.analyst) ?? '',
      hypothesisId: h.id,
      probability: finiteNum(j.probability) as number,
      at: str(j.at) ?? h.modified,
    })),
  );
  return {
    input: {
      hypotheses: hypotheses.map((h) => ({
        id: h.id,
        name: h.name,
        category: h.category,
        ...(h.prior !== null ? { prior: h.prior } : {}),
        status: h.status,
        ...(versions ? { createdAt: h.created, versions: hypothesisVersions(h, versions.get(h.id) ?? []) } : {}),
      })),
      evidence,
      judgements,
    },
    dropped,
  };
}
