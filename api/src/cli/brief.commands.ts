/**
 * `attribution-graph brief <incident-id> [-o FILE] [--format pdf|html] [--as-of T]`: the one-page
 * brief of an incident (the same document as the web's Brief button), as the local operator or
 * the holder of AG_TOKEN. The format follows the file's extension unless --format says; without
 * -o the file is `brief-<incident>.pdf` in the current folder. Prints what it wrote as JSON.
 */
import { writeFile } from 'node:fs/promises';
import { BRIEF_FORMATS, type BriefFormat } from '../services/brief.service';
import { StixUsageError, cliViewer, withServices } from './stix.commands';

export const BRIEF_USAGE = `  brief <incident-id> [-o FILE] [--format pdf|html] [--as-of TIMESTAMP]
                  the incident's one-page brief (TLP banner on every page, key judgement, matrix,
                  sources, history), as PDF (needs Chromium) or HTML; format from FILE's extension
`;

function parse(args: string[]): { incidentId: string; out: string | undefined; format: BriefFormat | undefined; asOf: string | undefined } {
  const positional: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const key = name === '-o' ? '--output' : name!;
    if (!['--output', '--format', '--as-of'].includes(key)) throw new StixUsageError(`unknown option ${a} for brief`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || value.startsWith('-')) throw new StixUsageError(`${name} needs a value`);
    values.set(key, value);
  }
  if (positional.length !== 1) throw new StixUsageError('brief needs exactly one incident id');
  const out = values.get('--output');
  const named = values.get('--format')?.toUpperCase();
  if (named !== undefined && !(BRIEF_FORMATS as readonly string[]).includes(named)) throw new StixUsageError('--format must be pdf or html');
  const fromName = out ? (/\.html?$/i.test(out) ? 'HTML' : /\.pdf$/i.test(out) ? 'PDF' : undefined) : undefined;
  if (named && fromName && named !== fromName) throw new StixUsageError(`--format ${named.toLowerCase()} does not match the file name ${out}`);
  return { incidentId: positional[0]!, out, format: (named ?? fromName) as BriefFormat | undefined, asOf: values.get('--as-of') };
}

export async function briefCommand(args: string[]): Promise<number> {
  const { incidentId, out, format, asOf } = parse(args);
  const brief = await withServices(async (services) =>
    services.brief.render(incidentId, { viewer: await cliViewer(services), asOf: asOf ?? null, format: format ?? 'PDF' }),
  );
  const file = out ?? brief.fileName;
  await writeFile(file, brief.bytes, { mode: 0o600 });
  process.stdout.write(`${JSON.stringify({ file, mediaType: brief.mediaType, tlp: brief.tlp, pages: brief.pages, bytes: brief.bytes.length })}\n`);
  return 0;
}
