/**
 * The one path of every case mutation (see case.service.ts), and what it and the operations in
 * case-hypotheses.ts and case-evidence.ts share: the input checks (`Problems`), the reader of
 * stored objects as one viewer sees them, the incident and marking of a new object.
 */
import { randomUUID } from 'node:crypto';
import { TLP_LEVELS, TLP_MARKING_IDS, UNKNOWN_MARKING_RANK, tlpRank, type TlpLevel } from '../../../schema/graph/kinds';
import { validateStixObject } from '../../../schema/stix/index';
import { ATTRIBUTION_EXTENSION_ID, TLP2_MARKING_IDS } from '../../../schema/stix/vocab';
import { ConflictError, NotFoundError, ValidationError, type Issue } from '../errors';
import { lockForUpdate, lockIncident, objectsByIds, type StixJson, type StoredRef } from '../graph/case.repository';
import type { Graph, Tx } from '../graph/driver';
import { markingRanks } from '../graph/stix.repository';
import type { Logger } from '../logger';
import type { AssessmentEventSink } from './case.service';
import { markRevealingParts, revealedIds } from './case-markings';
import { writeVersionAndAudit } from './case-write';
import { requireRole, type Viewer } from './viewer';

/** What the case operations need, resolved once by createCaseService. */
export interface CaseDeps {
  graph: Graph;
  /** The case area's child logger. */
  logger: Logger;
  events: AssessmentEventSink | null;
  /** The clock (tests pin it). */
  now: () => Date;
}

export const MAX_NAME = 500;
const MAX_TEXT = 20_000;
const MAX_REFS = 1_000;
export const HYPOTHESIS_TYPE = 'attribution-hypothesis';
export const EVIDENCE_TYPE = 'attribution-evidence';
export const CANDIDATE_TYPES = new Set(['threat-actor', 'intrusion-set', 'identity']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Collects every problem of one input; `fail()` throws them all in one ValidationError. */
export class Problems {
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

/** Sets or removes a property: undefined leaves it, null or empty removes it. */
export function patch(target: StixJson, key: string, value: unknown): void {
  if (value === undefined) return;
  if (value === null || (Array.isArray(value) && value.length === 0) || value === '') delete target[key];
  else target[key] = value;
}

/** Reads stored objects by id as one viewer sees them (in a mutation: inside its transaction). */
export type Reader = (ids: readonly string[]) => Promise<Map<string, StoredRef>>;

/**
 * Builds a change: edit `next` (a copy of the stored object `current`) in place, recording every
 * problem in `problems`; nothing is written if there is one.
 */
export type Change = (next: StixJson, current: StoredRef, read: Reader, problems: Problems) => Promise<void> | void;

/** One audited mutation, as `mutate` runs it: a change of a stored object, or a creation. */
export type Mutation = {
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

/** A reader as `viewer` sees (inside `tx`, when given; else in a read transaction of its own). */
export const readerFor =
  ({ graph }: CaseDeps, viewer: Viewer, tx?: Tx): Reader =>
  (ids) =>
    tx ? objectsByIds(tx, ids, viewer.clearanceRank) : graph.read((t) => objectsByIds(t, ids, viewer.clearanceRank), { metadata: { op: 'case-objects' } });

/** The stored object `id` of `type` as `viewer` sees it (NotFoundError otherwise). */
export async function stored(deps: CaseDeps, id: string, type: string, viewer: Viewer): Promise<StoredRef> {
  const found = (await readerFor(deps, viewer)([id])).get(id);
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
export async function checkRefs(
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
export async function incidentMarkings(
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
export function newCaseObject(
  { now }: CaseDeps,
  type: string,
  input: { incidentId: string; name: string },
  markings: unknown[] | undefined,
  own: StixJson,
): StixJson {
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
export async function mutate(deps: CaseDeps, viewer: Viewer, m: Mutation): Promise<{ raw: StixJson; tlpRank: number }> {
  requireRole(viewer, 'analyst');
  const what = `Cannot ${m.action}`;
  const expectedModified = m.id === null ? null : (m.expectedModified ?? null);
  const args = new Problems(m.id, what);
  args.timestamp('expectedModified', expectedModified);
  args.fail();

  const { graph, logger, now } = deps;
  const done = await graph.write(
    async (tx) => {
      const read = readerFor(deps, viewer, tx);
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
