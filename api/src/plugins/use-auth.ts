/**
 * Authentication, before the request body is even parsed: `Authorization: Bearer <token>` is
 * checked against the stored token hashes; without a valid token the request ends with 401
 * (UNAUTHENTICATED), unless anonymous access was explicitly configured. The viewer found is kept
 * per request for the context factory (`viewerOf(request)`). The GraphiQL page itself is served
 * without a token (it is static); every query it sends needs one.
 */
import type { Plugin } from 'graphql-yoga';
import { GraphUnavailableError } from '../errors';
import type { AuthService } from '../services/auth.service';
import type { Viewer } from '../services/viewer';

export interface AuthState {
  viewerOf(request: Request): Viewer | null;
}

export interface UseAuthOptions {
  auth: AuthService;
  /** Viewer for requests without a token; null (the default) refuses them. */
  anonymous?: Viewer | null;
}

function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export function useAuth(options: UseAuthOptions): Plugin & AuthState {
  const viewers = new WeakMap<Request, Viewer>();
  const anonymous = options.anonymous ?? null;
  return {
    viewerOf: (request) => viewers.get(request) ?? null,
    async onRequestParse({ request, endResponse }) {
      const header = request.headers.get('authorization');
      if (header === null || header.trim() === '') {
        if (anonymous) {
          viewers.set(request, anonymous);
          return;
        }
        endResponse(
          errorResponse(401, 'UNAUTHENTICATED', 'Authentication required: send Authorization: Bearer <token>.', {
            'www-authenticate': 'Bearer realm="attribution-graph"',
          }),
        );
        return;
      }
      const match = header.length <= 1024 ? BEARER.exec(header) : null;
      let viewer: Viewer | null = null;
      if (match?.[1]) {
        try {
          viewer = await options.auth.authenticate(match[1]);
        } catch (error) {
          if (error instanceof GraphUnavailableError) {
            endResponse(errorResponse(503, 'GRAPH_UNAVAILABLE', error.message, { 'retry-after': '5' }));
            return;
          }
          throw error;
        }
      }
      if (!viewer) {
        endResponse(
          errorResponse(401, 'UNAUTHENTICATED', 'The bearer token is invalid or was revoked.', {
            'www-authenticate': 'Bearer realm="attribution-graph", error="invalid_token"',
          }),
        );
        return;
      }
      viewers.set(request, viewer);
    },
  };
}
