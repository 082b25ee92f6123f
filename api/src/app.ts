/**
 * Builds the app without listening: the GraphQL endpoint (graphql-yoga), health probes, the TAXII
 * 2.1 server (taxii/) and the web front end's static files. Tests call `app.fetch` / `app.handle` directly.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from './logger';
import { buildSchema } from './modules/schema';
import type { AppContext } from './modules/context';
import { useErrorMapping } from './modules/errors';
import { createRequestLoaders } from './modules/explore/loaders';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { useAuth } from './plugins/use-auth';
import { QUERY_LIMITS, useLimits } from './plugins/use-limits';
import type { Services } from './services';
import type { Viewer } from './services/viewer';
import { serveStatic } from './http/static';
import { createTaxiiHttp, TAXII_PREFIX } from './taxii/taxii.http';
import type { SupervisorStatus } from './neo4j-supervisor';

/** Header a browser cannot send cross-site without a CORS preflight; the web client sends it. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';
/** Default largest request body: room for a sizeable STIX bundle; use the CLI for bigger ones. */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

const GRAPHIQL_DEFAULT_QUERY = `# Paste your token in the Headers tab below:
#   { "Authorization": "Bearer ag_…" }
# The local admin token is in .data/admin.token (see docs/api.md).
query Example {
  viewer { name role clearance }
  search(text: "APT28", first: 5) {
    totalCount
    edges { node { id type name tlp } }
  }
}
`;

export interface AppOptions {
  services: Services;
  logger: Logger;
  /** Folder of the built web front end; omitted → no web UI is served. */
  webDir?: string;
  /** Viewer for requests without a token; omitted or null → such requests get 401. */
  anonymous?: Viewer | null;
  /** Origins allowed by CORS besides the app's own (none by default: same origin only). */
  corsOrigins?: readonly string[];
  /** Largest request body in bytes (default DEFAULT_MAX_REQUEST_BYTES). */
  maxRequestBytes?: number;
  /** Serve GraphiQL at GET /graphql (off by default: it loads scripts from a CDN). */
  graphiql?: boolean;
  /** State of the supervised local Neo4j (neo4j-supervisor.ts), reported by /readyz. */
  neo4jStatus?: () => SupervisorStatus;
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, AppContext>;
  /** Fetch-API entry point (tests use it without a port). */
  fetch: (request: Request) => Promise<Response>;
  /** Node http handler: /graphql, /healthz, /readyz, then static files. */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

export function createApp(options: AppOptions): App {
  const { services, logger } = options;
  const auth = useAuth({ auth: services.auth, anonymous: options.anonymous ?? null, logger });
  const corsOrigins = [...(options.corsOrigins ?? [])];
  const yoga = createYoga<Record<string, unknown>, AppContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: logger.child({ area: 'graphql' }),
    // The GraphiQL page is static; every request it sends needs a token (header editor).
    graphiql: options.graphiql !== true ? false : {
      title: 'Attribution Graph — GraphiQL',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      headers: JSON.stringify({ Authorization: 'Bearer <paste your token here>' }, null, 2),
      shouldPersistHeaders: false,
      subscriptionsProtocol: 'SSE',
    },
    // Same origin only unless origins are configured (an empty list would mean "any" to yoga).
    cors:
      corsOrigins.length > 0
        ? {
            origin: corsOrigins,
            methods: ['GET', 'POST'],
            allowedHeaders: ['authorization', 'content-type', CSRF_HEADER, 'x-request-id'],
            credentials: false,
          }
        : false,
    batching: { limit: QUERY_LIMITS.maxBatch },
    maxRequestBodySize: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    plugins: [
      auth,
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      ...useLimits(),
      useErrorMapping(),
      // Queries and mutations run through compiled (JIT) executors, cached per document: a 2-hop
      // neighbourhood answer has ~19 000 fields (see docs/api.md, Speed).
      useGraphQlJit(),
    ],
    context: ({ request }) => {
      const requestId = request.headers.get('x-request-id')?.slice(0, 64) || randomUUID();
      const viewer = auth.viewerOf(request);
      return {
        services,
        logger: logger.child({ requestId, viewer: viewer?.id ?? null }),
        requestId,
        viewer,
        loaders: createRequestLoaders(services, viewer),
      };
    },
  });

  /** Security headers of every response; the GraphiQL page gets its own CSP. */
  const headersFor = (pathname: string, html: boolean) =>
    securityHeaders(options.graphiql === true && html && (pathname === '/graphql' || pathname.startsWith('/graphql/')));

  async function health(pathname: string): Promise<Response | undefined> {
    if (pathname === '/healthz') return Response.json({ status: 'ok' });
    if (pathname === '/readyz') {
      const local = options.neo4jStatus?.();
      const neo4j = local
        ? { neo4j: { state: local.state, restarts: local.restarts, failures: local.failures, lastExit: local.lastExit } }
        : {};
      if (local && local.state !== 'running') {
        const reason = local.state === 'restarting' ? 'the local Neo4j exited and is being restarted' : 'the local Neo4j is stopped';
        return Response.json({ status: 'unavailable', reason, ...neo4j }, { status: 503 });
      }
      try {
        await services.graph.verify();
        return Response.json({ status: 'ready', database: services.graph.database, ...neo4j });
      } catch {
        return Response.json({ status: 'unavailable', reason: 'graph database unavailable', ...neo4j }, { status: 503 });
      }
    }
    return undefined;
  }

  // TAXII 2.1 under /taxii2/ (docs/taxii.md): same tokens, same services, its own media types.
  const taxii = createTaxiiHttp({
    services,
    logger,
    anonymous: options.anonymous ?? null,
    maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
  });
  const isTaxii = (pathname: string) => pathname === TAXII_PREFIX || pathname.startsWith(`${TAXII_PREFIX}/`);

  const fetchHandler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const response = (await health(url.pathname)) ?? (isTaxii(url.pathname) ? await taxii.fetch(request) : await yoga.fetch(request));
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(headersFor(url.pathname, wantsHtml(request.headers.get('accept'))))) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    for (const [name, value] of Object.entries(headersFor(pathname, wantsHtml(req.headers.accept ?? null)))) res.setHeader(name, value);
    if (pathname === '/graphql' || pathname.startsWith('/graphql/')) {
      void yoga.handle(req, res);
      return;
    }
    if (isTaxii(pathname)) {
      taxii.handle(req, res);
      return;
    }
    if (pathname === '/healthz' || pathname === '/readyz') {
      void health(pathname).then(async (response) => {
        res.writeHead(response!.status, { 'content-type': 'application/json' });
        res.end(await response!.text());
      });
      return;
    }
    serveStatic(options.webDir, pathname, req, res);
  };

  return { yoga, fetch: fetchHandler, handle };
}

/** Whether a request asks for an HTML page (the GraphiQL page answers those at /graphql). */
function wantsHtml(accept: string | null): boolean {
  return accept !== null && accept.includes('text/html');
}

/** The one pinned package path GraphiQL's page loads from (graphql-yoga's built-in page). */
export const GRAPHIQL_CDN = 'https://unpkg.com/@graphql-yoga/graphiql@4.5.1/';

/**
 * Headers on every response: no framing (X-Frame-Options and CSP frame-ancestors), no MIME
 * sniffing, no referrer, and a Content-Security-Policy. The app's own pages load everything from
 * the app's origin (the web explorer is a Vite bundle: no inline script, inline styles from
 * Cytoscape); the GraphiQL page (only when enabled) may also load from its pinned CDN path and run
 * its inline bootstrap scripts and blob: workers.
 */
export function securityHeaders(graphiqlPage: boolean): Record<string, string> {
  const csp = graphiqlPage
    ? [
        "default-src 'none'",
        `script-src 'unsafe-inline' ${GRAPHIQL_CDN}`,
        `style-src 'unsafe-inline' ${GRAPHIQL_CDN}`,
        `connect-src 'self' ${GRAPHIQL_CDN}`,
        'worker-src blob:',
        "img-src 'self' data: https://raw.githubusercontent.com",
        "font-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ]
    : [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ];
  return {
    'content-security-policy': csp.join('; '),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}
