/**
 * The one mapping from errors to GraphQL errors. Domain errors (api/src/errors.ts) keep their
 * message and get `extensions.code` (and `extensions.issues` for validation); errors the schema
 * layer raised on purpose (GraphQLError, e.g. parse and validation errors) pass unchanged;
 * anything else is unexpected: it is logged with the request id and replaced by a masked
 * INTERNAL_SERVER_ERROR that carries only that request id.
 */
import type { GraphQLError } from 'graphql';
import { createGraphQLError, handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { DomainError, GraphUnavailableError, ValidationError } from '../errors';
import type { Logger } from '../logger';

/** Neo4j client error codes we explain instead of masking (matched on code, never message). */
const NEO4J_TIMEOUT_CODES = new Set([
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
]);

export interface ErrorContext {
  requestId: string;
  logger: Logger;
}

/**
 * By name, not instanceof: under vitest the `graphql` package may load twice (ESM and CJS), and
 * errors are built with yoga's `createGraphQLError` so yoga recognises them as its own.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

function neo4jCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Neo.') ? code : undefined;
}

export function domainErrorToGraphQL(original: DomainError, from?: GraphQLError): GraphQLError {
  const extensions: Record<string, unknown> = { code: original.code };
  if (original instanceof ValidationError && original.issues.length > 0) extensions.issues = original.issues;
  if (original instanceof GraphUnavailableError) extensions.http = { status: 503 };
  return createGraphQLError(original.message, {
    nodes: from?.nodes,
    source: from?.source,
    positions: from?.positions,
    path: from?.path,
    extensions,
  });
}

export function mapError(error: GraphQLError, ctx: ErrorContext): GraphQLError {
  const original = error.originalError;
  if (!original) return error;
  if (isGraphQLError(original)) {
    // A GraphQLError raised on purpose (scalar parsing, a resolver): keep it, rebuilt as yoga's
    // own so yoga does not mistake it for an unexpected error.
    return createGraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: { code: 'BAD_USER_INPUT', ...original.extensions, ...error.extensions },
    });
  }
  if (original instanceof DomainError) return domainErrorToGraphQL(original, error);
  const code = neo4jCode(original);
  if (code && NEO4J_TIMEOUT_CODES.has(code)) {
    ctx.logger.warn({ code, path: error.path }, 'query timed out');
    return createGraphQLError('The query took too long and was stopped; narrow it (fewer ids, smaller depth or limit).', {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: 'QUERY_TIMEOUT', requestId: ctx.requestId },
    });
  }
  ctx.logger.error({ err: original, path: error.path, requestId: ctx.requestId }, 'unexpected error in a resolver');
  return createGraphQLError(`Unexpected error. Quote request id ${ctx.requestId} to the operators.`, {
    nodes: error.nodes,
    path: error.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: ctx.requestId },
  });
}

function contextOf(value: unknown): ErrorContext | null {
  const c = value as Partial<ErrorContext> | null | undefined;
  return c && typeof c.requestId === 'string' && c.logger ? (c as ErrorContext) : null;
}

type AnyResult = { errors?: readonly GraphQLError[] } & Record<string, unknown>;

function mapResult(result: AnyResult, ctx: ErrorContext | null): AnyResult | null {
  if (!result.errors || result.errors.length === 0 || !ctx) return null;
  return { ...result, errors: result.errors.map((e) => mapError(e, ctx)) };
}

/** Runs before yoga's own masking, which then lets these coded errors through untouched. */
export function useErrorMapping(): Plugin {
  return {
    onExecute({ args }) {
      const ctx = contextOf(args.contextValue);
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            const mapped = mapResult(result as AnyResult, ctx);
            if (mapped) setResult(mapped as never);
          });
        },
      };
    },
    onSubscribe({ args }) {
      const ctx = contextOf(args.contextValue);
      return {
        onSubscribeResult(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            const mapped = mapResult(result as AnyResult, ctx);
            if (mapped) setResult(mapped as never);
          });
        },
      };
    },
  };
}
