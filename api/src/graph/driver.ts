/**
 * The only module that creates the neo4j-driver. One driver per process; every query runs on an
 * explicit database with metadata and a timeout; sessions are closed in `finally`. Driver errors
 * are matched on `code`.
 *
 * - Writes run in managed write transactions (executeWrite, retried by the driver) or one explicit
 *   transaction (`writeOnce`).
 * - Reads run each query as its own auto-commit transaction in a READ session, and the whole read
 *   is retried on a retryable error like executeRead does. This saves the BEGIN/COMMIT round trip
 *   of a managed transaction (a point read: 2.3 -> 1.0 ms p50, `npm run bench:read-path`), and it
 *   changes no answer: Neo4j runs transactions at read-committed isolation, so two queries of one
 *   read transaction could already see different commits between them.
 * - Every session shares one bookmark manager: on a cluster (`neo4j://` URI) reads are routed to
 *   readers and still see every write this process committed before them (read your writes).
 */
import neo4j, { type Driver, type ManagedTransaction, type Neo4jError, type Transaction } from 'neo4j-driver';
import { ConflictError, GraphUnavailableError } from '../errors';
import type { CypherQuery } from './cypher';
import { recordToRow, type Row } from './mappers';

export interface GraphOptions {
  uri: string;
  user: string;
  password: string;
  database: string;
  queryTimeoutMs: number;
  acquisitionTimeoutMs?: number;
  /** Name sent as transaction metadata `app` (visible in SHOW TRANSACTIONS / query log). */
  appName?: string;
}

/** A transaction handle that only runs named queries and returns plain rows. */
export interface Tx {
  run(query: CypherQuery, params?: Record<string, unknown>): Promise<Row[]>;
}

export interface TxOptions {
  /** Shown in SHOW TRANSACTIONS and the query log, e.g. the request id or the import id. */
  metadata?: Record<string, string | number | boolean>;
  timeoutMs?: number;
}

export interface WriteOnceOptions extends TxOptions {
  /** Roll back instead of committing when `work` resolves (dry runs): its result, nothing stored. */
  rollback?: boolean;
}

export interface GraphStats {
  /** Queries sent to Neo4j since the graph was created (one round trip each). */
  queries: number;
  transactions: number;
}

export interface Graph {
  readonly database: string;
  readonly uri: string;
  read<T>(work: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  write<T>(work: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * One explicit write transaction, one attempt: committed when `work` resolves (rolled back with
   * `rollback`), rolled back when it throws. No automatic retry, so `work` may consume input that
   * cannot be replayed; callers that want a retry fall back to `write` themselves (the STIX import
   * does).
   */
  writeOnce<T>(work: (tx: Tx) => Promise<T>, options?: WriteOnceOptions): Promise<T>;
  /** Checks that Neo4j answers; throws GraphUnavailableError otherwise. */
  verify(): Promise<void>;
  stats(): GraphStats;
  close(): Promise<void>;
}

const UNAVAILABLE_CODES = new Set([
  'ServiceUnavailable',
  'SessionExpired',
  'Neo.TransientError.General.DatabaseUnavailable',
  'Neo.ClientError.Database.DatabaseNotFound',
]);

/**
 * Transient errors of a transaction colliding with another (deadlock, lock wait cut short): the
 * database is up; the driver retried the transaction for `maxTransactionRetryTime` and gave up.
 */
export function isCollision(error: unknown): boolean {
  const code = (error as Neo4jError | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Neo.TransientError.Transaction.');
}

/** A write refused by a uniqueness constraint (e.g. a second live token with one name, created concurrently). */
export function isUniquenessViolation(error: unknown): boolean {
  return (error as Neo4jError | undefined)?.code === 'Neo.ClientError.Schema.ConstraintValidationFailed';
}

export function isUnavailable(error: unknown): boolean {
  const code = (error as Neo4jError | undefined)?.code;
  return typeof code === 'string' && !isCollision(error) && (UNAVAILABLE_CODES.has(code) || code.startsWith('Neo.TransientError.'));
}

function translate(error: unknown): unknown {
  if (isCollision(error)) {
    return new ConflictError(
      'The change collided with concurrent changes of the same objects (a deadlock) and still did after retries; ' +
        'nothing was written. Retry it.',
      { cause: error },
    );
  }
  if (isUnavailable(error)) {
    return new GraphUnavailableError('The graph database is unavailable; retry in a moment.', { cause: error });
  }
  return error;
}

export function createGraph(options: GraphOptions): Graph {
  const maxRetryMs = 5_000;
  const driver: Driver = neo4j.driver(options.uri, neo4j.auth.basic(options.user, options.password), {
    connectionAcquisitionTimeout: options.acquisitionTimeoutMs ?? 5_000,
    connectionTimeout: Math.min(options.acquisitionTimeoutMs ?? 5_000, 5_000),
    maxTransactionRetryTime: maxRetryMs,
    userAgent: `${options.appName ?? 'attribution-graph'}/0.1`,
    // No query notifications: nothing reads them, and a neighbourhood answer carried ~120 of them
    // (~66 kB: "unknown relationship type" for our edge types a graph does not use yet), measured
    // at ~2 ms per call. Query problems still fail as errors.
    notificationFilter: { minimumSeverityLevel: 'OFF' },
  });
  const counters: GraphStats = { queries: 0, transactions: 0 };
  const bookmarkManager = neo4j.bookmarkManager();

  const wrap = (tx: ManagedTransaction | Transaction): Tx => ({
    async run(query, params = {}) {
      counters.queries += 1;
      const result = await tx.run(query.text, params);
      return result.records.map(recordToRow);
    },
  });

  const txConfig = (txOptions: TxOptions) => ({
    timeout: txOptions.timeoutMs ?? options.queryTimeoutMs,
    metadata: { app: options.appName ?? 'attribution-graph', ...txOptions.metadata },
  });

  async function executeWrite<T>(work: (tx: Tx) => Promise<T>, txOptions: TxOptions = {}) {
    const session = driver.session({ database: options.database, defaultAccessMode: neo4j.session.WRITE, bookmarkManager });
    try {
      counters.transactions += 1;
      return await session.executeWrite((tx) => work(wrap(tx)), txConfig(txOptions));
    } catch (error) {
      throw translate(error);
    } finally {
      await session.close();
    }
  }

  /** A read: each query in its own auto-commit READ transaction; the whole read retried like executeRead. */
  async function executeRead<T>(work: (tx: Tx) => Promise<T>, txOptions: TxOptions = {}) {
    const config = txConfig(txOptions);
    const tx: Tx = {
      async run(query, params = {}) {
        if (query.mode === 'WRITE') throw new Error(`Query ${query.name} writes and cannot run in a read transaction`);
        counters.queries += 1;
        counters.transactions += 1;
        // A session per query: queries a read runs in parallel each get a pooled connection.
        const session = driver.session({ database: options.database, defaultAccessMode: neo4j.session.READ, bookmarkManager });
        try {
          const result = await session.run(query.text, params, config);
          return result.records.map(recordToRow);
        } finally {
          await session.close();
        }
      },
    };
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await work(tx);
      } catch (error) {
        if (!neo4j.isRetryableError(error) || Date.now() - started > maxRetryMs) throw translate(error);
        const delay = Math.min(1_000, 100 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
        await new Promise((resolveDelay) => setTimeout(resolveDelay, delay));
      }
    }
  }

  async function executeOnce<T>(work: (tx: Tx) => Promise<T>, txOptions: WriteOnceOptions = {}) {
    const session = driver.session({ database: options.database, defaultAccessMode: neo4j.session.WRITE, bookmarkManager });
    try {
      counters.transactions += 1;
      const tx = await session.beginTransaction({
        timeout: txOptions.timeoutMs ?? options.queryTimeoutMs,
        metadata: { app: options.appName ?? 'attribution-graph', ...txOptions.metadata },
      });
      let result: T;
      try {
        result = await work(wrap(tx));
      } catch (error) {
        if (tx.isOpen()) await tx.rollback().catch(() => {});
        throw error;
      }
      await (txOptions.rollback ? tx.rollback() : tx.commit());
      return result;
    } catch (error) {
      throw translate(error);
    } finally {
      await session.close();
    }
  }

  return {
    database: options.database,
    uri: options.uri,
    read: (work, txOptions) => executeRead(work, txOptions),
    write: (work, txOptions) => executeWrite(work, txOptions),
    writeOnce: (work, txOptions) => executeOnce(work, txOptions),
    async verify() {
      try {
        await driver.getServerInfo({ database: options.database });
      } catch (error) {
        throw translate(error);
      }
    },
    stats: () => ({ ...counters }),
    close: () => driver.close(),
  };
}
