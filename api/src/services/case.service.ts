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
 */
import { randomUUID } from 'node:crypto';
import { TLP_LEVELS, TLP_MARKING_IDS, UNKNOWN_MARKING_RANK, tlpRank, type TlpLevel } from '../../../schema/graph/kinds';
import { validateStixObject } from '../../../schema/stix/index';
import { HYPOTHESIS_CATEGORIES, EVIDENCE_KINDS, EVIDENCE_WEIGHT_MAX } from '../../../schema/stix/attribution';
import { archiveSourceName } from '../../../schema/assessment/case-reading';
import { ANALYST_JUDGEMENT_LABEL, ATTRIBUTION_EXTENSION_ID, TLP2_MARKING_IDS } from '../../../schema/stix/vocab';
import {
  HYPOTHESIS_STATUSES,
  INFORMATION_CREDIBILITIES,
  RATINGS,
  SOURCE_RELIABILITIES,
  type HypothesisStatus,
  type Rating,
} from '../domain/assessment';
import { ConflictError, NotFoundError, ValidationError, type Issue } from '../errors';
import {
  applyCaseMigrations,
  auditLog,
  listIncidents,
  lockForUpdate,
  lockIncident,
  objectsByIds,
  type AuditRecord,
  type StixJson,
  type StoredRef,
} from '../graph/case.repository';
import type { Graph, Tx } from '../graph/driver';
import { markingRanks } from '../graph/stix.repository';
import type { Logger } from '../logger';
import type { AssessmentService } from './assessment.service';
import { markRevealingParts, revealedIds } from './case-markings';
import { writeVersionAndAudit } from './case-write';
import {
  evidenceRecord,
  hypothesisRecord,
  type CaseRecord,
  type EvidenceRecord,
  type HypothesisRecord,
} from './case-model';
import { requireRole, type Viewer } from './viewer';

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

const MAX_NAME = 500;
const MAX_TEXT = 20_000;
const MAX_REFS = 1_000;
const MAX_INCIDENTS = 1_000;
const MAX_AUDIT = 1_000;
const HYPOTHESIS_TYPE = 'attribution-hypothesis';
const EVIDENCE_TYPE = 'attribution-evidence';
const CANDIDATE_TYPES = new Set(['threat-actor', 'intrusion-set', 'identity']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Collects every problem of one input; `fail()` throws them all in one ValidationError. */
class Problems {
  readonly issues: Issue[] = [];
  constructor(private readonly objectId: string | null, private readonly what: string) {}

  add(path: string, message: string, objectId: string | null = this.objectId): void {
    this.issues.push({ objectId, path, message });
  }

  fail(): void {
    if (this.issues.length === 0) return;
    const first = this.issues[0]!;
    const more = this.issues.length > 1 ? ` (and ${this.issues.length - 1} more)` : '';
    throw new ValidationError(`${this.what}${first.objectId ? ` ${first.objectId}` : ''}: ${first.path}: ${first.message}${more}`, this.issues);
  }

  text(path: string, value: string | null | undefined, options: { required?: boolean; max?: number } = {}): void {
    if (value === undefined || value === null) {
      if (options.required) this.add(path, 'is required');
      return;
    }
    if (typeof value !== 'string') this.add(path, 'must be a string');
    else if (options.required && value.trim() === '') this.add(path, 'must not be empty');
    else if (value.length > (options.max ?? MAX_TEXT)) this.add(path, `must be at most ${options.max ?? MAX_TEXT} characters`);
  }

  oneOf(path: string, value: unknown, allowed: readonly unknown[]): void {
    if (value !== undefined && value !== null && !allowed.includes(value)) {
      this.add(path, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
    }
  }

  probability(path: string, value: number | null | undefined): void {
    if (value !== undefined && value !== null && !(typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1)) {
      this.add(path, `must be a number from 0 to 1 (got ${String(value)})`);
    }
  }

  timestamp(path: string, value: string | null | undefined, required = false): void {
    if (value === undefined || value === null) {
      if (required) this.add(path, 'is required');
      return;
    }
    if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
      this.add(path, `must be an RFC 3339 timestamp such as 2025-12-11T20:00:00Z (got ${JSON.stringify(value)})`);
    }
  }

  list(path: string, value: readonly unknown[] | null | undefined): void {
    if (value === undefined || value === null) return;
    if (value.length > MAX_REFS) this.add(path, `must hold at most ${MAX_REFS} items`);
    value.forEach((v, i) => {
      if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_NAME) this.add(`${path}[${i}]`, 'must be a non-empty string');
    });
  }
}

/** A strictly later STIX timestamp than every one given (millisecond precision, UTC). */
export function laterThan(now: Date, ...previous: Array<string | null | undefined>): string {
  let ms = now.getTime();
  for (const p of previous) {
    const t = p ? Date.parse(p) : Number.NaN;
    if (Number.isFinite(t) && t >= ms) ms = t + 1;
  }
  return new Date(ms).toISOString();
}

function markingFor(level: TlpLevel): string {
  return TLP2_MARKING_IDS[level];
}

function isTlp(value: string): value is TlpLevel {
  return (TLP_LEVELS as readonly string[]).includes(value);
}

function externalReferences(sources: readonly SourceInput[]): StixJson[] {
  const out: StixJson[] = [];
  for (const s of sources) {
    out.push({
      source_name: s.name,
      ...(s.description ? { description: s.description } : {}),
      ...(s.url ? { url: s.url } : {}),
    });
    if (s.archiveUrl) out.push({ source_name: archiveSourceName(s.name), description: `Archived copy of: ${s.url ?? s.name}`, url: s.archiveUrl });
  }
  return out;
}

/** Sets or removes a property: undefined leaves it, null or empty removes it. */
function patch(target: StixJson, key: string, value: unknown): void {
  if (value === undefined) return;
  if (value === null || (Array.isArray(value) && value.length === 0) || value === '') delete target[key];
  else target[key] = value;
}

/** Reads stored objects by id as one viewer sees them (in a mutation: inside its transaction). */
type Reader = (ids: readonly string[]) => Promise<Map<string, StoredRef>>;

/**
 * Builds a change: edit `next` (a copy of the stored object `current`) in place, recording every
 * problem in `problems`; nothing is written if there is one.
 */
type Change = (next: StixJson, current: StoredRef, read: Reader, problems: Problems) => Promise<void> | void;

/** One audited mutation, as `mutate` runs it: a change of a stored object, or a creation. */
type Mutation = {
  /** Audit action and event reason, e.g. `rate-evidence`. */
  action: string;
  /** STIX type of the object created or changed. */
  type: string;
  /** The hypothesis concerned (announced with the change), if any. */
  hypothesisId(next: StixJson): string | null;
} & (
  | {
      /** The object changed: locked, then checked against `expectedModified`. */
      id: string;
      expectedModified?: string | null;
      change: Change;
    }
  | {
      id: null;
      /** The incident of the new object (locked first, as for a change). */
      incidentId: string;
      /** The new object; problems as for a change. */
      create(read: Reader, problems: Problems): Promise<StixJson>;
    }
);

export function createCaseService(deps: CaseServiceDeps): CaseService {
  const { graph, assessment } = deps;
  const logger = deps.logger.child({ area: 'case' });
  const now = deps.now ?? (() => new Date());

  const readerFor =
    (viewer: Viewer, tx?: Tx): Reader =>
    (ids) =>
      tx ? objectsByIds(tx, ids, viewer.clearanceRank) : graph.read((t) => objectsByIds(t, ids, viewer.clearanceRank), { metadata: { op: 'case-objects' } });

  async function stored(id: string, type: string, viewer: Viewer): Promise<StoredRef> {
    const found = (await readerFor(viewer)([id])).get(id);
    if (!found || found.type !== type) throw new NotFoundError(`No ${type} ${id} that you may see.`);
    return found;
  }

  async function incidentOf(incidentId: string, read: Reader, problems: Problems, path: string): Promise<StoredRef | null> {
    const found = (await read([incidentId])).get(incidentId);
    if (!found || found.type !== 'incident') {
      problems.add(path, `no incident ${incidentId} that you may see`);
      return null;
    }
    return found;
  }

  /** Refs must name stored objects the viewer may see (of the allowed types, when given). */
  async function checkRefs(
    path: string,
    refs: readonly string[] | null | undefined,
    read: Reader,
    problems: Problems,
    types?: ReadonlySet<string>,
  ): Promise<void> {
    if (!refs || refs.length === 0) return;
    const found = await read(refs);
    refs.forEach((ref, i) => {
      const o = found.get(ref);
      if (!o) problems.add(`${path}[${i}]`, `no object ${ref} that you may see`);
      else if (types && !types.has(o.type)) problems.add(`${path}[${i}]`, `${ref} is a ${o.type}; expected one of ${[...types].join(', ')}`);
    });
  }

  /** The marking of a new object: the incident's, or a chosen TLP at least as restrictive. */
  function markingsFor(incident: StoredRef, tlp: string | null | undefined, viewer: Viewer, problems: Problems): unknown[] | undefined {
    const inherited = Array.isArray(incident.raw.object_marking_refs) ? incident.raw.object_marking_refs : undefined;
    if (tlp === undefined || tlp === null) return inherited;
    if (!isTlp(tlp)) {
      problems.add('tlp', `must be one of ${TLP_LEVELS.join(', ')}`);
      return inherited;
    }
    if (tlpRank(tlp) < incident.tlpRank) problems.add('tlp', `must be at least as restrictive as the incident's marking (${TLP_LEVELS[incident.tlpRank]})`);
    if (tlpRank(tlp) > viewer.clearanceRank) problems.add('tlp', `is above your clearance (${viewer.clearance}); you could not read what you write`);
    return [markingFor(tlp)];
  }

  /** Checks the incident of a new object and returns the object's marking (problems recorded). */
  async function incidentMarkings(
    input: { incidentId: string; tlp?: string | null },
    read: Reader,
    problems: Problems,
    viewer: Viewer,
  ): Promise<unknown[] | undefined> {
    problems.text('incidentId', input.incidentId, { required: true });
    const incident = await incidentOf(input.incidentId, read, problems, 'incidentId');
    return incident ? markingsFor(incident, input.tlp, viewer, problems) : undefined;
  }

  /** A new hypothesis or evidence item of our extension: the properties both share, then `own`. */
  function newCaseObject(type: string, input: { incidentId: string; name: string }, markings: unknown[] | undefined, own: StixJson): StixJson {
    const at = laterThan(now());
    return {
      type,
      spec_version: '2.1',
      id: `${type}--${randomUUID()}`,
      created: at,
      modified: at,
      name: input.name.trim(),
      incident_ref: input.incidentId,
      ...own,
      ...(markings ? { object_marking_refs: markings } : {}),
      extensions: { [ATTRIBUTION_EXTENSION_ID]: { extension_type: 'new-sdo' } },
    };
  }

  /**
   * Gives each part of `next` that names a more restricted object that object's marking
   * (case-markings.ts): ratings, object_refs, candidate_refs. Ranks are looked up as the writer
   * sees them; a part naming an object the writer cannot see keeps the marking it had.
   */
  async function markWhatItReveals(tx: Tx, next: StixJson, read: Reader, writerId: string): Promise<void> {
    const own = (Array.isArray(next.object_marking_refs) ? next.object_marking_refs : []).filter((m): m is string => typeof m === 'string');
    const custom = own.filter((m) => TLP_MARKING_IDS[m] === undefined);
    const customRanks = await markingRanks(tx, custom, writerId);
    const objectRank = own.reduce((rank, m) => {
      const tlp = TLP_MARKING_IDS[m];
      return Math.max(rank, tlp !== undefined ? tlpRank(tlp) : (customRanks.get(m) ?? UNKNOWN_MARKING_RANK));
    }, 0);
    const named = await read(revealedIds(next));
    markRevealingParts(next, objectRank, (id) => named.get(id)?.tlpRank);
  }

  /**
   * The one path of every mutation: role and argument checks; then, in ONE write transaction,
   * lock the object changed and check `expectedModified` against it, build and validate the new
   * version, write it and its audit entry; after the commit, announce the change. Returns the
   * version written.
   */
  async function mutate(viewer: Viewer, m: Mutation): Promise<{ raw: StixJson; tlpRank: number }> {
    requireRole(viewer, 'analyst');
    const what = `Cannot ${m.action}`;
    const expectedModified = m.id === null ? null : (m.expectedModified ?? null);
    const args = new Problems(m.id, what);
    args.timestamp('expectedModified', expectedModified);
    args.fail();

    const done = await graph.write(
      async (tx) => {
        const read = readerFor(viewer, tx);
        const problems = new Problems(m.id, what);
        let current: StoredRef | null = null;
        let next: StixJson;
        if (m.id === null) {
          if (typeof m.incidentId === 'string') await lockIncident(tx, m.incidentId);
          next = await m.create(read, problems);
        } else {
          const locked = await lockForUpdate(tx, m.id, viewer.clearanceRank, expectedModified);
          if (!locked || locked.type !== m.type) throw new NotFoundError(`No ${m.type} ${m.id} that you may see.`);
          if (!locked.expectedHolds) {
            throw new ConflictError(
              `${what} ${m.id}: it was changed since the version you based your change on (expectedModified ` +
                `${String(expectedModified)}, stored modified ${String(locked.raw.modified)}); nothing was written. ` +
                'Reload it and apply your change again.',
            );
          }
          current = locked;
          next = structuredClone(locked.raw);
          await m.change(next, locked, read, problems);
        }
        problems.fail();
        await markWhatItReveals(tx, next, read, viewer.id);
        const id = String(next.id);
        if (current) next.modified = laterThan(now(), String(current.raw.modified));
        const schema = new Problems(id, what);
        for (const issue of validateStixObject(next, { path: '' })) schema.add(issue.path.replace(/^\./, ''), issue.message);
        schema.fail();
        const at = now().toISOString();
        const incidentId = String(next.incident_ref);
        const tlp = await writeVersionAndAudit(tx, { action: m.action, viewer, before: current, after: next, incidentId, at });
        return { next, tlp, at, incidentId, rank: Math.max(current?.tlpRank ?? 0, tlp) };
      },
      { metadata: { op: 'case-mutation', action: m.action } },
    );
    logger.info({ action: m.action, objectId: done.next.id, actor: viewer.id }, 'case mutation');
    deps.events?.publish('assessmentChanged', {
      incidentId: done.incidentId,
      hypothesisId: m.hypothesisId(done.next),
      tlpRank: done.rank,
      reason: m.action,
      at: done.at,
    });
    return { raw: done.next, tlpRank: done.tlp };
  }

  async function reloadHypothesis(id: string, viewer: Viewer): Promise<HypothesisRecord> {
    return hypothesisRecord(await stored(id, HYPOTHESIS_TYPE, viewer));
  }

  async function reloadEvidence(id: string, viewer: Viewer): Promise<EvidenceRecord> {
    return evidenceRecord(await stored(id, EVIDENCE_TYPE, viewer));
  }

  /** A change of a stored hypothesis. */
  async function changeHypothesis(id: string, viewer: Viewer, action: string, options: MutationOptions, change: Change) {
    const { expectedModified } = options;
    return hypothesisRecord(await mutate(viewer, { action, type: HYPOTHESIS_TYPE, id, expectedModified, change, hypothesisId: () => id }));
  }

  /** A change of a stored evidence item (`hypothesisId`: the hypothesis a rating concerns). */
  async function changeEvidence(id: string, viewer: Viewer, action: string, options: MutationOptions, change: Change, hypothesisId: string | null = null) {
    const { expectedModified } = options;
    return evidenceRecord(await mutate(viewer, { action, type: EVIDENCE_TYPE, id, expectedModified, change, hypothesisId: () => hypothesisId }));
  }

  function checkHypothesisFields(p: Problems, f: UpdateHypothesisInput & { status?: string | null }, creating: boolean) {
    p.text('name', f.name, { required: creating, max: MAX_NAME });
    if (!creating && f.name === null) p.add('name', 'cannot be removed');
    p.text('description', f.description);
    p.text('rationale', f.rationale);
    if (creating && (f.category === undefined || f.category === null)) p.add('category', 'is required');
    if (!creating && f.category === null) p.add('category', 'cannot be removed');
    p.oneOf('category', f.category, HYPOTHESIS_CATEGORIES);
    p.oneOf('status', f.status, HYPOTHESIS_STATUSES);
    p.probability('prior', f.prior);
    p.list('candidateRefs', f.candidateRefs);
    p.list('labels', f.labels);
  }

  function checkEvidenceFields(p: Problems, f: UpdateEvidenceInput, creating: boolean) {
    p.text('name', f.name, { required: creating, max: MAX_NAME });
    if (!creating && f.name === null) p.add('name', 'cannot be removed');
    p.text('description', f.description);
    if (creating && (f.kind === undefined || f.kind === null)) p.add('kind', 'is required');
    if (!creating && f.kind === null) p.add('kind', 'cannot be removed');
    p.oneOf('kind', f.kind, EVIDENCE_KINDS);
    p.timestamp('collectedAt', f.collectedAt, creating);
    if (!creating && f.collectedAt === null) p.add('collectedAt', 'cannot be removed');
    p.oneOf('reliability', f.reliability, SOURCE_RELIABILITIES);
    p.oneOf('credibility', f.credibility, INFORMATION_CREDIBILITIES);
    if (f.weight !== undefined && f.weight !== null && !(Number.isFinite(f.weight) && f.weight > 0 && f.weight <= EVIDENCE_WEIGHT_MAX)) {
      p.add('weight', `must be a number greater than 0 and at most ${EVIDENCE_WEIGHT_MAX} (got ${String(f.weight)})`);
    }
    p.list('objectRefs', f.objectRefs);
    p.list('labels', f.labels);
    (f.sources ?? []).forEach((s, i) => {
      p.text(`sources[${i}].name`, s.name, { required: true, max: MAX_NAME });
      for (const key of ['url', 'archiveUrl'] as const) {
        const url = s[key];
        if (url !== undefined && url !== null && !/^https?:\/\/\S+$/.test(url)) p.add(`sources[${i}].${key}`, 'must be an http(s) URL');
      }
    });
  }

  function applyHypothesisFields(next: StixJson, f: UpdateHypothesisInput): void {
    if (f.name !== undefined && f.name !== null) next.name = f.name.trim();
    patch(next, 'description', f.description);
    if (f.category !== undefined && f.category !== null) next.category = f.category;
    patch(next, 'prior', f.prior);
    patch(next, 'rationale', f.rationale);
    patch(next, 'candidate_refs', f.candidateRefs === undefined || f.candidateRefs === null ? f.candidateRefs : [...new Set(f.candidateRefs)]);
    patch(next, 'labels', f.labels === undefined || f.labels === null ? f.labels : [...new Set(f.labels)]);
  }

  function applyEvidenceFields(next: StixJson, f: UpdateEvidenceInput): void {
    if (f.name !== undefined && f.name !== null) next.name = f.name.trim();
    patch(next, 'description', f.description);
    if (f.kind !== undefined && f.kind !== null) next.evidence_kind = f.kind;
    if (f.collectedAt !== undefined && f.collectedAt !== null) next.collected_at = new Date(f.collectedAt).toISOString();
    patch(next, 'reliability', f.reliability);
    patch(next, 'credibility', f.credibility);
    patch(next, 'weight', f.weight);
    if (f.discredited !== undefined) patch(next, 'discredited', f.discredited === true ? true : null);
    patch(next, 'object_refs', f.objectRefs === undefined || f.objectRefs === null ? f.objectRefs : [...new Set(f.objectRefs)]);
    if (f.sources !== undefined) patch(next, 'external_references', f.sources === null ? null : externalReferences(f.sources));
    patch(next, 'labels', f.labels === undefined || f.labels === null ? f.labels : [...new Set(f.labels)]);
    // Judgements are marked as such (docs/fact-sheet.md): the label follows the kind.
    const labels = Array.isArray(next.labels) ? (next.labels as string[]) : [];
    if (next.evidence_kind === 'judgement' && !labels.includes(ANALYST_JUDGEMENT_LABEL)) next.labels = [ANALYST_JUDGEMENT_LABEL, ...labels];
  }

  const service: CaseService = {
    ensureSchema: () => applyCaseMigrations(graph),

    incident: (id, viewer) => assessment.loadCase(id, viewer),

    async incidents(viewer, limit = MAX_INCIDENTS) {
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
    },

    hypothesis: reloadHypothesis,

    async actors(ids, viewer) {
      const found = await readerFor(viewer)(ids);
      return ids.flatMap((id) => {
        const o = found.get(id);
        return o && CANDIDATE_TYPES.has(o.type) ? [{ id: o.id, type: o.type, name: o.name }] : [];
      });
    },
    evidence: reloadEvidence,

    async createHypothesis(input, viewer) {
      const written = await mutate(viewer, {
        action: 'create-hypothesis',
        type: HYPOTHESIS_TYPE,
        id: null,
        incidentId: input.incidentId,
        create: async (read, problems) => {
          checkHypothesisFields(problems, input, true);
          const markings = await incidentMarkings(input, read, problems, viewer);
          await checkRefs('candidateRefs', input.candidateRefs, read, problems, CANDIDATE_TYPES);
          problems.fail();
          const next = newCaseObject(HYPOTHESIS_TYPE, input, markings, {
            category: input.category,
            status: input.status ?? 'open',
            author: viewer.name,
          });
          applyHypothesisFields(next, input);
          return next;
        },
        hypothesisId: (next) => String(next.id),
      });
      return hypothesisRecord(written);
    },

    updateHypothesis(id, fields, viewer, options = {}) {
      return changeHypothesis(id, viewer, 'update-hypothesis', options, async (next, _current, read, problems) => {
        checkHypothesisFields(problems, fields, false);
        await checkRefs('candidateRefs', fields.candidateRefs, read, problems, CANDIDATE_TYPES);
        applyHypothesisFields(next, fields);
      });
    },

    setHypothesisStatus(id, status, rationale, viewer, options = {}) {
      return changeHypothesis(id, viewer, 'set-hypothesis-status', options, (next, _current, _read, problems) => {
        problems.oneOf('status', status, HYPOTHESIS_STATUSES);
        if (status === undefined || status === null) problems.add('status', 'is required');
        problems.text('rationale', rationale);
        next.status = status as HypothesisStatus;
        patch(next, 'rationale', rationale);
      });
    },

    setJudgement(input, viewer, options = {}) {
      return changeHypothesis(input.hypothesisId, viewer, 'set-judgement', options, (next, _current, _read, problems) => {
        problems.probability('probability', input.probability);
        if (input.probability === undefined || input.probability === null) problems.add('probability', 'is required');
        problems.text('rationale', input.rationale);
        const judgements = Array.isArray(next.analyst_judgements) ? [...(next.analyst_judgements as StixJson[])] : [];
        const own = judgements.filter((j) => j.analyst === viewer.name).map((j) => String(j.at));
        judgements.push({
          analyst: viewer.name,
          probability: input.probability,
          at: laterThan(now(), ...own),
          ...(input.rationale ? { rationale: input.rationale } : {}),
        });
        next.analyst_judgements = judgements;
      });
    },

    deleteHypothesis(id, rationale, viewer, options = {}) {
      return changeHypothesis(id, viewer, 'delete-hypothesis', options, (next, _current, _read, problems) => {
        problems.text('rationale', rationale);
        next.revoked = true;
        patch(next, 'rationale', rationale);
      });
    },

    async createEvidence(input, viewer) {
      const written = await mutate(viewer, {
        action: 'create-evidence',
        type: EVIDENCE_TYPE,
        id: null,
        incidentId: input.incidentId,
        create: async (read, problems) => {
          checkEvidenceFields(problems, input, true);
          const markings = await incidentMarkings(input, read, problems, viewer);
          await checkRefs('objectRefs', input.objectRefs, read, problems);
          if (input.kind === 'fact' && (input.sources ?? []).length === 0) {
            problems.add('sources', 'a fact must cite at least one source (use kind "judgement" or "context" otherwise)');
          }
          problems.fail();
          const next = newCaseObject(EVIDENCE_TYPE, input, markings, {
            evidence_kind: input.kind,
            collected_at: new Date(input.collectedAt).toISOString(),
          });
          applyEvidenceFields(next, input);
          return next;
        },
        hypothesisId: () => null,
      });
      return evidenceRecord(written);
    },

    updateEvidence(id, fields, viewer, options = {}) {
      return changeEvidence(id, viewer, 'update-evidence', options, async (next, _current, read, problems) => {
        checkEvidenceFields(problems, fields, false);
        await checkRefs('objectRefs', fields.objectRefs, read, problems);
        applyEvidenceFields(next, fields);
      });
    },

    deleteEvidence(id, rationale, viewer, options = {}) {
      return changeEvidence(id, viewer, 'delete-evidence', options, (next, _current, _read, problems) => {
        problems.text('rationale', rationale);
        next.revoked = true;
        patch(next, 'rationale', rationale);
      });
    },

    rateEvidence(input, viewer, options = {}) {
      return changeEvidence(
        input.evidenceId,
        viewer,
        'rate-evidence',
        options,
        async (next, current, read, problems) => {
          problems.oneOf('rating', input.rating, RATINGS);
          if (!input.rating) problems.add('rating', 'is required');
          problems.text('rationale', input.rationale);
          const hypothesis = (await read([input.hypothesisId])).get(input.hypothesisId);
          if (!hypothesis || hypothesis.type !== HYPOTHESIS_TYPE) {
            problems.add('hypothesisId', `no attribution-hypothesis ${input.hypothesisId} that you may see`);
          } else if (hypothesis.raw.revoked === true) {
            problems.add('hypothesisId', `${input.hypothesisId} was deleted from its incident: it cannot be rated`);
          } else if (hypothesis.raw.incident_ref !== current.raw.incident_ref) {
            problems.add(
              'hypothesisId',
              `${input.hypothesisId} is a hypothesis of ${String(hypothesis.raw.incident_ref)}, not of this evidence's incident ${String(current.raw.incident_ref)}`,
            );
          }
          const ratings = Array.isArray(next.ratings) ? [...(next.ratings as StixJson[])] : [];
          const sameCell = ratings
            .filter((r) => r.analyst === viewer.name && r.hypothesis_ref === input.hypothesisId)
            .map((r) => String(r.rated_at));
          ratings.push({
            hypothesis_ref: input.hypothesisId,
            analyst: viewer.name,
            rating: input.rating as Rating,
            ...(input.rationale ? { rationale: input.rationale } : {}),
            rated_at: laterThan(now(), ...sameCell),
          });
          next.ratings = ratings;
        },
        input.hypothesisId,
      );
    },

    async auditLog(objectId, viewer, limit = 100) {
      const problems = new Problems(null, 'Cannot read the audit log');
      problems.text('objectId', objectId, { required: true, max: 320 });
      if (!(Number.isInteger(limit) && limit > 0 && limit <= MAX_AUDIT)) problems.add('limit', `must be an integer from 1 to ${MAX_AUDIT}`);
      problems.fail();
      return graph.read((tx) => auditLog(tx, objectId, viewer.clearanceRank, limit), { metadata: { op: 'case-audit-log' } });
    },
  };
  return service;
}
