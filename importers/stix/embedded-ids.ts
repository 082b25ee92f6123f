/**
 * STIX 2.0-style `observed-data.objects` in 2.1 data: the 2.1 schemas (OASIS's too) want every
 * observable in that (deprecated) dictionary to be a full 2.1 SCO, with an `id`; 2.0 content and
 * some 2.1 producers (query tools) leave it out, and OASIS stix2-validator then stops with a fatal
 * error. Each observable without an id gets a deterministic one: the STIX 2.1 §2.9 UUIDv5 of its
 * ID-contributing properties when we know them for its type, else the UUIDv5 of its canonical JSON
 * (same namespace), so the same observable always gets the same id.
 * Used by the 2.0 → 2.1 upgrade (documented mapping) and as a repair of 2.1 input (tolerant mode).
 */
import {
  SCO_ID_CONTRIBUTING_PROPERTIES,
  STIX_SCO_NAMESPACE,
  canonicalJson,
  scoId,
  uuidv5,
  type DeterministicScoType,
} from '../factsheet/stix-id';
import type { Repair } from '../../schema/stix/index';
import { joinPath } from '../../schema/stix/issues';
import { isRecord } from '../../schema/json';

const TYPE_NAME = /^[a-z][a-z0-9-]{1,248}[a-z0-9]$/;

function idFor(entry: Record<string, unknown>, type: string): string {
  if (type in SCO_ID_CONTRIBUTING_PROPERTIES) {
    try {
      return scoId(type as DeterministicScoType, entry);
    } catch {
      // no ID-contributing property present: fall through to the whole content
    }
  }
  return `${type}--${uuidv5(canonicalJson(entry), STIX_SCO_NAMESPACE)}`;
}

/** The object with ids given to its embedded observables that lack one, and the list of them. */
export function withEmbeddedScoIds(obj: unknown, path = ''): { object: unknown; repairs: Repair[] } {
  if (!isRecord(obj) || obj.type !== 'observed-data' || !isRecord(obj.objects)) return { object: obj, repairs: [] };
  const repairs: Repair[] = [];
  const objects: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(obj.objects)) {
    if (isRecord(entry) && entry.id === undefined && typeof entry.type === 'string' && TYPE_NAME.test(entry.type)) {
      const id = idFor(entry, entry.type);
      objects[key] = { ...entry, id };
      repairs.push({
        path: joinPath(joinPath(joinPath(path, 'objects'), key), 'id'),
        message: 'an embedded observable without "id" (STIX 2.0 style)',
        fix: `given the deterministic id ${id}`,
      });
    } else {
      objects[key] = entry;
    }
  }
  return repairs.length > 0 ? { object: { ...obj, objects }, repairs } : { object: obj, repairs };
}
