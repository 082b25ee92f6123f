/**
 * Credential-exposure records → STIX 2.1 bundle (pure, deterministic).
 *
 * - each login → `user-account` (account_login), each captured-for domain → `domain-name`, both
 *   with STIX §2.9 deterministic ids;
 * - each stealer family → `malware` (is_family, malware_types ["spyware"], label "infostealer":
 *   malware-type-ov has no "infostealer");
 * - per (stealer family, source): one `observed-data` over the accounts and domains it captured;
 * - aggregates → `attribution-evidence` items that analysts rate against the case's hypotheses,
 *   e.g. "N agent accounts exposed before the incident date";
 * - everything marked TLP:RED unless told otherwise.
 */
import { attributionExtensionObjects } from '../factsheet/factsheet-to-bundle';
import { sheetDate } from '../factsheet/sheet-dates';
import { caseObjectId, scoId } from '../factsheet/stix-id';
import type { Bundle, StixObject } from '../factsheet/stix-types';
import { ATTRIBUTION_EXTENSION_ID, TLP2_MARKING_IDS, type Tlp } from '../../schema/stix/vocab';
import type { CredentialRecord } from './parse-credentials';

export interface CredentialsOptions {
  /** The case's slug (same as its fact sheet): ids of derived objects are keyed on it. */
  slug: string;
  /** `incident--…` the evidence bears on (see `caseIds(slug).incident`). */
  incidentRef: string;
  /** `identity--…` of the victim organisation (see `caseIds(slug).victim`). */
  victimRef: string;
  /**
   * The organisation's staff e-mail domains: a login `x@d` is an agent account when `d` is one of
   * them or a subdomain of one.
   */
  staffDomains: readonly string[];
  /**
   * Domains that make a credential "linked to the organisation" when it was captured for them
   * (its services, citizen portals…). Defaults to `staffDomains`.
   */
  organisationDomains?: readonly string[];
  /** Date (or timestamp) of the incident: evidence counts exposures captured before it. */
  incidentDate: string;
  /** When the information was known (the evidence's `collected_at`). */
  collectedAt: string;
  /** `created`/`modified` of every object; defaults to `collectedAt`. */
  created?: string;
  /** Marking of every object; TLP:RED by default (these are leaked-credential records). */
  tlp?: Tlp;
  createdByRef?: string;
  /** Admiralty grading of the feed and of the information, copied onto the evidence. */
  reliability?: 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
  credibility?: 1 | 2 | 3 | 4 | 5 | 6;
}

/** The user-account SCO for a login (STIX §2.9 deterministic id over `account_login`). */
export function userAccountId(login: string): string {
  return scoId('user-account', { account_login: login });
}

export function domainNameId(domain: string): string {
  return scoId('domain-name', { value: domain });
}

/** Whether `domain` is `parent` or a subdomain of it. */
export function isWithinDomain(domain: string, parent: string): boolean {
  const d = domain.toLowerCase();
  const p = parent.toLowerCase().replace(/^\.+|\.+$/g, '');
  return d === p || d.endsWith(`.${p}`);
}

/** The e-mail domain of a login, or undefined when the login is not an address. */
export function loginDomain(login: string): string | undefined {
  const at = login.lastIndexOf('@');
  return at > 0 && at < login.length - 1 ? login.slice(at + 1).toLowerCase() : undefined;
}

export function isAgentAccount(login: string, staffDomains: readonly string[]): boolean {
  const domain = loginDomain(login);
  return domain !== undefined && staffDomains.some((staff) => isWithinDomain(domain, staff));
}

/** One mapping: the options and what every object shares (marking, timestamps). */
interface CredentialMapping {
  options: CredentialsOptions;
  marking: string[];
  /** `collected_at` of the evidence. */
  collectedAt: string;
  /** `created`/`modified` of every SDO. */
  created: string;
}

/** What the records name: accounts, domains and stealer families, and the records per (family, source). */
interface Collected {
  accounts: Map<string, StixObject>;
  domains: Map<string, StixObject>;
  families: Map<string, StixObject>;
  groups: Map<string, { family: string; source: string; records: CredentialRecord[] }>;
}

export function credentialsToBundle(records: readonly CredentialRecord[], options: CredentialsOptions): Bundle {
  const tlp: Tlp = options.tlp ?? 'RED';
  const collectedAt = sheetDate(options.collectedAt).timestamp;
  const m: CredentialMapping = {
    options,
    marking: [TLP2_MARKING_IDS[tlp]],
    collectedAt,
    created: options.created ? sheetDate(options.created).timestamp : collectedAt,
  };

  // Stable order whatever the input order: sort records by their content.
  const sorted = [...records].sort((a, b) =>
    compare(a.captured_at, b.captured_at) || compare(a.account, b.account) || compare(a.domain, b.domain) ||
    compare(a.stealer_family, b.stealer_family) || compare(a.source, b.source));

  const collected = collect(m, sorted);
  const observedByGroup = observedData(m, collected.groups);
  const observed = [...observedByGroup.values()];
  const evidenceItems = exposureEvidence(m, sorted, collected.families, observedByGroup);

  const objects: StixObject[] = [
    ...attributionExtensionObjects(),
    ...collected.families.values(),
    ...collected.domains.values(),
    ...collected.accounts.values(),
    ...observed,
    ...evidenceItems,
  ];
  return { type: 'bundle', id: caseObjectId('bundle', options.slug, 'credential-exposure'), objects };
}

/** The properties every SDO of the mapping shares. */
function sdo({ options, created, marking }: CredentialMapping, type: string, key: string): StixObject {
  return {
    type,
    spec_version: '2.1',
    id: caseObjectId(type, options.slug, key),
    ...(options.createdByRef ? { created_by_ref: options.createdByRef } : {}),
    created,
    modified: created,
    object_marking_refs: marking,
  };
}

function collect(m: CredentialMapping, sorted: readonly CredentialRecord[]): Collected {
  const { marking } = m;
  const accounts = new Map<string, StixObject>();
  const domains = new Map<string, StixObject>();
  const families = new Map<string, StixObject>();
  const groups = new Map<string, { family: string; source: string; records: CredentialRecord[] }>();
  for (const r of sorted) {
    if (!accounts.has(r.account)) {
      accounts.set(r.account, { type: 'user-account', spec_version: '2.1', id: userAccountId(r.account), account_login: r.account, object_marking_refs: marking });
    }
    if (!domains.has(r.domain)) {
      domains.set(r.domain, { type: 'domain-name', spec_version: '2.1', id: domainNameId(r.domain), value: r.domain, object_marking_refs: marking });
    }
    const familyKey = r.stealer_family.toLowerCase();
    if (!families.has(familyKey)) {
      families.set(familyKey, {
        ...sdo(m, 'malware', `stealer:${familyKey}`),
        name: r.stealer_family,
        is_family: true,
        malware_types: ['spyware'],
        labels: ['infostealer'],
      });
    }
    const groupKey = `${familyKey}|${r.source}`;
    const group = groups.get(groupKey) ?? { family: familyKey, source: r.source, records: [] };
    group.records.push(r);
    groups.set(groupKey, group);
  }
  return { accounts, domains, families, groups };
}

/** Per (stealer family, source): one `observed-data` over the accounts and domains it captured. */
function observedData(m: CredentialMapping, groups: Collected['groups']): Map<string, StixObject> {
  const observedByGroup = new Map<string, StixObject>();
  for (const [key, g] of groups) {
    const refs = new Set<string>();
    for (const r of g.records) {
      refs.add(userAccountId(r.account));
      refs.add(domainNameId(r.domain));
    }
    observedByGroup.set(key, {
      ...sdo(m, 'observed-data', `credential-exposure:${key}`),
      first_observed: g.records[0]!.captured_at,
      last_observed: g.records[g.records.length - 1]!.captured_at,
      number_observed: g.records.length,
      object_refs: [...refs],
      labels: ['credential-exposure', `stealer:${g.family}`],
      external_references: [{ source_name: g.source, description: 'Credential-exposure (infostealer log) feed' }],
    });
  }
  return observedByGroup;
}

/** The aggregates before the incident, as evidence items analysts rate. */
function exposureEvidence(
  m: CredentialMapping,
  sorted: readonly CredentialRecord[],
  families: Collected['families'],
  observedByGroup: ReadonlyMap<string, StixObject>,
): StixObject[] {
  const { options, collectedAt } = m;
  const incidentAt = sheetDate(options.incidentDate);
  const orgDomains = options.organisationDomains ?? options.staffDomains;
  const observedFor = (subset: readonly CredentialRecord[]) =>
    [...new Set(subset.map((r) => `${r.stealer_family.toLowerCase()}|${r.source}`))].map((k) => observedByGroup.get(k)!);
  const before = sorted.filter((r) => r.captured_at < incidentAt.timestamp);
  const orgLinked = before.filter((r) => isAgentAccount(r.account, options.staffDomains) || orgDomains.some((d) => isWithinDomain(r.domain, d)));
  const agents = orgLinked.filter((r) => isAgentAccount(r.account, options.staffDomains));
  const distinct = (rs: readonly CredentialRecord[]) => [...new Set(rs.map((r) => r.account))];
  const agentLogins = distinct(agents);
  const orgLogins = distinct(orgLinked);
  const dateLabel = incidentAt.fidelity === 'day' ? incidentAt.timestamp.slice(0, 10) : incidentAt.timestamp;
  const sources = [...new Set(sorted.map((r) => r.source))];

  const evidence = (key: string, name: string, description: string, subset: readonly CredentialRecord[], logins: readonly string[]): StixObject => ({
    ...sdo(m, 'attribution-evidence', `credential-exposure:${key}`),
    external_references: sources.map((s) => ({ source_name: s, description: 'Credential-exposure (infostealer log) feed' })),
    labels: ['credential-exposure'],
    name,
    description,
    incident_ref: options.incidentRef,
    object_refs: [
      options.victimRef,
      ...observedFor(subset).map((o) => o.id),
      ...[...new Set(subset.map((r) => r.stealer_family.toLowerCase()))].map((f) => families.get(f)!.id),
      ...logins.map(userAccountId),
    ],
    evidence_kind: 'fact',
    ...(options.reliability ? { reliability: options.reliability } : {}),
    ...(options.credibility ? { credibility: options.credibility } : {}),
    collected_at: collectedAt,
    extensions: { [ATTRIBUTION_EXTENSION_ID]: { extension_type: 'new-sdo' } },
  });
  const familyList = (rs: readonly CredentialRecord[]) =>
    [...new Set(rs.map((r) => r.stealer_family))].sort(compare).join(', ') || 'none';
  return [
    evidence(
      'agent-accounts-before-incident',
      `${agentLogins.length} agent account${agentLogins.length === 1 ? '' : 's'} exposed by infostealers before ${dateLabel}`,
      `${agentLogins.length} distinct logins on the organisation's staff domains (${options.staffDomains.join(', ')}) ` +
        `appear in ${agents.length} infostealer log record${agents.length === 1 ? '' : 's'} captured before ${dateLabel}. ` +
        `Stealer families: ${familyList(agents)}. Records captured on or after that date are not counted.`,
      agents,
      agentLogins,
    ),
    evidence(
      'organisation-accounts-before-incident',
      `${orgLogins.length} organisation-linked account${orgLogins.length === 1 ? '' : 's'} exposed by infostealers before ${dateLabel} (${agentLogins.length} agent)`,
      `${orgLogins.length} distinct logins linked to the organisation (staff logins, or credentials captured for ` +
        `${orgDomains.join(', ')}) appear in ${orgLinked.length} record${orgLinked.length === 1 ? '' : 's'} captured before ${dateLabel}; ` +
        `${agentLogins.length} of them are agent accounts, the others citizens' or third parties' accounts. Stealer families: ${familyList(orgLinked)}.`,
      orgLinked,
      [],
    ),
  ];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
