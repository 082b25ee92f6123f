/**
 * Our TAXII 2.1 server against the OASIS client library `taxii2-client` (from PyPI, run by the
 * project's Python, see test/support/python.ts), over a real HTTP listener on 127.0.0.1 and the
 * real Neo4j: discovery, collections, paging with next and added_after, match filters, POST and
 * status, versions, manifest; what it reads equals what we hold; a GREEN token never sees RED.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { DEFAULT_COLLECTION_ID, TAXII_MEDIA_TYPE } from '../../api/src/services/taxii.service';
import { makeViewer, SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';
import { pythonModules, runPython } from '../support/python';
import { sdo, sid, TLP, type Stix } from '../support/stix-fixtures';

const python = pythonModules(['taxii2client']);
if (!python.ok && process.env.CI === 'true') throw new Error(python.reason);

const GREEN_IDS = Array.from({ length: 7 }, (_, i) => sid('malware', i + 1));
const RED_ID = sid('intrusion-set', 1);
const VERSIONED_ID = sid('tool', 1);
const V1 = '2024-01-01T00:00:00.000Z';
const V2 = '2024-02-01T00:00:00.000Z';
const V3 = '2024-03-01T00:00:00.000Z';

function green(id: string, name: string): Stix {
  return sdo(id.split('--')[0]!, id, { name, is_family: false, object_marking_refs: [TLP.GREEN] });
}

/** taxii2-client run against `url`: every call the test needs, results as JSON on stdout. */
const CLIENT_SCRIPT = String.raw`
import json, sys
from requests.exceptions import HTTPError
from taxii2client.v21 import Server, Collection, as_pages
url, token, default_id, writable_id, red_id, versioned_id = sys.argv[1:7]
out = {}
server = Server(url, user="taxii-user", password=token)
out["title"] = server.title
root = server.default
out["api_roots"] = [r.url for r in server.api_roots]
out["root_versions"] = root.versions
out["collections"] = sorted([{"id": c.id, "title": c.title, "can_read": c.can_read, "can_write": c.can_write} for c in root.collections], key=lambda c: c["id"])
col = Collection(root.url + "collections/" + default_id + "/", user="taxii-user", password=token)
pages = []
for env in as_pages(col.get_objects, per_request=3):
    pages.append([o["id"] for o in env.get("objects", [])])
out["pages"] = pages
everything = col.get_objects(limit=1000)
out["objects"] = everything.get("objects", [])
manifest = col.get_manifest(limit=1000)
out["manifest"] = manifest.get("objects", [])
out["by_type"] = sorted(o["id"] for o in col.get_objects(type="tool").get("objects", []))
out["by_id"] = [o["id"] for o in col.get_objects(id=versioned_id).get("objects", [])]
out["all_versions"] = sorted(o["modified"] for o in col.get_objects(id=versioned_id, version="all").get("objects", []))
out["first_version"] = [o["modified"] for o in col.get_objects(id=versioned_id, version="first").get("objects", [])]
out["spec_20"] = col.get_objects(spec_version="2.0").get("objects", [])
out["versions"] = col.object_versions(versioned_id).get("versions", [])
out["object"] = [o["modified"] for o in col.get_object(versioned_id).get("objects", [])]
def status_of(fn):
    try:
        fn()
        return 200
    except HTTPError as e:
        return e.response.status_code
out["red_object_status"] = status_of(lambda: col.get_object(red_id))
out["red_versions_status"] = status_of(lambda: col.object_versions(red_id))
if writable_id != "-":
    w = Collection(root.url + "collections/" + writable_id + "/", user="taxii-user", password=token)
    ok = w.add_objects({"objects": [
        {"type": "malware", "spec_version": "2.1", "id": "malware--00000000-0000-4000-8000-0000000000aa", "created": "2024-05-01T00:00:00.000Z", "modified": "2024-05-01T00:00:00.000Z", "name": "posted", "is_family": False}
    ]})
    out["post_ok"] = {"status": ok.status, "total": ok.total_count, "success": ok.success_count, "failure": ok.failure_count, "successes": ok.successes}
    bad = w.add_objects({"objects": [
        {"type": "malware", "spec_version": "2.1", "id": "malware--00000000-0000-4000-8000-0000000000bb", "created": "2024-05-01T00:00:00.000Z", "modified": "2024-05-01T00:00:00.000Z", "name": "fine", "is_family": False},
        {"type": "malware", "spec_version": "2.1", "id": "malware--00000000-0000-4000-8000-0000000000cc", "created": "not a date", "modified": "2024-05-01T00:00:00.000Z", "name": "broken", "is_family": False}
    ]})
    out["post_bad"] = {"status": bad.status, "success": bad.success_count, "failure": bad.failure_count, "failures": bad.failures}
    st = root.get_status(ok.id)
    out["status_again"] = st.status
    out["read_only_post"] = status_of(lambda: col._conn.post(col.url + "objects/", headers={"Accept": "application/taxii+json;version=2.1", "Content-Type": "application/taxii+json;version=2.1"}, data=b'{"objects": []}'))
print(json.dumps(out))
`;

describe.skipIf(!python.ok)('TAXII 2.1 server against taxii2-client', () => {
  let graph: Graph;
  let api: TestApi;
  let server: Server;
  let base: string;
  let redToken: string;
  let greenToken: string;
  let writableId: string;

  const client = async (token: string, writable = '-') =>
    JSON.parse(await runPython(CLIENT_SCRIPT, [`${base}/taxii2/`, token, DEFAULT_COLLECTION_ID, writable, RED_ID, VERSIONED_ID])) as Record<string, any>;

  beforeAll(async () => {
    graph = connectTestGraph();
    api = await freshTestApi(graph);
    await api.services.taxii.ensureSchema();
    const importAs = async (objects: Stix[]) => {
      const report = await api.services.stixImport.importBundle(objects, { viewer: SYSTEM_VIEWER });
      expect(report.errors).toEqual([]);
    };
    await importAs([
      ...GREEN_IDS.map((id, i) => green(id, `green ${i}`)),
      sdo('intrusion-set', RED_ID, { name: 'red secret', object_marking_refs: [TLP.RED] }),
      sdo('tool', VERSIONED_ID, { name: 'tool v1', created: V1, modified: V1, object_marking_refs: [TLP.GREEN] }),
    ]);
    await importAs([sdo('tool', VERSIONED_ID, { name: 'tool v2', created: V1, modified: V2, object_marking_refs: [TLP.GREEN] })]);
    await importAs([sdo('tool', VERSIONED_ID, { name: 'tool v3', created: V1, modified: V3, object_marking_refs: [TLP.GREEN] })]);
    redToken = await api.token('analyst', 'RED');
    greenToken = await api.token('reader', 'GREEN');
    const admin = makeViewer('admin-test', 'admin', 'admin', 'RED');
    writableId = (await api.services.taxii.createCollection({ title: 'Inbox', writable: true, types: ['malware'] }, { viewer: admin })).id;
    server = createServer(api.app.handle);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    await graph?.close();
  });

  it('serves discovery, the API root and collections, and reads exactly what we hold in date_added pages', async () => {
    const out = await client(redToken);
    expect(out.api_roots).toEqual([`${base}/taxii2/api/`]);
    expect(out.root_versions).toEqual([TAXII_MEDIA_TYPE]);
    expect(out.collections).toEqual(
      [
        { id: DEFAULT_COLLECTION_ID, title: 'Everything you may see', can_read: true, can_write: false },
        { id: writableId, title: 'Inbox', can_read: true, can_write: true },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const held = await api.services.stixExport.exportBundle({ ids: null, depth: null, incidentId: null, viewer: SYSTEM_VIEWER });
    const heldById = new Map((held.objects as Stix[]).map((o) => [o.id, o]));
    // 9 objects (the tool at its last version), three per page, none twice.
    const paged = (out.pages as string[][]).flat();
    expect((out.pages as string[][]).map((p) => p.length)).toEqual([3, 3, 3]);
    expect(new Set(paged).size).toBe(paged.length);
    expect(new Set(paged)).toEqual(new Set(heldById.keys()));
    for (const o of out.objects as Stix[]) expect(o).toEqual(heldById.get(o.id));
    expect((out.manifest as { id: string; version: string; media_type: string }[]).find((m) => m.id === VERSIONED_ID)).toMatchObject({
      version: V3,
      media_type: 'application/stix+json;version=2.1',
    });
    expect(out.by_type).toEqual([VERSIONED_ID]);
    expect(out.by_id).toEqual([VERSIONED_ID]);
    expect(out.all_versions).toEqual([V1, V2, V3]);
    expect(out.first_version).toEqual([V1]);
    expect(out.spec_20).toEqual([]);
    expect([...(out.versions as string[])].sort()).toEqual([V1, V2, V3]);
    expect(out.object).toEqual([V3]);
    expect(out.red_object_status).toBe(200);
  });

  it('never shows a GREEN token a RED object, on any endpoint', async () => {
    const out = await client(greenToken);
    const seen = [...(out.pages as string[][]).flat(), ...(out.objects as Stix[]).map((o) => o.id), ...(out.manifest as Stix[]).map((o) => o.id)];
    expect(seen).not.toContain(RED_ID);
    expect(new Set(seen)).toEqual(new Set([...GREEN_IDS, VERSIONED_ID]));
    expect(out.red_object_status).toBe(404);
    expect(out.red_versions_status).toBe(404);
    expect(out.collections.find((c: { id: string }) => c.id === writableId).can_write).toBe(false);
  });

  it('imports a POSTed envelope through the import service and reports each object in the status', async () => {
    const out = await client(redToken, writableId);
    expect(out.post_ok).toMatchObject({ status: 'complete', total: 1, success: 1, failure: 0 });
    expect(out.post_ok.successes).toEqual([{ id: 'malware--00000000-0000-4000-8000-0000000000aa', version: '2024-05-01T00:00:00.000Z' }]);
    expect(out.status_again).toBe('complete');
    // All or nothing: one bad object refuses the envelope; each object says why.
    expect(out.post_bad).toMatchObject({ status: 'complete', success: 0, failure: 2 });
    const failures = out.post_bad.failures as { id: string; message: string }[];
    expect(failures.find((f) => f.id.endsWith('cc'))!.message).toMatch(/created/);
    expect(failures.find((f) => f.id.endsWith('bb'))!.message).toMatch(/all or nothing/);
    expect(out.read_only_post).toBe(403);
    const stored = await api.services.stixExport.exportBundle({ ids: ['malware--00000000-0000-4000-8000-0000000000aa', 'malware--00000000-0000-4000-8000-0000000000bb'], depth: 0, incidentId: null, viewer: SYSTEM_VIEWER });
    expect((stored.objects as Stix[]).map((o) => o.id)).toEqual(['malware--00000000-0000-4000-8000-0000000000aa']);
  });
});
