/**
 * Builds the app without listening: the GraphQL endpoint (graphql-yoga), health probes and the
 * web front end's static files. Tests call `app.fetch` / `app.handle` directly.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from './logger';
import { buildSchema } from './modules/schema';
import type { AppContext } from './modules/context';
import type { Services } from './services';
import { serveStatic } from './http/static';

export interface AppOptions {
  services: Services;
  logger: Logger;
  /** Folder of the built web front end; omitted → no web UI is served. */
  webDir?: string;
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
  const yoga = createYoga<Record<string, unknown>, AppContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: logger.child({ area: 'graphql' }),
    context: ({ request }) => {
      const requestId = request.headers.get('x-request-id')?.slice(0, 64) || randomUUID();
      return { services, logger: logger.child({ requestId }), requestId, viewer: null };
    },
  });

  async function health(pathname: string): Promise<Response | undefined> {
    if (pathname === '/healthz') return Response.json({ status: 'ok' });
    if (pathname === '/readyz') {
      try {
        await services.graph.verify();
        return Response.json({ status: 'ready', database: services.graph.database });
      } catch {
        return Response.json({ status: 'unavailable', reason: 'graph database unavailable' }, { status: 503 });
      }
    }
    return undefined;
  }

  const fetchHandler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const probe = await health(url.pathname);
    if (probe) return probe;
    return yoga.fetch(request);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (pathname === '/graphql' || pathname.startsWith('/graphql/')) {
      void yoga.handle(req, res);
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
