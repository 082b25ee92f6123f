/**
 * Write-side TLP on imports (issue 14 #1, #2, #7): a caller can neither write over an object
 * stored above their clearance (update, revoke, re-mark, downgrade through a fact sheet) nor write
 * an object they could not read; the answer for a hidden id is one fixed refusal, whatever the
 * hidden object's version, content or revocation, in a dry run as in a real import; nobody can
 * pre-register a marking-definition that changes how someone else's objects are classified; the
 * built-in TLP markings cannot be redefined.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cypher } from '../../api/src/graph/cypher';
import type { Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import { createServices, type Services } from '../../api/src/services';
import { NOT_WRITABLE, type ImportReport } from '../../api/src/services/stix-import.service';
import { SYSTEM_VIEWER, makeViewer, type Viewer } from '../../api/src/services/viewer';
import { TLP_LEVELS, type TlpLevel } from '../../schema/graph/kinds';
import { connectTestGraph, resetGraph } from '../support/graph';
import { bundle, sdo, sid, TLP, type Stix } from '../support/stix-fixtures';

const STORED = cypher(
  'test-write-tlp-stored',
  'READ',
  `MATCH (n:StixObject {id: $id}) RETURN n.raw AS raw, n.tlp_rank AS rank, n.revoked AS revoked`,
);

const SEED_TEXT = readFileSync(join(import.meta.dirname, '..', '..', 'seed', 'reference-case.yaml'), 'utf8');

let graph: Graph;
let services: Services;
const analyst = (clearance: TlpLevel, id = `analyst-${clearance}`): Viewer => makeViewer(id, id, 'analyst', clearance);
const GREEN_ANALYST = analyst('GREEN');
const withoutMarkings = ({ object_marking_refs: _, ...rest }: Stix): Stix => rest;
const markedWith = (m: string | null) => (m === null ? {} : { object_marking_refs: [m] });

async function stored(id: string): Promise<{ raw: string; rank: number; revoked: boolean } | null> {
  const [row] = await graph.read((tx) => tx.run(STORED, { id }));
  return row ? { raw: String(row.raw), rank: Number(row.rank), revoked: row.revoked === true } : null;
}

function importAs(viewer: Viewer, objects: Stix[], extra: { dryRun?: boolean } = {}): Promise<ImportReport> {
  return services.stixImport.importBundle(bundle(objects), { viewer, ...extra });
}

/** What a caller learns from a report: everything but the import id and the timings. */
function answer(r: ImportReport) {
  return {
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    rejected: r.rejected,
    errors: r.errors,
    warnings: r.warnings,
    objects: r.objects,
  };
}

beforeAll(async () => {
  graph = connectTestGraph();
  services = createServices({ graph, logger: createLogger('silent') });
});
afterAll(async () => graph.close());

describe('write-side TLP on imports', () => {
  const secret = sid('intrusion-set', 1, 0x14);
  const red = sdo('intrusion-set', secret, { name: 'Red actor', object_marking_refs: [TLP.RED] });

  it('refuses to update, downgrade, revoke or re-mark an object stored above the caller’s clearance', async () => {
    await resetGraph(graph);
    await importAs(SYSTEM_VIEWER, [red]);
    const before = await stored(secret);
    const later = '2025-06-01T00:00:00.000Z';
    const attempts: Stix[] = [
      { ...red, modified: later, name: 'Downgraded', object_marking_refs: [TLP.CLEAR] },
      withoutMarkings({ ...red, modified: later, name: 'Unmarked' }),
      { ...red, modified: later, revoked: true, object_marking_refs: [TLP.GREEN] },
    ];
    for (const attempt of attempts) {
      for (const dryRun of [true, false]) {
        const r = await importAs(GREEN_ANALYST, [attempt], { dryRun });
        expect(r).toMatchObject({ created: 0, updated: 0, unchanged: 0, rejected: 1 });
        expect(r.errors).toEqual([{ objectId: secret, path: 'objects[0]', message: NOT_WRITABLE }]);
      }
    }
    expect(await stored(secret)).toEqual(before);

    // A caller cleared for it may update it.
    const update = await importAs(analyst('RED'), [{ ...red, modified: later, name: 'Red actor, renamed' }]);
    expect(update).toMatchObject({ updated: 1, errors: [] });
  });

  it('refuses an object the caller could not read once stored (marked above their clearance)', async () => {
    await resetGraph(graph);
    const r = await importAs(GREEN_ANALYST, [red]);
    expect(r.rejected).toBe(1);
    expect(r.errors[0]).toMatchObject({ objectId: secret, path: 'objects[0]' });
    expect(r.errors[0]!.message).toMatch(/above your clearance GREEN/);
    expect(await stored(secret)).toBeNull();
  });

  it('refuses a fact sheet that would downgrade a RED incident through its deterministic ids', async () => {
    await resetGraph(graph);
    const redSheet = SEED_TEXT.replace(/^tlp: CLEAR$/m, 'tlp: RED');
    expect(redSheet).not.toEqual(SEED_TEXT);
    const { incidentId } = await services.seed.importFactSheet(redSheet, { viewer: SYSTEM_VIEWER, file: 'red.yaml' });
    const before = await stored(incidentId);
    expect(before?.rank).toBe(4);
    const greenSheet = SEED_TEXT.replace(/^tlp: CLEAR$/m, 'tlp: GREEN');
    await expect(services.seed.importFactSheet(greenSheet, { viewer: GREEN_ANALYST, file: 'green.yaml' })).rejects.toThrow(
      /refused/,
    );
    expect(await stored(incidentId)).toEqual(before);
  });

  it('gives one answer for a hidden id whatever its version, content or revocation (property)', async () => {
    // The hidden object is stored in a random state; the caller imports a random version of the
    // same id. Every answer equals the answer for a reference hidden object.
    await resetGraph(graph);
    const reference = sid('malware', 0xfff, 0x14);
    await importAs(SYSTEM_VIEWER, [sdo('malware', reference, { name: 'ref', is_family: true, object_marking_refs: [TLP.RED] })]);
    const expected = answer(
      await importAs(GREEN_ANALYST, [sdo('malware', reference, { name: 'probe', is_family: true })], { dryRun: true }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          storedMonth: fc.integer({ min: 1, max: 12 }),
          probeMonth: fc.integer({ min: 1, max: 12 }),
          revoked: fc.boolean(),
          sameContent: fc.boolean(),
          marking: fc.constantFrom(TLP.AMBER, TLP['AMBER+STRICT'], TLP.RED, TLP.RED_1_0),
          dryRun: fc.boolean(),
        }),
        async (c) => {
          n += 1;
          const id = sid('malware', n, 0x15);
          const at = (m: number) => `2025-${String(m).padStart(2, '0')}-01T00:00:00.000Z`;
          const hidden = sdo('malware', id, {
            name: 'hidden', is_family: true, revoked: c.revoked, modified: at(c.storedMonth), object_marking_refs: [c.marking],
          });
          await importAs(SYSTEM_VIEWER, [hidden]);
          const probe = c.sameContent ? hidden : { ...hidden, name: 'probe', revoked: false, modified: at(c.probeMonth), object_marking_refs: [TLP.GREEN] };
          const before = await stored(id);
          // The clean probe is at the caller's clearance; the same-content one is refused for that.
          const r = await importAs(GREEN_ANALYST, [probe], { dryRun: c.dryRun });
          expect(await stored(id)).toEqual(before);
          if (!c.sameContent) {
            expect(answer(r)).toEqual({ ...expected, errors: expected.errors.map((e) => ({ ...e, objectId: id })) });
          } else {
            expect(r.errors.map((e) => e.path)).toEqual(['objects[0]']);
            expect(r.created + r.updated + r.unchanged).toBe(0);
          }
        },
      ),
      { numRuns: 30, seed: 1414 },
    );
  });

  it('no write above the caller’s clearance succeeds (property: random objects, markings, callers)', async () => {
    await resetGraph(graph);
    const markings = [null, TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP['AMBER+STRICT'], TLP.RED] as const;
    const rankOf = (m: (typeof markings)[number]) => (m === null ? 0 : markings.indexOf(m) - 1);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          storedMarking: fc.nat(markings.length - 1),
          newMarking: fc.nat(markings.length - 1),
          clearance: fc.constantFrom(...TLP_LEVELS),
          newer: fc.boolean(),
          revoke: fc.boolean(),
        }),
        async (c) => {
          n += 1;
          const id = sid('tool', n, 0x16);
          const storedM = markings[c.storedMarking]!;
          const newM = markings[c.newMarking]!;
          const original = sdo('tool', id, { name: 'original', ...markedWith(storedM) });
          await importAs(SYSTEM_VIEWER, [original]);
          const before = await stored(id);
          const caller = analyst(c.clearance);
          const attempt = sdo('tool', id, {
            name: 'attempt',
            modified: c.newer ? '2025-03-01T00:00:00.000Z' : '2024-01-01T00:00:00.000Z',
            revoked: c.revoke,
            ...markedWith(newM),
          });
          const r = await importAs(caller, [attempt]);
          const clearance = TLP_LEVELS.indexOf(c.clearance);
          const allowed = rankOf(storedM) <= clearance && rankOf(newM) <= clearance;
          if (!allowed) {
            expect(r.errors).toHaveLength(1);
            expect(await stored(id)).toEqual(before);
          } else {
            expect(r.errors).toEqual([]);
            expect(r.updated).toBe(c.newer ? 1 : 0);
          }
        },
      ),
      { numRuns: 40, seed: 1415 },
    );
  });
});

describe('marking-definitions on imports (issue 14 #7)', () => {
  const custom = 'marking-definition--00000000-0000-4000-8000-0000000000aa';
  const statement = {
    type: 'marking-definition', spec_version: '2.1', id: custom, created: '2024-01-01T00:00:00.000Z',
    definition_type: 'statement', definition: { statement: 'Copyright nobody' },
  } as Stix;

  it('a marking an analyst pre-registers does not make someone else’s objects visible', async () => {
    await resetGraph(graph);
    expect((await importAs(GREEN_ANALYST, [statement])).errors).toEqual([]);
    // Later, a RED producer's object carries that id without defining it: it stays RED (unknown).
    const object = sdo('campaign', sid('campaign', 1, 0x17), { name: 'Red campaign', object_marking_refs: [custom] });
    await importAs(SYSTEM_VIEWER, [object]);
    expect((await stored(object.id))?.rank).toBe(4);
    // The analyst's own later objects may rely on their own marking.
    const own = sdo('campaign', sid('campaign', 2, 0x17), { name: 'Own campaign', object_marking_refs: [custom] });
    expect((await importAs(GREEN_ANALYST, [own])).errors).toEqual([]);
    expect((await stored(own.id))?.rank).toBe(0);
  });

  it('a marking the local operator (admin) registers applies to everyone', async () => {
    await resetGraph(graph);
    await importAs(SYSTEM_VIEWER, [statement]);
    const object = sdo('campaign', sid('campaign', 3, 0x17), { name: 'c', object_marking_refs: [custom] });
    expect((await importAs(GREEN_ANALYST, [object])).errors).toEqual([]);
    expect((await stored(object.id))?.rank).toBe(0);
  });

  it('refuses a built-in TLP marking redefined with another level, in any mode, writing nothing', async () => {
    await resetGraph(graph);
    const fakeRed = {
      type: 'marking-definition', spec_version: '2.1', id: TLP.RED, created: '2022-10-01T00:00:00.000Z',
      definition_type: 'tlp', definition: { tlp: 'clear' }, name: 'TLP:RED',
    } as Stix;
    const other = sdo('tool', sid('tool', 1, 0x18), { name: 't' });
    const r = await importAs(SYSTEM_VIEWER, [fakeRed, other]);
    expect(r.rejected).toBe(2);
    // The schemas hold the built-in TLP markings to their exact published content.
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors.every((e) => e.objectId === TLP.RED)).toBe(true);
    expect(r.errors).toContainEqual({ objectId: TLP.RED, path: 'objects[0].definition.tlp', message: 'must be "red"' });
    expect(await stored(other.id)).toBeNull();
  });
});
