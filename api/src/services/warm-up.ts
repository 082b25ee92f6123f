/**
 * Start-up warm-up of a freshly started Neo4j: every import write query run once with one row
 * (so Neo4j plans and caches it) in a transaction rolled back, then dry-run imports (written, then rolled back) of a generated ATT&CK-shaped bundle, so
 * that Neo4j has cached its plans and the JVM compiled its write paths before an analyst's first
 * import. Measured (docs/graph-model.md, "Import speed and memory"): ATT&CK Enterprise into a
 * Neo4j that has just started takes 11-18 s, 6.5 s after this warm-up, ~5 s once the JVM is
 * fully warm. A dry run is a rolled-back transaction: nothing of it is stored.
 *
 * It stops between two queries or objects when an import starts (the round in progress is rolled
 * back) or at shutdown, and by default (AG_NEO4J_WARMUP=auto) runs only against a Neo4j the app
 * started itself.
 */
import { randomUUID } from 'node:crypto';
import type { Graph } from '../graph/driver';
import { planImportQueries } from '../graph/stix.repository';
import type { Logger } from '../logger';
import type { JsonObject } from '../graph/stix.mapping';
import type { CandidateService } from './candidates.service';
import type { CaseService } from './case.service';
import type { EventBus } from './events';
import { createStixImportService } from './stix-import.service';
import { SYSTEM_VIEWER } from './viewer';

export interface WarmUpOptions {
  /** Objects per dry-run round (default 12 000: about half an ATT&CK Enterprise bundle). */
  objects?: number;
  /** Rounds (default 3). */
  rounds?: number;
  /** Aborts the warm-up (the round in progress is rolled back). */
  signal?: AbortSignal;
}

export interface WarmUpReport {
  /** Time taken to plan every import write query, in milliseconds (null: not done). */
  planMs: number | null;
  /** Duration of each finished dry-run round, in milliseconds. */
  roundsMs: number[];
  /** Stopped by its signal (an import started, or shutdown). */
  aborted: boolean;
  /** Every step done (false when aborted, or when a step failed: that is logged). */
  completed: boolean;
}

const TACTICS = ['initial-access', 'execution', 'persistence', 'privilege-escalation', 'defense-evasion', 'discovery'];
const PLATFORMS = ['Windows', 'Linux', 'macOS', 'Office Suite', 'Identity Provider'];
const NODE_TYPES = ['attack-pattern', 'malware', 'intrusion-set', 'tool', 'course-of-action', 'x-warm-up-analytic'] as const;
const WORDS = [
  'Spearphishing', 'Attachment', 'Credential', 'Dumping', 'Mail', 'Server', 'Relay', 'Token', 'Theft',
  'Infostealer', 'Exfiltration', 'Over', 'Web', 'Service', 'Valid', 'Accounts', 'Remote', 'Access',
  'Software', 'Ministère', 'Intérieur', 'Messagerie', 'Authentication', 'Bypass', 'Scheduled', 'Task',
];
const SENTENCES = [
  'Adversaries may abuse mail server features to collect credentials, stage files and relay messages.',
  '[Infostealer](https://example.org/software/S0001) has harvested browser-stored passwords.(Citation: Vendor Report 2025)',
  "Detection relies on authentication logs, unusual mailbox rules and outbound connections — e.g. `rundll32.exe`.",
  "Les journaux d’authentification du ministère montrent des connexions inhabituelles.(Citation: CERT-FR 2025)",
  'Monitor for newly constructed logon behaviour across systems that share accounts (e.g., 4624/4625 events).',
];

function words(i: number, n: number): string {
  let out = '';
  for (let k = 0; k < n; k++) out += (k ? ' ' : '') + WORDS[(i * 7 + k * 3) % WORDS.length];
  return out;
}

function text(i: number, sentences: number): string {
  let out = '';
  for (let k = 0; k < sentences; k++) out += (k ? ' ' : '') + SENTENCES[(i + k) % SENTENCES.length];
  return out;
}

/**
 * A bundle shaped like ATT&CK Enterprise (one identity and marking, ~20 % domain objects with
 * descriptions, external references, kill-chain phases and custom properties, ~80 % relationships),
 * with fresh ids each call. STIX 2.1, valid for our schemas.
 */
export function warmUpBundle(objects: number): JsonObject {
  const created = '2025-12-01T00:00:00.000Z';
  const identity = `identity--${randomUUID()}`;
  const marking = `marking-definition--${randomUUID()}`;
  const common = (type: string) => ({
    type,
    spec_version: '2.1',
    id: `${type}--${randomUUID()}`,
    created,
    modified: created,
    created_by_ref: identity,
    object_marking_refs: [marking],
  });
  const out: JsonObject[] = [
    { type: 'identity', spec_version: '2.1', id: identity, created, modified: created, name: 'Warm-up', identity_class: 'system' },
    {
      type: 'marking-definition',
      spec_version: '2.1',
      id: marking,
      created,
      definition_type: 'statement',
      definition: { statement: 'Generated for the start-up warm-up; never stored.' },
    },
  ];
  const nodes: string[] = [];
  const domain = Math.max(2, Math.round(objects * 0.2));
  for (let i = 0; nodes.length < domain && out.length < objects; i++) {
    const type = NODE_TYPES[i % NODE_TYPES.length]!;
    const o: JsonObject = {
      ...common(type),
      name: `${words(i, 1 + (i % 3))} (${i})`,
      description: text(i, 3 + (i % 25)),
      external_references: [
        { source_name: 'warm-up', external_id: `T${1000 + (i % 9000)}.${String(i % 1000).padStart(3, '0')}`, url: `https://example.org/w/${i}` },
        { source_name: words(i + 1, 2), description: text(i + 2, 1), url: `https://example.org/report/${i}` },
      ],
      x_warm_up_platforms: PLATFORMS.slice(0, 1 + (i % PLATFORMS.length)),
      x_warm_up_version: '1.0',
    };
    if (type === 'attack-pattern') o.kill_chain_phases = [{ kill_chain_name: 'mitre-attack', phase_name: TACTICS[i % TACTICS.length]! }];
    if (type === 'intrusion-set') o.aliases = [words(i, 2), `G${String(i).padStart(4, '0')}`];
    if (type === 'malware') o.labels = ['malware'];
    if (type === 'malware' || type === 'tool') o.is_family = true;
    if (type === 'tool' || type === 'course-of-action') delete o.is_family;
    out.push(o);
    nodes.push(o.id as string);
  }
  for (let i = 0; out.length < objects; i++) {
    const source = nodes[(i * 7) % nodes.length]!;
    const target = nodes[(i * 13 + 1) % nodes.length]!;
    out.push({
      ...common('relationship'),
      relationship_type: i % 5 === 0 ? 'mitigates' : 'uses',
      source_ref: source,
      target_ref: target,
      description: text(i, 1 + (i % 6)),
      external_references: [
        { source_name: words(i, 2), description: text(i + 3, 1), url: `https://example.org/r/${i}` },
      ],
    });
  }
  return { type: 'bundle', id: `bundle--${randomUUID()}`, objects: out };
}

/**
 * Plans every import write query (writes nothing), then runs the dry-run rounds. Resolves, never
 * rejects, with what it did; a failure only ends the warm-up early (it is logged).
 */
export async function warmUpImports(
  deps: { graph: Graph; logger: Logger },
  options: WarmUpOptions = {},
): Promise<WarmUpReport> {
  const logger = deps.logger.child({ area: 'warm-up' });
  // Its own import service without the event bus: dry runs are not imports anyone should see.
  const service = createStixImportService({ graph: deps.graph, logger: logger.child({}, { level: 'warn' }) });
  const rounds = options.rounds ?? 3;
  const objects = options.objects ?? 12_000;
  const report: WarmUpReport = { planMs: null, roundsMs: [], aborted: false, completed: false };
  const started = Date.now();
  try {
    if (!options.signal?.aborted) {
      // planImportQueries writes (one row per query, so the cached plans are the ones imports
      // use): always rolled back.
      await deps.graph.writeOnce((tx) => planImportQueries(tx, options.signal), { rollback: true, metadata: { phase: 'warm-up' } });
      report.planMs = Date.now() - started;
    }
    for (let round = 0; round < rounds && !options.signal?.aborted; round++) {
      const t = Date.now();
      const r = await service.importBundle(warmUpBundle(objects), { viewer: SYSTEM_VIEWER, dryRun: true, signal: options.signal });
      if (r.errors.length > 0) throw new Error(`warm-up bundle refused: ${r.errors[0]!.message}`);
      report.roundsMs.push(Date.now() - t);
    }
  } catch (e) {
    if (!options.signal?.aborted) logger.warn({ err: e }, 'warm-up failed; it only makes the first import faster, nothing else depends on it');
  }
  report.aborted = options.signal?.aborted === true;
  report.completed = !report.aborted && report.planMs !== null && report.roundsMs.length === rounds;
  logger.info({ ...report, ms: Date.now() - started }, report.aborted ? 'warm-up stopped: an import started' : 'warm-up done');
  return report;
}

/**
 * Whether to warm up, from AG_NEO4J_WARMUP and whether this process started the local Neo4j (a
 * fresh JVM; one that was already running, or any NEO4J_URI, is left alone under `auto`).
 */
export function warmUpWanted(setting: 'auto' | 'on' | 'off', startedByUs: boolean): boolean {
  return setting === 'on' || (setting === 'auto' && startedByUs);
}

/**
 * The warm-up in the background of a running app: stops as soon as any import is announced on the
 * event bus (that import should have the CPU), or when `stop` is called (shutdown).
 */
export function startWarmUp(
  deps: { graph: Graph; logger: Logger; events: EventBus },
  options: Omit<WarmUpOptions, 'signal'> = {},
): { stop: () => void; done: Promise<WarmUpReport> } {
  const controller = new AbortController();
  const imports = deps.events.subscribe('importProgress')[Symbol.asyncIterator]();
  void imports.next().then(
    (first) => {
      if (!first.done) controller.abort();
    },
    () => {},
  );
  const done = warmUpImports(deps, { ...options, signal: controller.signal }).finally(() => {
    void imports.return?.();
  });
  return { stop: () => controller.abort(), done };
}

/**
 * Read warm-up, after the import warm-up: ranks the candidate actors of one incident (the first
 * listed) once, as the operator, so Neo4j plans the large candidate queries and loads the actor
 * profiles before an analyst's first ranking (that first call paid 15–45 s of planning on a busy
 * machine, docs/candidates.md). Reads only. Returns its duration, or null when there is no incident.
 */
export async function warmUpReads(deps: { cases: CaseService; candidates: CandidateService }): Promise<number | null> {
  const [incident] = await deps.cases.incidents(SYSTEM_VIEWER, 1);
  if (!incident) return null;
  const started = Date.now();
  await deps.candidates.rank(incident.id, SYSTEM_VIEWER);
  return Date.now() - started;
}
