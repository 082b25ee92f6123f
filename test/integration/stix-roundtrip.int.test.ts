/**
 * Round trip on every importable corpus bundle: import → export gives back every object equal to
 * the input after the 2.0 → 2.1 upgrade (property by property, order-insensitive), and every
 * export passes OASIS stix2-validator (offline, see test/support/stix2-validator.ts). Also the
 * GraphQL mutation and query, and export scoping (ids, depth, TLP clearance).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeObject20To21 } from '../../schema/stix/index';
import type { Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import { buildSchema } from '../../api/src/modules/schema';
import { createServices, type Services } from '../../api/src/services';
import { makeViewer, SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { connectTestGraph, resetGraph } from '../support/graph';
import { runStix2Validator, stix2ValidatorAvailability } from '../support/stix2-validator';

// The CommonJS build of graphql, the one @graphql-tools/schema builds the schema with (avoids
// graphql's "schema from another module or realm" dual-package error under vitest).
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * Incident Core impact objects use sub-extension keys (`availability`, `monetary`, …) that the
 * STIX 2.1 `extensions` key pattern does not allow; our schemas accept them on purpose
 * (docs/stix-schemas.md), the OASIS validator does not. The export keeps the input as it was,
 * so these (and only these) validator errors are expected.
 */
const INCIDENT_CORE_IMPACT_KEYS =
  /^impact--[0-9a-f-]+: extensions: '(availability|confidentiality|external|integrity|monetary|physical|traceability)' does not match any of the regexes/;

const CORPUS = join(import.meta.dirname, '../../../shared/corpus');
const HAVE_CORPUS = existsSync(CORPUS);
const VALIDATOR = stix2ValidatorAvailability();
const viewer = SYSTEM_VIEWER;
type Obj = Record<string, unknown> & { id: string };

let graph: Graph;
let services: Services;
let tmp: string;

beforeAll(async () => {
  graph = connectTestGraph();
  await resetGraph(graph);
  services = createServices({ graph, logger: createLogger('silent') });
  tmp = mkdtempSync(join(tmpdir(), 'stix-roundtrip-'));
});
afterAll(async () => {
  await graph.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The objects an import of `input` must store: upgraded, exact repeats once, conflicts by policy. */
function expected(input: unknown, policy: 'reject' | 'keep-first'): Map<string, Obj> {
  const objects = (Array.isArray(input) ? input : (input as { type?: string }).type === 'bundle' ? (input as { objects: unknown[] }).objects : [input]) as Obj[];
  const out = new Map<string, Obj>();
  for (const raw of objects) {
    const o = (raw.spec_version === undefined ? upgradeObject20To21(raw) : raw) as Obj;
    const prev = out.get(o.id);
    if (prev && typeof prev.modified === 'string' && typeof o.modified === 'string' && prev.modified !== o.modified) {
      if (Date.parse(o.modified) > Date.parse(prev.modified)) out.set(o.id, o);
      continue;
    }
    if (prev && policy === 'keep-first') continue;
    out.set(o.id, o);
  }
  return out;
}

const ROUND_TRIP: { file: string; policy: 'reject' | 'keep-first' }[] = [
  ...[
    'oasis-examples/indicator-for-c2-ip-address', 'oasis-examples/indicator-to-campaign-relationship',
    'oasis-examples/indicators-for-C2-with-COA', 'oasis-examples/infrastructure',
    'oasis-examples/interop-objectmarking-test', 'oasis-examples/malicious-email-indicator-with-attachment',
    'oasis-examples/threat-reports/apt1', 'oasis-examples/threat-reports/poisonivy',
    'oasis-incident/event/examples/no_pattern', 'oasis-incident/event/examples/port_scanning',
    'oasis-incident/task/examples/perform-patching', 'oasis-incident/impact/examples/paid_ransom',
    'oasis-incident/impact/examples/superseded_impacts',
    // example_2.3 and example_3.5 are refused (non-hex UUID in a *_ref; stix-import.int.test.ts pins it).
    ...['example_2.4', 'example_3.4', 'incident_duplication', 'incident_expo_1',
      'incident_expo_2', 'incident_expo_3', 'incident_expo_4', 'incident_observables', 'incident_pii_report',
      'incident_ransom', 'incident_sample_activity', 'incident_with_child'].map((f) => `oasis-incident/examples/${f}`),
    'attack/ics-attack-18.1',
    'attack/enterprise-attack-18.1.stix20',
  ].map((f) => ({ file: `${f}.json`, policy: 'reject' as const })),
  // Dirty files: imported with keep-first (strict refuses them; see stix-import.int.test.ts).
  ...['incident_asset_context', 'incident_indicators', 'incident_sample_infrastructure'].map((f) => ({
    file: `oasis-incident/examples/${f}.json`,
    policy: 'keep-first' as const,
  })),
];

describe.skipIf(!HAVE_CORPUS)('round trip on the corpus', () => {
  const exported: { file: string; path: string }[] = [];

  it.each(ROUND_TRIP)('$file ($policy)', async ({ file, policy }) => {
    await resetGraph(graph);
    const path = join(CORPUS, file);
    const report = await services.stixImport.importFile(path, { viewer, onConflict: policy });
    expect(report.errors).toEqual([]);
    const bundle = await services.stixExport.exportBundle({ viewer });
    const want = expected(JSON.parse(readFileSync(path, 'utf8')), policy);
    const got = new Map(bundle.objects.map((o) => [String(o.id), o as Obj]));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [id, o] of want) expect(got.get(id), id).toEqual(o);
    const out = join(tmp, file.replace(/[/.]/g, '_') + '.json');
    writeFileSync(out, JSON.stringify(bundle));
    exported.push({ file, path: out });
  }, 300_000);

  it('every export passes OASIS stix2-validator (only the known Incident Core impact-key errors)', (ctx) => {
    if (!VALIDATOR.ok) {
      if (process.env.CI === 'true') throw new Error(`stix2-validator is required in CI: ${VALIDATOR.reason}`);
      ctx.skip(`stix2-validator unavailable locally: ${VALIDATOR.reason}`);
      return;
    }
    expect(exported.length).toBe(ROUND_TRIP.length);
    const results = runStix2Validator(exported.map((e) => e.path));
    expect(results).toHaveLength(exported.length);
    const unexpected = results.flatMap((r) =>
      r.errors
        .map((e) => e.replace(/^bundle--[0-9a-f-]+: /, ''))
        .filter((e) => !INCIDENT_CORE_IMPACT_KEYS.test(e))
        .map((e) => `${r.file}: ${e}`),
    );
    expect(unexpected).toEqual([]);
    const withImpactKeys = results.filter((r) => r.errors.length > 0).map((r) => r.file.replace(/^.*[/]/, ''));
    expect(withImpactKeys.every((f) => /incident_(expo|ransom)|paid_ransom|superseded_impacts/.test(f))).toBe(true);
  }, 600_000);
});

describe('export scope and GraphQL', () => {
  const TLP_RED = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed';
  const mk = (type: string, n: number, extra: Record<string, unknown> = {}) => ({
    type,
    spec_version: '2.1',
    id: `${type}--${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    ...extra,
  });
  const incident = mk('incident', 1, { name: 'mail servers' });
  const actor = mk('threat-actor', 2, { name: 'actor' });
  const secret = mk('campaign', 3, { name: 'secret', object_marking_refs: [TLP_RED] });
  const rel = mk('relationship', 4, { relationship_type: 'attributed-to', source_ref: incident.id, target_ref: actor.id });
  const rel2 = mk('relationship', 5, { relationship_type: 'related-to', source_ref: incident.id, target_ref: secret.id });
  const schema = buildSchema();
  const ctx = (v = viewer) => ({ services, logger: createLogger('silent'), requestId: 't', viewer: v });

  beforeAll(async () => {
    await resetGraph(graph);
  });

  it('imports through the importStixBundle mutation', async () => {
    const result = await graphql({
      schema,
      source: `mutation($b: JSON!) { importStixBundle(bundle: $b, onConflict: REJECT) {
        importId created updated unchanged rejected errors { objectId path message } warnings { objectId path message }
        objects staged source durationMs } }`,
      variableValues: { b: { type: 'bundle', id: 'bundle--00000000-0000-4000-8000-0000000000aa', objects: [incident, actor, secret, rel, rel2] } },
      contextValue: ctx(),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.importStixBundle).toMatchObject({ created: 5, rejected: 0, errors: [], objects: 5, staged: false, source: 'graphql' });
    expect((result.data?.importStixBundle as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(0);
  });

  it('exports an incident with its neighbourhood, filtered by the viewer clearance', async () => {
    const amber = makeViewer('r', 'reader', 'reader', 'AMBER');
    const result = await graphql({
      schema,
      source: `query($i: ID!) { exportStixBundle(incidentId: $i, depth: 1) }`,
      variableValues: { i: incident.id },
      contextValue: ctx(amber),
    });
    expect(result.errors).toBeUndefined();
    const exported = result.data?.exportStixBundle as { objects: Obj[] };
    const ids = exported.objects.map((o) => o.id).sort();
    // rel2 is CLEAR but names the RED campaign: it is withheld, so no exported JSON names it.
    expect(ids).toEqual([incident.id, actor.id, rel.id].sort());
    expect(JSON.stringify(exported)).not.toContain(secret.id);
    const red = await services.stixExport.exportBundle({ ids: [secret.id], viewer });
    expect(red.objects.map((o) => o.id)).toEqual([secret.id]); // the TLP marking is built in, not stored
  });

  it('export depth follows relationships to their objects and ends, and an object to its creator, not a creator to all it made', async () => {
    const author = mk('identity', 10, { name: 'author', identity_class: 'organization' });
    const tool = mk('tool', 11, { name: 'tool', created_by_ref: author.id });
    const malware = mk('malware', 12, { name: 'malware', is_family: true, created_by_ref: author.id });
    const uses = mk('relationship', 13, { relationship_type: 'uses', source_ref: malware.id, target_ref: tool.id });
    const imported = await services.stixImport.importBundle({ type: 'bundle', id: 'bundle--00000000-0000-4000-8000-0000000000ab', objects: [author, tool, malware, uses] }, { viewer });
    expect(imported.errors).toEqual([]);
    const ids = async (start: string, depth: number) =>
      (await services.stixExport.exportBundle({ ids: [start], depth, viewer })).objects.map((o) => o.id).sort();
    expect(await ids(uses.id, 1)).toEqual([uses.id, malware.id, tool.id].sort());
    expect(await ids(malware.id, 1)).toEqual([malware.id, uses.id, tool.id, author.id].sort());
    expect(await ids(author.id, 1)).toEqual([author.id]);
    expect(await ids(author.id, 3)).toEqual([author.id]);
  });

  it('refuses a mutation without a viewer', async () => {
    const result = await graphql({
      schema,
      source: `mutation { importStixBundle(bundle: {}) { importId } }`,
      contextValue: { ...ctx(), viewer: null },
    });
    expect(result.errors?.[0]?.message).toMatch(/Sign in/);
  });

  it('dry-runs through the importStixBundle mutation: a report, nothing stored', async () => {
    await resetGraph(graph);
    const b = { type: 'bundle', id: 'bundle--00000000-0000-4000-8000-0000000000ab', objects: [incident, actor, rel] };
    const dry = await graphql({
      schema,
      source: `mutation($b: JSON!) { importStixBundle(bundle: $b, dryRun: true) { created dryRun errors { message } } }`,
      variableValues: { b },
      contextValue: ctx(),
    });
    expect(dry.errors).toBeUndefined();
    expect(dry.data?.importStixBundle).toEqual({ created: 3, dryRun: true, errors: [] });
    const after = await graphql({
      schema,
      source: `mutation($b: JSON!) { importStixBundle(bundle: $b) { created dryRun } }`,
      variableValues: { b },
      contextValue: ctx(),
    });
    // Still all new: the dry run stored nothing.
    expect(after.data?.importStixBundle).toEqual({ created: 3, dryRun: false });
  });
});
