/**
 * The Python that runs the OASIS oracles and peers (stix2-validator, stix2, medallion,
 * taxii2-client): AG_PYTHON when set, else the project's own environment `.data/python` that
 * `scripts/prereqs.mjs test` (npm's `pretest`) creates, else `python3` from PATH.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PYTHON: string = (() => {
  if (process.env.AG_PYTHON) return process.env.AG_PYTHON;
  const venv = join(ROOT, '.data', 'python', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
})();
