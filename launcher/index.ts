/**
 * The local Neo4j: Neo4j 5.26 Community from Maven Central, run in a JVM by
 * launcher/src/main/java/.../LocalNeo4j.java, Bolt on 127.0.0.1 only, authentication on.
 *
 * State lives in one folder (default `.data/neo4j`): `db/` (store files), `password` (mode 600,
 * generated on first start), `pid` and `bolt-port` of the running JVM, `neo4j.log`.
 * `start` reuses a Neo4j that is already running from the same folder.
 *
 * Permissions: the folder is 0700 and everything in it is created 0600/0700 (the JVM runs with
 * umask 077), so other local users can read neither the store files nor the password.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAUNCHER_DIR = dirname(fileURLToPath(import.meta.url));
const JAR = join(LAUNCHER_DIR, 'target', 'attribution-graph-neo4j.jar');
const LIB = join(LAUNCHER_DIR, 'target', 'lib');
const MAIN_CLASS = 'dev.attributiongraph.neo4j.LocalNeo4j';

export interface LocalNeo4jOptions {
  /** Folder holding the database and the launcher's state files. */
  home: string;
  /** Bolt port on 127.0.0.1. */
  boltPort: number;
  /** Memory and tuning; default: localNeo4jSettings() (the environment). */
  settings?: LocalNeo4jSettings;
  /**
   * Tie the JVM's life to this process: it shuts down cleanly when our stdin pipe closes,
   * so a crashed or killed parent leaves no orphan JVM.
   */
  attached?: boolean;
  /** Receives one line per step (building, starting, ready). */
  onProgress?: (line: string) => void;
  /** Maximum wait for Bolt to answer, in milliseconds. */
  startTimeoutMs?: number;
}

/** The local Neo4j's memory and tuning, from the environment (README, "Settings"). */
export interface LocalNeo4jSettings {
  /** JVM heap (`AG_NEO4J_HEAP`), e.g. "3g". */
  heap: string;
  /** Page cache (`AG_NEO4J_PAGECACHE`), e.g. "1g". */
  pageCache: string;
  /** JVM options (`AG_NEO4J_JAVA_OPTS`), replacing the default. */
  javaOpts: string[];
  /** Extra Neo4j settings (`AG_NEO4J_CONFIG`), `key=value` separated by `;` or new lines. */
  config: string;
}

const MEMORY_SIZE = /^[1-9][0-9]*[kmg]?$/i;

/**
 * The one place the local Neo4j's settings are read from the environment, and checked: a bad
 * value stops the start with a LauncherError naming the variable, instead of a JVM that dies
 * with its own message (or silently ignores it). `defaults` lets a benchmark size its own
 * database when the variable is unset.
 */
export function localNeo4jSettings(
  env: NodeJS.ProcessEnv = process.env,
  defaults: { heap?: string; pageCache?: string } = {},
): LocalNeo4jSettings {
  const problems: string[] = [];
  const size = (name: string, fallback: string): string => {
    const value = (env[name] ?? '').trim() || fallback;
    if (!MEMORY_SIZE.test(value)) problems.push(`${name} must be a size such as 512m or 3g, got "${value}"`);
    return value;
  };
  const heap = size('AG_NEO4J_HEAP', defaults.heap ?? '3g');
  const pageCache = size('AG_NEO4J_PAGECACHE', defaults.pageCache ?? '1g');
  const javaOpts = (env.AG_NEO4J_JAVA_OPTS ?? '-XX:+UseG1GC').split(/\s+/).filter(Boolean);
  for (const opt of javaOpts) {
    if (!opt.startsWith('-')) problems.push(`AG_NEO4J_JAVA_OPTS holds "${opt}", which is not a JVM option (they start with -)`);
    if (/^-Xm[sx]/.test(opt)) problems.push(`AG_NEO4J_JAVA_OPTS holds "${opt}": set the heap with AG_NEO4J_HEAP`);
  }
  const config = env.AG_NEO4J_CONFIG ?? '';
  for (const entry of config.split(/[;\n]/).map((e) => e.trim()).filter(Boolean)) {
    if (entry.indexOf('=') <= 0) problems.push(`AG_NEO4J_CONFIG entry "${entry}" is not key=value`);
  }
  if (problems.length > 0) throw new LauncherError(problems.join('; '));
  return { heap, pageCache, javaOpts, config };
}

export interface LocalNeo4jHandle {
  uri: string;
  user: string;
  password: string;
  pid: number;
  /** True when this call started the JVM; false when it found one already running. */
  started: boolean;
  /** Stops the JVM if this call started it (no-op for a reused one). */
  stop: () => Promise<void>;
  /**
   * Settles when the JVM this call started exits, however it ends (kill -9, its own
   * out-of-memory exit, `stop`); null for a reused one (see `isAlive` on `pid`).
   */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null;
}

export class LauncherError extends Error {
  override name = 'LauncherError';
}

function commandExists(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

const STAMP = join(LAUNCHER_DIR, 'target', 'build.sha256');

/** Digest of what the build depends on: a changed pom.xml or Java source means a rebuild. */
function sourceDigest(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(path.slice(LAUNCHER_DIR.length)).update(readFileSync(path));
    }
  };
  hash.update(readFileSync(join(LAUNCHER_DIR, 'pom.xml')));
  walk(join(LAUNCHER_DIR, 'src'));
  return hash.digest('hex');
}

/** Builds the launcher jar and fetches Neo4j's jars with Maven, once (again when its sources change). */
export function ensureLauncherBuilt(onProgress: (line: string) => void = () => {}): void {
  const digest = sourceDigest();
  const built = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
  if (existsSync(JAR) && existsSync(LIB) && built === digest) return;
  if (!commandExists('java', ['-version'])) {
    throw new LauncherError(
      'Java 17+ is needed to run the local Neo4j but `java` was not found on PATH. ' +
        'Install a JDK 17 (e.g. `apt-get install openjdk-17-jdk-headless`), or point NEO4J_URI at a running Neo4j 5.',
    );
  }
  if (!commandExists('mvn', ['-v'])) {
    throw new LauncherError(
      'Maven is needed once to fetch Neo4j 5.26 Community but `mvn` was not found on PATH. ' +
        'Install it (e.g. `apt-get install maven`), or point NEO4J_URI at a running Neo4j 5.',
    );
  }
  onProgress('local-neo4j: building the launcher — fetching Neo4j 5.26 Community with Maven on first use…');
  const result = spawnSync('mvn', ['-q', '-B', 'package', '-DskipTests'], {
    cwd: LAUNCHER_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0 || !existsSync(JAR)) {
    throw new LauncherError(`Building the local Neo4j launcher failed (mvn exit ${result.status}).`);
  }
  writeFileSync(STAMP, `${digest}\n`);
}

function statePaths(home: string) {
  const root = resolve(home);
  return {
    root,
    db: join(root, 'db'),
    password: join(root, 'password'),
    pid: join(root, 'pid'),
    port: join(root, 'bolt-port'),
    log: join(root, 'neo4j.log'),
  };
}

/** Creates the state folder 0700, or makes an existing one 0700 (older versions left it 0755). */
function privateFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

/** The password of the local Neo4j in `home`, created (mode 600) on first use. */
export function localPassword(home: string): string {
  const paths = statePaths(home);
  privateFolder(paths.root);
  if (existsSync(paths.password)) return readFileSync(paths.password, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(paths.password, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface LocalNeo4jStatus {
  running: boolean;
  pid?: number;
  boltPort?: number;
  uri?: string;
  home: string;
}

/** Whether a local Neo4j started from `home` is running, and where. */
export async function localNeo4jStatus(home: string): Promise<LocalNeo4jStatus> {
  const paths = statePaths(home);
  if (!existsSync(paths.pid)) return { running: false, home: paths.root };
  const pid = Number(readFileSync(paths.pid, 'utf8').trim());
  const boltPort = existsSync(paths.port) ? Number(readFileSync(paths.port, 'utf8').trim()) : NaN;
  if (!Number.isInteger(pid) || !isAlive(pid) || !Number.isInteger(boltPort)) {
    return { running: false, home: paths.root };
  }
  const answers = await portAnswers(boltPort);
  return answers
    ? { running: true, pid, boltPort, uri: `bolt://127.0.0.1:${boltPort}`, home: paths.root }
    : { running: false, pid, boltPort, home: paths.root };
}

function waitForReady(child: ChildProcess, timeoutMs: number, logPath: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGTERM');
      reject(new LauncherError(`Neo4j did not start within ${timeoutMs / 1000} s; see ${logPath}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      if (buffer.includes('READY ')) {
        cleanup();
        resolvePromise();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new LauncherError(`Neo4j exited during start (code ${code}); see ${logPath}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts the local Neo4j (building it on first use), or reuses the one running from `home`. */
export async function startLocalNeo4j(options: LocalNeo4jOptions): Promise<LocalNeo4jHandle> {
  const progress = options.onProgress ?? (() => {});
  const settings = options.settings ?? localNeo4jSettings();
  const paths = statePaths(options.home);
  const password = localPassword(options.home);
  const status = await localNeo4jStatus(options.home);
  if (status.running && status.uri && status.pid) {
    progress(`local-neo4j: reusing the running Neo4j (pid ${status.pid}) at ${status.uri}`);
    return { uri: status.uri, user: 'neo4j', password, pid: status.pid, started: false, stop: async () => {}, exited: null };
  }
  if (await portAnswers(options.boltPort)) {
    throw new LauncherError(
      `Port ${options.boltPort} on 127.0.0.1 is taken by another program; set NEO4J_BOLT_PORT to a free port.`,
    );
  }
  ensureLauncherBuilt(progress);
  privateFolder(paths.db);
  progress(`local-neo4j: starting Neo4j 5.26 Community on bolt://127.0.0.1:${options.boltPort} (data in ${paths.db})…`);
  const logFd = openSync(paths.log, 'a', 0o600);
  // Through a shell only to set umask 077 for the JVM (Node cannot set a child's umask), so the
  // store files, transaction logs and Neo4j's own logs it creates are 0600 in 0700 folders.
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      'umask 077 && exec "$@"',
      'local-neo4j',
      'java',
      // Initial = maximum heap, as Neo4j's operations manual advises: no pauses to grow the heap
      // in the middle of a big import transaction.
      `-Xms${settings.heap}`,
      `-Xmx${settings.heap}`,
      ...settings.javaOpts,
      '-XX:+ExitOnOutOfMemoryError',
      '-Dfile.encoding=UTF-8',
      '-cp',
      `${JAR}:${join(LIB, '*')}`,
      MAIN_CLASS,
    ],
    {
      env: {
        ...process.env,
        AG_NEO4J_HOME: paths.db,
        AG_NEO4J_PASSWORD: password,
        AG_NEO4J_BOLT_PORT: String(options.boltPort),
        AG_NEO4J_PAGECACHE: settings.pageCache,
        AG_NEO4J_CONFIG: settings.config,
        AG_NEO4J_WATCH_STDIN: options.attached ? '1' : '0',
      },
      stdio: [options.attached ? 'pipe' : 'ignore', 'pipe', logFd],
      detached: !options.attached,
    },
  );
  const started = Date.now();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  await waitForReady(child, options.startTimeoutMs ?? 180_000, paths.log);
  child.stdout?.resume();
  if (!options.attached) {
    // Detached: neither the child nor its stdout pipe (a socket) may keep this process alive.
    child.unref();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  }
  const pid = child.pid ?? -1;
  writeFileSync(paths.pid, `${pid}\n`, { mode: 0o600 });
  writeFileSync(paths.port, `${options.boltPort}\n`, { mode: 0o600 });
  progress(`local-neo4j: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${pid})`);
  const uri = `bolt://127.0.0.1:${options.boltPort}`;
  return {
    uri,
    user: 'neo4j',
    password,
    pid,
    started: true,
    stop: async () => {
      await stopLocalNeo4j(options.home);
    },
    exited,
  };
}

/** Stops the local Neo4j running from `home` (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopLocalNeo4j(home: string, graceMs = 60_000): Promise<boolean> {
  const paths = statePaths(home);
  if (!existsSync(paths.pid)) return false;
  const pid = Number(readFileSync(paths.pid, 'utf8').trim());
  const clear = () => {
    rmSync(paths.pid, { force: true });
    rmSync(paths.port, { force: true });
  };
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    clear();
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  clear();
  return true;
}
