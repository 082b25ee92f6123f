/**
 * Keeps the local Neo4j the app started alive (issue 14 #9). When its JVM exits without us asking
 * (kill -9, its own out-of-memory exit, a crash), the supervisor starts it again from the same
 * folder and port — the driver reconnects by itself — waiting longer after each failure in a row
 * (RESTART_BACKOFF_MS: 1 s, 2 s, 5 s, 10 s, 30 s, then every 60 s), and forgets the failures once
 * a Neo4j has stayed up for STABLE_AFTER_MS. `/readyz` reports its state (app.ts), so a load
 * balancer or an operator sees "restarting" instead of a healthy app whose every request fails.
 *
 * A Neo4j the app found already running (started by `attribution-graph neo4j start`) or reached
 * through NEO4J_URI is not the app's to restart: no supervisor then.
 */
import type { LocalNeo4jHandle } from '../../launcher/index';
import type { Logger } from './logger';

/** Waits before restart attempt 1, 2, … (the last one repeats). */
export const RESTART_BACKOFF_MS: readonly number[] = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];
/** A Neo4j up this long resets the backoff to its first step. */
export const STABLE_AFTER_MS = 120_000;

/** The wait before restart attempt `attempt` (1-based). */
export function restartDelay(attempt: number, schedule: readonly number[] = RESTART_BACKOFF_MS): number {
  return schedule[Math.min(Math.max(attempt, 1), schedule.length) - 1]!;
}

export type SupervisedState = 'running' | 'restarting' | 'stopped';

export interface SupervisorStatus {
  state: SupervisedState;
  pid: number | null;
  /** Restarts done since the app started. */
  restarts: number;
  /** Failed restart attempts in a row (0 when running). */
  failures: number;
  /** How the last JVM ended, when one did. */
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  /** Why the last restart attempt failed, when one did. */
  lastError: string | null;
}

export interface Neo4jSupervisor {
  status(): SupervisorStatus;
  /** Stops supervising, then stops the Neo4j (the app's shutdown). */
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  /** The running Neo4j the app started (handle.started true, handle.exited set). */
  handle: LocalNeo4jHandle;
  /** Starts it again (startLocalNeo4j with the same options). */
  restart: () => Promise<LocalNeo4jHandle>;
  logger: Logger;
  /** Progress lines for the terminal. */
  say?: (line: string) => void;
  schedule?: readonly number[];
  stableAfterMs?: number;
}

export function superviseLocalNeo4j(options: SupervisorOptions): Neo4jSupervisor {
  const logger = options.logger.child({ area: 'neo4j-supervisor' });
  const say = options.say ?? (() => {});
  const schedule = options.schedule ?? RESTART_BACKOFF_MS;
  const stableAfterMs = options.stableAfterMs ?? STABLE_AFTER_MS;
  let handle = options.handle;
  let state: SupervisedState = 'running';
  let restarts = 0;
  let failures = 0;
  let upSince = Date.now();
  let lastExit: SupervisorStatus['lastExit'] = null;
  let lastError: string | null = null;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let wakeUp: (() => void) | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref();
    });

  async function watch(current: LocalNeo4jHandle): Promise<void> {
    const ended = await current.exited;
    if (stopping || ended === null) return;
    lastExit = { code: ended?.code ?? null, signal: ended?.signal ?? null, at: new Date().toISOString() };
    state = 'restarting';
    if (Date.now() - upSince >= stableAfterMs) failures = 0;
    logger.error({ pid: current.pid, ...lastExit }, 'local Neo4j exited; restarting it');
    say(`local-neo4j: Neo4j (pid ${current.pid}) exited (${ended?.signal ?? `code ${ended?.code}`}); restarting it…`);
    while (!stopping) {
      const delay = restartDelay(failures + 1, schedule);
      await sleep(delay);
      if (stopping) return;
      try {
        handle = await options.restart();
        if (stopping) {
          await handle.stop();
          return;
        }
        restarts += 1;
        failures = 0;
        lastError = null;
        upSince = Date.now();
        state = 'running';
        logger.warn({ pid: handle.pid, restarts }, 'local Neo4j restarted');
        say(`local-neo4j: restarted (pid ${handle.pid})`);
        void watch(handle);
        return;
      } catch (error) {
        failures += 1;
        lastError = error instanceof Error ? error.message : String(error);
        logger.error({ err: error, failures, nextInMs: restartDelay(failures + 1, schedule) }, 'restarting local Neo4j failed');
      }
    }
  }

  void watch(handle);

  return {
    status: () => ({ state, pid: state === 'running' ? handle.pid : null, restarts, failures, lastExit, lastError }),
    async stop() {
      stopping = true;
      state = 'stopped';
      if (timer) clearTimeout(timer);
      wakeUp?.();
      await handle.stop();
    },
  };
}
