/**
 * The read phases of an import: read → upgrade 2.0 → validate (tolerant: repair or set aside) →
 * deduplicate, object by object, then the envelope. Objects that pass wait in `session.pending`
 * and are handed to the session's writer (writer.ts), which writes batches as they are due.
 */
import {
  compareTimestamps,
  repairStixObject,
  upgradeObject20To21,
  validateBundle,
  validateStixObject,
  type Repair,
} from '../../../../schema/stix/index';
import { hashRaw, markingRankOf, type JsonObject } from '../../graph/stix.mapping';
import { withEmbeddedScoIds } from '../../../../importers/stix/embedded-ids';
import { StixInputError } from '../../../../importers/stix/parse';
import {
  EagerAbort,
  MAX_REPORTED_ISSUES,
  error,
  isFatal,
  lazilyParsed,
  needsUpgrade,
  progress,
  setAside,
  warn,
  type ImportSession,
  type Prepared,
} from './session';

interface Repaired {
  repairs: Repair[];
  original: string;
}

/** Reads, upgrades, validates and deduplicates the input, handing what passes to the writer. */
export async function consume(s: ImportSession): Promise<void> {
  try {
    for await (const item of s.input.objects) {
      s.options.signal?.throwIfAborted();
      s.index += 1;
      if (s.index >= s.maxObjects) {
        error(s, { objectId: null, path: `objects[${s.index}]`, message: `more than ${s.maxObjects} objects; the limit is ${s.maxObjects}` });
        break;
      }
      if ((await readObject(s, item)) === 'stop') break;
    }
  } catch (e) {
    if (!(e instanceof StixInputError)) throw e; // run.ts has the writer abort

    e.issues.forEach((issue) => error(s, issue));
    s.inputBroken = true;
  }
  progress(s, 'read');
  checkEnvelope(s);
}

/** One input object through every read phase; 'stop' ends the reading. */
async function readObject(s: ImportSession, item: unknown): Promise<'next' | 'stop'> {
  const path = `objects[${s.index}]`;
  const checked = validated(s, item, path);
  if (checked === null) return 'next';
  const o = checked.obj as JsonObject;
  const current = prepared(s, o, checked.repaired);
  if (!(await deduplicate(s, item, current))) return 'next';
  accept(s, o, current, checked.repaired);
  if (s.errors.length > 0) {
    // Nothing will be written: keep validating, but do not hold objects in memory.
    s.pending = new Map();
    return 'next';
  }
  if ((await s.writer.write(s)) === 'stop') return 'stop';
  if ((s.index & 1023) === 0) progress(s, 'read');
  return 'next';
}

/** Upgrade (2.0) and validate; tolerant mode repairs what is safe. Null: refused or set aside. */
function validated(s: ImportSession, item: unknown, path: string): { obj: unknown; repaired: Repaired | null } | null {
  let obj = item;
  if (needsUpgrade(obj)) {
    obj = upgradeObject20To21(obj);
    if (obj !== item) s.upgraded += 1;
    obj = withEmbeddedScoIds(obj).object; // part of the 2.0 upgrade (embedded-ids.ts)
  }
  const issues = validateStixObject(obj, { path, limits: s.limits });
  if (issues.length === 0) return { obj, repaired: null };
  if (s.strict || isFatal(obj, path, s.limits)) {
    issues.forEach((issue) => error(s, issue));
    return null;
  }
  // Tolerant: repair what is safe to repair, else set the object aside.
  const fixed = repairStixObject(obj, path);
  const embedded = withEmbeddedScoIds(fixed.object, path);
  const all = [...fixed.repairs, ...embedded.repairs];
  const again = all.length > 0 ? validateStixObject(embedded.object, { path, limits: s.limits }) : issues;
  if (again.length > 0) {
    setAside(s, item, s.index, again);
    return null;
  }
  return { obj: embedded.object, repaired: { repairs: all, original: JSON.stringify(item) } };
}

/** A valid object as it waits to be written (streams keep only its text). */
function prepared(s: ImportSession, o: JsonObject, repaired: Repaired | null): Prepared {
  const index = s.index;
  const id = o.id as string;
  const raw = JSON.stringify(o);
  const hash = hashRaw(raw);
  const modified = typeof o.modified === 'string' ? o.modified : null;
  const current: Prepared = s.streamed ? lazilyParsed(index, id, raw, hash, modified) : { index, id, obj: o, raw, hash, modified };
  if (repaired) {
    current.repairs = repaired.repairs;
    current.original = repaired.original;
  }
  return current;
}

/**
 * An id met before in the input: exact repeat, another version (the older goes to history) or a
 * conflict (onConflict policy). False: this object goes no further.
 */
async function deduplicate(s: ImportSession, item: unknown, current: Prepared): Promise<boolean> {
  const { id, hash, modified, raw } = current;
  const path = `objects[${s.index}]`;
  const prev = s.seen.get(id);
  if (!prev) return true;
  /** The earlier object of this id when it is still waiting to be written. */
  const prevPending = s.pending.get(id);
  if (prev.hash === hash) {
    warn(s, { objectId: id, path, message: `repeats objects[${prev.index}] exactly; imported once` });
    return false;
  }
  let keep = true;
  // Validated timestamps: the schemas' comparison never answers null for them.
  const versions = prev.modified !== null && modified !== null && (compareTimestamps(prev.modified, modified) ?? 0) !== 0;
  if (versions) {
    // Two versions of one object in the bundle: the newer is current, the older goes to history.
    const newer = (compareTimestamps(modified, prev.modified) ?? 0) > 0;
    const older = newer ? (prevPending ?? null) : current;
    if (older) s.history.push(older);
    keep = newer;
  } else if (s.policy === 'reject' && !s.strict) {
    // Tolerant: the first one stays; this one waits in the quarantine for a decision.
    setAside(s, item, s.index, [{
      objectId: id,
      path,
      message: `conflicts with objects[${prev.index}]: same id${modified ? ' and "modified"' : ''}, different content; the first one was imported`,
    }], raw);
    return false;
  } else if (s.policy === 'reject') {
    error(s, {
      objectId: id,
      path,
      message: `conflicts with objects[${prev.index}]: same id${modified ? ' and "modified"' : ''}, different content (use onConflict keep-first or keep-last to import anyway)`,
    });
    return false;
  } else {
    warn(s, {
      objectId: id,
      path,
      message: `conflicts with objects[${prev.index}] (same id${modified ? ' and "modified"' : ''}, different content); kept the ${s.policy === 'keep-first' ? 'first' : 'last'} one`,
    });
    keep = s.policy === 'keep-last';
  }
  if (!keep) return false;
  if (prevPending) {
    s.pending.delete(id);
    // It was itself replacing a written one (eager): so does this one.
    if (prevPending.rewrite) current.rewrite = versions ? 'version' : prevPending.rewrite;
  } else if (s.eager) {
    // The earlier one is already written in this transaction: its outcome must be known.
    await s.eagerChain;
    const outcome = s.outcomes.get(id);
    if (outcome === 'unchanged') {
      s.counts.unchanged -= 1; // nothing was written for it: this one is classified afresh
    } else if (outcome === 'refused') {
      // Set aside by the write-side rules: this one is classified afresh.
    } else {
      current.rewrite = versions ? 'version' : 'replace';
    }
  }
  return true;
}

/** The object passed every read phase: it waits to be written. */
function accept(s: ImportSession, o: JsonObject, current: Prepared, repaired: Repaired | null): void {
  const id = current.id;
  if (o.type === 'marking-definition') {
    const rank = markingRankOf(o);
    if (s.eager && s.bundleMarkings.has(id) && s.bundleMarkings.get(id) !== rank) {
      // Objects already written used the first definition's rank: start over, classic path.
      throw new EagerAbort(`marking-definition ${id} appears twice with different ranks`);
    }
    s.bundleMarkings.set(id, rank);
  }
  s.seen.set(id, { index: current.index, hash: current.hash, modified: current.modified });
  s.pending.set(id, current);
  if (repaired) {
    s.repairedCount += 1;
    for (const r of repaired.repairs) {
      if (s.repairs.length < MAX_REPORTED_ISSUES) s.repairs.push({ objectId: id, path: r.path, message: r.message, fix: r.fix });
    }
  }
}

/** The envelope (complete only now for streams): implicit bundles, 2.0 leftovers, its own rules. */
function checkEnvelope(s: ImportSession): void {
  const shape = s.input.shape();
  const envelope = s.input.envelope();
  if (!s.inputBroken && (shape === 'array' || shape === 'object')) {
    warn(s, {
      objectId: null,
      path: '',
      message: `the input is ${shape === 'array' ? 'a bare JSON array' : 'a single STIX object'}, not a bundle; imported as an implicit bundle`,
    });
  }
  if (envelope && !s.inputBroken) {
    const env: Record<string, unknown> = { ...envelope };
    if (env.spec_version === '2.0') delete env.spec_version;
    if (!s.strict) {
      // 2.1 bundles carry only type, id and objects; some producers add 2.0's spec_version or
      // timestamps. The envelope is not stored, so they are dropped (a repair of the input).
      for (const key of ['spec_version', 'created', 'modified'] as const) {
        if (env[key] === undefined) continue;
        s.repairs.push({
          objectId: typeof env.id === 'string' ? env.id : null,
          path: key,
          message: `a STIX 2.1 bundle has no "${key}"`,
          fix: 'ignored (the bundle envelope is not stored)',
        });
        delete env[key];
      }
    }
    for (const issue of validateBundle(env, { limits: s.limits })) error(s, issue);
  }
  if (s.upgraded > 0) {
    warn(s, { objectId: null, path: '', message: `${s.upgraded} STIX 2.0 object(s) upgraded to 2.1 on the way in` });
  }
}
