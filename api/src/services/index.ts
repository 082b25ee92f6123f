/**
 * The service layer shared by the GraphQL API, the importers and the CLI. Each service takes the
 * graph and a logger; nothing above this layer talks to Neo4j.
 */
import type { Graph } from '../graph/driver';
import type { Logger } from '../logger';

export interface ServiceDeps {
  graph: Graph;
  logger: Logger;
}

export interface Services {
  readonly graph: Graph;
  readonly logger: Logger;
}

export function createServices(deps: ServiceDeps): Services {
  return { graph: deps.graph, logger: deps.logger };
}
