/**
 * Test access to the GraphQL API without a port (`app.fetch`), as graphql-yoga's examples do.
 */
import { createApp, type App } from '../../api/src/app';
import type { Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import { resetGraph } from './graph';
import { createServices, type Services } from '../../api/src/services';
import type { Role } from '../../api/src/services/viewer';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import type { TlpLevel } from '../../schema/graph/kinds';

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] | undefined;
  headers: Headers;
}

export interface TestApi {
  app: App;
  services: Services;
  /** POSTs one operation as JSON with the token (null: no Authorization header). */
  gql<T = Record<string, any>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GqlResponse<T>>;
  /** Issues a token through the auth service (as the local system operator). */
  token(role: Role, clearance: TlpLevel, name?: string): Promise<string>;
}

export function createTestApi(graph: Graph, options: { logLevel?: string } = {}): TestApi {
  const logger = createLogger(options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent');
  const services = createServices({ graph, logger });
  const app = createApp({ services, logger });
  const issuedNames = new Map<string, number>();
  return {
    app,
    services,
    async gql(token, query, variables = {}, headers = {}) {
      const response = await app.fetch(
        new Request('http://localhost/graphql', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            ...(token === null ? {} : { authorization: `Bearer ${token}` }),
            ...headers,
          },
          body: JSON.stringify({ query, variables }),
        }),
      );
      const text = await response.text();
      let body: { data?: unknown; errors?: GqlResponse['errors'] } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        body = { errors: [{ message: `non-JSON response: ${text.slice(0, 200)}` }] };
      }
      return { status: response.status, data: body.data as never, errors: body.errors, headers: response.headers };
    },
    async token(role, clearance, name) {
      // Live token names are unique: unnamed tokens are `reader-CLEAR`, then `reader-CLEAR-2`, …
      const base = `${role}-${clearance}`;
      const n = (issuedNames.get(base) ?? 0) + 1;
      issuedNames.set(base, n);
      const chosen = name ?? (n === 1 ? base : `${base}-${n}`);
      const issued = await services.auth.createToken({ name: chosen, role, clearance }, { viewer: SYSTEM_VIEWER });
      return issued.token;
    },
  };
}

/**
 * An empty test graph and an app over it with the token and case schemas in place, as
 * `prepareServices` leaves them at start-up.
 */
export async function freshTestApi(graph: Graph, options: { logLevel?: string } = {}): Promise<TestApi> {
  await resetGraph(graph);
  const api = createTestApi(graph, options);
  await api.services.auth.ensureSchema();
  await api.services.cases.ensureSchema();
  return api;
}
