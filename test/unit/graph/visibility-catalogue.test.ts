/**
 * The visibility catalogue (issue 12 step 3): every READ query of the graph layer either filters
 * with a predicate of api/src/graph/visibility.ts or is on its commented allow-list. Every module
 * of api/src/graph/ is loaded, so a new query file joins by being there.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { registeredQueries, type CypherQuery } from '../../../api/src/graph/cypher';
import { READ_QUERIES_WITHOUT_VISIBILITY, VISIBILITY_PREDICATES } from '../../../api/src/graph/visibility';

const GRAPH_DIR = join(import.meta.dirname, '..', '..', '..', 'api', 'src', 'graph');
let reads: CypherQuery[] = [];

beforeAll(async () => {
  for (const file of readdirSync(GRAPH_DIR).filter((f) => f.endsWith('.ts')).sort()) {
    await import(pathToFileURL(join(GRAPH_DIR, file)).href);
  }
  reads = registeredQueries().filter((q) => q.mode === 'READ' && !q.name.startsWith('test-'));
});

const uses = (q: CypherQuery) => VISIBILITY_PREDICATES.filter((p) => p.pattern.test(q.text)).map((p) => p.name);

describe('visibility catalogue', () => {
  it('finds the READ queries of every query module', () => {
    const names = reads.map((q) => q.name);
    for (const expected of ['case-load', 'case-audit-log', 'object-history', 'stix-export-all-page', 'explore-paths-max-3', 'auth-list-tokens']) {
      expect(names).toContain(expected);
    }
  });

  it('every READ query uses a visibility predicate or is on the commented allow-list', () => {
    const offenders = reads.filter((q) => uses(q).length === 0 && !(q.name in READ_QUERIES_WITHOUT_VISIBILITY)).map((q) => q.name);
    expect(offenders, 'READ queries with no visibility predicate (use api/src/graph/visibility.ts, or allow-list with a reason)').toEqual([]);
  });

  it('the allow-list names only existing READ queries that really filter nothing, each with a reason', () => {
    const byName = new Map(reads.map((q) => [q.name, q]));
    for (const [name, reason] of Object.entries(READ_QUERIES_WITHOUT_VISIBILITY)) {
      expect(byName.has(name), `${name} is allow-listed but no READ query has that name`).toBe(true);
      expect(uses(byName.get(name)!), `${name} uses a predicate: remove it from the allow-list`).toEqual([]);
      expect(reason.length).toBeGreaterThan(20);
    }
  });

  it('the patterns find the predicates and nothing looser', () => {
    const [object, node, rank] = VISIBILITY_PREDICATES.map((p) => p.pattern);
    expect(object!.test('WHERE n.tlp_rank <= $maxRank AND NOT n:Staged AND NOT n:Placeholder')).toBe(true);
    expect(object!.test('WHERE n.tlp_rank <= $maxRank AND NOT n:Staged')).toBe(false);
    expect(node!.test('WHERE b.tlp_rank <= $maxRank AND NOT b:Staged')).toBe(true);
    expect(rank!.test('WHERE r.tlp_rank <= $maxRank')).toBe(true);
    expect(rank!.test('WHERE r.tlp_rank <= $otherRank')).toBe(false);
  });
});
