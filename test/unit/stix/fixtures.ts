/**
 * Hand-written STIX 2.1 objects, one valid example per type (fixed ids and timestamps), used by the
 * per-type accept/reject tests and by the OASIS oracle test.
 */
export const T0 = '2024-01-02T03:04:05.000Z';
export const T1 = '2024-02-03T04:05:06.000Z';
export const IDENTITY = 'identity--4b2ad3b0-3f1f-4e0a-9c4e-0a0f1e9d5c01';
export const MARKING = 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da';
export const INCIDENT = 'incident--6c1e0a52-5d2e-4f3b-8a1e-9d2c3b4a5f01';
export const ACTOR = 'threat-actor--1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c01';
export const FILE = 'file--0f1e2d3c-4b5a-5968-8776-655443322101';
export const IPV4 = 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd';
export const EXT_ID = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';

export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function sdo(type: string, n: number, props: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    spec_version: '2.1',
    id: `${type}--${uuid(n)}`,
    created: T0,
    modified: T1,
    created_by_ref: IDENTITY,
    ...props,
  };
}
function sco(type: string, n: number, props: Record<string, unknown>): Record<string, unknown> {
  return { type, spec_version: '2.1', id: `${type}--${uuid(n)}`, ...props };
}

export const VALID: Record<string, Record<string, unknown>> = {
  'attack-pattern': sdo('attack-pattern', 1, {
    name: 'Spearphishing Attachment',
    kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'initial-access' }],
    external_references: [{ source_name: 'capec', external_id: 'CAPEC-163' }],
  }),
  campaign: sdo('campaign', 2, { name: 'Green Group Attacks', first_seen: T0, last_seen: T1 }),
  'course-of-action': sdo('course-of-action', 3, { name: 'Add TCP port 80 filter rule' }),
  grouping: sdo('grouping', 4, { context: 'suspicious-activity', object_refs: [INCIDENT] }),
  identity: sdo('identity', 5, { name: 'ACME', identity_class: 'organization', sectors: ['technology'] }),
  incident: sdo('incident', 6, { name: 'Breach at ACME' }),
  indicator: sdo('indicator', 7, {
    indicator_types: ['malicious-activity'],
    pattern: "[ipv4-addr:value = '198.51.100.3']",
    pattern_type: 'stix',
    valid_from: T0,
    valid_until: T1,
  }),
  infrastructure: sdo('infrastructure', 8, { name: 'Poison Ivy C2', infrastructure_types: ['command-and-control'] }),
  'intrusion-set': sdo('intrusion-set', 9, { name: 'APT-X', aliases: ['X'], primary_motivation: 'ideology' }),
  location: sdo('location', 10, { name: 'Somewhere', latitude: 48.85, longitude: 2.35, precision: 1000 }),
  malware: sdo('malware', 11, { name: 'Cryptolocker', is_family: true, malware_types: ['ransomware'] }),
  'malware-analysis': sdo('malware-analysis', 12, { product: 'av-scanner', result: 'malicious', sample_ref: FILE }),
  note: sdo('note', 13, { content: 'Seen again in March.', object_refs: [INCIDENT] }),
  'observed-data': sdo('observed-data', 14, {
    first_observed: T0,
    last_observed: T1,
    number_observed: 3,
    object_refs: [IPV4],
  }),
  opinion: sdo('opinion', 15, { opinion: 'agree', object_refs: [INCIDENT] }),
  report: sdo('report', 16, { name: 'Q1 report', published: T1, object_refs: [INCIDENT], report_types: ['threat-report'] }),
  'threat-actor': sdo('threat-actor', 17, { name: 'Evil Org', threat_actor_types: ['crime-syndicate'] }),
  tool: sdo('tool', 18, { name: 'VNC', tool_types: ['remote-access'] }),
  vulnerability: sdo('vulnerability', 19, {
    name: 'CVE-2016-1234',
    external_references: [{ source_name: 'cve', external_id: 'CVE-2016-1234' }],
  }),
  relationship: sdo('relationship', 20, {
    relationship_type: 'attributed-to',
    source_ref: INCIDENT,
    target_ref: ACTOR,
    start_time: T0,
    stop_time: T1,
  }),
  sighting: sdo('sighting', 21, {
    sighting_of_ref: 'indicator--' + uuid(7),
    where_sighted_refs: [IDENTITY],
    first_seen: T0,
    last_seen: T1,
    count: 2,
  }),
  artifact: sco('artifact', 22, { mime_type: 'application/zip', payload_bin: 'VBORw0KGgoAAAANSUhEUgAAADI==' }),
  'autonomous-system': sco('autonomous-system', 23, { number: 15139, name: 'Slime Industries' }),
  directory: sco('directory', 24, { path: 'C:\\Windows\\System32' }),
  'domain-name': sco('domain-name', 25, { value: 'example.com', resolves_to_refs: [IPV4] }),
  'email-addr': sco('email-addr', 26, { value: 'john@example.com', display_name: 'John Doe' }),
  'email-message': sco('email-message', 27, { is_multipart: false, subject: 'Hi', body: 'Hello' }),
  file: sco('file', 28, {
    name: 'qwerty.dll',
    hashes: { 'SHA-256': 'fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db' },
    extensions: { 'archive-ext': { contains_refs: [FILE] } },
  }),
  'ipv4-addr': sco('ipv4-addr', 29, { value: '198.51.100.3' }),
  'ipv6-addr': sco('ipv6-addr', 30, { value: '2001:0db8:85a3:0000:0000:8a2e:0370:7334' }),
  'mac-addr': sco('mac-addr', 31, { value: 'd2:fb:49:24:37:18' }),
  mutex: sco('mutex', 32, { name: '__CLEANSWEEP__' }),
  'network-traffic': sco('network-traffic', 33, {
    src_ref: IPV4,
    dst_port: 443,
    protocols: ['ipv4', 'tcp'],
    extensions: { 'tcp-ext': { src_flags_hex: '00000002' } },
  }),
  process: sco('process', 34, { pid: 1221, command_line: './gedit-bin --new-window' }),
  software: sco('software', 35, { name: 'Word', vendor: 'Microsoft', version: '2002' }),
  url: sco('url', 36, { value: 'https://example.com/research/index.html' }),
  'user-account': sco('user-account', 37, {
    user_id: '1001',
    account_login: 'jdoe',
    extensions: { 'unix-account-ext': { gid: 1001, groups: ['wheel'] } },
  }),
  'windows-registry-key': sco('windows-registry-key', 38, {
    key: 'HKEY_LOCAL_MACHINE\\System\\Foo\\Bar',
    values: [{ name: 'Foo', data: 'qwerty', data_type: 'REG_SZ' }],
  }),
  'x509-certificate': sco('x509-certificate', 39, { issuer: 'C=ZA, O=Thawte', serial_number: '02:08:87' }),
  'marking-definition': {
    type: 'marking-definition',
    spec_version: '2.1',
    id: 'marking-definition--' + uuid(40),
    created: T0,
    definition_type: 'statement',
    definition: { statement: 'Copyright 2024, Example Corp' },
  },
  'language-content': sdo('language-content', 41, {
    object_ref: 'campaign--' + uuid(2),
    object_modified: T1,
    contents: { de: { name: 'Angriffe der grünen Gruppe' } },
  }),
  'extension-definition': sdo('extension-definition', 42, {
    name: 'Extension Foo Bar',
    schema: 'https://www.example.com/schema-foo-1/v1/',
    version: '1.2.1',
    extension_types: ['property-extension'],
  }),
  'attribution-hypothesis': sdo('attribution-hypothesis', 43, {
    name: 'Evil Org did it',
    incident_ref: INCIDENT,
    category: 'cybercrime',
    candidate_refs: [ACTOR],
    prior: 0.25,
    status: 'open',
    author: 'analyst-1',
    analyst_judgements: [{ analyst: 'analyst-2', probability: 0.4, at: T1 }],
    extensions: { 'extension-definition--07090a5f-0e61-4898-bf6f-2162e4e81c00': { extension_type: 'new-sdo' } },
  }),
  'attribution-evidence': sdo('attribution-evidence', 44, {
    name: 'Credential reuse',
    incident_ref: INCIDENT,
    evidence_kind: 'judgement',
    reliability: 'B',
    credibility: 2,
    collected_at: T0,
    weight: 1.5,
    ratings: [
      { hypothesis_ref: 'attribution-hypothesis--' + uuid(43), analyst: 'analyst-1', rating: 'C', rated_at: T1 },
    ],
    extensions: { 'extension-definition--07090a5f-0e61-4898-bf6f-2162e4e81c00': { extension_type: 'new-sdo' } },
  }),
};

/** For each type, one edit that breaks a rule of that type (the field the reject test is about). */
export const BREAK: Record<string, [string, (o: Record<string, unknown>) => void]> = {
  'attack-pattern': ['kill_chain_phases item without phase_name', (o) => { o.kill_chain_phases = [{ kill_chain_name: 'x' }]; }],
  campaign: ['name missing', (o) => { delete o.name; }],
  'course-of-action': ['name is a number', (o) => { o.name = 7; }],
  grouping: ['object_refs empty', (o) => { o.object_refs = []; }],
  identity: ['sectors not a list', (o) => { o.sectors = 'technology'; }],
  incident: ['name missing', (o) => { delete o.name; }],
  indicator: ['valid_from missing', (o) => { delete o.valid_from; }],
  infrastructure: ['first_seen not a timestamp', (o) => { o.first_seen = '2024-13-01'; }],
  'intrusion-set': ['aliases empty', (o) => { o.aliases = []; }],
  location: ['latitude without longitude', (o) => { delete o.longitude; delete o.precision; }],
  malware: ['family without a name', (o) => { delete o.name; }],
  'malware-analysis': ['neither result nor analysis_sco_refs', (o) => { delete o.result; }],
  note: ['content missing', (o) => { delete o.content; }],
  'observed-data': ['number_observed 0', (o) => { o.number_observed = 0; }],
  opinion: ['opinion outside the enumeration', (o) => { o.opinion = 'maybe'; }],
  report: ['published missing', (o) => { delete o.published; }],
  'threat-actor': ['name missing', (o) => { delete o.name; }],
  tool: ['tool_types not a list', (o) => { o.tool_types = 'remote-access'; }],
  vulnerability: ['cve reference with a malformed id', (o) => { o.external_references = [{ source_name: 'cve', external_id: 'CVE-16-1' }]; }],
  relationship: ['source_ref is a marking-definition', (o) => { o.source_ref = MARKING; }],
  sighting: ['where_sighted_refs points at a tool', (o) => { o.where_sighted_refs = ['tool--' + uuid(18)]; }],
  artifact: ['payload_bin and url together', (o) => { o.url = 'https://example.com/a.zip'; o.hashes = { MD5: '6cc9e1bfa9e5c5b3ddc1b7b2b3c1a6e1' }; }],
  'autonomous-system': ['number is a string', (o) => { o.number = 'AS15139'; }],
  directory: ['path missing', (o) => { delete o.path; }],
  'domain-name': ['value missing', (o) => { delete o.value; }],
  'email-addr': ['value is not an address', (o) => { o.value = 'not an address'; }],
  'email-message': ['is_multipart false with body_multipart', (o) => { o.body_multipart = [{ body: 'x' }]; }],
  file: ['neither hashes nor name', (o) => { delete o.name; delete o.hashes; }],
  'ipv4-addr': ['octet above 255', (o) => { o.value = '198.51.100.256'; }],
  'ipv6-addr': ['value missing', (o) => { delete o.value; }],
  'mac-addr': ['uppercase hex', (o) => { o.value = 'D2:FB:49:24:37:18'; }],
  mutex: ['name missing', (o) => { delete o.name; }],
  'network-traffic': ['protocols missing', (o) => { delete o.protocols; }],
  process: ['pid is a string', (o) => { o.pid = '1221'; }],
  software: ['name missing', (o) => { delete o.name; }],
  url: ['value is not a URI', (o) => { o.value = 'not a url'; }],
  'user-account': ['is_privileged not a boolean', (o) => { o.is_privileged = 'yes'; }],
  'windows-registry-key': ['values item without name, data or data_type', (o) => { o.values = [{}]; }],
  'x509-certificate': ['validity_not_before not a timestamp', (o) => { o.validity_not_before = 'yesterday'; }],
  'marking-definition': ['statement definition without statement', (o) => { o.definition = { text: 'x' }; }],
  'language-content': ['contents missing', (o) => { delete o.contents; }],
  'extension-definition': ['extension_types value outside the enumeration', (o) => { o.extension_types = ['new-thing']; }],
  'attribution-hypothesis': ['status outside the enumeration', (o) => { o.status = 'maybe'; }],
  'attribution-evidence': ['credibility 7', (o) => { o.credibility = 7; }],
};

export function clone<T>(v: T): T {
  return structuredClone(v);
}
