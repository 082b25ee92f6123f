/**
 * `taxii pull` against a TAXII peer that misbehaves on purpose (a small HTTP server on 127.0.0.1
 * serving six objects two per page, with faults injected per request): 429 with Retry-After and
 * 503 are retried; a malformed envelope stops the pull with nothing of that page stored, and the
 * next pull resumes right after the last stored page. The graph is the real Neo4j.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';
import { sdo, sid, type Stix } from '../support/stix-fixtures';

const OBJECTS: Stix[] = Array.from({ length: 6 }, (_, i) => sdo('tool', sid('tool', i + 1, 0xfa), { name: `tool ${i}` }));
const ADDED = OBJECTS.map((_, i) => `2025-02-01T00:00:00.00000${i}Z`);
const MEDIA = 'application/taxii+json;version=2.1';

type Fault = '429' | '503' | 'malformed' | 'bad-object' | null;

describe('taxii pull against a faulty peer', () => {
  let graph: Graph;
  let api: TestApi;
  let server: Server;
  let apiRoot: string;
  /** Faults for the next requests, by page number (1-based), each used once. */
  let faults = new Map<number, Fault>();
  const retries: string[] = [];

  beforeAll(async () => {
    graph = connectTestGraph();
    api = await freshTestApi(graph);
    await api.services.taxii.ensureSchema();
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const after = url.searchParams.get('added_after');
      const start = url.searchParams.get('next') ? Number(url.searchParams.get('next')) : ADDED.findIndex((a) => after === null || a > after);
      const page = Math.floor(start / 2) + 1;
      const fault = faults.get(page) ?? null;
      faults.delete(page);
      if (fault === '429') {
        res.writeHead(429, { 'retry-after': '1', 'content-type': MEDIA }).end('{"title": "slow down"}');
        return;
      }
      if (fault === '503') {
        res.writeHead(503, { 'content-type': MEDIA }).end('{"title": "busy"}');
        return;
      }
      if (start < 0) {
        res.writeHead(200, { 'content-type': MEDIA }).end('{}');
        return;
      }
      const items = OBJECTS.slice(start, start + 2);
      const more = start + 2 < OBJECTS.length;
      // 'bad-object': the second object of the page lost its required name (a producer's bug).
      const served = fault === 'bad-object' ? [items[0], { ...items[1], name: undefined }] : items;
      const body = fault === 'malformed' ? { more, objects: [items[0], 'not an object'] } : { more, ...(more ? { next: String(start + 2) } : {}), objects: served };
      res
        .writeHead(200, {
          'content-type': MEDIA,
          'x-taxii-date-added-first': ADDED[start]!,
          'x-taxii-date-added-last': ADDED[start + items.length - 1]!,
        })
        .end(JSON.stringify(body));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  });
  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    await graph?.close();
  });

  const pull = () =>
    api.services.taxiiFeeds.pull({
      apiRoot,
      collection: 'c',
      auth: { kind: 'none' },
      viewer: SYSTEM_VIEWER,
      pageSize: 2,
      remote: { onRetry: (m) => retries.push(m), maxDelayMs: 2_000 },
    });
  const stored = async () =>
    ((await api.services.stixExport.exportBundle({ ids: OBJECTS.map((o) => o.id), depth: 0, viewer: SYSTEM_VIEWER })).objects as Stix[])
      .map((o) => o.id)
      .sort();

  it('stops at a malformed envelope with nothing of it stored, then resumes after the last stored page', async () => {
    faults = new Map([[3, 'malformed']]);
    const broken = await pull();
    expect(broken.error).toMatch(/malformed envelope/);
    expect(broken.lastAddedLast).toBe(ADDED[3]);
    expect(await stored()).toEqual(OBJECTS.slice(0, 4).map((o) => o.id).sort());
    // The last run is visible over GraphQL.
    const analyst = await api.token('analyst', 'GREEN');
    const feeds = await api.gql(analyst, '{ taxiiFeeds { apiRoot collection lastAddedLast lastRun { pages objects created error } } }');
    expect(feeds.errors).toBeUndefined();
    expect(feeds.data?.taxiiFeeds).toEqual([
      {
        apiRoot,
        collection: 'c',
        lastAddedLast: ADDED[3],
        lastRun: { pages: 2, objects: 4, created: 4, error: expect.stringMatching(/malformed envelope/) },
      },
    ]);

    const resumed = await pull();
    expect(resumed).toMatchObject({ error: null, addedAfter: ADDED[3], objects: 2, created: 2, lastAddedLast: ADDED[5] });
    expect(await stored()).toEqual(OBJECTS.map((o) => o.id).sort());
  });

  it('a bad object is quarantined and the feed goes on; --strict refuses its page and stops there', async () => {
    const from = '2025-01-01T00:00:00.000000Z';
    const again = (strict: boolean) =>
      api.services.taxiiFeeds.pull({ apiRoot, collection: 'c', auth: { kind: 'none' }, viewer: SYSTEM_VIEWER, pageSize: 2, addedAfter: from, strict });
    faults = new Map<number, Fault>([[1, 'bad-object']]);
    const strict = await again(true);
    expect(strict.error).toMatch(/page 1 \(2 objects\) was refused by the import/);
    expect(strict).toMatchObject({ pages: 1, quarantined: 0 });
    expect(strict.errors.map((e) => e.objectId)).toContain(OBJECTS[1]!.id);

    faults = new Map<number, Fault>([[1, 'bad-object']]);
    const tolerant = await again(false);
    expect(tolerant).toMatchObject({ error: null, pages: 3, objects: 6, quarantined: 1, unchanged: 5 });
    const aside = await api.services.quarantine.list({ viewer: SYSTEM_VIEWER });
    const record = aside.records.find((r) => r.objectId === OBJECTS[1]!.id);
    expect(record?.source).toBe(`taxii:${apiRoot}collections/c/`);
    expect(record?.reasons.map((r) => `${r.path} ${r.message}`).join('; ')).toMatch(/name/);
  });

  it('retries 429 after Retry-After and 503 with backoff, and completes', async () => {
    retries.length = 0;
    faults = new Map<number, Fault>([
      [1, '429'],
      [2, '503'],
    ]);
    const full = await api.services.taxiiFeeds.pull({
      apiRoot,
      collection: 'c',
      auth: { kind: 'none' },
      viewer: SYSTEM_VIEWER,
      pageSize: 2,
      addedAfter: '2025-01-01T00:00:00.000000Z',
      remote: { onRetry: (m) => retries.push(m), maxDelayMs: 2_000 },
    });
    expect(full).toMatchObject({ error: null, objects: 6, unchanged: 6, pages: 3 });
    expect(retries).toHaveLength(2);
    expect(retries[1]).toMatch(/HTTP 503/);
  });
});
