/**
 * A Cypher query is a named constant with its access mode. Values go in as $parameters only;
 * labels and relationship types come from schema/graph/kinds.ts, never from input.
 */
export type QueryMode = 'READ' | 'WRITE';

export interface CypherQuery {
  readonly name: string;
  readonly mode: QueryMode;
  readonly text: string;
}

/** Every query built so far, by name (the visibility catalogue test reads it; see visibility.ts). */
const REGISTERED = new Map<string, CypherQuery>();

export function cypher(name: string, mode: QueryMode, text: string): CypherQuery {
  const query = Object.freeze({ name, mode, text: text.trim() });
  REGISTERED.set(name, query);
  return query;
}

/** The queries registered by `cypher()` in the modules loaded so far. */
export function registeredQueries(): CypherQuery[] {
  return [...REGISTERED.values()];
}
