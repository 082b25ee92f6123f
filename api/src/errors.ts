/**
 * Domain errors, thrown by services and mapped once to GraphQL errors with a code
 * (api/src/modules/errors.ts). Anything else is unexpected and stays masked.
 */
import type { Issue } from '../../schema/stix/issues';

export type { Issue };

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class ValidationError extends DomainError {
  override name = 'ValidationError';
  readonly code = 'BAD_USER_INPUT';
  constructor(
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}

export class UnauthenticatedError extends DomainError {
  override name = 'UnauthenticatedError';
  readonly code = 'UNAUTHENTICATED';
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
  readonly code = 'CONFLICT';
}

export class GraphUnavailableError extends DomainError {
  override name = 'GraphUnavailableError';
  readonly code = 'GRAPH_UNAVAILABLE';
}

/** A feature this server cannot provide as configured (e.g. PDF without a Chromium); the message says what is missing. */
export class UnavailableError extends DomainError {
  override name = 'UnavailableError';
  readonly code = 'UNAVAILABLE';
}
