/**
 * Incidents, hypotheses, evidence, ratings and judgements: reads for a viewer, and the mutations
 * analysts make. Every mutation goes through `mutate`, which
 *  1. needs the analyst role and checks its input, naming the object and field of each problem
 *     (all problems at once, ValidationError);
 *  2. in ONE write transaction: locks the incident, then the object it changes (so concurrent
 *     mutations of one incident, in any number of processes, queue and each builds on the last),
 *     checks the optional `expectedModified` against the locked version (CONFLICT otherwise),
 *     builds and validates the new version, writes it as a new STIX version (`modified` bumped; the
 *     previous version stays as a `:StixVersion`) and records an `:AuditEntry` (who, when, the
 *     object before and after as JSON) — a failure anywhere leaves neither;
 *  3. after the commit, publishes `assessmentChanged`, so subscribers re-assess at once.
 * The factory here only wires: `mutate` and what it shares live in case-mutate.ts, the operations
 * in case-hypotheses.ts and case-evidence.ts, each taking the one `CaseDeps`.
 */
import { applyCaseMigrations, auditLog, listIncidents, type AuditRecord, type StixJson } from '../graph/case.repository';
import type { Graph } from '../graph/driver';
import type { Logger } from '../logger';
import type { AssessmentService } from './assessment.service';
import { createEvidence, deleteEvidence, rateEvidence, reloadEvidence, updateEvidence } from './case-evidence';
import {
  createHypothesis,
  deleteHypothesis,
  reloadHypothesis,
  setHypothesisStatus,
  setJudgement,
  updateHypothesis,
} from './case-hypotheses';
import { hypothesisRecord, type CaseRecord, type EvidenceRecord, type HypothesisRecord } from './case-model';
import { CANDIDATE_TYPES, Problems, readerFor, type CaseDeps } from './case-mutate';
import type { Viewer } from './viewer';

export { laterThan } from './case-mutate';

/** What `assessmentChanged` subscribers receive (services.events, topic `assessmentChanged`). */
export interface AssessmentChange {
  incidentId: string;
  hypothesisId: string | null;
  tlpRank: number;
  reason: string;
  at: string;
}

/** The part of the event bus this service needs. */
export interface AssessmentEventSink {
  publish(topic: 'assessmentChanged', event: AssessmentChange): void;
}

export interface IncidentSummary {
  id: string;
  name: string;
  description: string | null;
  tlpRank: number;
  raw: StixJson;
  hypotheses: HypothesisRecord[];
}

export interface SourceInput {
  /** Publisher or source name. */
  name: string;
  url?: string | null;
  archiveUrl?: string | null;
  description?: string | null;
}

export interface CreateHypothesisInput {
  incidentId: string;
  name: string;
  category: string;
  description?: string | null;
  prior?: number | null;
  status?: string | null;
  rationale?: string | null;
  candidateRefs?: string[] | null;
  labels?: string[] | null;
  /** Defaults to the incident's marking; may be more restrictive, never less. */
  tlp?: string | null;
}

/** A change: every field optional; absent leaves it as stored, null removes it (where allowed). */
type Patch<T> = { [K in keyof T]?: T[K] | null };

/** The fields of a hypothesis an update may change (`prior: null` removes it: uniform share). */
export type UpdateHypothesisInput = Patch<Omit<CreateHypothesisInput, 'incidentId' | 'status' | 'tlp'>>;

export interface CreateEvidenceInput {
  incidentId: string;
  name: string;
  kind: string;
  collectedAt: string;
  description?: string | null;
  reliability?: string | null;
  credibility?: number | null;
  weight?: number | null;
  discredited?: boolean | null;
  objectRefs?: string[] | null;
  sources?: SourceInput[] | null;
  labels?: string[] | null;
  tlp?: string | null;
}

/** The fields of an evidence item an update may change. */
export type UpdateEvidenceInput = Patch<Omit<CreateEvidenceInput, 'incidentId' | 'tlp'>>;

/** Optimistic concurrency for a change of an existing object. */
export interface MutationOptions {
  /**
   * The `modified` of the version the caller's change is based on. When the stored version has
   * another `modified` (someone changed it since), the mutation fails with CONFLICT and writes
   * nothing. Absent: the change applies to whatever version is stored.
   */
  expectedModified?: string | null;
}

export interface RateEvidenceInput {
  evidenceId: string;
  hypothesisId: string;
  rating: string;
  rationale?: string | null;
}

export interface SetJudgementInput {
  hypothesisId: string;
  probability: number;
  rationale?: string | null;
}

export interface CaseService {
  /** Applies the audit-trail indexes (idempotent); call once at start. */
  ensureSchema(): Promise<void>;
  incident(id: string, viewer: Viewer): Promise<CaseRecord>;
  incidents(viewer: Viewer, limit?: number): Promise<IncidentSummary[]>;
  hypothesis(id: string, viewer: Viewer): Promise<HypothesisRecord>;
  /** Candidate actors among `ids` that the viewer may see (threat-actor, intrusion-set, identity). */
  actors(ids: readonly string[], viewer: Viewer): Promise<Array<{ id: string; type: string; name: string }>>;
  evidence(id: string, viewer: Viewer): Promise<EvidenceRecord>;
  createHypothesis(input: CreateHypothesisInput, viewer: Viewer): Promise<HypothesisRecord>;
  updateHypothesis(id: string, patch: UpdateHypothesisInput, viewer: Viewer, options?: MutationOptions): Promise<HypothesisRecord>;
  setHypothesisStatus(
    id: string,
    status: string,
    rationale: string | null | undefined,
    viewer: Viewer,
    options?: MutationOptions,
  ): Promise<HypothesisRecord>;
  setJudgement(input: SetJudgementInput, viewer: Viewer, options?: MutationOptions): Promise<HypothesisRecord>;
  /**
   * Deletes a hypothesis from its incident: a new version revoked as STIX says (`revoked: true`,
   * audited, `rationale` kept). Out of the case and the current assessment with its ratings and
   * judgements; still in the version history and in an assessment as of an earlier instant. A
   * revoked object takes no newer version, so a deletion is final.
   */
  deleteHypothesis(id: string, rationale: string | null | undefined, viewer: Viewer, options?: MutationOptions): Promise<HypothesisRecord>;
  /** Deletes an evidence item from its incident, as deleteHypothesis does. */
  deleteEvidence(id: string, rationale: string | null | undefined, viewer: Viewer, options?: MutationOptions): Promise<EvidenceRecord>;
  createEvidence(input: CreateEvidenceInput, viewer: Viewer): Promise<EvidenceRecord>;
  updateEvidence(id: string, patch: UpdateEvidenceInput, viewer: Viewer, options?: MutationOptions): Promise<EvidenceRecord>;
  rateEvidence(input: RateEvidenceInput, viewer: Viewer, options?: MutationOptions): Promise<EvidenceRecord>;
  auditLog(objectId: string, viewer: Viewer, limit?: number): Promise<AuditRecord[]>;
}

export interface CaseServiceDeps {
  graph: Graph;
  logger: Logger;
  assessment: AssessmentService;
  events?: AssessmentEventSink | null;
  /** The clock (tests pin it). */
  now?: () => Date;
}

const MAX_INCIDENTS = 1_000;
const MAX_AUDIT = 1_000;

export function createCaseService(serviceDeps: CaseServiceDeps): CaseService {
  const { graph, assessment } = serviceDeps;
  const deps: CaseDeps = {
    graph,
    logger: serviceDeps.logger.child({ area: 'case' }),
    events: serviceDeps.events ?? null,
    now: serviceDeps.now ?? (() => new Date()),
  };
  return {
    ensureSchema: () => applyCaseMigrations(graph),
    incident: (id, viewer) => assessment.loadCase(id, viewer),
    incidents: (viewer, limit) => incidents(deps, viewer, limit),
    hypothesis: (id, viewer) => reloadHypothesis(deps, id, viewer),
    actors: (ids, viewer) => actors(deps, ids, viewer),
    evidence: (id, viewer) => reloadEvidence(deps, id, viewer),
    createHypothesis: (input, viewer) => createHypothesis(deps, input, viewer),
    updateHypothesis: (id, fields, viewer, options) => updateHypothesis(deps, id, fields, viewer, options),
    setHypothesisStatus: (id, status, rationale, viewer, options) => setHypothesisStatus(deps, id, status, rationale, viewer, options),
    setJudgement: (input, viewer, options) => setJudgement(deps, input, viewer, options),
    deleteHypothesis: (id, rationale, viewer, options) => deleteHypothesis(deps, id, rationale, viewer, options),
    createEvidence: (input, viewer) => createEvidence(deps, input, viewer),
    updateEvidence: (id, fields, viewer, options) => updateEvidence(deps, id, fields, viewer, options),
    deleteEvidence: (id, rationale, viewer, options) => deleteEvidence(deps, id, rationale, viewer, options),
    rateEvidence: (input, viewer, options) => rateEvidence(deps, input, viewer, options),
    auditLog: (objectId, viewer, limit) => readAuditLog(deps, objectId, viewer, limit),
  };
}

async function incidents({ graph }: CaseDeps, viewer: Viewer, limit = MAX_INCIDENTS): Promise<IncidentSummary[]> {
  const rows = await graph.read((tx) => listIncidents(tx, viewer.clearanceRank, Math.min(limit, MAX_INCIDENTS)), {
    metadata: { op: 'case-list' },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: typeof r.raw.description === 'string' ? r.raw.description : null,
    tlpRank: r.tlpRank,
    raw: r.raw,
    hypotheses: r.hypotheses.map(hypothesisRecord).filter((h) => !h.deleted),
  }));
}

async function actors(deps: CaseDeps, ids: readonly string[], viewer: Viewer): Promise<Array<{ id: string; type: string; name: string }>> {
  const found = await readerFor(deps, viewer)(ids);
  return ids.flatMap((id) => {
    const o = found.get(id);
    return o && CANDIDATE_TYPES.has(o.type) ? [{ id: o.id, type: o.type, name: o.name }] : [];
  });
}

async function readAuditLog({ graph }: CaseDeps, objectId: string, viewer: Viewer, limit = 100): Promise<AuditRecord[]> {
  const problems = new Problems(null, 'Cannot read the audit log');
  problems.text('objectId', objectId, { required: true, max: 320 });
  if (!(Number.isInteger(limit) && limit > 0 && limit <= MAX_AUDIT)) problems.add('limit', `must be an integer from 1 to ${MAX_AUDIT}`);
  problems.fail();
  return graph.read((tx) => auditLog(tx, objectId, viewer.clearanceRank, limit), { metadata: { op: 'case-audit-log' } });
}
