/**
 * The hypotheses view is loaded in one HTTP request (web/src/api/hypotheses.ts loadHypotheses):
 * the view's document and its history as a batch of two operations, so the history failing leaves
 * the view (without its chart), while the view's own document failing fails it.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, call, createClient, operation } from '../../../web/src/api/client';
import { loadHypotheses } from '../../../web/src/api/hypotheses';

const INCIDENT = { id: 'x-incident--00000000-0000-4000-8000-000000000001', name: 'Case', hypotheses: [{ id: 'h1', name: 'APT A', category: 'actor' }] };

const VIEW = {
  assessment: {
    hypotheses: [{ hypothesis: { id: 'h1', name: 'APT A', category: 'actor' }, score: 0, posterior: 1, rank: 1, label: 'almost certain', confidence: null }],
    evidence: [],
    sensitivity: [],
    analysts: [],
    pooled: null,
    disagreement: [],
    explanation: ['only one hypothesis'],
    leadStatus: 'CLEAR',
    tiedForLead: [],
    leadRestsOn: [],
  },
  incident: {
    id: INCIDENT.id,
    name: 'Case',
    tlp: 'GREEN',
    hypotheses: [{ id: 'h1', name: 'APT A', description: null, category: 'actor', prior: null, status: 'OPEN', rationale: null, modified: '2024-01-01T00:00:00.000Z', tlp: 'GREEN', judgements: [] }],
    evidence: [],
  },
};

const HISTORY = { assessmentHistory: { points: [{ asOf: '2024-01-02T00:00:00.000Z', leader: { id: 'h1' }, hypotheses: [{ hypothesis: { id: 'h1' }, posterior: 1 }] }] } };

/** A server answering each batched operation by its name; records every request body. */
function server(answers: Record<string, unknown>) {
  const bodies: unknown[] = [];
  const fetchImpl = (async (_: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { operationName: string }[] | { operationName: string };
    bodies.push(body);
    const answer = (op: { operationName: string }) => answers[op.operationName];
    return new Response(JSON.stringify(Array.isArray(body) ? body.map(answer) : answer(body)), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { client: createClient({ getToken: () => 't', fetchImpl }), bodies };
}

const failed = (message: string, path: string) => ({ data: null, errors: [{ message, path: [path], extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });

describe('loadHypotheses', () => {
  it('asks for the view and its history in one request, as a batch of two operations', async () => {
    const { client, bodies } = server({ WebHypothesesView: { data: VIEW }, WebAssessmentHistory: { data: HISTORY } });
    const data = await loadHypotheses(client, INCIDENT, null, true, 'ana');
    expect(bodies).toHaveLength(1);
    expect((bodies[0] as { operationName: string }[]).map((b) => b.operationName)).toEqual(['WebHypothesesView', 'WebAssessmentHistory']);
    expect(data.hypotheses.map((h) => [h.id, h.status, h.posterior])).toEqual([['h1', 'OPEN', 1]]);
    expect(data.history).toEqual([{ date: '2024-01-02T00:00:00.000Z', posteriors: { h1: 1 } }]);
  });

  it('stands without its history when the history fails', async () => {
    const { client } = server({ WebHypothesesView: { data: VIEW }, WebAssessmentHistory: failed('Unexpected error.', 'assessmentHistory') });
    const data = await loadHypotheses(client, INCIDENT, null, true, 'ana');
    expect(data.history).toEqual([]);
    expect(data.explanation).toEqual(['only one hypothesis']);
  });

  it('fails when the view itself fails, with the server message and code', async () => {
    const { client } = server({ WebHypothesesView: failed('Unexpected error.', 'assessment'), WebAssessmentHistory: { data: HISTORY } });
    const error = await loadHypotheses(client, INCIDENT, null, true, 'ana').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('requestAll', () => {
  const A = operation<{ a: number }, { n: number }>('A', 'query A($n: Int) { a }');
  const B = operation<{ b: number }, Record<string, never>>('B', 'query B { b }');

  it('settles each operation on its own; partial data of one is still an error for it', async () => {
    const { client } = server({ A: { data: { a: 1 } }, B: { data: { b: null }, errors: [{ message: 'b failed', path: ['b'] }] } });
    const [a, b] = await client.requestAll([call(A, { n: 1 }), call(B, {})]);
    expect(a).toEqual({ status: 'fulfilled', value: { a: 1 } });
    expect(b.status).toBe('rejected');
    expect(b.status === 'rejected' && (b.reason as ApiError).message).toBe('b failed');
  });

  it('rejects whole when the request is refused whole (no answer per operation)', async () => {
    const fetchImpl = (async () => new Response(JSON.stringify({ errors: [{ message: 'Batching is limited', extensions: { code: 'BAD_REQUEST' } }] }), { status: 400 })) as unknown as typeof fetch;
    const client = createClient({ getToken: () => null, fetchImpl });
    await expect(client.requestAll([call(A, { n: 1 }), call(B, {})])).rejects.toThrow(/Batching is limited/);
  });
});
