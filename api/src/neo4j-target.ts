/**
 * Which Neo4j to talk to: NEO4J_URI when set, else the local Neo4j (launcher/), started or reused.
 */
import { join } from 'node:path';
import { startLocalNeo4j } from '../../launcher/index';
import type { Config } from './config';

export interface Neo4jTarget {
  uri: string;
  user: string;
  password: string;
  /** True when we started a local Neo4j that `stop` will shut down. */
  local: boolean;
  stop: () => Promise<void>;
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
  const handle = await startLocalNeo4j({
    home: localNeo4jHome(config),
    boltPort: config.neo4j.localBoltPort,
    attached: options.attached,
    onProgress: options.onProgress,
    heap: process.env.AG_NEO4J_HEAP,
    pageCache: process.env.AG_NEO4J_PAGECACHE,
  });
  return { uri: handle.uri, user: handle.user, password: handle.password, local: handle.started, stop: handle.stop };
}
