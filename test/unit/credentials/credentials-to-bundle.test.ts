import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  credentialsToBundle, isAgentAccount, parseCredentialRecords, userAccountId, type CredentialsOptions,
} from '../../../importers/credentials';
import { caseIds } from '../../../importers/factsheet';

const TLP_RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const TLP_AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const SLUG = 'fr-interior-mail-intrusion-2025-12';
const records = parseCredentialRecords(readFileSync('seed/credentials-sample.csv', 'utf8'), 'seed/credentials-sample.csv');
const ids = caseIds(SLUG);
const options: CredentialsOptions = {
  slug: SLUG,
  incidentRef: ids.incident,
  victimRef: ids.victim,
  staffDomains: ['interieur.example'],
  incidentDate: '2025-12-11',
  collectedAt: '2025-12-13T15:55:49Z',
};

describe('credentialsToBundle', () => {
  const bundle = credentialsToBundle(records, options);
  const ofType = (type: string) => bundle.objects.filter((o) => o.type === type);

  it('marks every record-derived object TLP:RED by default', () => {
    const derived = bundle.objects.filter((o) => o.type !== 'extension-definition' && o.type !== 'identity');
    expect(derived.length).toBeGreaterThan(0);
    for (const o of derived) expect(o.object_marking_refs, o.id).toEqual([TLP_RED]);
  });

  it('uses the TLP it is given', () => {
    const amber = credentialsToBundle(records, { ...options, tlp: 'AMBER' });
    expect(amber.objects.find((o) => o.type === 'user-account')?.object_marking_refs).toEqual([TLP_AMBER]);
  });

  it('maps logins to user-account and domains to domain-name with §2.9 ids', () => {
    const account = ofType('user-account').find((o) => o.account_login === 'agent.alpha@interieur.example');
    // uuid.uuid5(UUID('00abedb4-aa42-466c-9c01-fed23315a9b7'), '{"account_login":"agent.alpha@interieur.example"}')
    expect(account?.id).toBe('user-account--f8f010f3-c008-5ae8-8e96-104408e01784');
    expect(ofType('user-account')).toHaveLength(9);
    expect(ofType('domain-name').map((d) => d.value).sort()).toEqual([
      'demarches.interieur.example', 'messagerie.interieur.example', 'permis.interieur.example',
      'portail.interieur.example', 'shop.example', 'vpn.interieur.example',
    ]);
  });

  it('maps stealer families to malware families typed spyware and labelled infostealer', () => {
    // In order of first capture.
    expect(ofType('malware').map((m) => [m.name, m.is_family, m.malware_types, m.labels])).toEqual([
      ['Vidar', true, ['spyware'], ['infostealer']],
      ['Lumma', true, ['spyware'], ['infostealer']],
      ['RedLine', true, ['spyware'], ['infostealer']],
    ]);
  });

  it('counts distinct agent accounts exposed before the incident date', () => {
    const evidence = ofType('attribution-evidence');
    // agent.alpha (twice), agent.bravo, agent.charlie (subdomain); agent.delta is after 2025-12-11.
    expect(evidence[0]).toMatchObject({
      name: '3 agent accounts exposed by infostealers before 2025-12-11',
      evidence_kind: 'fact',
      incident_ref: ids.incident,
      collected_at: '2025-12-13T15:55:49.000Z',
    });
    expect(evidence[0]?.object_refs).toEqual(expect.arrayContaining([ids.victim, userAccountId('agent.charlie@prefecture.interieur.example')]));
    expect(evidence[0]?.object_refs).not.toContain(userAccountId('agent.delta@interieur.example'));
    // Citizens' accounts captured for ministry services count as organisation-linked; shop.example does not.
    expect(evidence[1]?.name).toBe('7 organisation-linked accounts exposed by infostealers before 2025-12-11 (3 agent)');
  });

  it('is deterministic and independent of record order', () => {
    const again = credentialsToBundle([...records].reverse(), options);
    expect(JSON.stringify(again)).toBe(JSON.stringify(bundle));
  });

  it('keeps refs inside the bundle (markings and case refs aside)', () => {
    const present = new Set(bundle.objects.map((o) => o.id));
    const refs = bundle.objects.flatMap((o) => [...((o.object_refs as string[] | undefined) ?? [])]);
    expect(refs.filter((r) => !present.has(r) && r !== ids.victim)).toEqual([]);
  });
});

describe('isAgentAccount', () => {
  it('matches staff domains and their subdomains, never look-alikes', () => {
    expect(isAgentAccount('a@interieur.example', ['interieur.example'])).toBe(true);
    expect(isAgentAccount('a@pref.interieur.example', ['interieur.example'])).toBe(true);
    expect(isAgentAccount('a@fauxinterieur.example', ['interieur.example'])).toBe(false);
    expect(isAgentAccount('interieur.example', ['interieur.example'])).toBe(false);
  });
});
