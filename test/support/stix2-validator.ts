/**
 * Runs OASIS stix2-validator (python package `stix2validator`) on bundle files, offline.
 *
 * Offline: the validator resolves `$ref`s of its bundled schemas (stix2validator/schemas-2.1)
 * from the file system, but would fetch any absolute http(s) `$ref` with `requests.get`. We
 * replace `stix2validator.validator.requests.get` with a function that raises, so a remote fetch
 * fails the run loudly instead of hanging on a machine without internet (none happens today).
 *
 * Missing python/stix2validator: `stix2ValidatorAvailability()` says why; tests fail with that
 * message when CI=true and skip with it locally.
 */
import { spawnSync } from 'node:child_process';

const SCRIPT = String.raw`
import json, sys
import stix2validator.validator as v
from stix2validator import ValidationOptions, validate_file
def no_network(url, *a, **k):
    raise RuntimeError("stix2-validator tried to fetch a remote schema: " + str(url))
v.requests.get = no_network
opts = ValidationOptions(version="2.1")
out = []
for path in sys.argv[1:]:
    r = validate_file(path, opts)
    errors, warnings = [], []
    for o in r.object_results:
        errors += [o.object_id + ": " + str(e) for e in o.errors]
        warnings += [o.object_id + ": " + str(w) for w in o.warnings]
    errors += [str(e) for e in (r.fatal and [r.fatal] or [])]
    out.append({"file": path, "valid": bool(r.is_valid), "errors": errors, "warnings": warnings})
print(json.dumps(out))
`;

export interface ValidatorResult {
  file: string;
  valid: boolean;
  errors: string[];
  warnings: string[];
}

export function stix2ValidatorAvailability(): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync('python3', ['-c', 'import stix2validator'], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `python3 not found (${r.error.message}); install Python 3 and \`pip install stix2-validator\`` };
  if (r.status !== 0) return { ok: false, reason: `python package stix2validator missing: \`pip install stix2-validator\` (${r.stderr.trim().split('\n').at(-1)})` };
  return { ok: true };
}

export function runStix2Validator(files: string[]): ValidatorResult[] {
  const r = spawnSync('python3', ['-c', SCRIPT, ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`stix2-validator failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ValidatorResult[];
}
