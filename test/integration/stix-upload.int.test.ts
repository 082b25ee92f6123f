/**
 * `importStixFile`: a STIX bundle uploaded with the GraphQL multipart request spec, over real HTTP
 * (the app's Node handler on a free port, `fetch` + `FormData`), into the real Neo4j: .json and
 * .json.gz, the report, what readers then see, and the guards (analyst role, CSRF header, request
 * size limit, not-a-file argument, invalid bundle) each leaving the graph unchanged.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/src/app';
import type { Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import { createTestApi, type TestApi } from '../support/api';
import { connectTestGraph, resetGraph } from '../support/graph';
import { bundle, rel, sdo, sid, TLP } from '../support/stix-fixtures';

const CSRF = { 'x-graphql-yoga-csrf': '1' };
const IMPORT = /* GraphQL */ `
  mutation ($file: File!, $onConflict: ConflictPolicy, $strict: Boolean) {
    importStixFile(file: $file, onConflict: $onConflict, strict: $strict) {
      importId created updated unchanged rejected
      errors { objectId path message }
      warnings { objectId path message }
    }
  }
`;
const COUNT = '{ objects(first: 1) { totalCount } }';

let graph: Graph;
let api: TestApi;
let server: Server;
let small: Server;
let base = '';
let smallBase = '';
let analyst = '';
let reader = '';

function listen(handler: Parameters<typeof createServer>[1]): Promise<[Server, string]> {
  return new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve([s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`]));
  });
}

/** A multipart request as a browser would build it: operations, map, then the file part. */
function multipart(file: Blob | string, name: string, variables: Record<string, unknown> = {}): FormData {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: IMPORT, variables: { file: null, ...variables } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  if (typeof file === 'string') form.set('0', file);
  else form.set('0', file, name);
  return form;
}

async function upload(
  url: string,
  token: string | null,
  form: FormData,
  headers: Record<string, string> = CSRF,
): Promise<{ status: number; body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), accept: 'application/graphql-response+json, application/json', ...headers },
    body: form,
  });
  const text = await response.text();
  let body = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: `non-JSON answer: ${text.slice(0, 200)}` }] };
  }
  return { status: response.status, body };
}

const visibleCount = async () => Number((await api.gql(analyst, COUNT)).data?.objects.totalCount);

/** A small but real bundle: an intrusion set, a campaign attributed to it, TLP marked. */
function sampleBundle(n = 1) {
  const actor = sdo('intrusion-set', sid('intrusion-set', n, 0x11), { name: `Upload Actor ${n}`, object_marking_refs: [TLP.GREEN] });
  const campaign = sdo('campaign', sid('campaign', n, 0x11), { name: `Upload Campaign ${n}` });
  return bundle([actor, campaign, rel(sid('relationship', n, 0x11), 'attributed-to', campaign.id, actor.id)], 0x1100 + n);
}

beforeAll(async () => {
  graph = connectTestGraph();
  api = createTestApi(graph);
  [server, base] = await listen(api.app.handle);
  // The same services behind an app with a 4 KiB request limit (AG_MAX_REQUEST_BYTES=4096).
  const tight = createApp({ services: api.services, logger: createLogger('silent'), maxRequestBytes: 4_096 });
  [small, smallBase] = await listen(tight.handle);
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await new Promise((r) => small?.close(r));
  await graph?.close();
});

describe('importStixFile (multipart upload)', () => {
  // Tokens live in the graph too: a fresh graph, then fresh tokens, for every test.
  beforeEach(async () => {
    await resetGraph(graph);
    await api.services.auth.ensureSchema();
    analyst = await api.token('analyst', 'RED');
    reader = await api.token('reader', 'RED');
  });

  it('imports an uploaded .json bundle and returns the report; readers see the objects', async () => {
    const file = new Blob([JSON.stringify(sampleBundle(1))], { type: 'application/json' });
    const { status, body } = await upload(base, analyst, multipart(file, 'sample.json'));
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data.importStixFile).toMatchObject({ created: 3, updated: 0, unchanged: 0, rejected: 0, errors: [], warnings: [] });
    expect(await visibleCount()).toBe(3);
    const actor = await api.gql(reader, 'query ($id: ID!) { stixObject(id: $id) { name tlp } }', { id: sid('intrusion-set', 1, 0x11) });
    expect(actor.data).toEqual({ stixObject: { name: 'Upload Actor 1', tlp: 'GREEN' } });

    // The same file again: a no-op, reported unchanged.
    const again = await upload(base, analyst, multipart(file, 'sample.json'));
    expect(again.body.data.importStixFile).toMatchObject({ created: 0, unchanged: 3, errors: [] });
  });

  it('imports a gzip-compressed upload (recognised from its content, whatever its name)', async () => {
    const gz = gzipSync(Buffer.from(JSON.stringify(sampleBundle(2))));
    const { body } = await upload(base, analyst, multipart(new Blob([gz]), 'bundle.json.gz'));
    expect(body.data.importStixFile).toMatchObject({ created: 3, errors: [] });
    const misnamed = gzipSync(Buffer.from(JSON.stringify(sampleBundle(3))));
    const second = await upload(base, analyst, multipart(new Blob([misnamed]), 'bundle.json'));
    expect(second.body.data.importStixFile).toMatchObject({ created: 3, errors: [] });
    expect(await visibleCount()).toBe(6);
  });

  it('strict: takes the conflict policy and reports bad content precisely, writing nothing', async () => {
    const first = sdo('campaign', sid('campaign', 7, 0x11), { name: 'first' });
    const conflicting = bundle([first, { ...first, name: 'second' }], 0x1177);
    const strict = await upload(base, analyst, multipart(new Blob([JSON.stringify(conflicting)]), 'dup.json', { strict: true }));
    expect(strict.body.data.importStixFile.errors).toEqual([
      expect.objectContaining({ objectId: first.id, path: 'objects[1]', message: expect.stringMatching(/conflicts with objects\[0\]/) }),
    ]);
    expect(await visibleCount()).toBe(0);
    const lenient = await upload(base, analyst, multipart(new Blob([JSON.stringify(conflicting)]), 'dup.json', { onConflict: 'KEEP_LAST' }));
    expect(lenient.body.data.importStixFile).toMatchObject({ created: 1, errors: [] });
    expect(lenient.body.data.importStixFile.warnings).toHaveLength(1);

    const broken = bundle([sdo('campaign', sid('campaign', 8, 0x11), { name: 'ok' }), sdo('campaign', sid('campaign', 9, 0x11), { created: 'yesterday' })], 0x1178);
    const bad = await upload(base, analyst, multipart(new Blob([JSON.stringify(broken)]), 'broken.json', { strict: true }));
    expect(bad.body.data.importStixFile).toMatchObject({ created: 0, rejected: 2 });
    const paths: string[] = bad.body.data.importStixFile.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('objects[1].created');
    expect(paths.every((p) => p.startsWith('objects[1]'))).toBe(true);
    const notJson = await upload(base, analyst, multipart(new Blob(['{"type": "bundle", "objects": [']), 'cut.json'));
    expect(notJson.body.data.importStixFile.errors.length).toBeGreaterThan(0);
    const notGzip = await upload(base, analyst, multipart(new Blob([Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02])]), 'cut.json.gz'));
    expect(notGzip.body.data.importStixFile.errors.length).toBeGreaterThan(0);
    expect(await visibleCount()).toBe(1);
  });

  it('needs the analyst role: a reader gets FORBIDDEN and nothing is stored', async () => {
    const { body } = await upload(base, reader, multipart(new Blob([JSON.stringify(sampleBundle(4))]), 'sample.json'));
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(body.data?.importStixFile ?? null).toBeNull();
    const anonymous = await upload(base, null, multipart(new Blob([JSON.stringify(sampleBundle(4))]), 'sample.json'));
    expect(anonymous.status).toBe(401);
    expect(await visibleCount()).toBe(0);
  });

  it('keeps CSRF prevention: a multipart POST without the preflight header is refused', async () => {
    const { status } = await upload(base, analyst, multipart(new Blob([JSON.stringify(sampleBundle(5))]), 'sample.json'), {});
    expect(status).toBe(403);
    expect(await visibleCount()).toBe(0);
  });

  it('respects the request size limit (413) and refuses a plain string in place of the file', async () => {
    const big = bundle(
      Array.from({ length: 60 }, (_, i) => sdo('campaign', sid('campaign', 100 + i, 0x11), { name: `campaign ${i}`, description: 'x'.repeat(64) })),
      0x1179,
    );
    const text = JSON.stringify(big);
    expect(text.length).toBeGreaterThan(4_096);
    const tooBig = await upload(smallBase, analyst, multipart(new Blob([text]), 'big.json'));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(await visibleCount()).toBe(0);
    // Compressed, the same bundle fits under the limit.
    const gz = gzipSync(Buffer.from(text));
    expect(gz.length).toBeLessThan(3_000);
    const fits = await upload(smallBase, analyst, multipart(new Blob([gz]), 'big.json.gz'));
    expect(fits.body.data.importStixFile).toMatchObject({ created: 60, errors: [] });

    const notAFile = await upload(base, analyst, multipart(text, 'ignored'));
    expect(notAFile.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(notAFile.body.errors?.[0]?.message).toMatch(/"file" must be a file/);
    const asJson = await api.gql(analyst, IMPORT, { file: text });
    expect(asJson.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await visibleCount()).toBe(60);
  });
});
