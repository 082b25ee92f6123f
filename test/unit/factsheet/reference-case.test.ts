import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { caseIds, factSheetToBundle, parseFactSheet, type StixObject } from '../../../importers/factsheet';

const sheet = parseFactSheet(readFileSync('seed/reference-case.yaml', 'utf8'), 'seed/reference-case.yaml');
const bundle = factSheetToBundle(sheet);
const ofType = (type: string) => bundle.objects.filter((o) => o.type === type);
const byId = new Map(bundle.objects.map((o) => [o.id, o]));
const get = (id: string): StixObject => {
  const object = byId.get(id);
  if (!object) throw new Error(`missing ${id}`);
  return object;
};
const INCIDENT_CORE = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126';
const TLP_CLEAR = 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487';
const LEMAGIT = 'https://www.lemagit.fr/actualites/366636359/Ministere-de-lInterieur-intrusion-sur-les-systemes-de-messagerie';
const ARCHIVE = `https://web.archive.org/web/20251213155549/${LEMAGIT}`;

describe('reference case: intrusion on the French Ministry of the Interior mail servers', () => {
  const ids = caseIds(sheet.slug);
  const incident = get(ids.incident);
  const core = (incident.extensions as Record<string, Record<string, unknown>>)[INCIDENT_CORE]!;

  it('has the victim: a national-government organisation located in France', () => {
    const victim = get(ids.victim);
    expect(victim).toMatchObject({ identity_class: 'organization', sectors: ['government-national'] });
    const locatedAt = ofType('relationship').find((r) => r.relationship_type === 'located-at' && r.source_ref === victim.id);
    expect(get(String(locatedAt?.target_ref))).toMatchObject({ type: 'location', country: 'FR' });
  });

  it('has the incident: suspected, investigation open, unattributed', () => {
    expect(core).toMatchObject({ extension_type: 'property-extension', determination: 'suspected', investigation_status: 'open', incident_types: ['unattributed'] });
  });

  it('dates the detection to 11 December 2025 (day precision)', () => {
    const tasks = (core.tasks as Array<{ task_ref: string }>).map((t) => get(t.task_ref));
    expect(tasks.find((t) => (t.task_types as string[]).includes('detected'))).toMatchObject({
      start_time: '2025-12-11T00:00:00.000Z',
      start_time_fidelity: 'day',
    });
    const events = (core.events as Array<{ event_ref: string }>).map((e) => get(e.event_ref));
    expect(events.map((e) => e.event_types)).toEqual([['discovery'], ['disclosure'], ['confirmation']]);
    expect(events[0]).toMatchObject({ start_time: '2025-12-11T00:00:00.000Z', status: 'occurred' });
    // The first disclosure (INF La Rochelle) has no date in the source, so none is invented.
    expect(events[1]?.start_time).toBeUndefined();
    expect(String(events[1]?.name)).toContain('INF La Rochelle');
  });

  it('lists the five response measures as tasks of the incident', () => {
    const names = (core.tasks as Array<{ task_ref: string }>).map((t) => get(t.task_ref)).filter((t) => (t.task_types as string[]).includes('mitigation')).map((t) => t.name);
    expect(names).toEqual([
      'Mass password rotation',
      'Hardened authentication rules',
      'Wider use of multi-factor authentication (MFA)',
      'Technical actions on the network infrastructure',
      'Some servers restarted',
    ]);
  });

  it('records "no data exfiltration confirmed" as a not-confirmed impact', () => {
    const impacts = (core.impact_refs as string[]).map(get);
    const exfiltration = impacts.find((i) => String(i.description).startsWith('No data exfiltration confirmed'));
    expect(exfiltration).toMatchObject({ impact_category: 'confidentiality', labels: ['impact-status:not-confirmed'] });
    const fileAccess = impacts.find((i) => String(i.description).startsWith('An attacker may have accessed a number of files'));
    expect(fileAccess).toMatchObject({ labels: ['impact-status:possible'], impacted_refs: [ids.victim] });
    expect(String(fileAccess?.description)).toContain('Laurent Nuñez');
  });

  it('keeps uncategorised impact statements as notes with their status', () => {
    const statements = ofType('note').filter((n) => (n.labels as string[]).includes('impact-statement'));
    expect(statements.map((n) => [n.abstract, (n.labels as string[])[1]])).toEqual([
      ['No trace of serious compromise identified so far', 'impact-status:not-confirmed'],
      ['Exact origin and scope of the incident still under analysis', 'impact-status:under-analysis'],
    ]);
  });

  it('has the three lines of inquiry with equal priors, an "other" hypothesis, and no attribution', () => {
    const hypotheses = ofType('attribution-hypothesis');
    expect(hypotheses.map((h) => [h.category, h.status, h.prior])).toEqual([
      ['foreign-interference', 'open', 0.3],
      ['state-challenger', 'open', 0.3],
      ['cybercrime', 'open', 0.3],
      ['unknown', 'open', 0.1],
    ]);
    for (const h of hypotheses) expect(h.incident_ref).toBe(ids.incident);
    for (const h of hypotheses.slice(0, 3)) expect(String(h.rationale)).toContain('no attribution');
    expect(ofType('relationship').filter((r) => r.relationship_type === 'attributed-to')).toEqual([]);
  });

  it('marks the credential-reuse ≈ T1078 mapping as an analyst judgement', () => {
    const judgement = ofType('attribution-evidence').find((e) => e.evidence_kind === 'judgement');
    expect(judgement?.labels).toContain('analyst-judgement');
    expect(judgement?.external_references).toContainEqual(expect.objectContaining({ source_name: 'mitre-attack', external_id: 'T1078' }));
    // `about` points at the context notes and the authentication measures it rests on.
    expect((judgement?.object_refs as string[]).map((id) => get(id).type)).toEqual(['note', 'note', 'task', 'task', 'task']);
  });

  it('has ratings by two analysts who disagree on some items, each with a rationale', () => {
    const ratings = ofType('attribution-evidence').flatMap((e) => e.ratings as Array<Record<string, string>>);
    expect(new Set(ratings.map((r) => r.analyst))).toEqual(new Set(['analyst-a', 'analyst-b']));
    for (const r of ratings) expect(r.rationale?.length).toBeGreaterThan(0);
    const key = (r: Record<string, string>) => `${r.hypothesis_ref}`;
    const disagreements = ofType('attribution-evidence').flatMap((e) => {
      const rs = e.ratings as Array<Record<string, string>>;
      return rs.filter((a) => a.analyst === 'analyst-a' && rs.some((b) => b.analyst === 'analyst-b' && key(b) === key(a) && b.rating !== a.rating));
    });
    expect(disagreements.length).toBeGreaterThan(0);
    for (const e of ofType('attribution-evidence')) expect(e.labels).toContain('demonstration-ratings');
  });

  it('cites LeMagIT and its web.archive.org capture on every case object derived from it', () => {
    const derived = bundle.objects.filter((o) => !['extension-definition', 'relationship'].includes(o.type) && o.name !== 'Attribution Graph' && o.name !== 'Attribution Graph maintainers');
    for (const o of derived) {
      const urls = ((o.external_references ?? []) as Array<{ url?: string }>).map((r) => r.url);
      expect(urls, o.id).toEqual(expect.arrayContaining([LEMAGIT, ARCHIVE]));
    }
  });

  it('is public: TLP:CLEAR', () => {
    expect(incident.object_marking_refs).toEqual([TLP_CLEAR]);
  });

  it('keeps the context facts from the source', () => {
    const context = ofType('note').filter((n) => (n.labels as string[]).includes('context')).map((n) => String(n.content));
    expect(context.some((c) => c.includes('Tens of thousands of accounts linked to the ministry'))).toBe(true);
    expect(context.some((c) => c.includes('France Travail'))).toBe(true);
  });
});
