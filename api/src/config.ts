/**
 * The one module that reads process.env. Every problem is reported at once; the result is frozen.
 */
import { resolve } from 'node:path';
import { TLP_LEVELS } from '../../schema/graph/kinds';
import { DEFAULT_CHROMIUM_PATH } from './services/brief-pdf';

export interface Config {
  /** HTTP port of the app (GraphQL at /graphql, web at /). */
  port: number;
  /** Interface to listen on; loopback unless explicitly opened. */
  host: string;
  /** Neo4j connection; `uri` undefined means "start the local Neo4j". */
  neo4j: {
    uri: string | undefined;
    user: string;
    password: string | undefined;
    database: string;
    /** Bolt port of the local Neo4j (only when uri is undefined). */
    localBoltPort: number;
    /** Per-transaction timeout sent with every query, in milliseconds. */
    queryTimeoutMs: number;
    /** Max time to wait for a connection from the pool before failing fast. */
    acquisitionTimeoutMs: number;
  };
  /** Folder for local state: the local Neo4j, the admin token. */
  dataDir: string;
  /** Load the reference case when the database holds no incident. */
  loadSeed: boolean;
  /**
   * Warm Neo4j up for imports in the background after start (services/warm-up.ts): `auto` when the
   * app started the local Neo4j itself (a fresh JVM), `on` always, `off` never.
   */
  warmUp: 'auto' | 'on' | 'off';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Origins allowed by CORS besides the app's own; empty by default. */
  corsOrigins: string[];
  /** Largest GraphQL request body in bytes (bigger bundles: use the CLI). */
  maxRequestBytes: number;
  /**
   * Serve GraphiQL at GET /graphql (AG_GRAPHIQL=on). Off by default: the page loads its scripts
   * from a CDN (unpkg) that we cannot pin with SRI; with it on, a CSP limits them to that one
   * pinned package path.
   */
  graphiql: boolean;
  /** The Chromium that prints briefs to PDF (CHROMIUM_PATH; Debian's `chromium` by default). */
  chromiumPath: string;
  /** Allow requests without a token, with this role and clearance. Off unless set. */
  anonymous: { role: 'reader'; clearance: string } | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function intVar(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  problems: string[],
  min = 1,
  max = 65_535,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const problems: string[] = [];
  const uri = env.NEO4J_URI || undefined;
  if (uri !== undefined && !/^(neo4j|neo4j\+s|neo4j\+ssc|bolt|bolt\+s|bolt\+ssc):\/\/[^\s]+$/.test(uri)) {
    problems.push(`NEO4J_URI must be a neo4j:// or bolt:// URI (with optional +s/+ssc), got "${uri}"`);
  }
  if (uri !== undefined && !env.NEO4J_PASSWORD) {
    problems.push('NEO4J_PASSWORD is required when NEO4J_URI is set');
  }
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const anonymousClearance = env.AG_ANONYMOUS_CLEARANCE;
  const config: Config = {
    port: intVar(env, 'PORT', 4000, problems, 0),
    host: env.HOST || '127.0.0.1',
    neo4j: {
      uri,
      user: env.NEO4J_USER || 'neo4j',
      password: env.NEO4J_PASSWORD || undefined,
      database: env.NEO4J_DATABASE || 'neo4j',
      localBoltPort: intVar(env, 'NEO4J_BOLT_PORT', 7687, problems),
      queryTimeoutMs: intVar(env, 'NEO4J_QUERY_TIMEOUT_MS', 30_000, problems, 100, 3_600_000),
      acquisitionTimeoutMs: intVar(env, 'NEO4J_ACQUISITION_TIMEOUT_MS', 5_000, problems, 100, 600_000),
    },
    dataDir: resolve(env.AG_DATA_DIR || '.data'),
    loadSeed: (env.AG_LOAD_SEED ?? 'true') !== 'false',
    warmUp: (env.AG_NEO4J_WARMUP || 'auto') as Config['warmUp'],
    logLevel,
    corsOrigins: (env.AG_CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    maxRequestBytes: intVar(env, 'AG_MAX_REQUEST_BYTES', 16 * 1024 * 1024, problems, 1_024, 1_073_741_824),
    graphiql: (env.AG_GRAPHIQL ?? 'off') === 'on',
    chromiumPath: env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH,
    anonymous: anonymousClearance ? { role: 'reader', clearance: anonymousClearance } : undefined,
  };
  if (!['auto', 'on', 'off'].includes(config.warmUp)) {
    problems.push(`AG_NEO4J_WARMUP must be one of auto, on, off, got "${env.AG_NEO4J_WARMUP}"`);
  }
  if (anonymousClearance && !(TLP_LEVELS as readonly string[]).includes(anonymousClearance)) {
    problems.push(`AG_ANONYMOUS_CLEARANCE must be one of ${TLP_LEVELS.join(', ')}, got "${anonymousClearance}"`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
