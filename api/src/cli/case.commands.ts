/**
 * `attribution-graph import-factsheet <file>…` and `attribution-graph import-credentials <file>`
 * (and `attribution-graph import case.yaml`, which routes fact sheets here): argument parsing and
 * printing only; the seed service validates, maps and imports, as the local operator
 * (SYSTEM_VIEWER, or the holder of AG_TOKEN). A bad file prints every problem as `file:line:column path: message` on stderr,
 * writes nothing and exits 1.
 */
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../errors';
import type { FactSheetImportResult } from '../services/seed.service';
import { StixUsageError, cliViewer, withServices } from './stix.commands';
import { TLP_VALUES, type Tlp } from '../../../schema/stix/vocab';

export const CASE_USAGE = `  import-factsheet <file.yaml|file.json>…
                  validate and import incident fact sheets (docs/fact-sheet.md); also reached
                  by \`import\` when every file ends in .yaml or .yml
  import-credentials <file.csv|file.jsonl> --slug SLUG --staff-domain D[,D…] --incident-date DATE
                  [--org-domain D[,D…]] [--collected-at TIMESTAMP] [--tlp RED|AMBER|…]
                  import infostealer-log records as evidence of a case (docs/credential-exposure.md)
`;

/** `import` with only YAML files is a fact-sheet import. */
export function isFactSheetImport(args: readonly string[]): boolean {
  const files = args.filter((a) => !a.startsWith('-'));
  return files.length > 0 && files.every((f) => /\.ya?ml$/i.test(f));
}

function printProblems(error: ValidationError): void {
  process.stderr.write(`${error.message.split('\n')[0]}\n`);
  for (const issue of error.issues) {
    const located = /^(\S+:\d+:\d+): (.*)$/s.exec(issue.message);
    const line = located
      ? `${located[1]} ${issue.path || '(document)'}: ${located[2]}`
      : `${issue.objectId ?? ''} ${issue.path}: ${issue.message}`.trim();
    process.stderr.write(`  ${line}\n`);
  }
}

async function run(work: () => Promise<FactSheetImportResult[]>): Promise<number> {
  try {
    const results = await work();
    const out = results.map((r) => ({ file: r.file, incidentId: r.incidentId, ...r.report }));
    process.stdout.write(`${JSON.stringify(out.length === 1 ? out[0] : out, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      printProblems(error);
      return 1;
    }
    throw error;
  }
}

export async function importFactSheetCommand(args: string[]): Promise<number> {
  const files = args.filter((a) => !a.startsWith('-'));
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown) throw new StixUsageError(`unknown option ${unknown} for a fact-sheet import`);
  if (files.length === 0) throw new StixUsageError('import-factsheet needs at least one file');
  // Validate every sheet before writing any, so one bad sheet leaves the graph as it was.
  const texts = await Promise.all(files.map(async (f) => ({ file: f, text: await readFile(f, 'utf8') })));
  return run(() =>
    withServices(async (services) => {
      const out: FactSheetImportResult[] = [];
      const viewer = await cliViewer(services);
      for (const { file, text } of texts) out.push(await services.seed.importFactSheet(text, { viewer, file }));
      return out;
    }),
  );
}

function option(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const arg = args[i]!;
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
  if (value === undefined || value === '' || value.startsWith('--')) throw new StixUsageError(`${name} needs a value`);
  return value;
}

export async function importCredentialsCommand(args: string[]): Promise<number> {
  const names = ['--slug', '--staff-domain', '--org-domain', '--incident-date', '--collected-at', '--tlp'];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      if (!names.includes(a.split('=')[0]!)) throw new StixUsageError(`unknown option ${a}`);
      if (!a.includes('=')) i++;
    } else files.push(a);
  }
  if (files.length !== 1) throw new StixUsageError('import-credentials needs exactly one file');
  const slug = option(args, '--slug');
  const staff = option(args, '--staff-domain');
  const incidentDate = option(args, '--incident-date');
  if (!slug || !staff || !incidentDate) throw new StixUsageError('import-credentials needs --slug, --staff-domain and --incident-date');
  const tlp = option(args, '--tlp');
  if (tlp !== undefined && !(TLP_VALUES as string[]).includes(tlp)) throw new StixUsageError(`--tlp must be one of ${TLP_VALUES.join(', ')}`);
  const org = option(args, '--org-domain');
  const file = files[0]!;
  const text = await readFile(file, 'utf8');
  return run(() =>
    withServices(async (services) => [
      await services.seed.importCredentials(text, {
        viewer: await cliViewer(services),
        file,
        slug,
        staffDomains: staff.split(','),
        ...(org ? { organisationDomains: org.split(',') } : {}),
        incidentDate,
        collectedAt: option(args, '--collected-at') ?? new Date().toISOString(),
        ...(tlp ? { tlp: tlp as Tlp } : {}),
      }),
    ]),
  );
}
