/**
 * `attribution-graph candidates <incident-id> [--json] [--first N] [--as-of T]
 *  [--navigator FILE [--actor ID]]`: candidate actors of an incident (docs/candidates.md), as the
 * local operator (SYSTEM_VIEWER). A table on stdout (or the API's JSON with --json); --navigator
 * writes an ATT&CK Navigator layer (format 4.5) of the incident's techniques, compared with
 * candidate --actor when given.
 */
import { writeFile } from 'node:fs/promises';
import type { CandidateResult } from '../services/candidates.service';
import { SYSTEM_VIEWER } from '../services/viewer';
import { toCandidateActors } from '../modules/candidates/candidates.model';
import { StixUsageError, withServices } from './stix.commands';

export const CANDIDATES_USAGE = `  candidates <incident-id> [--json] [--first N] [--as-of TIMESTAMP] [--navigator FILE [--actor ID]]
                  known actors that fit an incident, best first, and why (docs/candidates.md);
                  --navigator writes an ATT&CK Navigator layer (4.5) of the incident's techniques,
                  compared with candidate --actor when given
`;

const OPTIONS_WITH_VALUE = ['--first', '--as-of', '--navigator', '--actor'];

function parse(args: string[]) {
  const values = new Map<string, string>();
  const positional: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') json = true;
    else if (a.startsWith('--')) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (!OPTIONS_WITH_VALUE.includes(name!)) throw new StixUsageError(`unknown option ${a} for candidates`);
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || value.startsWith('--')) throw new StixUsageError(`${name} needs a value`);
      values.set(name!, value);
    } else positional.push(a);
  }
  if (positional.length !== 1) throw new StixUsageError('candidates needs exactly one incident id');
  const first = values.has('--first') ? Number(values.get('--first')) : undefined;
  if (first !== undefined && !Number.isInteger(first)) throw new StixUsageError('--first must be an integer');
  if (values.has('--actor') && !values.has('--navigator')) throw new StixUsageError('--actor goes with --navigator');
  return { incidentId: positional[0]!, json, first, asOf: values.get('--as-of'), navigator: values.get('--navigator'), actor: values.get('--actor') };
}

function table(r: CandidateResult): string {
  const lines: string[] = [];
  lines.push(`Candidates for ${r.incident.name ?? r.incident.id} (${r.actorsConsidered} actors compared, ${r.observed.length} observed items)`);
  lines.push('');
  if (r.candidates.length > 0) {
    lines.push(' rank  prob.   score  carried by      actor');
    for (const c of r.candidates) {
      lines.push(`${String(c.rank).padStart(5)}  ${`${(c.probability * 100).toFixed(1)}%`.padStart(6)}  ${c.score.toFixed(2).padStart(6)}  ${(c.carriedBy ?? '-').padEnd(14)}  ${c.actor.name} (${c.actor.type})`);
      const shared = c.shared.slice(0, 5).map((s) => `${s.item.externalId ?? s.item.name ?? s.item.id} +${s.weight.toFixed(2)}${s.match === 'family' ? ' (family)' : ''}`);
      if (shared.length > 0) lines.push(`${' '.repeat(39)}shared: ${shared.join(', ')}${c.shared.length > 5 ? ', …' : ''}`);
    }
  }
  lines.push(`${' '.repeat(7)}${`${(r.unknownProbability * 100).toFixed(1)}%`.padStart(6)}                          none of these / an actor not in the graph`);
  lines.push('');
  for (const sentence of r.explanation) lines.push(sentence);
  return `${lines.join('\n')}\n`;
}

export async function candidatesCommand(args: string[]): Promise<number> {
  const o = parse(args);
  return withServices(async (services) => {
    const result = await services.candidates.rank(o.incidentId, SYSTEM_VIEWER, { first: o.first ?? null, asOf: o.asOf ?? null });
    if (o.navigator) {
      const full = o.actor ? await services.candidates.rank(o.incidentId, SYSTEM_VIEWER, { first: 500, asOf: o.asOf ?? null }) : result;
      const layer = services.candidates.layerOf(full, o.actor ?? null);
      await writeFile(o.navigator, `${JSON.stringify(layer, null, 2)}\n`);
      process.stderr.write(`wrote ATT&CK Navigator layer ${o.navigator} (${layer.techniques.length} techniques)\n`);
    }
    if (o.json) {
      const { result: _omit, ...shaped } = toCandidateActors(result);
      process.stdout.write(`${JSON.stringify(shaped, null, 2)}\n`);
    } else process.stdout.write(table(result));
    return 0;
  });
}
