#!/usr/bin/env node
/**
 * Obtains what `npm start` and `npm test` need beyond `npm ci`, and says what it did.
 *
 *   node scripts/prereqs.mjs start   Java 17+ and Maven (the embedded Neo4j), unless NEO4J_URI is set;
 *                                    Chromium when it can (PDF briefs; without it the app starts and
 *                                    says the PDF brief is unavailable, HTML briefs still work)
 *   node scripts/prereqs.mjs test    the same, Chromium required (browser tests), and the Python oracles
 *                                    and peers (OASIS stix2-validator, stix2, medallion, taxii2-client)
 *
 * Run by npm as `prestart` / `pretest`. Each check is cheap when the thing is already there.
 *  - System packages come from Debian's archive through apt-get, only when running as root (or
 *    with password-less sudo) on a Debian-like system; otherwise the script stops with the exact
 *    command to run. Nothing is downloaded from outside the package registries.
 *  - Python packages go into a project-local virtual environment, `.data/python`, pinned below;
 *    tests and benchmarks use it through `test/support/python.ts` (AG_PYTHON overrides).
 *  - CHROMIUM_PATH names another Chromium/Chrome; AG_PREREQS=skip skips everything (you provide
 *    the tools yourself).
 * Exit status: 0 when everything is there (or was obtained), 1 with a message naming what is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The Python packages the tests start or call, pinned so every machine runs the same oracles. */
export const PYTHON_PACKAGES = ['stix2-validator==3.3.2', 'stix2==3.0.2', 'medallion==3.0.0', 'taxii2-client==2.3.0'];
const PYTHON_IMPORTS = ['stix2validator', 'stix2', 'medallion', 'taxii2client'];
const VENV = join(ROOT, '.data', 'python');
const VENV_PYTHON = join(VENV, 'bin', 'python');

const say = (line) => process.stderr.write(`prereqs: ${line}\n`);
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });
const works = (cmd, args) => {
  const r = run(cmd, args);
  return !r.error && r.status === 0 ? `${r.stdout}${r.stderr}` : null;
};

function javaMajor() {
  const out = works('java', ['-version']);
  const m = out && /version "(\d+)(?:\.(\d+))?/.exec(out);
  if (!m) return 0;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return '/usr/bin/chromium';
}

/** apt-get install as root or through password-less sudo; returns null on success, else why not. */
function aptInstall(packages) {
  if (!existsSync('/usr/bin/apt-get')) return 'apt-get is not available (not a Debian-like system)';
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = isRoot ? [] : works('sudo', ['-n', 'true']) !== null ? ['sudo', '-n'] : null;
  if (!prefix) return 'not root and no password-less sudo';
  const exec = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    return run(cmd, rest, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  say(`installing Debian packages: ${packages.join(' ')} (apt-get, once)`);
  const update = exec(['apt-get', 'update', '-qq']);
  if (update.status !== 0) return `apt-get update failed: ${update.stderr.trim().split('\n').at(-1)}`;
  const install = exec(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);
  if (install.status !== 0) return `apt-get install failed: ${install.stderr.trim().split('\n').at(-1)}`;
  return null;
}

function ensureSystem(wanted) {
  const missing = wanted.filter((w) => !w.present());
  if (missing.length === 0) return true;
  const debian = missing.map((w) => w.debian).filter(Boolean);
  const why = debian.length > 0 ? aptInstall(debian) : 'no Debian package for it';
  const still = missing.filter((w) => !w.present());
  if (!why && still.length === 0) {
    for (const w of missing) say(`installed ${w.what}`);
    return true;
  }
  for (const w of still) {
    say(`MISSING ${w.what} (${w.why}); could not install it: ${why ?? 'installed but still not found'}.`);
    say(`  ${w.debian ? `install it with: sudo apt-get install ${w.debian}` : 'provide it'}${w.hint ? `   (${w.hint})` : ''}`);
  }
  return false;
}

function ensurePython() {
  const python = process.env.AG_PYTHON || VENV_PYTHON;
  const check = `import ${PYTHON_IMPORTS.join(', ')}`;
  if (existsSync(python) && works(python, ['-c', check]) !== null) return true;
  if (process.env.AG_PYTHON) {
    say(`MISSING Python packages in AG_PYTHON=${python}: pip install ${PYTHON_PACKAGES.join(' ')}`);
    return false;
  }
  const base = works('python3', ['--version']) !== null ? 'python3' : null;
  if (!base) {
    say('MISSING python3 (the STIX and TAXII oracles run in Python): sudo apt-get install python3 python3-venv');
    return false;
  }
  if (!existsSync(VENV_PYTHON)) {
    say(`creating the Python environment for the test oracles in ${VENV}`);
    const venv = run(base, ['-m', 'venv', VENV], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (venv.status !== 0) {
      say(`could not create ${VENV}: ${venv.stderr.trim().split('\n').at(-1)} (Debian: sudo apt-get install python3-venv)`);
      return false;
    }
  }
  say(`installing ${PYTHON_PACKAGES.join(' ')} into ${VENV} (pip, once)`);
  const pip = run(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PYTHON_PACKAGES], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (pip.status !== 0 || works(VENV_PYTHON, ['-c', check]) === null) {
    say(`pip install failed: ${pip.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return false;
  }
  say('Python oracles ready');
  return true;
}

function main() {
  const mode = process.argv[2] ?? 'test';
  if (mode !== 'start' && mode !== 'test') {
    say(`unknown mode "${mode}" (start | test)`);
    return 1;
  }
  if (process.env.AG_PREREQS === 'skip') return 0;
  const wanted = [];
  // The embedded Neo4j (launcher/) is built by Maven and runs on Java 17+. Tests fall back to it
  // unless NEO4J_URI is set (or Docker answers, which we do not probe here: it is the slow check).
  if (!process.env.NEO4J_URI) {
    wanted.push(
      { what: 'Java 17+', why: 'runs the embedded Neo4j', debian: 'openjdk-17-jdk-headless', present: () => javaMajor() >= 17 },
      { what: 'Maven', why: 'fetches Neo4j from Maven Central and builds the launcher', debian: 'maven', present: () => works('mvn', ['-v']) !== null },
    );
  }
  const chromium = {
    what: `Chromium at ${chromiumPath()}`,
    why: mode === 'test' ? 'the browser tests drive it through playwright-core, and it prints PDF briefs' : 'it prints PDF briefs',
    debian: process.env.CHROMIUM_PATH ? null : 'chromium',
    hint: 'or set CHROMIUM_PATH to a Chromium/Chrome binary',
    present: () => existsSync(chromiumPath()),
  };
  if (mode === 'test') wanted.push(chromium);
  let ok = ensureSystem(wanted);
  // For the app, Chromium is optional: without it the app runs, and PDF briefs say why they are unavailable.
  if (mode === 'start' && !ensureSystem([chromium])) say('continuing without Chromium: PDF briefs are unavailable until it is installed (HTML briefs work)');
  if (mode === 'test') ok = ensurePython() && ok;
  if (!ok) say('some prerequisites are missing (see above); AG_PREREQS=skip runs anyway');
  else if (mode === 'test') say(`ready: ${[...wanted.map((w) => w.what), `Python oracles (${process.env.AG_PYTHON || VENV_PYTHON})`].join(', ')}`);
  return ok ? 0 : 1;
}

process.exitCode = main();
