/**
 * Composition root: config → logger → Neo4j (local or NEO4J_URI) → migrations → services →
 * seed → app → listen. On SIGINT/SIGTERM: stop accepting, close the services (the brief's
 * Chromium) and the driver, stop the local Neo4j.
 */
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { openGraph, prepareServices } from './compose';
import type { Services } from './services';
import { createLogger } from './logger';
import { resolveNeo4jTarget } from './neo4j-target';
import { scheduleFeeds, scheduleImportCleanup, type Schedule } from './services/schedule';
import { makeViewer, SYSTEM_VIEWER } from './services/viewer';
import { startWarmUp, warmUpReads, warmUpWanted } from './services/warm-up';
import type { TlpLevel } from '../../schema/graph/kinds';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const started = Date.now();

  const target = await resolveNeo4jTarget(config, { attached: true, onProgress: say });
  const graph = openGraph(config, target);
  // Restarts the local Neo4j this app started whenever it dies; /readyz reports it.
  const supervisor = target.supervise?.(logger, say) ?? null;
  let server: Server | undefined;
  let services: Services | undefined;
  let warmUp: ReturnType<typeof startWarmUp> | undefined;
  let feeds: Schedule | undefined;
  let importCleanup: Schedule | undefined;
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say(`\n${signal}: shutting down…`);
    server?.close();
    server?.closeAllConnections();
    warmUp?.stop();
    feeds?.stop();
    importCleanup?.stop();
    await warmUp?.done;
    await services?.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the services failed'));
    await graph.close().catch(() => {});
    await (supervisor ? supervisor.stop() : target.stop()).catch((error) => logger.error({ err: error }, 'stopping local Neo4j failed'));
    say('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  services = await prepareServices(graph, logger, { chromiumPath: config.chromiumPath });
  if (config.loadSeed) {
    const seed = await services.seed.loadReferenceCase();
    if (seed.loaded) say(`Reference case loaded: ${seed.incidentId} (${seed.report?.created ?? 0} objects created)`);
  }
  const adminTokenFile = join(config.dataDir, 'admin.token');
  const adminToken = await services.auth.ensureLocalAdminToken(adminTokenFile);
  const anonymous = config.anonymous
    ? makeViewer('anonymous', 'anonymous', config.anonymous.role, config.anonymous.clearance as TlpLevel)
    : null;

  const app = createApp({
    services,
    logger,
    webDir: join(ROOT, 'web', 'dist'),
    anonymous,
    corsOrigins: config.corsOrigins,
    maxRequestBytes: config.maxRequestBytes,
    graphiql: config.graphiql,
    neo4jStatus: supervisor ? () => supervisor.status() : undefined,
  });
  const http = createServer(app.handle);
  server = http;
  await new Promise<void>((resolve) => http.listen(config.port, config.host, resolve));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host}:${port}`;
  say(
    [
      '',
      `Attribution Graph is up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  web      ${base}/`,
      `  GraphQL  ${base}/graphql`,
      `  TAXII    ${base}/taxii2/ (TAXII 2.1; the same tokens, also as the Basic password; docs/taxii.md)`,
      `  health   ${base}/healthz  ${base}/readyz`,
      `  Neo4j    ${target.uri} (database "${config.neo4j.database}"${target.local ? ', local, stops with the app' : ''})`,
      `  token    ${adminTokenFile} (local admin, mode 600${adminToken.created ? ', just created' : ''})`,
      `           curl -H "Authorization: Bearer $(cat ${adminTokenFile})" -H 'content-type: application/json' \\`,
      `             -d '{"query":"{ viewer { name role clearance } }"}' ${base}/graphql`,
      config.graphiql
        ? `           GraphiQL: open ${base}/graphql and put {"Authorization": "Bearer <token>"} in Headers.`
        : '           GraphiQL is off (AG_GRAPHIQL=on serves it; it loads scripts from unpkg.com).',
      ...(anonymous ? [`  anonymous access is ON (reader, cleared for ${anonymous.clearance})`] : []),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  // Registered TAXII feeds (attribution-graph taxii feed add) are pulled when due, as the operator.
  feeds = scheduleFeeds(services.taxiiFeeds, { viewer: SYSTEM_VIEWER, logger });
  // A staged import that crashed leaves staged nodes; they are deleted once its heartbeat is old.
  importCleanup = scheduleImportCleanup(services.stixImport, { logger });
  if (warmUpWanted(config.warmUp, target.local)) {
    // A JVM that has just started runs a first import 2-3x slower (docs/graph-model.md): warm it
    // in the background; it yields to any import that starts.
    warmUp = startWarmUp(services, {});
    const warmStarted = Date.now();
    void warmUp.done.then(async (report) => {
      if (!report.completed || shuttingDown) return;
      say(`Neo4j warmed up for imports in ${((Date.now() - warmStarted) / 1000).toFixed(1)} s (AG_NEO4J_WARMUP=off skips it)`);
      const ms = await warmUpReads(services).catch((error: unknown) => {
        logger.warn({ err: error }, 'read warm-up failed');
        return null;
      });
      if (ms !== null && !shuttingDown) say(`Candidate ranking warmed up in ${(ms / 1000).toFixed(1)} s`);
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Attribution Graph failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
