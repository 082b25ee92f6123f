/**
 * The only network code of the web explorer: a small typed GraphQL client.
 *
 * Every request carries `Authorization: Bearer <token>` and `content-type: application/json`
 * (a non-simple content type, plus the yoga CSRF-prevention header, so the CSRF plugin accepts
 * it). Errors are turned into `ApiError` with the server's `extensions.code` when there is one.
 * The server and this web ship together: every operation here is one the server knows.
 */

export interface Operation<TResult, TVariables = Record<string, never>> {
  /** Operation name, sent as `operationName` (logs, metrics). */
  readonly name: string;
  readonly document: string;
  /** How long to wait for the answer (imports: longer than the default). */
  readonly timeoutMs?: number;
  /** Phantom fields: carry the types, never read at run time. */
  readonly __result?: TResult;
  readonly __variables?: TVariables;
}

export function operation<TResult, TVariables = Record<string, never>>(
  name: string,
  document: string,
  options: { timeoutMs?: number } = {},
): Operation<TResult, TVariables> {
  return { name, document, ...options };
}

/** Default wait for an answer before a request is abandoned with a clear message. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface GraphQLErrorShape {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
    readonly errors: readonly GraphQLErrorShape[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class UnauthenticatedError extends ApiError {
  constructor(message: string, status: number) {
    super(message, 'UNAUTHENTICATED', status);
    this.name = 'UnauthenticatedError';
  }
}

export interface ClientOptions {
  endpoint?: string;
  getToken: () => string | null;
  /** Called when the server refuses the token (the app then shows the sign-in form). */
  onUnauthenticated?: () => void;
  fetchImpl?: typeof fetch;
  /** Wait for an answer (default DEFAULT_TIMEOUT_MS; an operation may ask for longer). */
  timeoutMs?: number;
  /** Called whenever the number of requests waiting for an answer changes. */
  onPendingChange?: (pending: number) => void;
}

/** One operation with its variables, for `requestAll`. */
export interface Call<TResult, TVariables> {
  readonly op: Operation<TResult, TVariables>;
  readonly variables: TVariables;
}

export function call<TResult, TVariables>(op: Operation<TResult, TVariables>, variables: TVariables): Call<TResult, TVariables> {
  return { op, variables };
}

/** The settled answers of `requestAll`, one per call, in order. */
export type SettledAll<T extends readonly Call<unknown, unknown>[]> = {
  -readonly [K in keyof T]: T[K] extends Call<infer R, unknown> ? PromiseSettledResult<R> : never;
};

export interface GraphQLClient {
  request<TResult, TVariables>(op: Operation<TResult, TVariables>, variables?: TVariables, signal?: AbortSignal): Promise<TResult>;
  /**
   * Several operations in one HTTP request (GraphQL over HTTP batching; the server takes up to
   * QUERY_LIMITS.maxBatch). Each answer is checked as `request` checks one and settles on its
   * own: an operation that fails leaves the others' answers. The request failing as a whole
   * (network, timeout, sign-in) rejects.
   */
  requestAll<T extends readonly Call<unknown, unknown>[]>(calls: readonly [...T], signal?: AbortSignal): Promise<SettledAll<T>>;
  /** Abandons every request still waiting (each fails with code CANCELLED). */
  cancelAll?(): void;
}

export function createClient(options: ClientOptions): GraphQLClient {
  const endpoint = options.endpoint ?? '/graphql';
  const doFetch = options.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  const inflight = new Set<AbortController>();
  const changed = () => options.onPendingChange?.(inflight.size);
  const CANCELLED = 'cancelled';
  const TIMED_OUT = 'timed-out';

  /** Runs `post` with the client's timeout, cancellation and pending count. */
  async function guarded<T>(timeoutMs: number, signal: AbortSignal | undefined, post: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(TIMED_OUT), timeoutMs);
    const follow = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', follow);
    inflight.add(controller);
    changed();
    try {
      return await post(controller.signal);
    } catch (error) {
      if (controller.signal.aborted && !signal?.aborted) {
        if (controller.signal.reason === TIMED_OUT) {
          throw new ApiError(`No answer from the server within ${Math.round(timeoutMs / 1000)} s; nothing was changed by this request if it was a read. Try again, or narrow it.`, 'TIMEOUT', 0);
        }
        throw new ApiError('Cancelled.', 'CANCELLED', 0);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', follow);
      inflight.delete(controller);
      changed();
    }
  }

  /** POSTs a JSON body; the parsed answer (undefined when it is not JSON) and the status. */
  async function post(payload: unknown, signal: AbortSignal): Promise<{ response: Response; body: unknown }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      'x-graphql-yoga-csrf': 'attribution-graph-web',
    };
    const token = options.getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await doFetch(endpoint, { method: 'POST', headers, body: JSON.stringify(payload), signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new ApiError('The server cannot be reached.', 'NETWORK', 0);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    return { response, body };
  }

  /** One operation's answer: its data, or the error it ends with. */
  function answer<TResult>(response: Response, body: { data?: unknown; errors?: GraphQLErrorShape[] } | undefined): TResult {
    const errors = body?.errors ?? [];
    const first = errors[0];
    const code = first?.extensions?.code;
    if (response.status === 401 || code === 'UNAUTHENTICATED') {
      options.onUnauthenticated?.();
      throw new UnauthenticatedError(first?.message ?? 'Sign in with a token.', response.status);
    }
    if (errors.length > 0 && (body?.data === undefined || body?.data === null)) {
      throw new ApiError(errors.map((e) => e.message).join('\n'), code, response.status, errors);
    }
    if (!response.ok && !body?.data) {
      throw new ApiError(`The server answered ${response.status}.`, code, response.status, errors);
    }
    if (errors.length > 0) {
      // Partial data: a field failed. Treat as an error so views never show half an answer.
      throw new ApiError(errors.map((e) => e.message).join('\n'), code, response.status, errors);
    }
    return body?.data as TResult;
  }

  const request = (op: Operation<unknown, unknown>, variables: unknown) => ({ query: op.document, operationName: op.name, variables: variables ?? {} });

  return {
    cancelAll() {
      for (const controller of inflight) controller.abort(CANCELLED);
    },
    async request<TResult, TVariables>(op: Operation<TResult, TVariables>, variables?: TVariables, signal?: AbortSignal) {
      return guarded(op.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal, async (inner) => {
        const { response, body } = await post(request(op as Operation<unknown, unknown>, variables), inner);
        return answer<TResult>(response, body as Parameters<typeof answer>[1]);
      });
    },
    async requestAll<T extends readonly Call<unknown, unknown>[]>(calls: readonly [...T], signal?: AbortSignal) {
      const timeoutMs = Math.max(...calls.map((c) => c.op.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
      return guarded(timeoutMs, signal, async (inner) => {
        const { response, body } = await post(calls.map((c) => request(c.op as Operation<unknown, unknown>, c.variables)), inner);
        if (!Array.isArray(body) || body.length !== calls.length) {
          // Refused whole (sign-in, size, CSRF): the same checks as one answer.
          answer(response, body as Parameters<typeof answer>[1]);
          throw new ApiError(`The server answered ${response.status} without an answer per operation.`, undefined, response.status);
        }
        return body.map((one): PromiseSettledResult<unknown> => {
          try {
            return { status: 'fulfilled', value: answer(response, one as Parameters<typeof answer>[1]) };
          } catch (reason) {
            return { status: 'rejected', reason };
          }
        }) as SettledAll<T>;
      });
    },
  };
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
