/**
 * Which Neo4j to talk to: NEO4J_URI when set, else the local Neo4j (launcher/), started or reused.
 */
import { join } from 'node:path';
import { startLocalNeo4j, type LocalNeo4jOptions } from '../../launcher/index';
import type { Config } from './config';
import type { Logger } from './logger';
import { superviseLocalNeo4j, type Neo4jSupervisor } from './neo4j-supervisor';

export interface Neo4jTarget {
  uri: string;
  user: string;
  password: string;
  /** True when we started a local Neo4j that `stop` will shut down. */
  local: boolean;
  stop: () => Promise<void>;
  /**
   * For a local Neo4j this process started attached: restarts it whenever it dies (the app calls
   * it once; then stop through the supervisor). Absent otherwise.
   */
  supervise?: (logger: Logger, say?: (line: string) => void) => Neo4jSupervisor;
}

export function localNeo4jHome(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'neo4j');
}

export async function resolveNeo4jTarget(
  config: Config,
  options: { attached: boolean; onProgress?: (line: string) => void },
): Promise<Neo4jTarget> {
  if (config.neo4j.uri) {
    return {
      uri: config.neo4j.uri,
      user: config.neo4j.user,
      password: config.neo4j.password ?? '',
      local: false,
      stop: async () => {},
    };
  }
  const launch: LocalNeo4jOptions = {
    home: localNeo4jHome(config),
    boltPort: config.neo4j.localBoltPort,
    attached: options.attached,
    onProgress: options.onProgress,
  };
  const handle = await startLocalNeo4j(launch);
  const supervisable = handle.started && options.attached && handle.exited !== null;
  return {
    uri: handle.uri,
    user: handle.user,
    password: handle.password,
    local: handle.started,
    stop: handle.stop,
    ...(supervisable
      ? {
          supervise: (logger: Logger, say?: (line: string) => void) =>
            superviseLocalNeo4j({ handle, restart: () => startLocalNeo4j({ ...launch, onProgress: say }), logger, say }),
        }
      : {}),
  };
}
