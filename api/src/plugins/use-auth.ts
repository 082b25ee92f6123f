/**
 * Authentication, before the request body is even parsed: `Authorization: Bearer <token>` is
 * checked against the stored token hashes; without a valid token the request ends with 401
 * (UNAUTHENTICATED), unless anonymous access was explicitly configured. The viewer found is kept
 * per request for the context factory (`viewerOf(request)`). The GraphiQL page itself is served
 * without a token (it is static); every query it sends needs one.
 */
import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { GraphUnavailableError } from '../errors';
import type { Logger } from '../logger';
import { createLoginThrottle, type LoginThrottle } from './login-throttle';
import type { AuthService } from '../services/auth.service';
import type { Viewer } from '../services/viewer';

export interface AuthState {
  viewerOf(request: Request): Viewer | null;
}

export interface UseAuthOptions {
  auth: AuthService;
  /** Viewer for requests without a token; null (the default) refuses them. */
  anonymous?: Viewer | null;
  /** Where failed logins are logged (warn). */
  logger?: Logger;
  /** Failed logins per client address (default: 20 per minute, then 429). */
  throttle?: LoginThrottle;
}

/** The client's address: the socket's peer (no proxy header is trusted); `local` without one. */
function clientOf(serverContext: unknown): string {
  const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
  return req?.socket?.remoteAddress ?? 'local';
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
  const throttle = options.throttle ?? createLoginThrottle();
  const log = options.logger?.child({ area: 'auth' });
  return {
    viewerOf: (request) => viewers.get(request) ?? null,
    async onRequestParse({ request, endResponse, serverContext }) {
      const client = clientOf(serverContext);
      // In-process calls (app.fetch, no socket) have no address to throttle by.
      const wait = client === 'local' ? 0 : throttle.blockedFor(client);
      if (wait > 0) {
        endResponse(
          errorResponse(429, 'TOO_MANY_REQUESTS', `Too many failed logins from your address; retry in ${Math.ceil(wait / 1000)} s.`, {
            'retry-after': String(Math.ceil(wait / 1000)),
          }),
        );
        return;
      }
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
        const failures = client === 'local' ? 0 : throttle.fail(client);
        log?.warn({ client, failures, reason: match?.[1] ? 'unknown or revoked token' : 'malformed Authorization header' }, 'failed login');
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
