/**
 * The state of one STIX import, from the first object read to the report: created once by
 * `createSession`, read and updated by every phase (read, write, commit). Counts of written
 * batches are merged in one place (`mergeBatch`), the report built in one place (`buildReport`).
 */
import {
  DEFAULT_SAFETY_LIMITS,
  checkSafety,
  type Repair,
  type SafetyLimits,
} from '../../../../schema/stix/index';
import type { JsonObject } from '../../graph/stix.mapping';
import type { StixInput } from '../../../../importers/stix/parse';
import { TLP_MARKING_IDS } from '../../../../schema/graph/kinds';
import { DomainError, type Issue } from '../../errors';
import type { Graph } from '../../graph/driver';
import type { ImportContext, WriteStats } from '../../graph/stix.repository';
import type { Logger } from '../../logger';
import { SeenIndex } from '../stix-seen';
import { isRecord } from '../../../../schema/json';
import type { ImportWriter } from './writer';
import {
  IMPORT_DEFAULTS,
  type ConflictPolicy,
  type ImportOptions,
  type ImportProgress,
  type ImportRepair,
  type ImportReport,
} from './types';

export const MAX_REPORTED_ISSUES = 10_000;

/** One valid, upgraded, deduplicated object waiting to be written. */
export interface Prepared {
  index: number;
  id: string;
  obj: JsonObject;
  raw: string;
  hash: string;
  modified: string | null;
  /** Repaired objects: the repairs and the JSON as it came. */
  repairs?: Repair[];
  original?: string;
  /**
   * Eager mode only: this object replaces the one this same transaction already wrote for its id
   * ('version': a newer version, the written one goes to history; 'replace': a kept conflict).
   */
  rewrite?: 'version' | 'replace';
}

/** What the first write of an id did in eager mode (a later duplicate may have to undo a count). */
export type Outcome = 'created' | 'updated' | 'unchanged' | 'refused';

/** An input object set aside (tolerant mode), waiting to be written to the quarantine. */
export interface Aside {
  index: number;
  objectId: string | null;
  type: string | null;
  raw: string;
  /** The object when it is one (its markings decide the record's TLP). */
  obj: JsonObject | null;
  reasons: Issue[];
  /** Set aside while reading (never entered deduplication), not by the write-side rules. */
  onRead: boolean;
}

/** Most objects one tolerant import may quarantine; beyond, the input is refused whole. */
export const MAX_QUARANTINED = 100_000;

/** Thrown inside the eager transaction to roll it back when the input is refused. */
export const REFUSED = Symbol('refused');

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

/** What writing one batch did: merged into the session by `mergeBatch`. */
export interface BatchResult {
  local: Counts;
  localWarnings: Issue[];
  /** Staged batches: objects that change visible nodes, written at the flip. */
  later: Prepared[];
  /** Tolerant mode: objects the write-side rules refused, for the quarantine. */
  refused: { p: Prepared; issue: Issue }[];
}

/** Eager mode met something it cannot finish correctly: the import restarts on the classic path. */
export class EagerAbort extends Error {
  override name = 'EagerAbort';
}

/** A Prepared whose object is parsed from `raw` on first use (then kept until it is dropped). */
export function lazilyParsed(index: number, id: string, raw: string, hash: string, modified: string | null): Prepared {
  let parsed: JsonObject | null = null;
  return {
    index,
    id,
    raw,
    hash,
    modified,
    get obj(): JsonObject {
      parsed ??= JSON.parse(raw) as JsonObject;
      return parsed;
    },
  };
}

/**
 * Problems no tolerance covers: the whole input is refused even in tolerant mode. An object beyond
 * the safety limits (sizes, nesting, keys) is hostile or broken, and a built-in TLP marking id with
 * other content than its published one would redefine what that marking means.
 */
export function isFatal(obj: unknown, path: string, limits: SafetyLimits): boolean {
  if (!isRecord(obj)) return false;
  if (typeof obj.id === 'string' && TLP_MARKING_IDS[obj.id] !== undefined) return true;
  return checkSafety(obj, { path, objectId: null, limits }).length > 0;
}

/** A 2.1 SDO/SRO/meta object always carries spec_version; one without it is STIX 2.0. */
export function needsUpgrade(obj: unknown): boolean {
  return isRecord(obj) && obj.spec_version === undefined && typeof obj.type === 'string';
}

/** Everything one import knows and has decided so far. */
export interface ImportSession {
  graph: Graph;
  logger: Logger;
  input: StixInput;
  options: ImportOptions;
  started: number;
  policy: ConflictPolicy;
  limits: SafetyLimits;
  maxObjects: number;
  singleMax: number;
  batchSize: number;
  ctx: ImportContext;
  source: string | null;
  dryRun: boolean;
  strict: boolean;
  /** Tolerant mode: objects set aside, written to the quarantine with the commit. */
  aside: Aside[];
  /** Ids whose object was set aside by the write-side rules (their in-input history goes too). */
  refusedIds: Set<string>;
  repairs: ImportRepair[];
  repairedCount: number;
  errors: Issue[];
  warnings: Issue[];
  counts: Counts;
  stats: { queries: number; maxRowsPerQuery: number; transactions: number };
  seen: SeenIndex;
  pending: Map<string, Prepared>;
  /** Older versions of an object met in the same input: written to history with the commit. */
  history: Prepared[];
  /** Staged mode: objects that change visible nodes (updates, placeholders) wait for the flip. */
  deferred: Prepared[];
  /** Ranks of marking-definitions met in this input. */
  bundleMarkings: Map<string, number>;
  /** Where accepted objects go (writer.ts); the single writer hands over to the staged one. */
  writer: ImportWriter;
  /**
   * Eager mode, for in-memory inputs that fit one transaction: batches are written inside one
   * explicit transaction while the rest of the input is still being validated, so Neo4j works
   * while JavaScript validates (2 cores: about the sum becomes about the larger of the two). An
   * error anywhere rolls the transaction back: nothing is committed, as in the classic path.
   */
  eager: boolean;
  /** Eager mode: the batches written so far, in order (resolved at once otherwise). */
  eagerChain: Promise<void>;
  outcomes: Map<string, Outcome>;
  /**
   * A streamed input is not held in memory: objects waiting to be written keep only their JSON
   * text and are parsed again when their batch is written (a parsed object costs several times
   * its text; up to `singleTransactionMaxObjects` of them wait before a stream is known to be big).
   */
  streamed: boolean;
  upgraded: number;
  index: number;
  staged: boolean;
  inputBroken: boolean;
}

export function createSession(
  deps: { graph: Graph; logger: Logger },
  input: StixInput,
  options: ImportOptions,
  importId: string,
  writer: ImportWriter,
): ImportSession {
  const singleMax = options.singleTransactionMaxObjects ?? IMPORT_DEFAULTS.singleTransactionMaxObjects;
  return {
    graph: deps.graph,
    logger: deps.logger,
    input,
    options,
    started: Date.now(),
    policy: options.onConflict ?? 'reject',
    limits: { ...DEFAULT_SAFETY_LIMITS, ...options.limits },
    maxObjects: options.maxObjects ?? IMPORT_DEFAULTS.maxObjects,
    singleMax,
    batchSize: Math.max(1, options.batchSize ?? IMPORT_DEFAULTS.batchSize),
    ctx: {
      importId,
      importedBy: options.viewer.name,
      importedAt: new Date().toISOString(),
      staged: false,
      writerRank: options.viewer.clearanceRank,
    },
    source: options.source ?? null,
    dryRun: options.dryRun === true,
    strict: options.strict !== false,
    aside: [],
    refusedIds: new Set(),
    repairs: [],
    repairedCount: 0,
    errors: [],
    warnings: [],
    counts: { created: 0, updated: 0, unchanged: 0 },
    stats: { queries: 0, maxRowsPerQuery: 0, transactions: 0 },
    seen: new SeenIndex(),
    pending: new Map(),
    history: [],
    deferred: [],
    bundleMarkings: new Map(),
    writer,
    eager: writer.kind === 'eager',
    eagerChain: Promise.resolve(),
    outcomes: new Map(),
    streamed: input.count === null,
    upgraded: 0,
    index: -1,
    staged: false,
    inputBroken: false,
  };
}

export function addStats(s: ImportSession, w: WriteStats): void {
  s.stats.queries += w.queries;
  s.stats.maxRowsPerQuery = Math.max(s.stats.maxRowsPerQuery, w.maxRows);
}

export function error(s: ImportSession, issue: Issue): void {
  if (s.errors.length < MAX_REPORTED_ISSUES) s.errors.push(issue);
}

export function warn(s: ImportSession, issue: Issue): void {
  if (s.warnings.length < MAX_REPORTED_ISSUES) s.warnings.push(issue);
}

export function progress(s: ImportSession, phase: ImportProgress['phase']): void {
  s.options.onProgress?.({ importId: s.ctx.importId, phase, done: s.index + 1, total: s.input.count, bytes: s.input.bytes() });
}

/** Tolerant mode: keeps an input object aside (quarantine) with its reasons. */
export function setAside(s: ImportSession, item: unknown, at: number, reasons: Issue[], raw?: string, onRead = true): void {
  if (s.aside.length >= MAX_QUARANTINED) {
    error(s, { objectId: null, path: `objects[${at}]`, message: `more than ${MAX_QUARANTINED} objects would be quarantined; the input is refused whole` });
    return;
  }
  const obj = isRecord(item) ? (item as JsonObject) : null;
  s.aside.push({
    index: at,
    objectId: typeof obj?.id === 'string' ? obj.id.slice(0, 300) : null,
    type: typeof obj?.type === 'string' ? obj.type.slice(0, 250) : null,
    raw: raw ?? JSON.stringify(item) ?? 'null',
    obj,
    reasons,
    onRead,
  });
}

/** Records the objects a batch's write-side rules refused (after its transaction succeeded). */
function keepRefused(s: ImportSession, refused: { p: Prepared; issue: Issue }[]): void {
  for (const { p, issue } of refused) {
    s.refusedIds.add(p.id);
    if (p.repairs) s.repairedCount -= 1; // its fate is the quarantine now
    setAside(s, p.obj, p.index, [issue], p.original ?? p.raw, false);
  }
}

/** The one place where what a written batch did joins the session: counts, warnings, refusals. */
export function mergeBatch(s: ImportSession, result: BatchResult): void {
  s.counts.created += result.local.created;
  s.counts.updated += result.local.updated;
  s.counts.unchanged += result.local.unchanged;
  result.localWarnings.forEach((w) => warn(s, w));
  keepRefused(s, result.refused);
  s.deferred.push(...result.later);
}

export function buildReport(s: ImportSession): ImportReport {
  const { errors, counts, aside, repairedCount } = s;
  const failed = errors.length > 0;
  const objects = s.index + 1;
  return {
    importId: s.ctx.importId,
    source: s.source,
    created: failed ? 0 : counts.created,
    updated: failed ? 0 : counts.updated,
    unchanged: failed ? 0 : counts.unchanged,
    rejected: failed ? objects : 0,
    errors,
    warnings: s.warnings,
    strict: s.strict,
    imported: failed ? 0 : objects - repairedCount - aside.length,
    repaired: failed ? 0 : repairedCount,
    quarantined: failed ? 0 : aside.length,
    repairs: failed ? [] : s.repairs,
    quarantine: failed ? [] : aside.flatMap((a) => a.reasons).slice(0, MAX_REPORTED_ISSUES),
    objects: s.index + 1,
    staged: s.staged,
    dryRun: s.dryRun,
    stats: { ...s.stats, durationMs: Date.now() - s.started },
  };
}

/** The report of an input refused before any object was read (it could not be opened). */
export function unreadableReport(e: { issues: Issue[] }, importId: string, options: ImportOptions): ImportReport {
  return {
    importId,
    source: options.source ?? null,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    errors: e.issues,
    warnings: [],
    strict: options.strict !== false,
    imported: 0,
    repaired: 0,
    quarantined: 0,
    repairs: [],
    quarantine: [],
    objects: 0,
    staged: false,
    dryRun: options.dryRun === true,
    stats: { queries: 0, maxRowsPerQuery: 0, transactions: 0, durationMs: 0 },
  };
}

/**
 * What a report may say about a failed transaction: for a database error its code only (Neo4j's
 * message can quote stored ids and values, e.g. the id a constraint met, above the caller's
 * clearance); for our own checks their message, which names only the caller's input.
 */
export function failureReason(e: unknown): string {
  if (e instanceof DomainError) return e.message;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return /^[A-Za-z.]+$/.test(code) ? `database error ${code}` : 'database error';
  return e instanceof Error ? e.message : 'an internal error';
}
