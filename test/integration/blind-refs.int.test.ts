/**
 * Hidden and absent ids look the same to whoever names them (issue 14, "no oracle"): an analyst
 * who imports an object naming an id they cannot see — in `object_refs`, as a relationship's end,
 * as `created_by_ref` — must not be able to tell whether that id is stored above their clearance
 * or not stored at all, from any read: neighbourhoods (placeholder or nothing), paths,
 * relationships, exports and GraphQL `raw` (served or withheld). A ref its writer could see still
 * carries the target's rank (the object is withheld from readers below it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import { createServices, type Services } from '../../api/src/services';
import { SYSTEM_VIEWER, makeViewer, type Viewer } from '../../api/src/services/viewer';
import type { TlpLevel } from '../../schema/graph/kinds';
import { connectTestGraph, resetGraph } from '../support/graph';
import { bundle, rel, sdo, sid, TLP, type Stix } from '../support/stix-fixtures';

let graph: Graph;
let services: Services;
const analyst = (clearance: TlpLevel): Viewer => makeViewer(`analyst-${clearance}`, `analyst-${clearance}`, 'analyst', clearance);
const GREEN = analyst('GREEN');
const CLEAR = makeViewer('reader-clear', 'reader-clear', 'reader', 'CLEAR');
const RED = analyst('RED');

// Stored RED by the operator: what the GREEN analyst names without seeing.
const hiddenActor = sid('intrusion-set', 1, 0xb1);
const hiddenAuthor = sid('identity', 2, 0xb1);
// Never stored: the same shapes, named the same way.
const absentActor = sid('intrusion-set', 3, 0xb1);
const absentAuthor = sid('identity', 4, 0xb1);

/** The objects a writer imports around one named actor and author (n: distinct ids per variant). */
function namingObjects(n: number, actor: string, author: string): { report: string; malware: string; objects: Stix[] } {
  const report = sid('report', n, 0xb2);
  const malware = sid('malware', n, 0xb2);
  const campaign = sid('campaign', n, 0xb2);
  return {
    report,
    malware,
    objects: [
      sdo('campaign', campaign, { name: 'Campaign', object_marking_refs: [TLP.CLEAR] }),
      sdo('report', report, {
        name: 'Report', published: '2025-12-01T00:00:00.000Z', object_refs: [campaign, actor],
        created_by_ref: author, object_marking_refs: [TLP.CLEAR],
      }),
      sdo('malware', malware, { name: 'Malware', is_family: true, object_marking_refs: [TLP.CLEAR] }),
      rel(sid('relationship', n, 0xb2), 'attributed-to', malware, actor, { object_marking_refs: [TLP.CLEAR] }),
      rel(sid('relationship', n, 0xb3), 'attributed-to', campaign, actor, { object_marking_refs: [TLP.CLEAR] }),
    ],
  };
}

/** An answer with the two variants' ids replaced by names, so hidden and absent compare equal. */
function normalised(value: unknown, ids: Record<string, string>): unknown {
  let text = JSON.stringify(value);
  for (const [id, name] of Object.entries(ids)) text = text.split(id).join(name);
  return JSON.parse(text);
}

/** Everything a viewer can read around a report and a malware that name `actor` and `author`. */
async function reads(viewer: Viewer, v: { report: string; malware: string; n: number }) {
  const sortBy = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));
  const hood = await services.explore.neighborhood({ ids: [v.report, v.malware], depth: 2, includeRefs: true }, { viewer });
  const paths = await services.explore.paths({ from: sid('campaign', v.n, 0xb2), to: v.malware, maxLength: 3 }, { viewer });
  const relationships = await services.explore.relationships({ id: v.malware }, { viewer });
  const rels = [sid('relationship', v.n, 0xb2), sid('relationship', v.n, 0xb3)];
  const exported = await services.stixExport.exportBundle({ ids: [v.report, v.malware, ...rels], viewer });
  const raw = services.explore.createRawLoader(viewer);
  return {
    nodes: sortBy(hood.nodes.map(({ id, type, name, tlpRank, placeholder }) => ({ id, type, name, tlpRank, placeholder })), (x) => x.id),
    edges: sortBy(hood.edges.map(({ source, target, type }) => ({ source, target, type })), (x) => `${x.source}${x.target}`),
    paths: paths.map((p) => p.nodes.map(({ id, name, placeholder }) => ({ id, name, placeholder }))),
    relationships: relationships.items.map(({ source, target, relationshipType }) => ({ source, target, relationshipType })),
    exported: exported.objects.map((o) => String(o.id)).sort(),
    raw: await Promise.all([v.report, ...rels].map((id) => raw.load(id))),
  };
}

beforeAll(async () => {
  graph = connectTestGraph();
  services = createServices({ graph, logger: createLogger('silent') });
});
afterAll(async () => graph.close());

describe('a ref to an id the writer cannot see', () => {
  const hiddenNames = namingObjects(1, hiddenActor, hiddenAuthor);
  const absentNames = namingObjects(2, absentActor, absentAuthor);

  beforeAll(async () => {
    await resetGraph(graph);
    await services.stixImport.importBundle(
      bundle([
        sdo('intrusion-set', hiddenActor, { name: 'Secret actor', object_marking_refs: [TLP.RED] }),
        sdo('identity', hiddenAuthor, { name: 'Secret source', identity_class: 'organization', object_marking_refs: [TLP.RED] }),
      ], 1),
      { viewer: SYSTEM_VIEWER },
    );
    for (const [i, v] of [hiddenNames, absentNames].entries()) {
      const report = await services.stixImport.importBundle(bundle(v.objects, 10 + i), { viewer: GREEN });
      expect(report).toMatchObject({ created: 5, errors: [] });
    }
  });

  it('reads the same whether the id is stored above the writer’s clearance or not at all', async () => {
    for (const viewer of [GREEN, CLEAR]) {
      const hidden = normalised(await reads(viewer, { ...hiddenNames, n: 1 }), {
        [hiddenActor]: 'ACTOR', [hiddenAuthor]: 'AUTHOR', [hiddenNames.report]: 'REPORT', [hiddenNames.malware]: 'MALWARE',
        [sid('campaign', 1, 0xb2)]: 'CAMPAIGN', [sid('relationship', 1, 0xb2)]: 'REL1', [sid('relationship', 1, 0xb3)]: 'REL2',
      });
      const absent = normalised(await reads(viewer, { ...absentNames, n: 2 }), {
        [absentActor]: 'ACTOR', [absentAuthor]: 'AUTHOR', [absentNames.report]: 'REPORT', [absentNames.malware]: 'MALWARE',
        [sid('campaign', 2, 0xb2)]: 'CAMPAIGN', [sid('relationship', 2, 0xb2)]: 'REL1', [sid('relationship', 2, 0xb3)]: 'REL2',
      });
      expect(hidden).toEqual(absent);
      // And what both say: the named actor as a placeholder (no name), everything served.
      expect(hidden).toMatchObject({ raw: [true, true, true], exported: ['MALWARE', 'REL1', 'REL2', 'REPORT'] });
      expect((hidden as { nodes: unknown[] }).nodes).toContainEqual({ id: 'ACTOR', type: 'intrusion-set', name: null, tlpRank: 0, placeholder: true });
      expect((hidden as { paths: unknown[] }).paths).toEqual([[
        { id: 'CAMPAIGN', name: 'Campaign', placeholder: false },
        { id: 'ACTOR', name: null, placeholder: true },
        { id: 'MALWARE', name: 'Malware', placeholder: false },
      ]]);
    }
  });

  it('shows the stored object to a reader cleared for it', async () => {
    const hood = await services.explore.neighborhood({ ids: [hiddenNames.report], depth: 1, includeRefs: true }, { viewer: RED });
    expect(hood.nodes.find((n) => n.id === hiddenActor)).toMatchObject({ name: 'Secret actor', tlpRank: 4, placeholder: false });
  });

  it('still withholds what a writer who could see the target named in a lower-marked object', async () => {
    const seen = namingObjects(3, hiddenActor, hiddenAuthor);
    expect(await services.stixImport.importBundle(bundle(seen.objects, 13), { viewer: RED })).toMatchObject({ created: 5, errors: [] });
    const got = await reads(GREEN, { ...seen, n: 3 });
    expect(got.raw).toEqual([false, false, false]);
    expect(got.exported).toEqual([seen.malware]);
    expect(got.nodes.map((n) => n.id)).not.toContain(hiddenActor);
    expect(got.paths).toEqual([]);
    expect(got.relationships).toEqual([]);

    // created_by_ref alone: a report the RED analyst signed with the RED identity is withheld too.
    const signed = sdo('report', sid('report', 4, 0xb2), {
      name: 'Signed', published: '2025-12-01T00:00:00.000Z', object_refs: [sid('campaign', 3, 0xb2)],
      created_by_ref: hiddenAuthor, object_marking_refs: [TLP.CLEAR],
    });
    await services.stixImport.importBundle(bundle([signed], 14), { viewer: RED });
    expect(await services.explore.createRawLoader(GREEN).load(signed.id)).toBe(false);
    expect(await services.explore.createRawLoader(RED).load(signed.id)).toBe(true);
  });
});
