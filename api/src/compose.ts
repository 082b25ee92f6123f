/**
 * The one way to get a ready service layer: connect to the chosen Neo4j, check it answers, apply
 * every schema migration (graph, tokens, cases) and build the services. Used by the app
 * (main.ts) and by every CLI command, so both see the same schema and the same services.
 */
import type { Config } from './config';
import { createGraph, type Graph } from './graph/driver';
import { applyMigrations } from './graph/migrations';
import type { Logger } from './logger';
import type { Neo4jTarget } from './neo4j-target';
import { createServices, type Services } from './services';

export interface Composed {
  graph: Graph;
  services: Services;
}

/** Creates the driver for `target`; the caller closes it (also when `prepareServices` fails). */
export function openGraph(config: Config, target: Neo4jTarget, appName?: string): Graph {
  return createGraph({
    uri: target.uri,
    user: target.user,
    password: target.password,
    database: config.neo4j.database,
    queryTimeoutMs: config.neo4j.queryTimeoutMs,
    acquisitionTimeoutMs: config.neo4j.acquisitionTimeoutMs,
    appName,
  });
}

/** Verifies the graph, applies all migrations and returns the services over it. */
export async function prepareServices(graph: Graph, logger: Logger, options: { chromiumPath?: string } = {}): Promise<Services> {
  await graph.verify();
  await applyMigrations(graph);
  const services = createServices({ graph, logger, ...options });
  await services.auth.ensureSchema();
  await services.cases.ensureSchema();
  await services.taxii.ensureSchema();
  return services;
}
