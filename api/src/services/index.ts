/**
 * The service layer shared by the GraphQL API, the importers and the CLI. Each service takes the
 * graph and a logger; nothing above this layer talks to Neo4j.
 */
import type { Graph } from '../graph/driver';
import type { Logger } from '../logger';
import { createAuthService, type AuthService } from './auth.service';
import { createEventBus, type EventBus } from './events';
import { createExploreService, type ExploreService } from './explore.service';
import { createStixExportService, type StixExportService } from './stix-export.service';
import { createStixImportService, type StixImportService } from './stix-import.service';

export interface ServiceDeps {
  graph: Graph;
  logger: Logger;
}

export interface Services {
  readonly graph: Graph;
  readonly logger: Logger;
  readonly stixImport: StixImportService;
  readonly stixExport: StixExportService;
  /** API tokens: issue, authenticate, revoke. */
  readonly auth: AuthService;
  /** Read-only exploration as a viewer (objects, search, neighbourhoods, paths). */
  readonly explore: ExploreService;
  /** In-process events for GraphQL subscriptions (topics in ./events). */
  readonly events: EventBus;
}

export function createServices(deps: ServiceDeps): Services {
  return {
    graph: deps.graph,
    logger: deps.logger,
    stixImport: createStixImportService(deps),
    stixExport: createStixExportService(deps),
    auth: createAuthService(deps),
    explore: createExploreService(deps),
    events: createEventBus(),
  };
}
