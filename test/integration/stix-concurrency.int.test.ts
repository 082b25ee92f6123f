/**
 * Imports under concurrency (issue 14 #4, #6): two staged imports of one bundle id at once keep
 * each other's objects (staging is keyed by each import's own id, abandoned imports are found by
 * the age of their heartbeat); two versions of one object imported at once never lose an update
 * (the version decision is made under the object's write lock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cypher } from '../../api/src/graph/cypher';
import type { Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import { createStixImportService, type StixImportService } from '../../api/src/services/stix-import.service';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { connectTestGraph, resetGraph } from '../support/graph';
import { bundle, sdo, sid } from '../support/stix-fixtures';

const VISIBLE = cypher('test-conc-visible', 'READ', `MATCH (n:StixObject) WHERE NOT n:Staged AND NOT n:Placeholder RETURN count(n) AS n`);
const STAGED = cypher('test-conc-staged', 'READ', `MATCH (n:Staged) RETURN count(n) AS n`);
const VERSIONS = cypher(
  'test-conc-versions',
  'READ',
  `MATCH (n:StixObject {id: $id})
   OPTIONAL MATCH (n)-[:PREVIOUS_VERSION]->(v)
   RETURN toString(n.modified) AS current, [x IN collect(toString(v.modified)) WHERE x IS NOT NULL] AS history`,
);

let graph: Graph;
let service: StixImportService;
const count = async (q: typeof VISIBLE) => Number((await graph.read((tx) => tx.run(q)))[0]?.n);

beforeAll(async () => {
  graph = connectTestGraph();
  service = createStixImportService({ graph, logger: createLogger('silent') });
});
afterAll(async () => graph.close());

describe('imports under concurrency', () => {
  it('two staged imports with the same bundle id at once both commit everything they report', async () => {
    await resetGraph(graph);
    const first = Array.from({ length: 120 }, (_, i) => sdo('tool', sid('tool', i + 1, 0x41), { name: `a${i}` }));
    const second = Array.from({ length: 60 }, (_, i) => sdo('tool', sid('tool', i + 1, 0x42), { name: `b${i}` }));
    const staged = { viewer: SYSTEM_VIEWER, singleTransactionMaxObjects: 10, batchSize: 10 };
    let secondStarted: Promise<Awaited<ReturnType<StixImportService['importBundle']>>> | null = null;
    // The second starts while the first is between its staged batches (same public bundle id).
    const a = await service.importBundle(bundle(first, 7), {
      ...staged,
      onProgress: (p) => {
        if (p.phase === 'write' && secondStarted === null) secondStarted = service.importBundle(bundle(second, 7), staged);
      },
    });
    const b = await secondStarted!;
    expect(a).toMatchObject({ staged: true, created: 120, errors: [] });
    expect(b).toMatchObject({ staged: true, created: 60, errors: [] });
    expect(await count(VISIBLE)).toBe(180);
    expect(await count(STAGED)).toBe(0);
  });

  it('v2 and v3 of one object imported at once: v3 ends current, v1 archived once, nothing lost', async () => {
    await resetGraph(graph);
    const at = (m: number) => `2025-0${m}-01T00:00:00.000Z`;
    for (let round = 0; round < 12; round++) {
      const id = sid('malware', round + 1, 0x43);
      const v = (m: number) => sdo('malware', id, { name: `v${m}`, is_family: true, modified: at(m) });
      await service.importBundle(bundle([v(1)]), { viewer: SYSTEM_VIEWER });
      const order = round % 2 === 0 ? [2, 3] : [3, 2];
      const reports = await Promise.all(order.map((m) => service.importBundle(bundle([v(m)]), { viewer: SYSTEM_VIEWER })));
      const [row] = await graph.read((tx) => tx.run(VERSIONS, { id }));
      expect(String(row!.current).startsWith('2025-03-01')).toBe(true);
      const history = (row!.history as string[]).slice().sort();
      // v1 archived exactly once; v2 archived only if it was committed before v3 (once at most).
      expect(history.filter((h) => h.startsWith('2025-01'))).toHaveLength(1);
      expect(history.filter((h) => h.startsWith('2025-02')).length).toBeLessThanOrEqual(1);
      const updated = reports.reduce((n, r) => n + r.updated, 0);
      // Reports tell the truth: every "updated" is a version now in history or current.
      expect(updated).toBe(history.length);
    }
  });
});
