/**
 * `attribution-graph import <file|url|->…` and `attribution-graph export …`: argument parsing and
 * printing only; the work is done by the STIX services, as the local operator (SYSTEM_VIEWER).
 * Reports go to stdout as JSON, progress to stderr (only when stderr is a terminal).
 */
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../config';
import { openGraph, prepareServices } from '../compose';
import type { Graph } from '../graph/driver';
import { createLogger } from '../logger';
import { resolveNeo4jTarget } from '../neo4j-target';
import type { Services } from '../services';
import type { ConflictPolicy, ImportProgress, ImportReport } from '../services/stix-import.service';
import { SYSTEM_VIEWER, type Viewer } from '../services/viewer';

export const STIX_USAGE = `  import <file|url|->… [--strict] [--on-conflict reject|keep-first|keep-last] [--max-bytes N] [--dry-run]
                  import STIX 2.0/2.1 bundles (.json, .json.gz, https URL, - for stdin);
                  tolerant: each object imported, repaired or quarantined; --strict: all or nothing;
                  JSON report on stdout; exit 0 all imported or repaired, 2 some quarantined,
                  1 refused; --dry-run: write, then roll back (report only; one transaction's worth)
  quarantine list [--import ID] [--after RECORD] [--limit N]
  quarantine show <record>
  quarantine export [--import ID] [record…] [-o file]
  quarantine retry [--import ID] [record…] [--strict] [--dry-run]
                  objects tolerant imports kept aside: list them, show one with its raw JSON,
                  export them as they came, import them again (exit codes as for import)
  export [--ids ID[,ID…]] [--depth N] [--incident ID] [--originals] [-o file]
                  export a STIX 2.1 bundle (everything when no ids/incident are given);
                  --originals: repaired objects as they came instead of repaired
`;

export class StixUsageError extends Error {
  override name = 'UsageError';
}

/**
 * Who a command acts as: the holder of the API token in `AG_TOKEN` when it is set (their role and
 * clearance apply, exactly as over GraphQL), else the local operator (admin, cleared RED).
 */
export async function cliViewer(services: Services): Promise<Viewer> {
  const token = process.env.AG_TOKEN?.trim();
  if (!token) return SYSTEM_VIEWER;
  const viewer = await services.auth.authenticate(token);
  if (!viewer) throw new StixUsageError('AG_TOKEN is not a valid, unrevoked API token');
  return viewer;
}

export async function withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const target = await resolveNeo4jTarget(config, { attached: true, onProgress: say });
  let graph: Graph | undefined;
  let services: Services | undefined;
  try {
    graph = openGraph(config, target, 'attribution-graph-cli');
    services = await prepareServices(graph, logger, { chromiumPath: config.chromiumPath });
    return await work(services);
  } finally {
    // The brief's Chromium is kept for the next print: a command has no next print.
    await services?.close().catch(() => {});
    await graph?.close().catch(() => {});
    await target.stop().catch(() => {});
  }
}

function progressPrinter(label: string): { onProgress: (p: ImportProgress) => void; done: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => {}, done: () => {} };
  const started = Date.now();
  let last = 0;
  return {
    onProgress(p) {
      const now = Date.now();
      if (now - last < 200 && p.phase === 'read') return;
      last = now;
      const secs = Math.max((now - started) / 1000, 0.001);
      const rate = p.done / secs;
      let fraction: number | null = null;
      if (p.total) fraction = p.done / p.total;
      else if (p.bytes?.total) fraction = p.bytes.read / p.bytes.total;
      const eta = fraction && fraction > 0 && fraction < 1 ? `ETA ${((secs / fraction) * (1 - fraction)).toFixed(0)} s` : '';
      const bar = fraction === null ? '' : `[${'#'.repeat(Math.round(fraction * 20)).padEnd(20, '.')}] `;
      process.stderr.write(`\r${label}: ${p.phase} ${bar}${p.done} objects, ${rate.toFixed(0)} objects/s ${eta}\x1b[K`);
    },
    done: () => process.stderr.write('\n'),
  };
}

export function parseFlags(args: string[], known: Record<string, boolean>): { flags: Map<string, string[]>; rest: string[] } {
  const flags = new Map<string, string[]>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-') && arg !== '-') {
      const [name, inline] = arg.split('=', 2) as [string, string | undefined];
      if (!(name in known)) throw new StixUsageError(`unknown option ${name}`);
      let value = 'true';
      if (known[name]) {
        value = inline ?? args[++i] ?? '';
        if (value === '') throw new StixUsageError(`${name} needs a value`);
      }
      flags.set(name, [...(flags.get(name) ?? []), value]);
    } else {
      rest.push(arg);
    }
  }
  return { flags, rest };
}

const POLICIES: readonly ConflictPolicy[] = ['reject', 'keep-first', 'keep-last'];

export async function importCommand(args: string[]): Promise<number> {
  const { flags, rest } = parseFlags(args, { '--on-conflict': true, '--max-bytes': true, '--dry-run': false, '--strict': false });
  if (rest.length === 0) throw new StixUsageError('import needs at least one file, URL or - (stdin)');
  const policy = (flags.get('--on-conflict')?.at(-1) ?? 'reject') as ConflictPolicy;
  if (!POLICIES.includes(policy)) throw new StixUsageError(`--on-conflict must be one of ${POLICIES.join(', ')}`);
  const maxBytesFlag = flags.get('--max-bytes')?.at(-1);
  const maxBytes = maxBytesFlag === undefined ? undefined : Number(maxBytesFlag);
  if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0)) {
    throw new StixUsageError('--max-bytes must be a positive integer');
  }
  const reports = await withServices(async (services) => {
    const out: ImportReport[] = [];
    const viewer = await cliViewer(services);
    for (const source of rest) {
      const printer = progressPrinter(source === '-' ? 'stdin' : source);
      try {
        out.push(
          await services.stixImport.importFile(source, {
            viewer,
            onConflict: policy,
            strict: flags.has('--strict'),
            dryRun: flags.has('--dry-run'),
            onProgress: printer.onProgress,
            readLimits: maxBytes === undefined ? undefined : { maxBytes },
            source,
          }),
        );
      } finally {
        printer.done();
      }
    }
    return out;
  });
  process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  return importExitCode(reports);
}

/** 1: some input refused; 2: some objects quarantined; 0: everything imported or repaired. */
export function importExitCode(reports: readonly ImportReport[]): number {
  if (reports.some((r) => r.errors.length > 0 || r.rejected > 0)) return 1;
  return reports.some((r) => r.quarantined > 0) ? 2 : 0;
}

export async function quarantineCommand(args: string[]): Promise<number> {
  const [sub, ...more] = args;
  const { flags, rest } = parseFlags(more, {
    '--import': true, '--after': true, '--limit': true, '-o': true, '--output': true, '--strict': false, '--dry-run': false,
  });
  const importId = flags.get('--import')?.at(-1) ?? null;
  switch (sub) {
    case 'list': {
      const limitFlag = flags.get('--limit')?.at(-1);
      const limit = limitFlag === undefined ? 100 : Number(limitFlag);
      if (!Number.isInteger(limit) || limit < 1) throw new StixUsageError('--limit must be a positive integer');
      const page = await withServices(async (services) =>
        services.quarantine.list({ viewer: await cliViewer(services), importId, after: flags.get('--after')?.at(-1) ?? null, limit }),
      );
      process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
      return 0;
    }
    case 'show': {
      if (rest.length !== 1) throw new StixUsageError('quarantine show needs exactly one record id');
      const record = await withServices(async (services) => services.quarantine.show(rest[0]!, { viewer: await cliViewer(services) }));
      process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      return 0;
    }
    case 'export': {
      const bundle = await withServices(async (services) =>
        services.quarantine.exportBundle({ ids: rest, importId }, { viewer: await cliViewer(services) }),
      );
      const output = flags.get('-o')?.at(-1) ?? flags.get('--output')?.at(-1);
      const text = `${JSON.stringify(bundle)}\n`;
      if (output) {
        await writeFile(output, text, { mode: 0o600 });
        process.stderr.write(`exported ${bundle.objects.length} quarantined objects to ${output}\n`);
      } else {
        process.stdout.write(text);
      }
      return 0;
    }
    case 'retry': {
      const report = await withServices(async (services) =>
        services.quarantine.retry(
          { ids: rest, importId },
          { viewer: await cliViewer(services), strict: flags.has('--strict'), dryRun: flags.has('--dry-run') },
        ),
      );
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return importExitCode([report]);
    }
    default:
      throw new StixUsageError(`unknown quarantine subcommand "${sub ?? ''}" (expected list, show, export or retry)`);
  }
}

export async function exportCommand(args: string[]): Promise<number> {
  const { flags, rest } = parseFlags(args, { '--ids': true, '--depth': true, '--incident': true, '-o': true, '--output': true, '--originals': false });
  if (rest.length > 0) throw new StixUsageError(`unexpected argument ${rest[0]}`);
  const ids = (flags.get('--ids') ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const depthFlag = flags.get('--depth')?.at(-1);
  const depth = depthFlag === undefined ? null : Number(depthFlag);
  if (depth !== null && !Number.isInteger(depth)) throw new StixUsageError('--depth must be an integer');
  const output = flags.get('-o')?.at(-1) ?? flags.get('--output')?.at(-1);
  const bundle = await withServices((services) =>
    services.stixExport.exportBundle({
      ids: ids.length > 0 ? ids : null,
      depth,
      incidentId: flags.get('--incident')?.at(-1) ?? null,
      viewer: SYSTEM_VIEWER,
      originals: flags.has('--originals'),
    }),
  );
  const text = `${JSON.stringify(bundle)}\n`;
  if (output) {
    await writeFile(output, text);
    process.stderr.write(`exported ${bundle.objects.length} objects to ${output}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
