/**
 * The `attribution-graph` command line. Every command goes through the same service layer as
 * the API; this file only parses arguments and prints. Reports go to stdout, progress to stderr.
 */
import { localNeo4jStatus, startLocalNeo4j, stopLocalNeo4j } from '../../../launcher/index';
import { ConfigError, loadConfig } from '../config';
import { openGraph, prepareServices } from '../compose';
import { createLogger } from '../logger';
import { localNeo4jHome } from '../neo4j-target';
import { warmUpImports, warmUpWanted } from '../services/warm-up';
import {
  CASE_USAGE,
  importCredentialsCommand,
  importFactSheetCommand,
  isFactSheetImport,
} from './case.commands';
import { BRIEF_USAGE, briefCommand } from './brief.commands';
import { CANDIDATES_USAGE, candidatesCommand } from './candidates.commands';
import { exportCommand, importCommand, quarantineCommand, STIX_USAGE, StixUsageError } from './stix.commands';
import { TAXII_USAGE, taxiiCommand } from './taxii.commands';
import { TOKEN_USAGE, tokenCommand } from './token.commands';

const USAGE = `Usage: attribution-graph <command> [options]

Commands:
  neo4j start     start the local Neo4j in the background (or report the running one); a Neo4j
                  it starts is warmed up for imports first (~20 s; AG_NEO4J_WARMUP=off skips it)
  neo4j stop      stop the local Neo4j
  neo4j status    print whether the local Neo4j runs, as JSON
${STIX_USAGE}${CASE_USAGE}${BRIEF_USAGE}${CANDIDATES_USAGE}${TOKEN_USAGE}${TAXII_USAGE}
Environment: see README.md (NEO4J_URI, NEO4J_BOLT_PORT, AG_DATA_DIR, …).
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

async function neo4jCommand(args: string[]): Promise<number> {
  const config = loadConfig();
  const home = localNeo4jHome(config);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  switch (args[0]) {
    case 'start': {
      const handle = await startLocalNeo4j({
        home,
        boltPort: config.neo4j.localBoltPort,
        attached: false,
        onProgress: say,
      });
      let warmedUp: boolean | null = null;
      if (warmUpWanted(config.warmUp, handle.started)) {
        // Later `import` commands reuse this Neo4j: warm, their first big import is ~2x faster.
        say('local-neo4j: warming up for imports (AG_NEO4J_WARMUP=off skips it)…');
        const started = Date.now();
        const graph = openGraph(config, { ...handle, local: handle.started }, 'attribution-graph-cli');
        try {
          const services = await prepareServices(graph, createLogger(process.env.LOG_LEVEL ?? 'warn'));
          warmedUp = (await warmUpImports(services)).completed;
        } finally {
          await graph.close();
        }
        say(`local-neo4j: ${warmedUp ? 'warmed up' : 'warm-up not completed (see the log)'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      process.stdout.write(`${JSON.stringify({ running: true, uri: handle.uri, pid: handle.pid, home, warmedUp })}\n`);
      return 0;
    }
    case 'stop': {
      const stopped = await stopLocalNeo4j(home);
      say(stopped ? 'local-neo4j: stopped' : 'local-neo4j: was not running');
      return 0;
    }
    case 'status': {
      const status = await localNeo4jStatus(home);
      process.stdout.write(`${JSON.stringify(status)}\n`);
      return status.running ? 0 : 3;
    }
    default:
      throw new UsageError(`unknown neo4j subcommand "${args[0] ?? ''}" (expected start, stop or status)`);
  }
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'neo4j':
      return neo4jCommand(rest);
    case 'import':
      return isFactSheetImport(rest) ? importFactSheetCommand(rest) : importCommand(rest);
    case 'import-factsheet':
      return importFactSheetCommand(rest);
    case 'import-credentials':
      return importCredentialsCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'quarantine':
      return quarantineCommand(rest);
    case 'token':
      return tokenCommand(rest);
    case 'brief':
      return briefCommand(rest);
    case 'candidates':
      return candidatesCommand(rest);
    case 'taxii':
      return taxiiCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof StixUsageError) {
      process.stderr.write(`attribution-graph: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`attribution-graph: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
