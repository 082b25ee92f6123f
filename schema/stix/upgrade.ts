/**
 * STIX 2.0 → 2.1 upgrade (pure: inputs are never mutated). Mappings, each documented in
 * docs/stix-schemas.md:
 *  - SDOs, SROs and marking-definitions get `spec_version: "2.1"`; a 2.0 bundle loses its
 *    `spec_version` (2.1 bundles have none).
 *  - `labels` that 2.0 used as the required type vocabulary move to the 2.1 `*_types` property
 *    (malware, tool, threat-actor, indicator, report) — unless they only repeat the type name
 *    (ATT&CK's `["malware"]` / `["tool"]`), which carries no information and is dropped, as MITRE
 *    does in its own 2.1 releases.
 *  - malware gets `is_family: true` (2.0 malware described families);
 *  - indicator gets `pattern_type: "stix"` (2.0 patterns are STIX patterns) and keeps valid_from.
 *  - observed-data `objects` stays (deprecated but allowed in 2.1); everything else, including
 *    `x_*` properties and custom types, is copied unchanged.
 */
import { isRecord } from '../json';

export const LABELS_TO_TYPES: Readonly<Record<string, string>> = {
  malware: 'malware_types',
  tool: 'tool_types',
  'threat-actor': 'threat_actor_types',
  indicator: 'indicator_types',
  report: 'report_types',
};

type Json = Record<string, unknown>;

/** Cyber-observable types: in 2.0 they only live inside observed-data and carry no spec_version. */
const SCO_LIKE = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message',
  'file', 'ipv4-addr', 'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process',
  'software', 'url', 'user-account', 'windows-registry-key', 'x509-certificate',
]);

/**
 * Upgrade one STIX 2.0 object to 2.1. Objects that already say `spec_version: "2.1"` and values
 * that are not objects are returned unchanged (same reference).
 */
export function upgradeObject20To21<T>(obj: T): T {
  if (!isRecord(obj)) return obj;
  if (obj.spec_version === '2.1') return obj;
  const type = typeof obj.type === 'string' ? obj.type : '';
  if (SCO_LIKE.has(type)) return obj;
  const out: Json = { ...obj, spec_version: '2.1' };

  const typesProp = LABELS_TO_TYPES[type];
  if (typesProp !== undefined && Array.isArray(obj.labels)) {
    const labels = obj.labels as unknown[];
    const onlyTypeName = labels.length === 1 && labels[0] === type;
    if (onlyTypeName || out[typesProp] === undefined) {
      delete out.labels;
      if (!onlyTypeName && labels.length > 0) out[typesProp] = [...labels];
    }
  }
  if (type === 'malware' && out.is_family === undefined) out.is_family = true;
  if (type === 'indicator' && out.pattern_type === undefined) out.pattern_type = 'stix';
  return out as T;
}

/** Which STIX version a bundle (or bare array of objects) is: by its and its objects' spec_version. */
export function detectSpecVersion(input: unknown): '2.0' | '2.1' | 'unknown' {
  const objects = Array.isArray(input) ? input : isRecord(input) ? input.objects : undefined;
  if (isRecord(input) && input.spec_version === '2.0') return '2.0';
  if (!Array.isArray(objects)) {
    if (isRecord(input) && input.spec_version === '2.1') return '2.1';
    return 'unknown';
  }
  let sawObjectWithoutVersion = false;
  for (const o of objects) {
    if (!isRecord(o)) continue;
    if (o.spec_version === '2.1') return '2.1';
    if (o.spec_version === '2.0') return '2.0';
    if (typeof o.type === 'string' && !SCO_LIKE.has(o.type)) sawObjectWithoutVersion = true;
  }
  // 2.1 requires spec_version on every SDO/SRO; its absence means 2.0.
  return sawObjectWithoutVersion ? '2.0' : 'unknown';
}

/** Upgrade a 2.0 bundle: every object, and the envelope loses its `spec_version`. */
export function upgradeBundle<T>(bundle: T): T {
  if (!isRecord(bundle)) return bundle;
  const { spec_version: _dropped, ...rest } = bundle;
  const out: Json = { ...rest };
  if (Array.isArray(bundle.objects)) out.objects = bundle.objects.map((o) => upgradeObject20To21(o));
  return out as T;
}
