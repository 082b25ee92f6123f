/**
 * Hidden and absent ids look the same to whoever names them (issue 14, "no oracle"): an analyst
 * who imports an object naming an id they cannot see — in `object_refs`, as a relationship's end,
 * as `created_by_ref` — must not be able to tell whether that id is stored above their clearance
 * or not stored at all, from any read: neighbourhoods (placeholder or nothing), paths,
 * relationships, exports, GraphQL `raw` and `objectHistory` (served or withheld). A ref its writer could see still
 * carries the target's rank (the object is withheld from readers below it).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import { createServices, type Services } from '../../api/src/services';
import { SYSTEM_VIEWER, makeViewer, type Viewer } from '../../api/src/services/viewer';
import { TLP_LEVELS, type TlpLevel } from '../../schema/graph/kinds';
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
function namingObjects(n: number, actor: string, author: string, marking: string = TLP.CLEAR): { report: string; malware: string; objects: Stix[] } {
  const report = sid('report', n, 0xb2);
  const malware = sid('malware', n, 0xb2);
  const campaign = sid('campaign', n, 0xb2);
  return {
    report,
    malware,
    objects: [
      sdo('campaign', campaign, { name: 'Campaign', object_marking_refs: [marking] }),
      sdo('report', report, {
        name: 'Report', published: '2025-12-01T00:00:00.000Z', object_refs: [campaign, actor],
        created_by_ref: author, object_marking_refs: [marking],
      }),
      sdo('malware', malware, { name: 'Malware', is_family: true, object_marking_refs: [marking] }),
      rel(sid('relationship', n, 0xb2), 'attributed-to', malware, actor, { object_marking_refs: [marking] }),
      rel(sid('relationship', n, 0xb3), 'attributed-to', campaign, actor, { object_marking_refs: [marking] }),
    ],
  };
}

/** An answer with the two variants' ids replaced by names, so hidden and absent compare equal. */
function normalised(value: unknown, ids: Record<string, string>): unknown {
  let text = JSON.stringify(value);
  for (const [id, name] of Object.entries(ids)) text = text.split(id).join(name);
  return JSON.parse(text);
}

/** The ids of one variant (namingObjects(n, actor, author)) → names shared by both variants. */
const namesOf = (n: number, actor: string, author: string): Record<string, string> => ({
  [actor]: 'ACTOR', [author]: 'AUTHOR', [sid('report', n, 0xb2)]: 'REPORT', [sid('malware', n, 0xb2)]: 'MALWARE',
  [sid('campaign', n, 0xb2)]: 'CAMPAIGN', [sid('relationship', n, 0xb2)]: 'REL1', [sid('relationship', n, 0xb3)]: 'REL2',
});

/** Everything a viewer can read around a report and a malware that name `actor` and `author`. */
async function reads(viewer: Viewer, v: { report: string; malware: string; n: number }) {
  const sortBy = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));
  const hood = await services.explore.neighborhood({ ids: [v.report, v.malware], depth: 2, includeRefs: true }, { viewer });
  const paths = await services.explore.paths({ from: sid('campaign', v.n, 0xb2), to: v.malware, maxLength: 3 }, { viewer });
  const relationships = await services.explore.relationships({ id: v.malware }, { viewer });
  const rels = [sid('relationship', v.n, 0xb2), sid('relationship', v.n, 0xb3)];
  const exported = await services.stixExport.exportBundle({ ids: [v.report, v.malware, ...rels], viewer });
  const raw = services.explore.createRawLoader(viewer);
  const history = await services.history.read(v.report, viewer);
  return {
    nodes: sortBy(hood.nodes.map(({ id, type, name, tlpRank, placeholder }) => ({ id, type, name, tlpRank, placeholder })), (x) => x.id),
    edges: sortBy(hood.edges.map(({ source, target, type }) => ({ source, target, type })), (x) => `${x.source}${x.target}`),
    paths: paths.map((p) => p.nodes.map(({ id, name, placeholder }) => ({ id, name, placeholder }))),
    relationships: relationships.items.map(({ source, target, relationshipType }) => ({ source, target, relationshipType })),
    exported: exported.objects.map((o) => String(o.id)).sort(),
    raw: await Promise.all([v.report, ...rels].map((id) => raw.load(id))),
    historyRaw: history?.versions.map((x) => x.raw !== null) ?? null,
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
      const hidden = normalised(await reads(viewer, { ...hiddenNames, n: 1 }), namesOf(1, hiddenActor, hiddenAuthor));
      const absent = normalised(await reads(viewer, { ...absentNames, n: 2 }), namesOf(2, absentActor, absentAuthor));
      expect(hidden).toEqual(absent);
      // And what both say: the named actor as a placeholder (no name), everything served.
      expect(hidden).toMatchObject({ raw: [true, true, true], historyRaw: [true], exported: ['MALWARE', 'REL1', 'REL2', 'REPORT'] });
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
    expect(got.historyRaw).toEqual([false]);
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

describe('hidden and absent refs read the same (property)', () => {
  const UNKNOWN_MARKING = 'marking-definition--00000000-dead-4000-8000-0000000000b1';
  /** Markings for the named objects, with the rank they confer. */
  const TARGET_MARKINGS: readonly [string, number][] = [
    [TLP.GREEN, 1], [TLP.AMBER, 2], [TLP.AMBER_1_0, 2], [TLP['AMBER+STRICT'], 3], [TLP.RED, 4], [TLP.RED_1_0, 4], [UNKNOWN_MARKING, 4],
  ];
  const REFERRER_MARKINGS: readonly [string, number][] = [[TLP.CLEAR, 0], [TLP.WHITE_1_0, 0], [TLP.GREEN, 1], [TLP.AMBER, 2]];

  it('for any markings of what is named, any writer and reader below them', async () => {
    await resetGraph(graph);
    let n = 100;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(TARGET_MARKINGS.length - 1), fc.nat(TARGET_MARKINGS.length - 1), fc.nat(3), fc.nat(3), fc.nat(REFERRER_MARKINGS.length - 1),
        async (actorMarking, authorMarking, writerPick, readerPick, referrerPick) => {
          const [actorRef, actorRank] = TARGET_MARKINGS[actorMarking]!;
          const [authorRef, authorRank] = TARGET_MARKINGS[authorMarking]!;
          const below = Math.min(actorRank, authorRank);
          const writer = analyst(TLP_LEVELS[writerPick % below]!);
          const reader = makeViewer('reader-p', 'reader-p', 'reader', TLP_LEVELS[readerPick % below]!);
          const [referrerMarking, referrerRank] = REFERRER_MARKINGS[referrerPick % (writer.clearanceRank + 1)]!;
          expect(referrerRank).toBeLessThanOrEqual(writer.clearanceRank);
          n += 2;
          const actor = sid('intrusion-set', n, 0xb4);
          const author = sid('identity', n, 0xb4);
          await services.stixImport.importBundle(bundle([
            sdo('intrusion-set', actor, { name: 'Hidden actor', object_marking_refs: [actorRef] }),
            sdo('identity', author, { name: 'Hidden source', identity_class: 'organization', object_marking_refs: [authorRef] }),
          ], n), { viewer: SYSTEM_VIEWER });
          const absent = { actor: sid('intrusion-set', n + 1, 0xb4), author: sid('identity', n + 1, 0xb4) };
          const hiddenV = namingObjects(n, actor, author, referrerMarking);
          const absentV = namingObjects(n + 1, absent.actor, absent.author, referrerMarking);
          const reports = [];
          for (const [v, names] of [[hiddenV, namesOf(n, actor, author)], [absentV, namesOf(n + 1, absent.actor, absent.author)]] as const) {
            // Everything the writer is told but the import id and the timings.
            const { importId: _, stats: { durationMs: __, ...stats }, ...report } = await services.stixImport.importBundle(bundle(v.objects, n), { viewer: writer });
            reports.push(normalised({ ...report, stats }, names));
          }
          expect(reports[0]).toEqual(reports[1]);
          for (const viewer of [writer, reader]) {
            expect(normalised(await reads(viewer, { ...hiddenV, n }), namesOf(n, actor, author)))
              .toEqual(normalised(await reads(viewer, { ...absentV, n: n + 1 }), namesOf(n + 1, absent.actor, absent.author)));
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
