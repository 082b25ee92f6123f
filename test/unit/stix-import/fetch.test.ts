/**
 * URL imports (issue 14, low): an https-only import never follows a redirect to plain http (or any
 * other scheme), follows at most MAX_REDIRECTS https redirects, and has an overall deadline.
 */
import { describe, expect, it } from 'vitest';
import { MAX_REDIRECTS, fetchHttpsOnly, openStixSource, StixInputError } from '../../../importers/stix/parse';

const redirect = (to: string) => new Response(null, { status: 302, headers: { location: to } });
const bundle = JSON.stringify({ type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000001', objects: [] });

function fakeFetch(answers: Record<string, () => Response>) {
  const asked: string[] = [];
  const impl = (async (input: URL | RequestInfo) => {
    const url = String(input);
    asked.push(url);
    const answer = answers[url];
    if (!answer) throw new Error(`unexpected fetch of ${url}`);
    return answer();
  }) as typeof fetch;
  return { impl, asked };
}

describe('https-only URL imports', () => {
  it('refuses a redirect to plain http, without fetching it', async () => {
    const f = fakeFetch({ 'https://feed.example/b.json': () => redirect('http://127.0.0.1:8080/b.json') });
    await expect(fetchHttpsOnly(new URL('https://feed.example/b.json'), AbortSignal.timeout(5_000), f.impl)).rejects.toThrow(
      /refused a redirect from https:\/\/feed.example to http:\/\/127.0.0.1:8080/,
    );
    expect(f.asked).toEqual(['https://feed.example/b.json']);
  });

  it('follows https redirects (relative ones too) to the bundle', async () => {
    const f = fakeFetch({
      'https://feed.example/b.json': () => redirect('/v2/b.json'),
      'https://feed.example/v2/b.json': () => redirect('https://cdn.example/b.json'),
      'https://cdn.example/b.json': () => new Response(bundle, { status: 200 }),
    });
    const input = await openStixSource('https://feed.example/b.json', {}, undefined, f.impl);
    expect(input.count).toBeNull(); // streamed
    expect(f.asked).toHaveLength(3);
  });

  it(`stops after ${MAX_REDIRECTS} redirects`, async () => {
    const answers: Record<string, () => Response> = {};
    for (let i = 0; i <= MAX_REDIRECTS + 1; i++) answers[`https://loop.example/${i}`] = () => redirect(`/${i + 1}`);
    const f = fakeFetch(answers);
    await expect(fetchHttpsOnly(new URL('https://loop.example/0'), AbortSignal.timeout(5_000), f.impl)).rejects.toThrow(/more than 5 redirects/);
  });

  it('gives up when the whole fetch takes longer than fetchTimeoutMs', async () => {
    const hanging = (async (_: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))) as typeof fetch;
    const started = Date.now();
    const error = await openStixSource('https://slow.example/b.json', { fetchTimeoutMs: 200 }, undefined, hanging).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StixInputError);
    expect(String((error as Error).message)).toMatch(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
