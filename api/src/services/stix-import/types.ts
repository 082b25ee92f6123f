/** The public shapes of the STIX import (re-exported by stix-import.service.ts). */
import type { SafetyLimits } from '../../../../schema/stix/index';
import type { ReadLimits, StixSource } from '../../../../importers/stix/parse';
import type { Issue } from '../../errors';
import type { Graph } from '../../graph/driver';
import type { Logger } from '../../logger';
import type { EventBus } from '../events';
import type { Viewer } from '../viewer';

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
  /** Read limits for importFile (bytes, after gunzip; in-memory threshold). */
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
  /**
   * Imports from a file path, `-` (stdin), an https URL or a byte stream (an upload: `{ bytes,
   * size }`); gzip is recognised from the content. Name a stream's origin in `options.source`.
   */
  importFile(source: StixSource, options: ImportOptions): Promise<ImportReport>;
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

/**
 * The one answer for an id stored above the caller's clearance (the same whatever the hidden
 * object's version, content or revocation): see docs/api.md, "Write-side rules".
 */
export const NOT_WRITABLE =
  'this id cannot be written with your clearance (an id you cannot read is never written over); nothing was stored for it';

export interface StixImportDeps {
  graph: Graph;
  logger: Logger;
  /**
   * Where progress goes besides `onProgress`: every import, whoever starts it (GraphQL mutation,
   * upload, fact sheet, seed), is announced on the `importProgress` topic, then `done` or `failed`.
   */
  events?: EventBus;
}
