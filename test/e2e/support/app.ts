/**
 * The real app in-process for browser tests, composed like api/src/main.ts: graph (the test
 * Neo4j, reset first) → migrations → services → app → listen on a free loopback port. The web
 * front end is built once per run into test-artifacts/web-dist.
 */
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { build } from 'vite';
import { createApp } from '../../../api/src/app';
import { applyMigrations } from '../../../api/src/graph/migrations';
import type { Graph } from '../../../api/src/graph/driver';
import { createLogger } from '../../../api/src/logger';
import { createServices, type Services } from '../../../api/src/services';
import { SYSTEM_VIEWER } from '../../../api/src/services/viewer';
import { connectTestGraph, resetGraph } from '../../support/graph';

export const WEB_DIST = resolve('test-artifacts', 'web-dist');
export const SCREENSHOTS = resolve('test-artifacts', 'screenshots');

let built: Promise<void> | undefined;
export function buildWeb(): Promise<void> {
  built ??= build({ configFile: resolve('web/vite.config.ts'), logLevel: 'warn', build: { outDir: WEB_DIST, emptyOutDir: true } }).then(() => undefined);
  return built;
}

export interface TestApp {
  baseUrl: string;
  graph: Graph;
  services: Services;
  /** Bearer token of an admin cleared for RED. */
  token: string;
  /** STIX id of the reference case's incident. */
  incidentId: string;
  close(): Promise<void>;
}

export async function startTestApp(): Promise<TestApp> {
  await buildWeb();
  const graph = connectTestGraph();
  await resetGraph(graph);
  await applyMigrations(graph);
  const logger = createLogger('warn');
  const services = createServices({ graph, logger });
  await services.auth.ensureSchema();
  await services.cases.ensureSchema();
  const seed = await services.seed.loadReferenceCase();
  if (!seed.loaded) throw new Error('the reference case did not load into the empty test graph');
  const issued = await services.auth.createToken({ name: 'e2e-analyst', role: 'admin', clearance: 'RED' }, { viewer: SYSTEM_VIEWER });
  const app = createApp({ services, logger, webDir: WEB_DIST });
  const server: Server = createServer(app.handle);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    graph,
    services,
    token: issued.token,
    incidentId: seed.incidentId!,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await services.close();
      await graph.close();
    },
  };
}
