/**
 * Tolerant imports (issue 13): every object ends imported, repaired or quarantined; strict keeps
 * all-or-nothing and refuses exactly when tolerant would repair or quarantine; the quarantine keeps
 * what it took (raw JSON, reasons, TLP-filtered, analysts only) and gives it back (export, retry);
 * repaired objects keep their original JSON; exports stay stix2-validator-clean.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cypher } from '../../api/src/graph/cypher';
import type { Graph } from '../../api/src/graph/driver';
import { countGraph } from '../../api/src/graph/stix.repository';
import { createLogger } from '../../api/src/logger';
import { createServices, type Services } from '../../api/src/services';
import { NOT_WRITABLE, type ImportReport } from '../../api/src/services/stix-import.service';
import { SYSTEM_VIEWER, makeViewer } from '../../api/src/services/viewer';
import { DEFECT_CASES, type Fate } from '../support/defect-corpus';
import { connectTestGraph, resetGraph } from '../support/graph';
import { runStix2Validator, stix2ValidatorAvailability } from '../support/stix2-validator';
import { bundle, sdo, sid, TLP, type Stix } from '../support/stix-fixtures';

const NODE = cypher(
  'test-tolerant-node',
  'READ',
  `MATCH (n:StixObject {id: $id}) WHERE NOT n:Placeholder RETURN n.raw AS raw, n.raw_original AS original, n.repairs AS repairs`,
);

let graph: Graph;
let services: Services;
const DIR = mkdtempSync(join(tmpdir(), 'ag-tolerant-'));
const tolerant = (objects: Stix[], extra: Record<string, unknown> = {}) =>
  services.stixImport.importBundle(bundle(objects), { viewer: SYSTEM_VIEWER, strict: false, ...extra });
const strictly = (objects: Stix[]) => services.stixImport.importBundle(bundle(objects), { viewer: SYSTEM_VIEWER, strict: true });

function fatesOf(r: ImportReport) {
  return { imported: r.imported, repaired: r.repaired, quarantined: r.quarantined };
}
const tally = (fates: Fate[]) => ({
  imported: fates.filter((f) => f === 'imported').length,
  repaired: fates.filter((f) => f === 'repaired').length,
  quarantined: fates.filter((f) => f === 'quarantined').length,
});

beforeAll(async () => {
  graph = connectTestGraph();
  services = createServices({ graph, logger: createLogger('silent') });
});
afterAll(async () => graph.close());

describe('defect classes seen in real data: one fate each', () => {
  for (const c of DEFECT_CASES) {
    it(`${c.name} (${c.habit})`, async () => {
      await resetGraph(graph);
      const r = await tolerant(c.objects);
      expect(r.errors).toEqual([]);
      expect(fatesOf(r)).toEqual(tally(c.fates));
      expect(r.imported + r.repaired + r.quarantined).toBe(r.objects);
      for (const [i, fate] of c.fates.entries()) {
        const [row] = await graph.read((tx) => tx.run(NODE, { id: c.objects[i]!.id }));
        if (fate === 'repaired') {
          // The stored object is the repaired one; the original is kept beside it, as it came.
          expect(JSON.parse(String(row!.original))).toEqual(c.objects[i]);
          const paths = (JSON.parse(String(row!.repairs)) as { path: string }[]).map((x) => x.path);
          expect(paths).toEqual((c.repairedPaths ?? []).map((p) => `objects[${i}].${p}`));
          expect(r.repairs.filter((x) => x.objectId === c.objects[i]!.id).map((x) => x.path)).toEqual(paths);
        }
        if (fate === 'quarantined' && i > 0 && c.objects[i]!.id === c.objects[0]!.id) continue; // a duplicate: the first is stored
        if (fate === 'quarantined') expect(row).toBeUndefined();
        if (fate === 'imported') expect(row?.original ?? null).toBeNull();
      }
      // Strict refuses exactly when tolerant repaired or quarantined something; nothing written then.
      await resetGraph(graph);
      const s = await strictly(c.objects);
      const tolerated = c.fates.some((f) => f !== 'imported');
      expect(s.errors.length > 0).toBe(tolerated);
      if (tolerated) expect(await graph.read((tx) => countGraph(tx))).toEqual({ nodes: 1, edges: 0 }); // the test marker
    });
  }

  it('a 2.1 bundle carrying spec_version/created/modified: repaired envelope in tolerant, refused in strict', async () => {
    await resetGraph(graph);
    const objects = [sdo('tool', sid('tool', 1, 0x19), { name: 'x' })];
    const input = { ...bundle(objects), spec_version: '2.1', created: '2024-01-01T00:00:00.000Z' };
    const r = await services.stixImport.importBundle(input, { viewer: SYSTEM_VIEWER, strict: false });
    expect(r).toMatchObject({ errors: [], imported: 1, created: 1 });
    expect(r.repairs.map((x) => x.path)).toEqual(['spec_version', 'created']);
    const s = await services.stixImport.importBundle(input, { viewer: SYSTEM_VIEWER, strict: true });
    expect(s.errors.length).toBeGreaterThan(0);
  });

  it('refuses whole, in tolerant mode too: not a bundle, beyond safety limits, a redefined TLP marking', async () => {
    await resetGraph(graph);
    const ok = sdo('tool', sid('tool', 2, 0x19), { name: 'fine' });
    expect((await services.stixImport.importBundle(42, { viewer: SYSTEM_VIEWER, strict: false })).errors.length).toBeGreaterThan(0);
    const deep = sdo('tool', sid('tool', 3, 0x19), { name: 'deep', x_deep: JSON.parse('['.repeat(200) + ']'.repeat(200)) });
    const tlp = { type: 'marking-definition', spec_version: '2.1', id: TLP.RED, created: '2022-10-01T00:00:00.000Z', definition_type: 'tlp', definition: { tlp: 'clear' } } as Stix;
    for (const bad of [deep, tlp]) {
      const r = await tolerant([ok, bad]);
      expect(r.rejected).toBe(2);
      expect(r.quarantined).toBe(0);
    }
    expect(await graph.read((tx) => countGraph(tx))).toEqual({ nodes: 1, edges: 0 });
  });
});

describe('the quarantine', () => {
  it('keeps what it took, TLP-filtered and analysts only, exports it as it came and retries it', async () => {
    await resetGraph(graph);
    const broken = { type: 'artifact', spec_version: '2.1', id: sid('artifact', 1, 0x20), payload_bin: '!!', object_marking_refs: [TLP.AMBER] } as Stix;
    const noTime = { type: 'identity', spec_version: '2.1', id: sid('identity', 2, 0x20), name: 'n', identity_class: 'individual' } as Stix;
    const r = await tolerant([broken, noTime, sdo('tool', sid('tool', 3, 0x20), { name: 'ok' })], { source: 'feed.json' });
    expect(fatesOf(r)).toEqual({ imported: 1, repaired: 0, quarantined: 2 });
    expect(r.quarantine).toContainEqual({ objectId: broken.id, path: 'objects[0].payload_bin', message: 'must be base64 (RFC 4648)' });

    const red = makeViewer('a-red', 'analyst red', 'analyst', 'RED');
    const green = makeViewer('a-green', 'analyst green', 'analyst', 'GREEN');
    const reader = makeViewer('r', 'reader', 'reader', 'RED');
    const all = await services.quarantine.list({ viewer: red, importId: r.importId });
    expect(all.totalCount).toBe(2);
    expect(all.records.map((x) => x.objectId).sort()).toEqual([broken.id, noTime.id].sort());
    expect(all.records.every((x) => x.source === 'feed.json' && x.importId === r.importId)).toBe(true);
    // The AMBER one is hidden from a GREEN analyst, everywhere; readers see nothing.
    const greenView = await services.quarantine.list({ viewer: green, importId: r.importId });
    expect(greenView.records.map((x) => x.objectId)).toEqual([noTime.id]);
    expect(greenView.totalCount).toBe(1);
    const amberRecord = all.records.find((x) => x.objectId === broken.id)!;
    await expect(services.quarantine.show(amberRecord.id, { viewer: green })).rejects.toThrow(/No quarantined record/);
    await expect(services.quarantine.list({ viewer: reader })).rejects.toThrow(/analyst/);

    // Exported exactly as it came.
    const exported = await services.quarantine.exportBundle({ importId: r.importId }, { viewer: red });
    expect(exported.objects).toHaveLength(2);
    expect(exported.objects).toContainEqual(broken);
    expect(exported.objects).toContainEqual(noTime);

    // Retry: still broken → quarantined again under the new import, the old records gone.
    const again = await services.quarantine.retry({ importId: r.importId }, { viewer: red });
    expect(fatesOf(again)).toEqual({ imported: 0, repaired: 0, quarantined: 2 });
    expect((await services.quarantine.list({ viewer: red, importId: r.importId })).totalCount).toBe(0);
    expect((await services.quarantine.list({ viewer: red, importId: again.importId })).totalCount).toBe(2);

    // Fixed and imported again (export → edit → import): it leaves nothing behind but the object.
    const fixed = await tolerant([{ ...noTime, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z' }]);
    expect(fixed).toMatchObject({ imported: 1, created: 1, quarantined: 0 });
  });

  it('a write the write-side rules refuse is quarantined (tolerant) with the same one answer', async () => {
    await resetGraph(graph);
    const secret = sdo('intrusion-set', sid('intrusion-set', 1, 0x21), { name: 'red', object_marking_refs: [TLP.RED] });
    await services.stixImport.importBundle(bundle([secret]), { viewer: SYSTEM_VIEWER });
    const green = makeViewer('g', 'g', 'analyst', 'GREEN');
    const attempt = { ...secret, modified: '2025-01-01T00:00:00.000Z', object_marking_refs: [TLP.GREEN] };
    const r = await services.stixImport.importBundle(bundle([attempt, sdo('tool', sid('tool', 2, 0x21), { name: 't' })]), { viewer: green, strict: false });
    expect(fatesOf(r)).toEqual({ imported: 1, repaired: 0, quarantined: 1 });
    expect(r.quarantine).toEqual([{ objectId: secret.id, path: 'objects[0]', message: NOT_WRITABLE }]);
    const [row] = await graph.read((tx) => tx.run(NODE, { id: secret.id }));
    expect(JSON.parse(String(row!.raw))).toEqual(secret);
  });
});

describe('properties', () => {
  it('imported + repaired + quarantined = objects read; strict refuses exactly when tolerant repairs or quarantines', async () => {
    const pool = DEFECT_CASES.flatMap((c) => c.objects.map((o, i) => ({ o, fate: c.fates[i]!, dupOf: i > 0 && o.id === c.objects[0]!.id })))
      .filter((x) => !x.dupOf);
    await fc.assert(
      fc.asyncProperty(fc.subarray(pool, { minLength: 1 }), fc.boolean(), async (picked, dryRun) => {
        await resetGraph(graph);
        const objects = picked.map((p) => p.o);
        const r = await tolerant(objects, { dryRun });
        expect(r.errors).toEqual([]);
        expect(r.imported + r.repaired + r.quarantined).toBe(r.objects);
        expect(r.objects).toBe(objects.length);
        const tolerated = r.repaired + r.quarantined > 0;
        await resetGraph(graph);
        const s = await services.stixImport.importBundle(bundle(objects), { viewer: SYSTEM_VIEWER, strict: true, dryRun });
        expect(s.errors.length > 0).toBe(tolerated);
      }),
      { numRuns: 12, seed: 1313 },
    );
  });
});

describe('exports stay clean', () => {
  it('everything imported or repaired exports stix2-validator-clean', async (ctx) => {
    const available = stix2ValidatorAvailability();
    if (!available.ok) {
      if (process.env.CI === 'true') throw new Error(available.reason);
      ctx.skip();
    }
    await resetGraph(graph);
    const r = await tolerant(DEFECT_CASES.flatMap((c) => c.objects.filter((o, i) => !(i > 0 && o.id === c.objects[0]!.id))));
    expect(r.repaired).toBeGreaterThan(0);
    const exported = await services.stixExport.exportBundle({ ids: null, depth: null, incidentId: null, viewer: SYSTEM_VIEWER });
    const file = join(DIR, 'export.json');
    writeFileSync(file, JSON.stringify(exported));
    const [result] = runStix2Validator([file]);
    expect(result!.errors).toEqual([]);
  });

  it('an export of originals gives repaired objects back exactly as they came', async () => {
    await resetGraph(graph);
    const c = DEFECT_CASES.find((x) => x.name.startsWith('external reference URL'))!;
    await tolerant(c.objects);
    const ids = [c.objects[0]!.id];
    const repaired = await services.stixExport.exportBundle({ ids, viewer: SYSTEM_VIEWER });
    const originals = await services.stixExport.exportBundle({ ids, viewer: SYSTEM_VIEWER, originals: true });
    expect(originals.objects).toEqual([c.objects[0]]);
    expect(repaired.objects).not.toEqual([c.objects[0]]);
  });
});
