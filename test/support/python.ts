/**
 * The Python used by oracle and interoperability tests (OASIS stix2-validator, medallion,
 * taxii2-client): `AG_PYTHON` when set, else the project's venv `.data/python` (created by the test
 * prerequisites), else `python3`. One place, so every test runs the same interpreter.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

export function pythonExecutable(): string {
  if (process.env.AG_PYTHON) return process.env.AG_PYTHON;
  const venv = resolve(PROJECT_ROOT, '.data', 'python', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/** Whether these Python modules import; the reason (with the install command) when they do not. */
export function pythonModules(modules: string[]): { ok: true } | { ok: false; reason: string } {
  const python = pythonExecutable();
  const r = spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('\n')], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `${python} not found (${r.error.message})` };
  if (r.status !== 0) {
    return {
      ok: false,
      reason: `${python} lacks ${modules.join(', ')}: python3 -m venv .data/python && .data/python/bin/pip install stix2-validator stix2 medallion taxii2-client (${r.stderr.trim().split('\n').at(-1)})`,
    };
  }
  return { ok: true };
}

/** Runs a Python script (argv after it), returns stdout; throws with stderr when it fails. */
export async function runPython(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const child = spawn(pythonExecutable(), ['-c', script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`python exited with ${code}: ${err.slice(-4000)}`);
  return out;
}

/** Starts a long-running Python process (a server); the caller stops it with `stopProcess`. */
export function startPython(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(pythonExecutable(), args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The interpreter, resolved once (see pythonExecutable). */
export const PYTHON: string = pythonExecutable();
