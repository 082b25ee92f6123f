/**
 * Small, real-shaped examples of the defects real STIX producers publish (issue 13), written for
 * these tests (no producer's file is copied). Each case says which producer habit it mimics, the
 * fate a tolerant import gives it, and for repaired ones which paths are repaired. A strict import
 * refuses every input holding any case that is not `imported`.
 */
import { sid, TLP, type Stix } from './stix-fixtures';

export type Fate = 'imported' | 'repaired' | 'quarantined';

export interface DefectCase {
  name: string;
  /** The producer habit it mimics. */
  habit: string;
  objects: Stix[];
  /** Fate of each object, in order. */
  fates: Fate[];
  /** Repaired paths (relative to the object), for the repaired objects. */
  repairedPaths?: string[];
}

const T = '2024-03-01T10:00:00.000Z';
const base = (type: string, n: number, props: Record<string, unknown>): Stix => ({
  type, spec_version: '2.1', id: sid(type, n, 0x13), created: T, modified: T, ...props,
});
const without = (o: Stix, ...keys: string[]): Stix => {
  const out: Record<string, unknown> = { ...o };
  for (const k of keys) delete out[k];
  return out as Stix;
};

export const DEFECT_CASES: DefectCase[] = [
  {
    name: 'external reference URL with spaces and a pipe',
    habit: 'a MITRE knowledge base whose citations paste page titles into URLs',
    objects: [base('attack-pattern', 1, {
      name: 'Phishing for credentials',
      external_references: [{ source_name: 'vendor blog', url: 'https://example.org/reports/APT report|2019.pdf' }],
    })],
    fates: ['repaired'],
    repairedPaths: ['external_references[0].url'],
  },
  {
    name: 'modified earlier than created',
    habit: 'a knowledge base that resets "created" to its export time but keeps the old "modified"',
    objects: [base('tool', 2, { name: 'Mimikatz', created: '2024-05-01T00:00:00.000Z', modified: '2023-01-01T00:00:00.000Z' })],
    fates: ['repaired'],
    repairedPaths: ['created'],
  },
  {
    name: 'timestamps without Z and without milliseconds',
    habit: 'a TIP exporter writing Python datetimes with isoformat() and no time zone',
    objects: [base('campaign', 3, { name: 'Winter mail', created: '2024-01-05T08:30:00', modified: '2024-01-05 08:30:00Z' })],
    fates: ['repaired'],
    repairedPaths: ['created', 'modified'],
  },
  {
    name: 'the same id twice with different content and the same modified',
    habit: 'a knowledge base that reuses relationship ids between releases with other targets',
    objects: [
      base('relationship', 4, { relationship_type: 'uses', source_ref: sid('intrusion-set', 1, 0x13), target_ref: sid('malware', 1, 0x13) }),
      base('relationship', 4, { relationship_type: 'uses', source_ref: sid('intrusion-set', 1, 0x13), target_ref: sid('malware', 2, 0x13) }),
    ],
    fates: ['imported', 'quarantined'],
  },
  {
    name: '2.1 object without spec_version inside a 2.1 bundle',
    habit: 'a sharing platform\'s converter that omits spec_version on some objects',
    objects: [without(base('malware', 5, { name: 'Infostealer', labels: ['stealer'] }), 'spec_version')],
    fates: ['imported'], // read as STIX 2.0 and upgraded (a warning, as before)
  },
  {
    name: 'indicator without created/modified',
    habit: 'a query tool\'s output that only stamps valid_from',
    objects: [without(base('indicator', 6, { pattern: "[ipv4-addr:value = '203.0.113.7']", pattern_type: 'stix', valid_from: '2024-02-01T00:00:00Z' }), 'created', 'modified')],
    fates: ['repaired'],
    repairedPaths: ['created', 'modified'],
  },
  {
    name: 'SDO with no timestamp at all',
    habit: 'a TIP\'s own test data with bare identities',
    objects: [without(base('identity', 7, { name: 'Test org', identity_class: 'organization' }), 'created', 'modified')],
    fates: ['quarantined'],
  },
  {
    name: '2.0-style observed-data with embedded objects inside 2.1 data',
    habit: 'a query tool emitting 2.0 observed-data in 2.1 bundles',
    objects: [base('observed-data', 8, {
      first_observed: T, last_observed: T, number_observed: 1, objects: { 0: { type: 'ipv4-addr', value: '198.51.100.1' } },
    })],
    fates: ['repaired'], // deprecated but allowed in 2.1, as full SCOs: the observable gets its id
    repairedPaths: ['objects["0"].id'],
  },
  {
    name: 'vocabulary string given as a list',
    habit: 'a vendor playbook writing identity_class: ["unknown"]',
    objects: [base('identity', 9, { name: 'Unknown victim', identity_class: ['unknown'] })],
    fates: ['repaired'],
    repairedPaths: ['identity_class'],
  },
  {
    name: '2.1-only property in a 2.0 object',
    habit: 'a converter adding confidence to STIX 2.0 output',
    objects: [without(base('threat-actor', 10, { name: 'Opportunists', labels: ['crime-syndicate'], confidence: 40 }), 'spec_version')],
    fates: ['imported'],
  },
  {
    name: 'custom *_ref property whose value is not an identifier',
    habit: 'a knowledge base pointing at technique numbers (x_..._ref: "T1059")',
    objects: [base('attack-pattern', 11, { name: 'Command interpreter', x_acme_technique_ref: 'T1059' })],
    fates: ['imported'], // kept as data, not an edge
  },
  {
    name: 'created_by_ref to identity--not-available, and a ref to an object absent from the input',
    habit: 'a sharing platform filling unknown creators with a sentinel id',
    objects: [
      base('report', 12, { name: 'Weekly', published: T, object_refs: [sid('malware', 99, 0x13)], created_by_ref: 'identity--not-available' }),
      base('tool', 13, { name: 'PsExec', created_by_ref: sid('identity', 98, 0x13) }),
    ],
    fates: ['repaired', 'imported'], // the absent targets become placeholders
    repairedPaths: ['created_by_ref'],
  },
  {
    name: 'invalid base64 in a binary property',
    habit: 'a sandbox exporter writing hex where base64 is due',
    objects: [{ type: 'artifact', spec_version: '2.1', id: sid('artifact', 14, 0x13), payload_bin: 'zz-not-base64-!!', mime_type: 'application/octet-stream' } as Stix],
    fates: ['quarantined'],
  },
  {
    name: 'custom object types with and without an extension-definition, and the extension-definition',
    habit: 'a TIP exporting its own object types',
    objects: [
      base('x-acme-ticket', 15, { name: 'Ticket 4711' }),
      base('extension-definition', 16, {
        name: 'acme-case', created_by_ref: sid('identity', 97, 0x13), schema: 'https://example.org/acme-case.json', version: '1.0', extension_types: ['new-sdo'],
      }),
      base('acme-case', 17, { name: 'Case 12', extensions: { [sid('extension-definition', 16, 0x13)]: { extension_type: 'new-sdo' } } }),
    ],
    fates: ['imported', 'imported', 'imported'],
  },
  {
    name: 'GREEN-marked object without defects',
    habit: 'control case',
    objects: [base('course-of-action', 18, { name: 'Reset passwords', object_marking_refs: [TLP.GREEN] })],
    fates: ['imported'],
  },
];
