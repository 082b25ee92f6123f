/**
 * Deterministic STIX identifiers.
 *
 * - SCOs: STIX 2.1 §2.9 — UUIDv5 in the namespace 00abedb4-aa42-466c-9c01-fed23315a9b7 over the
 *   RFC 8785 canonical JSON of the object's ID-contributing properties.
 * - Everything else we emit: UUIDv5 in our own namespace over `<slug>/<type>/<key>`, so that
 *   re-importing the same fact sheet yields the same ids (and the import is a no-op).
 */
import { createHash } from 'node:crypto';

/** STIX 2.1 §2.9: namespace for deterministic SCO identifiers. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/**
 * Attribution Graph's namespace for ids derived from fact sheets and importers. A fixed random
 * UUIDv4: changing it changes every derived id, so it must never change.
 */
export const ATTRIBUTION_GRAPH_NAMESPACE = '4c1b7d52-58a3-4b0e-9f0e-6b1f3e0c9a71';

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** RFC 9562 UUID version 5 (SHA-1, name-based). */
export function uuidv5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(Buffer.from(name, 'utf8')).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  return formatUuid(bytes);
}

/**
 * RFC 8785 (JCS) canonical JSON for the values STIX id-contributing properties can hold:
 * strings, finite numbers, booleans, null, arrays and objects. Object keys are sorted by UTF-16
 * code units (JavaScript's default sort); strings and numbers use ECMAScript serialisation, which
 * is what JCS prescribes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot hold a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

/**
 * ID-contributing properties per SCO type (STIX 2.1 §6, each type's "ID Contributing Properties").
 * Only the types our importers emit are listed; add more as needed.
 */
export const SCO_ID_CONTRIBUTING_PROPERTIES = {
  'domain-name': ['value'],
  'email-addr': ['value'],
  'user-account': ['account_type', 'user_id', 'account_login'],
  url: ['value'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
} as const satisfies Record<string, readonly string[]>;

export type DeterministicScoType = keyof typeof SCO_ID_CONTRIBUTING_PROPERTIES;

/** `<type>--<uuidv5>` for an SCO, from the ID-contributing properties present on `object`. */
export function scoId(type: DeterministicScoType, object: Readonly<Record<string, unknown>>): string {
  const contributing: Record<string, unknown> = {};
  for (const key of SCO_ID_CONTRIBUTING_PROPERTIES[type]) {
    if (object[key] !== undefined) contributing[key] = object[key];
  }
  if (Object.keys(contributing).length === 0) {
    throw new TypeError(`${type}: no ID-contributing property present; a UUIDv4 would be required`);
  }
  return `${type}--${uuidv5(canonicalJson(contributing), STIX_SCO_NAMESPACE)}`;
}

/** `<type>--<uuidv5>` for an object derived from a case: same slug, type and key → same id. */
export function caseObjectId(type: string, slug: string, key: string): string {
  return `${type}--${uuidv5(`${slug}/${type}/${key}`, ATTRIBUTION_GRAPH_NAMESPACE)}`;
}
