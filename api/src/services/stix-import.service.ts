/**
 * STIX import: read → upgrade 2.0 → validate (every problem collected) → deduplicate → classify
 * against the graph → write. All-or-nothing:
 *  - an input with any error writes nothing and returns every error at once;
 *  - a valid input of up to `singleTransactionMaxObjects` objects is written in one transaction
 *    (in-memory inputs: "eager", written batch by batch in that transaction while the rest is
 *    still being validated; rolled back on any error);
 *  - a bigger one is written in batches as `:Staged` nodes behind an import marker, then flipped
 *    visible in one transaction. Readers never see a half import; a crash leaves only invisible
 *    staged nodes, deleted once its heartbeat is older than STAGED_ALIVE_MS.
 * Tolerant mode (`strict: false`): every object ends imported, repaired or quarantined instead
 * (docs/import-policy.md). Write-side TLP rules: docs/api.md.
 * See docs/graph-model.md.
 */
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_SAFETY_LIMITS,
  checkSafety,
  compareTimestamps,
  repairStixObject,
  upgradeObject20To21,
  validateBundle,
  validateStixObject,
  type Repair,
  type SafetyLimits,
} from '../../../schema/stix/index';
import {
  hashRaw,
  mapStixObject,
  markingRankOf,
  markingRefsOf,
  tlpRankOf,
  type JsonObject,
} from '../graph/stix.mapping';
import { withEmbeddedScoIds } from '../../../importers/stix/embedded-ids';
import {
  inputFromValue,
  openStixSource,
  StixInputError,
  type ReadLimits,
  type StixInput,
} from '../../../importers/stix/parse';
import { TLP_LEVELS, TLP_MARKING_IDS, UNKNOWN_MARKING_RANK, tlpRank } from '../../../schema/graph/kinds';
import { DomainError, type Issue } from '../errors';
import type { Graph, Tx } from '../graph/driver';
import {
  abandonedImports,
  addQuarantined,
  classify,
  createImportMarker,
  deleteStagedBatch,
  finishImportMarker,
  importHeartbeat,
  importInFlight,
  markingRanks,
  unstage,
  writeBatch,
  type HistoryRow,
  type ImportContext,
  type QuarantineRow,
  type Stored,
  type WriteBatch,
  type WriteStats,
} from '../graph/stix.repository';
import type { Logger } from '../logger';
import type { EventBus, ImportProgressEvent } from './events';
import { limitHeapGrowth } from './heap-growth';
import { SeenIndex } from './stix-seen';
import { hasRole, requireRole, type Viewer } from './viewer';
import { isRecord } from '../../../schema/json';

export type ConflictPolicy = 'reject' | 'keep-first' | 'keep-last';

export interface ImportProgress {
  /** The import this progress belongs to (the same id ends up in the report). */
  importId: string;
  phase: 'read' | 'write' | 'commit';
  /** Objects processed so far. */
  done: number;
  /** Objects in the input when known, else null (streams: see bytes). */
  total: number | null;
  bytes?: { read: number; total: number | null };
}

export interface ImportOptions {
  viewer: Viewer;
  onConflict?: ConflictPolicy;
  onProgress?: (progress: ImportProgress) => void;
  /** Where the bundle came from (file, URL, `graphql`), recorded on the import marker. */
  source?: string;
  /** Safety limits for strings, arrays, nesting, keys (defaults: DEFAULT_SAFETY_LIMITS). */
  limits?: Partial<SafetyLimits>;
  /** Read limits for importFile (bytes; in-memory threshold). */
  readLimits?: Partial<ReadLimits>;
  /** Most objects an input may hold. */
  maxObjects?: number;
  /** Above this many objects, the import is staged in batches instead of one transaction. */
  singleTransactionMaxObjects?: number;
  /** Objects per staged batch (one transaction each), and per eager batch. */
  batchSize?: number;
  /**
   * Write in-memory inputs that fit one transaction while they are still being validated (default
   * true; false: validate everything, then write, as streams do). Same result either way.
   */
  eager?: boolean;
  /**
   * Validate, classify and write everything in one transaction, then roll it back: the report says
   * what an import would do, and nothing is stored. Limited to inputs that fit one transaction
   * (`singleTransactionMaxObjects`); a bigger input is refused with that reason.
   */
  dryRun?: boolean;
  /** Stops the import: whatever it wrote is rolled back (or, when staged, deleted) and it throws. */
  signal?: AbortSignal;
  /**
   * true (the service's default, for compatibility): all-or-nothing, any problem refuses the whole
   * input. false (the default of every user-facing entry point: CLI, GraphQL, uploads, feeds):
   * tolerant, every object ends imported, repaired or quarantined (docs/import-policy.md). Input
   * that is not a bundle, breaks a safety limit or redefines a built-in TLP marking is refused
   * whole either way.
   */
  strict?: boolean;
}

/** A repair made to an object on the way in (docs/import-policy.md). */
export interface ImportRepair extends Issue {
  /** What was done. */
  fix: string;
}

export interface ImportReport {
  importId: string;
  source: string | null;
  created: number;
  updated: number;
  unchanged: number;
  /** Objects not imported because of errors: every object of a refused input. */
  rejected: number;
  errors: Issue[];
  warnings: Issue[];
  /** True when the import ran all-or-nothing (strict); false: tolerant. */
  strict: boolean;
  /**
   * The fate of every object read (tolerant imports; imported + repaired + quarantined = objects
   * unless the input was refused): imported as it came (created, updated or unchanged) …
   */
  imported: number;
  /** … imported after documented repairs (listed in `repairs`; the original JSON is kept) … */
  repaired: number;
  /** … or kept aside in the quarantine (reasons in `quarantine`; `attribution-graph quarantine`). */
  quarantined: number;
  /** Every repair made, object by object. */
  repairs: ImportRepair[];
  /** Every reason an object was quarantined (several per object possible). */
  quarantine: Issue[];
  /** Objects read from the input. */
  objects: number;
  /** True when the import went through staged batches. */
  staged: boolean;
  /** True for a dry run: the counts say what the import would do; nothing was stored. */
  dryRun: boolean;
  /** Neo4j-side figures: queries sent, largest UNWIND row count, transactions. */
  stats: { queries: number; maxRowsPerQuery: number; transactions: number; durationMs: number };
}

export interface StixImportService {
  importBundle(input: unknown, options: ImportOptions): Promise<ImportReport>;
  importFile(pathOrUrl: string, options: ImportOptions): Promise<ImportReport>;
  /**
   * Deletes what crashed staged imports left (staged nodes of imports whose heartbeat stopped more
   * than `olderThanMs` ago, default STAGED_ALIVE_MS); every staged import runs it when it starts.
   * Returns the ids of the imports cleaned.
   */
  cleanAbandonedImports(options?: { olderThanMs?: number }): Promise<string[]>;
}

export const IMPORT_DEFAULTS = Object.freeze({
  maxObjects: 5_000_000,
  singleTransactionMaxObjects: 100_000,
  batchSize: 10_000,
  transactionTimeoutMs: 15 * 60_000,
});

const MAX_REPORTED_ISSUES = 10_000;

/** One valid, upgraded, deduplicated object waiting to be written. */
interface Prepared {
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
type Outcome = 'created' | 'updated' | 'unchanged' | 'refused';

/** An input object set aside (tolerant mode), waiting to be written to the quarantine. */
interface Aside {
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
const MAX_QUARANTINED = 100_000;

/**
 * The one answer for an id stored above the caller's clearance (the same whatever the hidden
 * object's version, content or revocation): see docs/api.md, "Write-side rules".
 */
export const NOT_WRITABLE =
  'this id cannot be written with your clearance (an id you cannot read is never written over); nothing was stored for it';

/** Thrown inside the eager transaction to roll it back when the input is refused. */
const REFUSED = Symbol('refused');

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

/** Eager mode met something it cannot finish correctly: the import restarts on the classic path. */
class EagerAbort extends Error {
  override name = 'EagerAbort';
}

/** A Prepared whose object is parsed from `raw` on first use (then kept until it is dropped). */
function lazilyParsed(index: number, id: string, raw: string, hash: string, modified: string | null): Prepared {
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
function isFatal(obj: unknown, path: string, limits: SafetyLimits): boolean {
  if (!isRecord(obj)) return false;
  if (typeof obj.id === 'string' && TLP_MARKING_IDS[obj.id] !== undefined) return true;
  return checkSafety(obj, { path, objectId: null, limits }).length > 0;
}

/** A 2.1 SDO/SRO/meta object always carries spec_version; one without it is STIX 2.0. */
function needsUpgrade(obj: unknown): boolean {
  return isRecord(obj) && obj.spec_version === undefined && typeof obj.type === 'string';
}

export interface StixImportDeps {
  graph: Graph;
  logger: Logger;
  /**
   * Where progress goes besides `onProgress`: every import, whoever starts it (GraphQL mutation,
   * upload, fact sheet, seed), is announced on the `importProgress` topic, then `done` or `failed`.
   */
  events?: EventBus;
}

export function createStixImportService(deps: StixImportDeps): StixImportService {
  const { graph } = deps;
  const logger = deps.logger.child({ area: 'stix-import' });

  /** Deletes the staged nodes of imports whose heartbeat stopped (crashed runs); returns their ids. */
  async function cleanAbandoned(exceptImportId = '', staleBefore?: string): Promise<string[]> {
    const abandoned = await graph.read((tx) => abandonedImports(tx, exceptImportId, staleBefore), {
      metadata: { phase: 'abandoned-imports' },
    });
    for (const old of abandoned) {
      logger.info({ abandoned: old }, 'deleting staged leftovers of an unfinished import');
      for (;;) {
        const deleted = await graph.write((tx) => deleteStagedBatch(tx, old), { metadata: { importId: old, phase: 'cleanup' } });
        if (deleted === 0) break;
      }
      await graph.write((tx) => finishImportMarker(tx, old, 'failed'));
    }
    return abandoned;
  }

  /**
   * One import, whatever its source: opens the input (an input that cannot be read is a refused
   * report, not an exception) and runs it, with progress published on the event bus for the viewer
   * who started it. The TLP of an input is unknown while it is read, so its events count as RED for
   * clearance (the starter and admins see them; see eventVisibleTo).
   */
  async function announced(options: ImportOptions, open: () => StixInput | Promise<StixInput>): Promise<ImportReport> {
    requireRole(options.viewer, 'analyst');
    const importId = randomUUID();
    const publish = (phase: ImportProgressEvent['phase'], done: number, total: number | null) =>
      deps.events?.publish('importProgress', {
        importId,
        viewerId: options.viewer.id,
        tlpRank: UNKNOWN_MARKING_RANK,
        phase,
        done,
        total,
        at: new Date().toISOString(),
      });
    const opts: ImportOptions = {
      ...options,
      onProgress: (p) => {
        options.onProgress?.(p);
        publish(p.phase, p.done, p.total);
      },
    };
    const openAndRun = async (): Promise<ImportReport> => {
      let input: StixInput;
      try {
        input = await open();
      } catch (e) {
        if (!(e instanceof StixInputError)) throw e;
        return refused(e, importId, opts);
      }
      if (input.count !== null) return run(input, opts, importId);
      const release = limitHeapGrowth(); // streamed: bounded memory is the point (heap-growth.ts)
      try {
        return await run(input, opts, importId);
      } finally {
        release();
      }
    };
    let report: ImportReport;
    const done = importInFlight(importId);
    try {
      report = await openAndRun();
    } catch (e) {
      publish('failed', 0, null);
      throw e;
    } finally {
      done();
    }
    publish(report.errors.length > 0 ? 'failed' : 'done', report.objects, report.objects);
    return report;
  }

  async function run(input: StixInput, options: ImportOptions, importId: string, allowEager = true): Promise<ImportReport> {
    const started = Date.now();
    const policy = options.onConflict ?? 'reject';
    const limits = { ...DEFAULT_SAFETY_LIMITS, ...options.limits };
    const maxObjects = options.maxObjects ?? IMPORT_DEFAULTS.maxObjects;
    const singleMax = options.singleTransactionMaxObjects ?? IMPORT_DEFAULTS.singleTransactionMaxObjects;
    const batchSize = Math.max(1, options.batchSize ?? IMPORT_DEFAULTS.batchSize);
    const ctx: ImportContext = {
      importId,
      importedBy: options.viewer.name,
      importedAt: new Date().toISOString(),
      staged: false,
    };
    const source = options.source ?? null;
    const dryRun = options.dryRun === true;
    const strict = options.strict !== false;
    /** Tolerant mode: objects set aside, written to the quarantine with the commit. */
    const aside: Aside[] = [];
    /** Ids whose object was set aside by the write-side rules (their in-input history goes too). */
    const refusedIds = new Set<string>();
    const repairs: ImportRepair[] = [];
    let repairedCount = 0;
    const errors: Issue[] = [];
    const warnings: Issue[] = [];
    const counts: Counts = { created: 0, updated: 0, unchanged: 0 };
    const stats = { queries: 0, maxRowsPerQuery: 0, transactions: 0 };
    const addStats = (s: WriteStats) => {
      stats.queries += s.queries;
      stats.maxRowsPerQuery = Math.max(stats.maxRowsPerQuery, s.maxRows);
    };
    const error = (issue: Issue) => {
      if (errors.length < MAX_REPORTED_ISSUES) errors.push(issue);
    };
    const warn = (issue: Issue) => {
      if (warnings.length < MAX_REPORTED_ISSUES) warnings.push(issue);
    };
    /** Tolerant mode: keeps an input object aside (quarantine) with its reasons. */
    const setAside = (item: unknown, at: number, reasons: Issue[], raw?: string, onRead = true) => {
      if (aside.length >= MAX_QUARANTINED) {
        error({ objectId: null, path: `objects[${at}]`, message: `more than ${MAX_QUARANTINED} objects would be quarantined; the input is refused whole` });
        return;
      }
      const obj = isRecord(item) ? (item as JsonObject) : null;
      aside.push({
        index: at,
        objectId: typeof obj?.id === 'string' ? obj.id.slice(0, 300) : null,
        type: typeof obj?.type === 'string' ? obj.type.slice(0, 250) : null,
        raw: raw ?? JSON.stringify(item) ?? 'null',
        obj,
        reasons,
        onRead,
      });
    };

    const seen = new SeenIndex();
    let pending = new Map<string, Prepared>();
    /** Older versions of an object met in the same input: written to history with the commit. */
    const history: Prepared[] = [];
    /** Staged mode: objects that change visible nodes (updates, placeholders) wait for the flip. */
    const deferred: Prepared[] = [];
    /** Ranks of marking-definitions met in this input. */
    const bundleMarkings = new Map<string, number>();
    /**
     * Eager mode, for in-memory inputs that fit one transaction: batches are written inside one
     * explicit transaction while the rest of the input is still being validated, so Neo4j works
     * while JavaScript validates (2 cores: about the sum becomes about the larger of the two). An
     * error anywhere rolls the transaction back: nothing is committed, as in the classic path.
     */
    const eager = allowEager && options.eager !== false && input.count !== null && input.count > 0 && input.count <= singleMax;
    let eagerChain: Promise<void> = Promise.resolve();
    const outcomes = new Map<string, Outcome>();
    /**
     * A streamed input is not held in memory: objects waiting to be written keep only their JSON
     * text and are parsed again when their batch is written (a parsed object costs several times
     * its text; up to `singleTransactionMaxObjects` of them wait before a stream is known to be big).
     */
    const streamed = input.count === null;
    let upgraded = 0;
    let index = -1;
    let staged = false;
    let inputBroken = false;
    const progress = (phase: ImportProgress['phase']) =>
      options.onProgress?.({ importId: ctx.importId, phase, done: index + 1, total: input.count, bytes: input.bytes() });

    const report = (): ImportReport => {
      const failed = errors.length > 0;
      const objects = index + 1;
      return {
        importId: ctx.importId,
        source,
        created: failed ? 0 : counts.created,
        updated: failed ? 0 : counts.updated,
        unchanged: failed ? 0 : counts.unchanged,
        rejected: failed ? objects : 0,
        errors,
        warnings,
        strict,
        imported: failed ? 0 : objects - repairedCount - aside.length,
        repaired: failed ? 0 : repairedCount,
        quarantined: failed ? 0 : aside.length,
        repairs: failed ? [] : repairs,
        quarantine: failed ? [] : aside.flatMap((a) => a.reasons).slice(0, MAX_REPORTED_ISSUES),
        objects: index + 1,
        staged,
        dryRun,
        stats: { ...stats, durationMs: Date.now() - started },
      };
    };

    // --- classification and writing -----------------------------------------------------------

    async function rankLookup(tx: Tx, batch: Prepared[]): Promise<(id: string) => number | undefined> {
      const unknown = new Set<string>();
      for (const p of batch) {
        for (const m of markingRefsOf(p.obj)) {
          if (TLP_MARKING_IDS[m] === undefined && !bundleMarkings.has(m)) unknown.add(m);
        }
      }
      // Only markings the caller may rely on (see MARKING_RANKS); any other counts as unknown (RED).
      const stored = await markingRanks(tx, [...unknown], options.viewer.id);
      return (id) => {
        const tlp = TLP_MARKING_IDS[id];
        if (tlp !== undefined) return tlpRank(tlp);
        return bundleMarkings.get(id) ?? stored.get(id);
      };
    }

    /**
     * Decide, for each prepared object, what to do given the stored state, and write. In a staged
     * batch, objects touching visible nodes are set aside for the flip. Returns the counts.
     */
    async function prepareAndWrite(tx: Tx, batch: Prepared[], older: Prepared[], stagedWrite: boolean) {
      options.signal?.throwIfAborted(); // inside the transaction: thrown here, it rolls back
      const local: Counts = { created: 0, updated: 0, unchanged: 0 };
      const localWarnings: Issue[] = [];
      const later: Prepared[] = [];
      const stored = await classify(
        tx,
        ctx.importId,
        batch.map((p) => ({ id: p.id, modified: p.modified, hash: p.hash })),
      );
      const lookup = await rankLookup(tx, [...batch, ...older]);
      const historyRows: HistoryRow[] = [];
      const write: WriteBatch = { objects: [], absent: new Set(), archive: [], clearEdges: [], history: historyRows };
      const owner = hasRole(options.viewer, 'admin') ? null : options.viewer.id;
      const add = (p: Prepared) => {
        const mapped = mapStixObject(p.obj, lookup, p.raw, p.hash);
        if (p.obj.type === 'marking-definition') mapped.node.props.marking_owner = owner;
        if (p.repairs) {
          mapped.node.props.raw_original = p.original ?? null;
          mapped.node.props.repairs = JSON.stringify(p.repairs.map((r) => ({ path: r.path, message: r.message, fix: r.fix })));
        }
        write.objects.push(mapped);
      };
      const refusals: Issue[] = [];
      /** Tolerant mode: objects the write-side rules refused, for the quarantine. */
      const refused: { p: Prepared; issue: Issue }[] = [];
      const refusedHere = new Set<string>();
      for (const p of batch) {
        const s = stored.get(p.id);
        const path = `objects[${p.index}]`;
        // Write-side TLP (docs/api.md, "Write-side rules"), before anything that compares with the
        // stored object, so that a hidden id gets one answer whatever its version or content.
        const refusal = writeRefusal(p, s, lookup);
        if (refusal !== null) {
          const issue = { objectId: p.id, path, message: refusal };
          if (strict) refusals.push(issue);
          else refused.push({ p, issue });
          refusedHere.add(p.id);
          if (eager) outcomes.set(p.id, 'refused');
          continue;
        }
        if (p.rewrite) {
          // Eager mode: replaces what this transaction wrote for the id; counted at its first write.
          if (p.rewrite === 'version') write.archive.push(p.id);
          write.clearEdges.push(p.id);
          add(p);
          continue;
        }
        const counted = { created: local.created, updated: local.updated };
        if (s === undefined) {
          local.created += 1;
          write.absent.add(p.id);
          add(p);
        } else if (s.state === 'staged') {
          // Written by an earlier batch of this import (a later duplicate won): overwrite.
          write.clearEdges.push(p.id);
          add(p);
        } else if (s.state === 'abandoned') {
          local.created += 1;
          write.clearEdges.push(p.id);
          add(p);
        } else if (s.state === 'foreign' && !stagedWrite) {
          // Staged by another import still in flight: written visible at our commit, under our
          // import id (its flip and its cleanup only touch nodes still staged under its own id).
          local.created += 1;
          write.clearEdges.push(p.id);
          add(p);
        } else if (stagedWrite) {
          later.push(p);
        } else if (s.state === 'placeholder') {
          local.created += 1;
          add(p);
        } else if (s.cmp > 0 && s.revoked) {
          local.unchanged += 1;
          localWarnings.push({
            objectId: p.id,
            path,
            message: 'the stored version is revoked; a revoked object cannot get newer versions, so this one was not stored',
          });
        } else if (s.cmp > 0) {
          local.updated += 1;
          write.archive.push(p.id);
          write.clearEdges.push(p.id);
          add(p);
        } else {
          local.unchanged += 1;
          if (s.cmp === 0 && !s.same) {
            localWarnings.push({
              objectId: p.id,
              path,
              message:
                'differs from the stored object with the same "modified"; the stored version was kept (a new version needs a newer "modified")',
            });
          }
        }
        if (eager) {
          outcomes.set(
            p.id,
            local.created > counted.created ? 'created' : local.updated > counted.updated ? 'updated' : 'unchanged',
          );
        }
      }
      if (refusals.length > 0) {
        refusals.forEach(error);
        throw REFUSED; // inside the transaction: everything it wrote is rolled back
      }
      for (const p of older) {
        if (refusedIds.has(p.id) || refusedHere.has(p.id)) continue; // never under a refused id
        historyRows.push({ id: p.id, modified: p.modified ?? '', raw: p.raw, tlp_rank: tlpRankOf(p.obj, lookup) });
      }
      addStats(await writeBatch(tx, write, { ...ctx, staged: stagedWrite }));
      return { local, localWarnings, later, refused };
    }

    /** Records the objects a batch's write-side rules refused (after its transaction succeeded). */
    function keepRefused(refused: { p: Prepared; issue: Issue }[]) {
      for (const { p, issue } of refused) {
        refusedIds.add(p.id);
        if (p.repairs) repairedCount -= 1; // its fate is the quarantine now
        setAside(p.obj, p.index, [issue], p.original ?? p.raw, false);
      }
    }

    /** Writes the quarantine records (tolerant mode), with the final transaction of the import. */
    async function writeAside(tx: Tx, extra: { p: Prepared; issue: Issue }[]) {
      const pending = [...aside];
      for (const { p, issue } of extra) {
        pending.push({ index: p.index, objectId: p.id, type: String(p.obj.type), raw: p.original ?? p.raw, obj: p.obj, reasons: [issue], onRead: false });
      }
      if (pending.length === 0) return;
      const lookup = await rankLookup(tx, pending.flatMap((a) => (a.obj ? [{ obj: a.obj } as Prepared] : [])));
      const rows: QuarantineRow[] = pending.map((a) => ({
        id: randomUUID(),
        object_id: a.objectId,
        type: a.type,
        path: `objects[${a.index}]`,
        raw: a.raw,
        reasons: JSON.stringify(a.reasons.map((r) => ({ path: r.path, message: r.message }))),
        // Not an object, or markings that cannot be read: only readers cleared for all see it.
        tlp_rank: a.obj ? tlpRankOf(a.obj, lookup) : UNKNOWN_MARKING_RANK,
      }));
      await addQuarantined(tx, rows, { ...ctx, importedById: options.viewer.id, source });
    }

    /**
     * Why the caller may not write this object, or null. Two rules: nobody writes an object they
     * could not read once stored (its markings above their clearance), and nobody writes over a
     * stored object above their clearance (create-over, update, revoke, re-mark). The second answer
     * is one fixed message: it does not depend on the hidden object's version, content or state.
     */
    function writeRefusal(p: Prepared, s: Stored | undefined, lookup: (id: string) => number | undefined): string | null {
      const clearance = options.viewer.clearanceRank;
      const rank = tlpRankOf(p.obj, lookup);
      if (rank > clearance) {
        return `marked ${TLP_LEVELS[rank] ?? 'RED'} (or with a marking you have not defined), above your clearance ${options.viewer.clearance}: you could not read it once stored, so you cannot write it`;
      }
      if (s !== undefined && s.state !== 'placeholder' && s.state !== 'staged' && s.rank > clearance) {
        return NOT_WRITABLE;
      }
      return null;
    }

    async function writeStagedBatch(batch: Prepared[]) {
      stats.transactions += 1;
      const result = await graph.write(async (tx) => {
        await importHeartbeat(tx, ctx.importId);
        return prepareAndWrite(tx, batch, [], true);
      }, {
        metadata: { importId: ctx.importId, phase: 'staged-batch' },
        timeoutMs: IMPORT_DEFAULTS.transactionTimeoutMs,
      });
      counts.created += result.local.created;
      result.localWarnings.forEach(warn);
      keepRefused(result.refused);
      deferred.push(...result.later);
    }

    async function cleanupStaged(importId: string) {
      for (;;) {
        stats.transactions += 1;
        const deleted = await graph.write((tx) => deleteStagedBatch(tx, importId), {
          metadata: { importId, phase: 'cleanup' },
        });
        if (deleted === 0) break;
      }
    }

    async function startStaging(bundleId: string | null) {
      staged = true;
      stats.transactions += 1;
      await graph.write((tx) => createImportMarker(tx, ctx, bundleId, source), {
        metadata: { importId: ctx.importId, phase: 'marker' },
      });
      // Leftovers of crashed imports (heartbeat stopped), whatever their bundle: never one in flight.
      await cleanAbandoned(ctx.importId);
    }

    async function flushPending(force: boolean) {
      while (pending.size >= batchSize || (force && pending.size > 0)) {
        const batch: Prepared[] = [];
        for (const [id, p] of pending) {
          batch.push(p);
          pending.delete(id);
          if (batch.length >= batchSize) break;
        }
        await writeStagedBatch(batch);
        progress('write');
      }
    }

    // --- reading, upgrading, validating, deduplicating ----------------------------------------

    /** Reads, upgrades, validates and deduplicates the input; in eager mode also writes batches. */
    async function consume(eagerTx: Tx | null): Promise<void> {
      try {
        for await (const item of input.objects) {
          options.signal?.throwIfAborted();
          index += 1;
          if (index >= maxObjects) {
            error({ objectId: null, path: `objects[${index}]`, message: `more than ${maxObjects} objects; the limit is ${maxObjects}` });
            break;
          }
          const path = `objects[${index}]`;
          let obj = item;
          if (needsUpgrade(obj)) {
            obj = upgradeObject20To21(obj);
            if (obj !== item) upgraded += 1;
            obj = withEmbeddedScoIds(obj).object; // part of the 2.0 upgrade (embedded-ids.ts)
          }
          const issues = validateStixObject(obj, { path, limits });
          let repaired: { repairs: Repair[]; original: string } | null = null;
          if (issues.length > 0) {
            if (strict || isFatal(obj, path, limits)) {
              issues.forEach(error);
              continue;
            }
            // Tolerant: repair what is safe to repair, else set the object aside.
            const fixed = repairStixObject(obj, path);
            const embedded = withEmbeddedScoIds(fixed.object, path);
            const all = [...fixed.repairs, ...embedded.repairs];
            const again = all.length > 0 ? validateStixObject(embedded.object, { path, limits }) : issues;
            if (again.length > 0) {
              setAside(item, index, again);
              continue;
            }
            repaired = { repairs: all, original: JSON.stringify(item) };
            obj = embedded.object;
          }
          const o = obj as JsonObject;
          const id = o.id as string;
          const raw = JSON.stringify(o);
          const hash = hashRaw(raw);
          const modified = typeof o.modified === 'string' ? o.modified : null;
          const current: Prepared = streamed ? lazilyParsed(index, id, raw, hash, modified) : { index, id, obj: o, raw, hash, modified };
          if (repaired) {
            current.repairs = repaired.repairs;
            current.original = repaired.original;
          }
          const prev = seen.get(id);
          /** The earlier object of this id when it is still waiting to be written. */
          const prevPending = prev ? pending.get(id) : undefined;
          let keep = true;
          if (prev) {
            if (prev.hash === hash) {
              warn({ objectId: id, path, message: `repeats objects[${prev.index}] exactly; imported once` });
              continue;
            }
            // Validated timestamps: the schemas' comparison never answers null for them.
            const versions = prev.modified !== null && modified !== null && (compareTimestamps(prev.modified, modified) ?? 0) !== 0;
            if (versions) {
              // Two versions of one object in the bundle: the newer is current, the older goes to history.
              const newer = (compareTimestamps(modified, prev.modified) ?? 0) > 0;
              const older = newer ? (prevPending ?? null) : current;
              if (older) history.push(older);
              keep = newer;
            } else if (policy === 'reject' && !strict) {
              // Tolerant: the first one stays; this one waits in the quarantine for a decision.
              setAside(item, index, [{
                objectId: id,
                path,
                message: `conflicts with objects[${prev.index}]: same id${modified ? ' and "modified"' : ''}, different content; the first one was imported`,
              }], raw);
              continue;
            } else if (policy === 'reject') {
              error({
                objectId: id,
                path,
                message: `conflicts with objects[${prev.index}]: same id${modified ? ' and "modified"' : ''}, different content (use onConflict keep-first or keep-last to import anyway)`,
              });
              continue;
            } else {
              warn({
                objectId: id,
                path,
                message: `conflicts with objects[${prev.index}] (same id${modified ? ' and "modified"' : ''}, different content); kept the ${policy === 'keep-first' ? 'first' : 'last'} one`,
              });
              keep = policy === 'keep-last';
            }
            if (!keep) continue;
            if (prevPending) {
              pending.delete(id);
              // It was itself replacing a written one (eager): so does this one.
              if (prevPending.rewrite) current.rewrite = versions ? 'version' : prevPending.rewrite;
            } else if (eagerTx) {
              // The earlier one is already written in this transaction: its outcome must be known.
              await eagerChain;
              const outcome = outcomes.get(id);
              if (outcome === 'unchanged') {
                counts.unchanged -= 1; // nothing was written for it: this one is classified afresh
              } else if (outcome === 'refused') {
                // Set aside by the write-side rules: this one is classified afresh.
              } else {
                current.rewrite = versions ? 'version' : 'replace';
              }
            }
          }
          if (o.type === 'marking-definition') {
            const rank = markingRankOf(o);
            if (eagerTx && bundleMarkings.has(id) && bundleMarkings.get(id) !== rank) {
              // Objects already written used the first definition's rank: start over, classic path.
              throw new EagerAbort(`marking-definition ${id} appears twice with different ranks`);
            }
            bundleMarkings.set(id, rank);
          }
          seen.set(id, { index, hash, modified });
          pending.set(id, current);
          if (repaired) {
            repairedCount += 1;
            for (const r of repaired.repairs) {
              if (repairs.length < MAX_REPORTED_ISSUES) repairs.push({ objectId: id, path: r.path, message: r.message, fix: r.fix });
            }
          }
          if (errors.length > 0) {
            // Nothing will be written: keep validating, but do not hold objects in memory.
            pending = new Map();
            continue;
          }
          if (!staged && pending.size > singleMax) {
            if (dryRun) {
              error({
                objectId: null,
                path: '',
                message: `a dry run writes in one transaction and rolls it back, so it takes at most ${singleMax} objects; this input has more`,
              });
              break;
            }
            const partial = input.envelope();
            await startStaging(typeof partial?.id === 'string' ? partial.id : null);
          }
          if (staged) await flushPending(false);
          if (eagerTx && pending.size >= batchSize) flushEager(eagerTx);
          if ((index & 1023) === 0) progress('read');
          // Let the driver read Neo4j's answers so the eager writes keep flowing.
          if (eagerTx && (index & 511) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } catch (e) {
        if (!(e instanceof StixInputError)) {
          if (eagerTx) eagerChain.catch(() => {});
          if (staged) await cleanupStaged(ctx.importId).catch(() => {});
          throw e;
        }
        e.issues.forEach(error);
        inputBroken = true;
      }
      progress('read');

      // --- the envelope (complete only now for streams) -----------------------------------------
      const shape = input.shape();
      const envelope = input.envelope();
      if (!inputBroken && (shape === 'array' || shape === 'object')) {
        warn({
          objectId: null,
          path: '',
          message: `the input is ${shape === 'array' ? 'a bare JSON array' : 'a single STIX object'}, not a bundle; imported as an implicit bundle`,
        });
      }
      if (envelope && !inputBroken) {
        const env: Record<string, unknown> = { ...envelope };
        if (env.spec_version === '2.0') delete env.spec_version;
        if (!strict) {
          // 2.1 bundles carry only type, id and objects; some producers add 2.0's spec_version or
          // timestamps. The envelope is not stored, so they are dropped (a repair of the input).
          for (const key of ['spec_version', 'created', 'modified'] as const) {
            if (env[key] === undefined) continue;
            repairs.push({
              objectId: typeof env.id === 'string' ? env.id : null,
              path: key,
              message: `a STIX 2.1 bundle has no "${key}"`,
              fix: 'ignored (the bundle envelope is not stored)',
            });
            delete env[key];
          }
        }
        for (const issue of validateBundle(env, { limits })) error(issue);
      }
      if (upgraded > 0) {
        warn({ objectId: null, path: '', message: `${upgraded} STIX 2.0 object(s) upgraded to 2.1 on the way in` });
      }
    }

    /** Eager mode: the pending objects become one more batch, written after the ones before. */
    function flushEager(tx: Tx) {
      const batch = [...pending.values()];
      pending = new Map();
      eagerChain = eagerChain.then(async () => {
        const result = await prepareAndWrite(tx, batch, [], false);
        counts.created += result.local.created;
        counts.updated += result.local.updated;
        counts.unchanged += result.local.unchanged;
        result.localWarnings.forEach(warn);
        keepRefused(result.refused);
        progress('write');
      });
      eagerChain.catch(() => {}); // awaited later; never an unhandled rejection
    }

    if (eager) {
      // Marking-definitions first, so objects written before their marking get its rank.
      for (const item of input.objects as Iterable<unknown>) {
        if (isRecord(item) && item.type === 'marking-definition' && typeof item.id === 'string' && !bundleMarkings.has(item.id)) {
          bundleMarkings.set(item.id, markingRankOf(item as JsonObject));
        }
      }
      try {
        stats.transactions += 1;
        await graph.writeOnce(
          async (tx) => {
            await consume(tx);
            await eagerChain;
            if (errors.length > 0) throw REFUSED;
            const result = await prepareAndWrite(tx, [...pending.values()], history, false);
            await writeAside(tx, result.refused);
            counts.created += result.local.created;
            counts.updated += result.local.updated;
            counts.unchanged += result.local.unchanged;
            result.localWarnings.forEach(warn);
            keepRefused(result.refused);
          },
          {
            metadata: { importId: ctx.importId, phase: 'single' },
            timeoutMs: IMPORT_DEFAULTS.transactionTimeoutMs,
            rollback: dryRun,
          },
        );
      } catch (e) {
        if (e === REFUSED) {
          logger.info({ importId: ctx.importId, errors: errors.length }, 'STIX import refused');
          return report();
        }
        if (e instanceof StixInputError || options.signal?.aborted) throw e;
        // Rolled back: nothing is stored. The classic path (validate all, then one managed,
        // retried transaction) takes it from the start.
        logger.warn({ importId: ctx.importId, err: e }, 'eager import transaction failed; retrying on the classic path');
        const retried = await run(input, options, importId, false);
        retried.warnings.unshift({
          objectId: null,
          path: '',
          message: `written in one pass after validation: the faster write-while-validating pass was rolled back (${failureReason(e)}); nothing from it was kept`,
        });
        return retried;
      }
      return committed();
    }

    try {
      await consume(null);
    } catch (e) {
      if (e !== REFUSED) throw e; // refused by the write-side rules: reported below
    }

    if (errors.length > 0) {
      if (staged) {
        await cleanupStaged(ctx.importId);
        await graph.write((tx) => finishImportMarker(tx, ctx.importId, 'failed'));
      }
      logger.info({ importId: ctx.importId, errors: errors.length }, 'STIX import refused');
      return report();
    }

    // --- commit --------------------------------------------------------------------------------
    try {
      if (!staged) {
        const batch = [...pending.values()];
        stats.transactions += 1;
        const single = { metadata: { importId: ctx.importId, phase: 'single' }, timeoutMs: IMPORT_DEFAULTS.transactionTimeoutMs };
        const work = async (tx: Tx) => {
          const r = await prepareAndWrite(tx, batch, history, false);
          await writeAside(tx, r.refused);
          return r;
        };
        // A dry run is one attempt, rolled back; a real one a managed, retried transaction.
        const result = dryRun ? await graph.writeOnce(work, { ...single, rollback: true }) : await graph.write(work, single);
        Object.assign(counts, result.local);
        result.localWarnings.forEach(warn);
        keepRefused(result.refused);
      } else {
        await flushPending(true);
        progress('commit');
        const rest = deferred.splice(0, deferred.length);
        stats.transactions += 1;
        const result = await graph.write(
          async (tx) => {
            const r = await prepareAndWrite(tx, rest, history, false);
            await writeAside(tx, r.refused);
            await unstage(tx, ctx.importId);
            await finishImportMarker(tx, ctx.importId, 'committed');
            return r;
          },
          { metadata: { importId: ctx.importId, phase: 'flip' }, timeoutMs: IMPORT_DEFAULTS.transactionTimeoutMs },
        );
        counts.created += result.local.created;
        counts.updated += result.local.updated;
        counts.unchanged += result.local.unchanged;
        result.localWarnings.forEach(warn);
        keepRefused(result.refused);
      }
    } catch (e) {
      if (staged) await cleanupStaged(ctx.importId).catch(() => {});
      if (e !== REFUSED) throw e;
      if (staged) await graph.write((tx) => finishImportMarker(tx, ctx.importId, 'failed'));
      logger.info({ importId: ctx.importId, errors: errors.length }, 'STIX import refused');
      return report();
    }
    return committed();

    function committed(): ImportReport {
      progress('commit');
      // Objects dropped as exact repeats or older in-bundle versions are unchanged too.
      counts.unchanged += index + 1 - seen.size - aside.filter((a) => a.onRead).length;
      const r = report();
      logger.info(
        { importId: ctx.importId, created: r.created, updated: r.updated, unchanged: r.unchanged, ms: r.stats.durationMs },
        dryRun ? 'STIX import dry run (rolled back)' : 'STIX import committed',
      );
      return r;
    }
  }

  return {
    cleanAbandonedImports: (options = {}) =>
      cleanAbandoned('', options.olderThanMs === undefined ? undefined : new Date(Date.now() - options.olderThanMs).toISOString()),
    async importBundle(input, options) {
      return announced(options, () => inputFromValue(input));
    },
    async importFile(pathOrUrl, options) {
      return announced({ ...options, source: options.source ?? pathOrUrl }, () => openStixSource(pathOrUrl, options.readLimits));
    },
  };
}

/**
 * What a report may say about a failed transaction: for a database error its code only (Neo4j's
 * message can quote stored ids and values, e.g. the id a constraint met, above the caller's
 * clearance); for our own checks their message, which names only the caller's input.
 */
function failureReason(e: unknown): string {
  if (e instanceof DomainError) return e.message;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return /^[A-Za-z.]+$/.test(code) ? `database error ${code}` : 'database error';
  return e instanceof Error ? e.message : 'an internal error';
}

function refused(e: StixInputError, importId: string, options: ImportOptions): ImportReport {
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
