/**
 * The TAXII 2.1 server's HTTP contract over `app.fetch` and the real Neo4j: authentication
 * (Bearer, Basic with the token as password), media types, the error message shape, the
 * X-TAXII-Date-Added headers, and exact paging while objects are added between pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { DEFAULT_COLLECTION_ID } from '../../api/src/services/taxii.service';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';
import { sdo, sid, TLP, type Stix } from '../support/stix-fixtures';

const ROOT = 'http://localhost/taxii2/api/';
const OBJECTS = `${ROOT}collections/${DEFAULT_COLLECTION_ID}/objects/`;
const MEDIA = 'application/taxii+json;version=2.1';

describe('TAXII 2.1 HTTP contract', () => {
  let graph: Graph;
  let api: TestApi;
  let token: string;

  const get = (url: string, headers: Record<string, string> = {}) =>
    api.app.fetch(new Request(url, { headers: { accept: MEDIA, authorization: `Bearer ${token}`, ...headers } }));
  const json = async (response: Response) => JSON.parse(await response.text()) as Record<string, any>;
  const importObjects = async (objects: Stix[]) => {
    const report = await api.services.stixImport.importBundle(objects, { viewer: SYSTEM_VIEWER });
    expect(report.errors).toEqual([]);
  };

  beforeAll(async () => {
    graph = connectTestGraph();
    api = await freshTestApi(graph);
    await api.services.taxii.ensureSchema();
    token = await api.token('analyst', 'AMBER');
    await importObjects(Array.from({ length: 10 }, (_, i) => sdo('tool', sid('tool', 100 + i), { name: `tool ${i}` })));
  });
  afterAll(async () => graph?.close());

  it('takes the token as Bearer or as the Basic password, and answers 401 with both challenges otherwise', async () => {
    const basic = Buffer.from(`anyone:${token}`).toString('base64');
    expect((await get(ROOT, { authorization: `Basic ${basic}` })).status).toBe(200);
    expect((await get(ROOT)).status).toBe(200);
    for (const authorization of ['', 'Bearer ag_not_a_token', `Basic ${Buffer.from('anyone:wrong').toString('base64')}`]) {
      const response = await get(ROOT, { authorization });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/Basic realm=.*Bearer realm=/);
      expect(response.headers.get('content-type')).toBe(MEDIA);
      expect(await json(response)).toMatchObject({ title: 'Unauthorized', http_status: '401' });
    }
  });

  it('speaks only TAXII 2.1 JSON: 406 for another Accept, 415 for another POST body type', async () => {
    const refused = await get(ROOT, { accept: 'application/taxii+json;version=2.0' });
    expect(refused.status).toBe(406);
    expect(await json(refused)).toMatchObject({ http_status: '406', description: expect.stringContaining(MEDIA) });
    expect((await get(ROOT, { accept: 'application/taxii+json' })).status).toBe(200);
    const discovery = await get('http://localhost/taxii2/');
    expect(discovery.headers.get('content-type')).toBe(MEDIA);
    expect(await json(discovery)).toMatchObject({ default: ROOT, api_roots: [ROOT] });

    const admin = await api.services.taxii.createCollection({ title: 'Inbox', writable: true }, { viewer: SYSTEM_VIEWER });
    const post = (contentType: string, body: string) =>
      api.app.fetch(
        new Request(`${ROOT}collections/${admin.id}/objects/`, {
          method: 'POST',
          headers: { accept: MEDIA, authorization: `Bearer ${token}`, 'content-type': contentType },
          body,
        }),
      );
    expect((await post('application/json', '{"objects": []}')).status).toBe(415);
    const notEnvelope = await post(MEDIA, '{"type": "bundle"}');
    expect(notEnvelope.status).toBe(400);
    expect((await json(notEnvelope)).description).toMatch(/envelope/);
    expect((await post(MEDIA, '{not json')).status).toBe(400);
  });

  it('checks every parameter and names the faulty ones', async () => {
    const bad = await get(`${OBJECTS}?limit=0&added_after=yesterday&match[version]=newest&match[colour]=red`);
    expect(bad.status).toBe(400);
    const { description } = await json(bad);
    for (const name of ['limit', 'added_after', 'match[version]', 'match[colour]']) expect(description).toContain(name);
    expect((await get(`${OBJECTS}?next=forged`)).status).toBe(400);
    expect((await get(`${ROOT}collections/00000000-0000-4000-8000-000000000000/objects/`)).status).toBe(404);
    const del = await api.app.fetch(new Request(`${OBJECTS}${sid('tool', 100)}/`, { method: 'DELETE', headers: { accept: MEDIA, authorization: `Bearer ${token}` } }));
    expect(del.status).toBe(405);
  });

  it('pages exactly while objects are added between pages, with the Date-Added headers', async () => {
    const seen: string[] = [];
    let response = await get(`${OBJECTS}?limit=4`);
    let body = await json(response);
    const firstPage = body.objects as Stix[];
    seen.push(...firstPage.map((o) => o.id));
    expect(body.more).toBe(true);
    expect(response.headers.get('x-taxii-date-added-first')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const lastOfFirst = response.headers.get('x-taxii-date-added-last')!;

    // Added while the client pages: an id that sorts first and an old `modified` — still after.
    const late = sdo('tool', sid('tool', 1), { name: 'late', created: '2001-01-01T00:00:00.000Z', modified: '2001-01-01T00:00:00.000Z' });
    await importObjects([late]);
    while (body.more) {
      response = await get(`${OBJECTS}?limit=4&next=${encodeURIComponent(body.next)}`);
      body = await json(response);
      seen.push(...(body.objects as Stix[]).map((o) => o.id));
    }
    expect(seen).toHaveLength(11);
    expect(new Set(seen).size).toBe(11);
    expect(seen.at(-1)).toBe(late.id);

    // added_after with the first page's last date_added: everything after it, the late one too.
    const after = await json(await get(`${OBJECTS}?added_after=${lastOfFirst}&limit=100`));
    expect((after.objects as Stix[]).map((o) => o.id)).toEqual(seen.slice(4));
    // Nothing after the last one: an empty envelope and no Date-Added headers.
    const last = await get(`${OBJECTS}?added_after=${response.headers.get('x-taxii-date-added-last')}`);
    expect(await json(last)).toEqual({});
    expect(last.headers.get('x-taxii-date-added-first')).toBeNull();
  });

  it('a new version gets a new date_added; the old one keeps its own (match[version]=all)', async () => {
    const id = sid('tool', 105);
    const before = await json(await get(`${OBJECTS}${id}/versions/`));
    expect(before.versions).toEqual(['2024-01-01T00:00:00.000Z']);
    await importObjects([sdo('tool', id, { name: 'tool 5 v2', modified: '2024-07-01T00:00:00.000Z' })]);
    const manifest = await json(await get(`${ROOT}collections/${DEFAULT_COLLECTION_ID}/manifest/?match[id]=${id}&match[version]=all`));
    const rows = manifest.objects as { version: string; date_added: string }[];
    expect(rows.map((r) => r.version)).toEqual(['2024-01-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z']);
    expect(rows[0]!.date_added < rows[1]!.date_added).toBe(true);
    const latest = await json(await get(`${OBJECTS}${id}/`));
    expect((latest.objects as Stix[]).map((o) => o.name)).toEqual(['tool 5 v2']);
  });

  it('serves an admin collection filtered by type, label and marking, on top of clearance', async () => {
    await importObjects([
      sdo('malware', sid('malware', 900), { name: 'shared', is_family: false, labels: ['share'], object_marking_refs: [TLP.GREEN] }),
      sdo('malware', sid('malware', 901), { name: 'not labelled', is_family: false, object_marking_refs: [TLP.GREEN] }),
      sdo('malware', sid('malware', 902), { name: 'too secret', is_family: false, labels: ['share'], object_marking_refs: [TLP.RED] }),
    ]);
    const shared = await api.services.taxii.createCollection(
      { title: 'Shared malware', types: ['malware'], labels: ['share'], markings: [TLP.GREEN, TLP.RED] },
      { viewer: SYSTEM_VIEWER },
    );
    const base = `${ROOT}collections/${shared.id}/`;
    const listed = await json(await get(`${base}objects/`));
    expect((listed.objects as Stix[]).map((o) => o.id)).toEqual([sid('malware', 900)]);
    expect((await get(`${base}objects/${sid('malware', 901)}/`)).status).toBe(404);
    expect((await get(`${base}objects/${sid('malware', 902)}/`)).status).toBe(404);
    expect((await get(`${base}objects/${sid('tool', 100)}/versions/`)).status).toBe(404);
    const collections = await json(await get(`${ROOT}collections/`));
    expect(collections.collections).toContainEqual(
      expect.objectContaining({ id: shared.id, title: 'Shared malware', can_read: true, can_write: false }),
    );
  });

  it('serves objects a database stored before writes labelled them for stamping (an older database)', async () => {
    const { cypher } = await import('../../api/src/graph/cypher');
    const older = [sdo('tool', sid('tool', 900), { name: 'stored before' }), sdo('tool', sid('tool', 901), { name: 'stored before too' })];
    await importObjects(older);
    // As an older version of the app left them: no date_added, no pending label, no labelling done yet.
    const forget = cypher(
      'test-forget-stamps',
      'WRITE',
      `MATCH (n:StixObject) WHERE n.id IN $ids REMOVE n.date_added, n:DateAddedPending
       WITH count(*) AS forgotten MATCH (c:TaxiiClock) REMOVE c.pending_labels RETURN forgotten`,
    );
    await graph.write((tx) => tx.run(forget, { ids: older.map((o) => o.id) }));
    const fresh = (await import('../support/api')).createTestApi(graph); // a newly started process
    const response = await fresh.app.fetch(
      new Request(`${OBJECTS}?match[id]=${older.map((o) => o.id).join(',')}`, { headers: { accept: MEDIA, authorization: `Bearer ${token}` } }),
    );
    expect(response.status).toBe(200);
    expect(((await json(response)).objects as { id: string }[]).map((o) => o.id).sort()).toEqual(older.map((o) => o.id).sort());
  });

  it('keeps a status to whoever posted it', async () => {
    const inbox = await api.services.taxii.createCollection({ title: 'Inbox 2', writable: true }, { viewer: SYSTEM_VIEWER });
    const posted = await api.app.fetch(
      new Request(`${ROOT}collections/${inbox.id}/objects/`, {
        method: 'POST',
        headers: { accept: MEDIA, authorization: `Bearer ${token}`, 'content-type': MEDIA },
        body: JSON.stringify({ objects: [sdo('tool', sid('tool', 500), { name: 'posted', object_marking_refs: [TLP.GREEN] })] }),
      }),
    );
    expect(posted.status).toBe(202);
    const status = await json(posted);
    expect(status).toMatchObject({ status: 'complete', total_count: 1, success_count: 1, failure_count: 0, pending_count: 0 });
    expect((await get(`${ROOT}status/${status.id}/`)).status).toBe(200);
    const other = await api.token('analyst', 'RED', 'someone else');
    expect((await get(`${ROOT}status/${status.id}/`, { authorization: `Bearer ${other}` })).status).toBe(404);
    const reader = await api.token('reader', 'RED');
    const denied = await api.app.fetch(
      new Request(`${ROOT}collections/${inbox.id}/objects/`, {
        method: 'POST',
        headers: { accept: MEDIA, authorization: `Bearer ${reader}`, 'content-type': MEDIA },
        body: '{"objects": []}',
      }),
    );
    expect(denied.status).toBe(403);
  });
});
