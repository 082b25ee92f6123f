/**
 * Runs OASIS stix2-validator (python package `stix2validator`) on bundle files, offline.
 *
 * Offline: the validator resolves `$ref`s of its bundled schemas (stix2validator/schemas-2.1)
 * from the file system, but would fetch any absolute http(s) `$ref` with `requests.get`. We
 * replace `stix2validator.validator.requests.get`: a `$ref` to the OASIS STIX 2.1 JSON schemas
 * (`https://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/…`, as
 * the published extension-definition schemas use) is served from the copy the validator bundles;
 * anything else raises, so a remote fetch fails the run loudly instead of hanging on a machine
 * without internet.
 *
 * `schemaDir` is the validator's `--schemas` option: objects are also validated against the
 * schema named after their type, and against the schema named after each `extensions` key (e.g.
 * an extension-definition's published JSON schema saved as `extension-definition--<uuid>.json`),
 * in addition to the built-in STIX 2.1 schemas, which always apply.
 *
 * Missing python/stix2validator: `stix2ValidatorAvailability()` says why; tests fail with that
 * message when CI=true and skip with it locally.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** AG_PYTHON, else the test prerequisites' venv (.data/python), else python3 on the PATH. */
function python(): string {
  if (process.env.AG_PYTHON) return process.env.AG_PYTHON;
  const venv = join(import.meta.dirname, '..', '..', '.data', 'python', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

const SCRIPT = String.raw`
import json, os, re, sys
import stix2validator.validator as v
from stix2validator import ValidationOptions, validate_file
BUNDLED = os.path.join(os.path.dirname(v.__file__), "schemas-2.1", "schemas")
OASIS = re.compile(r"^https://raw\.githubusercontent\.com/oasis-open/cti-stix2-json-schemas/stix2\.1/schemas/([a-z0-9_/-]+\.json)$")
class Bundled:
    def __init__(self, path):
        self.path = path
    def json(self):
        with open(self.path) as f:
            return json.load(f)
def offline(url, *a, **k):
    m = OASIS.match(str(url))
    if m and os.path.isfile(os.path.join(BUNDLED, m.group(1))):
        return Bundled(os.path.join(BUNDLED, m.group(1)))
    raise RuntimeError("stix2-validator tried to fetch a remote schema: " + str(url))
v.requests.get = offline
schema_dir = sys.argv[1] or None
opts = ValidationOptions(version="2.1", schema_dir=schema_dir)
out = []
for path in sys.argv[2:]:
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
  const r = spawnSync(python(), ['-c', 'import stix2validator'], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `python3 not found (${r.error.message}); install Python 3 and \`pip install stix2-validator\`` };
  if (r.status !== 0) return { ok: false, reason: `python package stix2validator missing: \`pip install stix2-validator\` (${r.stderr.trim().split('\n').at(-1)})` };
  return { ok: true };
}

export function runStix2Validator(files: string[], options: { schemaDir?: string } = {}): ValidatorResult[] {
  const r = spawnSync(python(), ['-c', SCRIPT, options.schemaDir ?? '', ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`stix2-validator failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ValidatorResult[];
}
