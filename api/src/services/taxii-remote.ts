/**
 * A TAXII 2.1 client for one remote API root (docs/taxii.md): GETs with the TAXII media type,
 * retries where the spec and HTTP allow (429 with Retry-After, 502/503/504, timeouts; a POST only
 * on 429/503, when the server said it did not take it), and clear errors naming the URL, the HTTP
 * status and the server's own error message. No graph here: the feeds service imports what it reads.
 */
import { TAXII_MEDIA_TYPE } from './taxii.service';

export type RemoteAuth = { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string };

export interface RemoteOptions {
  auth: RemoteAuth;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  /** Attempts per request, the first included (default 5). */
  attempts?: number;
  /** Longest wait between attempts (default 60 s; a longer Retry-After gives up). */
  maxDelayMs?: number;
  /** Called before a retry (progress output). */
  onRetry?: (message: string) => void;
  signal?: AbortSignal;
}

export class TaxiiRemoteError extends Error {
  override name = 'TaxiiRemoteError';
  constructor(
    message: string,
    readonly status: number | null,
    readonly url: string,
  ) {
    super(message);
  }
}

export interface RemotePage {
  more: boolean;
  next: string | null;
  objects: Record<string, unknown>[];
  dateAddedFirst: string | null;
  dateAddedLast: string | null;
}

const RETRY_GET = new Set([429, 502, 503, 504]);
const RETRY_POST = new Set([429, 503]);

const HINTS: Record<number, string> = {
  401: 'check the credentials (--token-env, or --user with --password-env)',
  403: 'these credentials may not do this on this collection',
  404: 'check the API root URL and the collection id (`taxii collections <api-root>` lists them)',
  406: 'the server does not speak TAXII 2.1 at this URL',
  413: 'the envelope is larger than the API root’s max_content_length',
  415: 'the server refused the media type',
};

/** Seconds or an HTTP date → milliseconds from now; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function describe(body: string): string {
  try {
    const e = JSON.parse(body) as Record<string, unknown>;
    const parts = [e.title, e.description].filter((x) => typeof x === 'string' && x !== '');
    if (parts.length > 0) return parts.join(': ');
  } catch {
    // not JSON: the start of the text
  }
  return body.slice(0, 300).replace(/\s+/g, ' ').trim();
}

function authHeader(auth: RemoteAuth): Record<string, string> {
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` };
  if (auth.kind === 'basic') return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64')}` };
  return {};
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((done, fail) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      fail(signal.reason);
    });
  });

export interface TaxiiRemote {
  readonly apiRoot: string;
  getJson(path: string, params?: URLSearchParams): Promise<{ body: Record<string, unknown>; headers: Headers }>;
  objectsPage(collection: string, params: URLSearchParams): Promise<RemotePage>;
  postEnvelope(collection: string, objects: unknown[]): Promise<Record<string, unknown>>;
  status(id: string): Promise<Record<string, unknown>>;
}

/** `apiRoot` is the API root URL (ending in `/`, added when missing). */
export function taxiiRemote(apiRootUrl: string, options: RemoteOptions): TaxiiRemote {
  const apiRoot = apiRootUrl.endsWith('/') ? apiRootUrl : `${apiRootUrl}/`;
  const attempts = Math.max(1, options.attempts ?? 5);
  const maxDelay = options.maxDelayMs ?? 60_000;

  async function request(method: 'GET' | 'POST', url: string, body?: string): Promise<{ text: string; headers: Headers }> {
    const retryable = method === 'GET' ? RETRY_GET : RETRY_POST;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            accept: TAXII_MEDIA_TYPE,
            ...(body !== undefined ? { 'content-type': TAXII_MEDIA_TYPE } : {}),
            ...authHeader(options.auth),
          },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 60_000), ...(options.signal ? [options.signal] : [])]),
        });
      } catch (e) {
        if (options.signal?.aborted) throw e;
        const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
        const reason = timedOut ? `no answer within ${(options.timeoutMs ?? 60_000) / 1000} s` : `cannot reach the server (${(e as Error).cause ?? (e as Error).message})`;
        // A POST that timed out may have been taken: not retried (the status would be lost).
        if (attempt < attempts && method === 'GET') {
          const wait = Math.min(maxDelay, 1000 * 2 ** (attempt - 1));
          options.onRetry?.(`${method} ${url}: ${reason}; retrying in ${(wait / 1000).toFixed(0)} s (attempt ${attempt + 1} of ${attempts})`);
          await sleep(wait, options.signal);
          continue;
        }
        throw new TaxiiRemoteError(`${method} ${url}: ${reason}`, null, url);
      }
      const text = await response.text();
      if (response.ok) {
        const type = response.headers.get('content-type') ?? '';
        if (!/^application\/(taxii|stix)\+json\b/i.test(type) && !/^application\/json\b/i.test(type)) {
          throw new TaxiiRemoteError(`${method} ${url}: the server answered ${type || 'without a Content-Type'}, not TAXII JSON (is this a TAXII 2.1 API root?)`, response.status, url);
        }
        return { text, headers: response.headers };
      }
      if (retryable.has(response.status) && attempt < attempts) {
        const hinted = retryAfterMs(response.headers.get('retry-after'));
        const wait = hinted ?? Math.min(maxDelay, 1000 * 2 ** (attempt - 1));
        if (wait <= maxDelay) {
          options.onRetry?.(`${method} ${url}: HTTP ${response.status}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${attempts})`);
          await sleep(wait, options.signal);
          continue;
        }
      }
      const hint = HINTS[response.status] ? ` (${HINTS[response.status]})` : '';
      throw new TaxiiRemoteError(`${method} ${url}: HTTP ${response.status}: ${describe(text)}${hint}`, response.status, url);
    }
  }

  function parse(text: string, url: string): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new TaxiiRemoteError(`${url}: malformed answer, not JSON (${(e as Error).message})`, null, url);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TaxiiRemoteError(`${url}: malformed answer, not a JSON object`, null, url);
    }
    return value as Record<string, unknown>;
  }

  const urlOf = (path: string, params?: URLSearchParams) => {
    const q = params?.toString();
    return `${new URL(path, apiRoot).toString()}${q ? `?${q}` : ''}`;
  };

  return {
    apiRoot,
    async getJson(path, params) {
      const url = urlOf(path, params);
      const { text, headers } = await request('GET', url);
      return { body: parse(text, url), headers };
    },
    async objectsPage(collection, params) {
      const url = urlOf(`collections/${encodeURIComponent(collection)}/objects/`, params);
      const { text, headers } = await request('GET', url);
      const body = parse(text, url);
      const objects = body.objects ?? [];
      if (!Array.isArray(objects) || objects.some((o) => typeof o !== 'object' || o === null || Array.isArray(o))) {
        throw new TaxiiRemoteError(`${url}: malformed envelope: "objects" is not a list of objects`, null, url);
      }
      if (body.more !== undefined && typeof body.more !== 'boolean') {
        throw new TaxiiRemoteError(`${url}: malformed envelope: "more" is not true or false`, null, url);
      }
      return {
        more: body.more === true,
        next: typeof body.next === 'string' && body.next !== '' ? body.next : null,
        objects: objects as Record<string, unknown>[],
        dateAddedFirst: headers.get('x-taxii-date-added-first'),
        dateAddedLast: headers.get('x-taxii-date-added-last'),
      };
    },
    async postEnvelope(collection, objects) {
      const url = urlOf(`collections/${encodeURIComponent(collection)}/objects/`);
      const { text } = await request('POST', url, JSON.stringify({ objects }));
      return parse(text, url);
    },
    async status(id) {
      const url = urlOf(`status/${encodeURIComponent(id)}/`);
      const { text } = await request('GET', url);
      return parse(text, url);
    },
  };
}
