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

export function cypher(name: string, mode: QueryMode, text: string): CypherQuery {
  return Object.freeze({ name, mode, text: text.trim() });
}
