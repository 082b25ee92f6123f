/**
 * The TAXII 2.1 server under `/taxii2/` (OASIS TAXII 2.1, docs/taxii.md): routing, authentication
 * (Bearer, or Basic with the token as password), content negotiation, the spec's headers and error
 * message shape. Everything else is the TAXII service (services/taxii.service.ts). Fetch API in and
 * out, so tests call it without a port; app.ts mounts it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, GraphUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { DEFAULT_COLLECTION_ID, TAXII_MEDIA_TYPE, type TaxiiPage, type TaxiiService } from '../services/taxii.service';
import type { Viewer } from '../services/viewer';

export const TAXII_PREFIX = '/taxii2';
/** The one API root, below the prefix. */
export const API_ROOT_PATH = `${TAXII_PREFIX}/api/`;

export interface TaxiiHttpOptions {
  services: Services;
  logger: Logger;
  /** Viewer for requests without credentials; null refuses them (401). */
  anonymous?: Viewer | null;
  /** Largest request body (the API root's max_content_length). */
  maxRequestBytes: number;
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const HTTP_STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GRAPH_UNAVAILABLE: 503,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function taxiiJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': TAXII_MEDIA_TYPE, ...headers } });
}

/** The error message resource of TAXII 2.1 §3.6.1. */
function errorResponse(status: number, description: string, code?: string, headers: Record<string, string> = {}): Response {
  return taxiiJson(
    {
      title: STATUS_TITLES[status] ?? 'Error',
      description,
      http_status: String(status),
      ...(code ? { error_code: code } : {}),
    },
    status,
    headers,
  );
}

const CHALLENGE = 'Basic realm="attribution-graph TAXII", Bearer realm="attribution-graph TAXII"';

/** The token from `Authorization: Bearer <token>` or `Basic base64(user:token)`; null when absent. */
export function tokenFromAuthorization(header: string | null): string | null | undefined {
  if (header === null || header.trim() === '') return null;
  if (header.length > 2048) return undefined;
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    return password === '' ? undefined : password;
  }
  return undefined;
}

/** TAXII media type acceptable for the response? (absent Accept, wildcards, or 2.1 / unversioned) */
function acceptsTaxii(accept: string | null): boolean {
  if (accept === null || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type === '*/*' || type === 'application/*') return true;
    if (type !== 'application/taxii+json') return false;
    const version = params.find((p) => p.startsWith('version='));
    return version === undefined || version === 'version=2.1';
  });
}

function isTaxiiContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  const version = params.find((p) => p.startsWith('version='));
  return type === 'application/taxii+json' && (version === undefined || version === 'version=2.1');
}

function pageHeaders(page: TaxiiPage<unknown>): Record<string, string> {
  if (page.firstAdded === null || page.lastAdded === null) return {};
  return { 'X-TAXII-Date-Added-First': page.firstAdded, 'X-TAXII-Date-Added-Last': page.lastAdded };
}

function envelope(page: TaxiiPage<unknown>, key: 'objects' | 'versions'): Record<string, unknown> {
  // An empty page is an empty envelope (spec §3.7); otherwise more/next and the items.
  if (page.items.length === 0) return {};
  return { more: page.more, ...(page.next ? { next: page.next } : {}), [key]: page.items };
}

async function readBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, `The envelope is ${declared} bytes; this API root takes at most ${maxBytes} (max_content_length).`);
  }
  const buffer = new Uint8Array(await request.arrayBuffer());
  if (buffer.byteLength > maxBytes) {
    throw new HttpError(413, `The envelope is larger than ${maxBytes} bytes (max_content_length).`);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buffer));
  } catch (e) {
    throw new HttpError(400, `The request body is not UTF-8 JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface TaxiiHttp {
  fetch(request: Request): Promise<Response>;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** What the functions below need, resolved once by createTaxiiHttp. */
interface TaxiiHttpDeps {
  services: Services;
  /** services.taxii, as it was when the handler was made. */
  taxii: TaxiiService;
  /** The taxii-http area's child logger. */
  logger: Logger;
  anonymous: Viewer | null;
  maxRequestBytes: number;
}

export function createTaxiiHttp(options: TaxiiHttpOptions): TaxiiHttp {
  const deps: TaxiiHttpDeps = {
    services: options.services,
    taxii: options.services.taxii,
    logger: options.logger.child({ area: 'taxii-http' }),
    anonymous: options.anonymous ?? null,
    maxRequestBytes: options.maxRequestBytes,
  };
  return {
    fetch: (request) => fetchTaxii(deps, request),
    handle: (req, res) => handle(deps, req, res),
  };
}

async function authenticate({ services, anonymous }: TaxiiHttpDeps, request: Request): Promise<Viewer> {
  const token = tokenFromAuthorization(request.headers.get('authorization'));
  if (token === null) {
    if (anonymous) return anonymous;
    throw new HttpError(401, 'Authentication required: send your API token as Authorization: Bearer <token>, or as the password of HTTP Basic.', {
      'www-authenticate': CHALLENGE,
    });
  }
  const viewer = token === undefined ? null : await services.auth.authenticate(token);
  if (!viewer) throw new HttpError(401, 'The token is invalid or was revoked.', { 'www-authenticate': CHALLENGE });
  return viewer;
}

/** Refuses every method but GET and HEAD (405). */
function onlyGet(method: string): void {
  if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} is not supported here`, { allow: 'GET, HEAD' });
}

/** Discovery, the API root, status and the collection list; a collection's resources in collectionRoute. */
async function route(deps: TaxiiHttpDeps, request: Request, url: URL): Promise<Response> {
  const { taxii } = deps;
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  const method = request.method.toUpperCase();
  if (!acceptsTaxii(request.headers.get('accept'))) {
    throw new HttpError(406, `This server answers with ${TAXII_MEDIA_TYPE}; the Accept header does not allow it.`);
  }
  const viewer = await authenticate(deps, request);
  const root = `${url.origin}${API_ROOT_PATH}`;

  if (path === `${TAXII_PREFIX}/`) {
    onlyGet(method);
    return taxiiJson({
      title: 'Attribution Graph TAXII server',
      description: 'STIX 2.1 objects of this Attribution Graph instance, within your token’s TLP clearance.',
      default: root,
      api_roots: [root],
    });
  }
  if (!path.startsWith(API_ROOT_PATH)) throw new HttpError(404, `${url.pathname} is not a TAXII resource of this server`);
  const parts = path.slice(API_ROOT_PATH.length).split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));

  if (parts.length === 0) {
    onlyGet(method);
    return taxiiJson({
      title: 'Attribution Graph',
      description: `Collections of this instance. The built-in collection ${DEFAULT_COLLECTION_ID} holds everything your token may see.`,
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: deps.maxRequestBytes,
    });
  }
  if (parts[0] === 'status' && parts.length === 2) {
    onlyGet(method);
    return taxiiJson(await taxii.status(viewer, parts[1]!));
  }
  if (parts[0] !== 'collections') throw new HttpError(404, `${url.pathname} is not a TAXII resource of this server`);
  if (parts.length === 1) {
    onlyGet(method);
    return taxiiJson({ collections: await taxii.collections(viewer) });
  }
  return collectionRoute(deps, request, url, viewer, parts);
}

/** `collections/<id>/…`: the collection, its manifest, objects (GET and POST), one object, its versions. */
async function collectionRoute(deps: TaxiiHttpDeps, request: Request, url: URL, viewer: Viewer, parts: string[]): Promise<Response> {
  const { taxii } = deps;
  const method = request.method.toUpperCase();
  const collectionId = parts[1]!;
  if (parts.length === 2) {
    onlyGet(method);
    return taxiiJson(await taxii.collection(viewer, collectionId));
  }
  if (parts[2] === 'manifest' && parts.length === 3) {
    onlyGet(method);
    const page = await taxii.manifest(viewer, collectionId, url.searchParams);
    return taxiiJson(envelope(page, 'objects'), 200, pageHeaders(page));
  }
  if (parts[2] === 'objects' && parts.length === 3) {
    if (method === 'POST') {
      if (!isTaxiiContentType(request.headers.get('content-type'))) {
        throw new HttpError(415, `POST an envelope as Content-Type: ${TAXII_MEDIA_TYPE}`);
      }
      // The collection must exist and be writable before the body is read.
      const collection = await taxii.collection(viewer, collectionId);
      if (!collection.can_write) {
        throw new HttpError(403, `You may not write to collection ${collectionId} (read-only, or your token is not an analyst's).`);
      }
      const body = await readBody(request, deps.maxRequestBytes);
      return taxiiJson(await taxii.addObjects(viewer, collectionId, body), 202);
    }
    onlyGet(method);
    const page = await taxii.objects(viewer, collectionId, url.searchParams);
    return taxiiJson(envelope(page, 'objects'), 200, pageHeaders(page));
  }
  if (parts[2] === 'objects' && parts.length === 4) {
    if (method === 'DELETE') throw new HttpError(405, 'Deleting objects over TAXII is not supported by this server.', { allow: 'GET, HEAD' });
    onlyGet(method);
    const page = await taxii.object(viewer, collectionId, parts[3]!, url.searchParams);
    return taxiiJson(envelope(page, 'objects'), 200, pageHeaders(page));
  }
  if (parts[2] === 'objects' && parts[4] === 'versions' && parts.length === 5) {
    onlyGet(method);
    const page = await taxii.versions(viewer, collectionId, parts[3]!, url.searchParams);
    return taxiiJson(envelope(page, 'versions'), 200, pageHeaders(page));
  }
  throw new HttpError(404, `${url.pathname} is not a TAXII resource of this server`);
}

async function fetchTaxii(deps: TaxiiHttpDeps, request: Request): Promise<Response> {
  const url = new URL(request.url);
  try {
    const response = await route(deps, request, url);
    if (request.method.toUpperCase() === 'HEAD') return new Response(null, { status: response.status, headers: response.headers });
    return response;
  } catch (error) {
    if (error instanceof HttpError) return errorResponse(error.status, error.message, undefined, error.headers);
    if (error instanceof DomainError) {
      const status = HTTP_STATUS[error.code] ?? 400;
      const headers: Record<string, string> = error instanceof GraphUnavailableError ? { 'retry-after': '5' } : {};
      return errorResponse(status, error.message, error.code, headers);
    }
    deps.logger.error({ err: error, path: url.pathname, method: request.method }, 'TAXII request failed');
    return errorResponse(500, 'Unexpected error; it was logged on the server.');
  }
}

/** The same for node:http: the request as a Fetch Request, the Response written back. */
function handle(deps: TaxiiHttpDeps, req: IncomingMessage, res: ServerResponse): void {
  const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const request = new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: req as unknown as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
  void fetchTaxii(deps, request)
    .then(async (response) => {
      const out: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        out[key] = value;
      });
      res.writeHead(response.status, out);
      res.end(Buffer.from(await response.arrayBuffer()));
    })
    .catch((error: unknown) => {
      deps.logger.error({ err: error }, 'TAXII response failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
}
