/**
 * Subscriptions over Server-Sent Events: events reach subscribers, filtered by clearance (and, for
 * import progress, by who started the import).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import type { AssessmentChangedEvent, ImportProgressEvent } from '../../api/src/services/events';
import { createTestApi, type TestApi } from '../support/api';
import { connectTestGraph, resetGraph } from '../support/graph';

async function subscribe(api: TestApi, token: string, query: string) {
  const controller = new AbortController();
  const response = await api.app.fetch(
    new Request('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
      signal: controller.signal,
    }),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    /** The data of the next `next` event. */
    async next(): Promise<any> {
      for (;;) {
        const match = /event: next\ndata: (.*)\n\n/.exec(buffer);
        if (match) {
          buffer = buffer.slice(match.index + match[0].length);
          return JSON.parse(match[1]!);
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    /**
     * Aborts the request, which ends the subscription on the server and the stream with it. Not
     * also cancelling the reader: a cancel racing the abort made Node's fetch close an already
     * closed stream (ERR_INVALID_STATE, an uncaught exception seen in CI).
     */
    close() {
      controller.abort();
      reader.releaseLock();
    },
  };
}

/** Publishes until the subscriber has received something (the subscription starts asynchronously). */
async function publishUntil<T>(publish: () => void, received: Promise<T>): Promise<T> {
  let done = false;
  void received.finally(() => (done = true));
  while (!done) {
    publish();
    await new Promise((r) => setTimeout(r, 25));
  }
  return received;
}

/** An analyst token and the viewer the services see for it (to start imports without GraphQL). */
async function serviceAnalyst(api: TestApi, name: string) {
  const { token, record } = await api.services.auth.createToken(
    { name, role: 'analyst', clearance: 'RED' },
    { viewer: { id: 'system', name: 'system', role: 'admin', clearance: 'RED', clearanceRank: 4 } },
  );
  return { token, viewer: { id: record.id, name, role: 'analyst' as const, clearance: 'RED' as const, clearanceRank: 4 } };
}

/**
 * Runs `start` (which returns an import id) until `sub` delivers the event `ends` accepts for one of
 * those imports (the subscription starts asynchronously); returns that event and every event read.
 */
async function importUntil(
  sub: { next(): Promise<any> },
  start: (attempt: number) => Promise<string>,
  ends: (event: any) => boolean,
): Promise<{ ended: any; events: any[]; importIds: Set<string> }> {
  const importIds = new Set<string>();
  const events: any[] = [];
  let ended: any;
  const reading = (async () => {
    for (;;) {
      const e = (await sub.next()).data.importProgress;
      events.push(e);
      if (importIds.has(e.importId) && ends(e)) return (ended = e);
    }
  })();
  for (let attempt = 0; attempt < 40 && ended === undefined; attempt += 1) {
    importIds.add(await start(attempt));
    await Promise.race([reading, new Promise((r) => setTimeout(r, 50))]);
  }
  return { ended, events, importIds };
}

describe('subscriptions over SSE', () => {
  let graph: Graph;
  let api: TestApi;

  beforeAll(async () => {
    graph = connectTestGraph();
    await resetGraph(graph);
    api = createTestApi(graph);
    await api.services.auth.ensureSchema();
  });
  afterAll(async () => graph.close());

  it('delivers assessment changes within the clearance only', async () => {
    const green = await api.token('reader', 'GREEN');
    const sub = await subscribe(api, green, 'subscription { assessmentChanged { incidentId hypothesisId reason at } }');
    const event = (incidentId: string, tlpRank: number): AssessmentChangedEvent => ({
      incidentId,
      hypothesisId: null,
      tlpRank,
      reason: 'evidence-rated',
      at: '2025-12-11T20:00:00Z',
    });
    const first = await publishUntil(() => {
      api.services.events.publish('assessmentChanged', event('incident--red', 4));
      api.services.events.publish('assessmentChanged', event('incident--amber', 2));
      api.services.events.publish('assessmentChanged', event('incident--green', 1));
    }, sub.next());
    expect(first).toEqual({
      data: { assessmentChanged: { incidentId: 'incident--green', hypothesisId: null, reason: 'evidence-rated', at: '2025-12-11T20:00:00Z' } },
    });
    const later = [sub.next(), sub.next()].reduce((a, b) => a.then((xs) => b.then((x) => [...xs, x])), Promise.resolve([] as any[]));
    api.services.events.publish('assessmentChanged', event('incident--red', 4));
    api.services.events.publish('assessmentChanged', event('incident--green-2', 1));
    api.services.events.publish('assessmentChanged', event('incident--red-2', 3));
    api.services.events.publish('assessmentChanged', event('incident--clear', 0));
    const ids: string[] = (await later).map((e: any) => e.data.assessmentChanged.incidentId);
    // Only GREEN or CLEAR events (left over from the first burst, or the ones just published).
    expect(ids.every((id) => id.startsWith('incident--green') || id === 'incident--clear')).toBe(true);
    sub.close();
  });

  it('delivers import progress to whoever started the import and to admins', async () => {
    const analyst = await api.services.auth.createToken(
      { name: 'a', role: 'analyst', clearance: 'RED' },
      { viewer: { id: 'system', name: 'system', role: 'admin', clearance: 'RED', clearanceRank: 4 } },
    );
    const other = await api.token('analyst', 'RED', 'other');
    const admin = await api.token('admin', 'RED');
    const query = 'subscription { importProgress { importId phase done total } }';
    const mine = await subscribe(api, analyst.token, query);
    const theirs = await subscribe(api, other, query);
    const all = await subscribe(api, admin, query);
    const progress = (viewerId: string, importId: string): ImportProgressEvent => ({
      importId,
      viewerId,
      tlpRank: 0,
      phase: 'write',
      done: 10,
      total: 20,
      at: '2025-12-11T20:00:00Z',
    });
    const publish = () => api.services.events.publish('importProgress', progress(analyst.record.id, 'import-1'));
    const [a, b] = await Promise.all([publishUntil(publish, mine.next()), publishUntil(publish, all.next())]);
    expect(a.data.importProgress).toEqual({ importId: 'import-1', phase: 'write', done: 10, total: 20 });
    expect(b.data.importProgress.importId).toBe('import-1');
    // The other analyst gets only their own import's progress.
    const c = await publishUntil(() => {
      publish();
      api.services.events.publish('importProgress', progress('someone-else', 'import-x'));
    }, Promise.race([theirs.next(), new Promise((r) => setTimeout(() => r('nothing'), 500))]));
    expect(c).toBe('nothing');
    for (const s of [mine, theirs, all]) s.close();
  });

  it('streams the progress of a real importStixBundle to the analyst who started it', async () => {
    const analyst = await api.token('analyst', 'RED', 'importer');
    const sub = await subscribe(api, analyst, 'subscription { importProgress { importId phase done total } }');
    const bundle = {
      type: 'bundle',
      id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
      objects: [
        {
          type: 'campaign', spec_version: '2.1', id: 'campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
          created: '2025-12-11T20:00:00.000Z', modified: '2025-12-11T20:00:00.000Z', name: 'Progress probe',
        },
      ],
    };
    const mutation = 'mutation($b: JSON!) { importStixBundle(bundle: $b) { importId created unchanged } }';
    // Re-imports are no-ops, but each is announced.
    const { ended, importIds } = await importUntil(
      sub,
      async () => (await api.gql<{ importStixBundle: { importId: string } }>(analyst, mutation, { b: bundle })).data!.importStixBundle.importId,
      () => true,
    );
    expect(ended?.importId).toBeOneOf([...importIds]);
    expect(ended?.phase).toBeOneOf(['read', 'write', 'commit', 'done']);
    sub.close();
  });

  it('announces imports started outside GraphQL too (fact sheets, seed, CLI share the service), ending with done', async () => {
    const { token, viewer } = await serviceAnalyst(api, 'sheet-importer');
    const sub = await subscribe(api, token, 'subscription { importProgress { importId phase done total } }');
    const bundle = (n: number) => ({
      type: 'bundle',
      id: 'bundle--0c6a1a5e-4f43-4e0b-9d2c-2a9f3f0c5b11',
      objects: [
        {
          type: 'campaign', spec_version: '2.1', id: `campaign--${String(n).padStart(8, '0')}-17d4-4cbf-938f-98ee46b3cd3f`,
          created: '2025-12-11T20:00:00.000Z', modified: '2025-12-11T20:00:00.000Z', name: `Service probe ${n}`,
        },
      ],
    });
    const objects = new Map<string, number>();
    const { ended, events } = await importUntil(
      sub,
      async (n) => {
        const report = await api.services.stixImport.importBundle(bundle(n), { viewer, source: 'service-test' });
        objects.set(report.importId, report.objects);
        return report.importId;
      },
      (e) => e.phase === 'done',
    );
    expect(ended).toBeDefined();
    expect(ended.done).toBe(objects.get(ended.importId));
    expect(ended.total).toBe(1);
    // Every event of that import came before its done, and none of them says failed.
    const mine = events.filter((e) => e.importId === ended.importId);
    expect(mine.at(-1)).toBe(ended);
    expect(mine.every((e) => e.phase !== 'failed')).toBe(true);
    sub.close();
  });

  it('announces a refused import as failed', async () => {
    const { token, viewer } = await serviceAnalyst(api, 'refused-importer');
    const sub = await subscribe(api, token, 'subscription { importProgress { importId phase } }');
    const { ended } = await importUntil(
      sub,
      async () => {
        const report = await api.services.stixImport.importBundle({ type: 'bundle', id: 'bundle--x', objects: 'not a list' }, { viewer });
        expect(report.errors.length).toBeGreaterThan(0);
        return report.importId;
      },
      (e) => e.phase === 'failed',
    );
    expect(ended?.phase).toBe('failed');
    sub.close();
  });

  it('refuses subscriptions without a token', async () => {
    const response = await api.app.fetch(
      new Request('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: 'subscription { assessmentChanged { incidentId } }' }),
      }),
    );
    expect(response.status).toBe(401);
  });
});
