/**
 * Candidate actors through the API on the real Neo4j: ranking from a STIX bundle (incident `uses`
 * ATT&CK techniques), TLP (an AMBER-only link never moves a GREEN viewer's ranking), revoked and
 * deprecated objects ignored, the Navigator layer, candidates → hypotheses with machine-rated
 * evidence, and the reference case's "nothing stands out".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../api/src/graph/driver';
import { CANDIDATE_CONFIG } from '../../api/src/domain/candidates';
import { MACHINE_ANALYST, channelRating } from '../../api/src/services/candidates.service';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { caseIds } from '../../importers/factsheet/factsheet-to-bundle';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';
import { bundle, rel, sdo, sid, TLP, type Stix } from '../support/stix-fixtures';

const ROOT = join(import.meta.dirname, '..', '..');
const technique = (n: number, attackId: string, props: Record<string, unknown> = {}) =>
  sdo('attack-pattern', sid('attack-pattern', n), {
    name: `Technique ${attackId}`,
    external_references: [{ source_name: 'mitre-attack', external_id: attackId, url: `https://attack.mitre.org/techniques/${attackId.replace('.', '/')}` }],
    ...props,
  });
const group = (n: number, name: string, props: Record<string, unknown> = {}) => sdo('intrusion-set', sid('intrusion-set', n), { name, ...props });

const T1078 = technique(1, 'T1078');
const T1566 = technique(2, 'T1566');
const T1566_001 = technique(3, 'T1566.001');
const T1059 = technique(4, 'T1059');
const DEPRECATED = technique(5, 'T1999', { x_mitre_deprecated: true });
const M1 = sdo('malware', sid('malware', 1), { name: 'OnlyG1Loader', is_family: true });
const TOOL = sdo('tool', sid('tool', 1), { name: 'SharedTool' });
const G1 = group(1, 'Group One');
const G2 = group(2, 'Group Two');
const G3 = group(3, 'Group Three');
const G4 = group(4, 'Revoked Group', { revoked: true });
const C1 = sdo('campaign', sid('campaign', 1), { name: 'Campaign of Two' });
const VICTIM = sdo('identity', sid('identity', 1), { name: 'Ministry', identity_class: 'organization', sectors: ['government-national'] });
const INCIDENT = sdo('incident', sid('incident', 1), { name: 'Mail intrusion' });

let r = 0;
const uses = (from: Stix, to: Stix, props: Record<string, unknown> = {}) => rel(sid('relationship', ++r), 'uses', from.id, to.id, props);

const BASE: Stix[] = [
  T1078, T1566, T1566_001, T1059, DEPRECATED, M1, TOOL, G1, G2, G3, G4, C1, VICTIM, INCIDENT,
  uses(G1, T1566_001), uses(G1, M1), uses(G1, T1059), uses(G1, DEPRECATED),
  uses(G2, T1078), uses(G2, T1059),
  uses(G3, T1078), uses(G3, T1566),
  uses(G4, M1), uses(G4, T1566_001),
  uses(C1, TOOL), rel(sid('relationship', ++r), 'attributed-to', C1.id, G2.id),
  uses(INCIDENT, T1566_001), uses(INCIDENT, M1), uses(INCIDENT, DEPRECATED), uses(INCIDENT, TOOL),
  rel(sid('relationship', ++r), 'targets', INCIDENT.id, VICTIM.id),
];
const AMBER_LINK = uses(G3, M1, { object_marking_refs: [TLP.AMBER] });

const QUERY = `query ($id: ID!, $actor: ID) {
  candidateActors(incidentId: $id) {
    incidentId unknownProbability standsOut explanation actorsConsidered
    observed { id type name channel externalId }
    candidates { actor { id type name } rank score probability carriedBy
      shared { object { id name channel } channel weight match actorsWithItem }
      missing { object { id name } weight }
      channels { channel score } }
    navigatorLayer(actorId: $actor)
  }
}`;

describe('candidate actors through the API', () => {
  let graph: Graph;
  let api: TestApi;
  let green: string;
  let amber: string;
  let analyst: string;
  let reader: string;

  beforeAll(async () => {
    graph = connectTestGraph();
    api = await freshTestApi(graph);
    green = await api.token('reader', 'GREEN');
    amber = await api.token('reader', 'AMBER');
    analyst = await api.token('analyst', 'AMBER', 'Ana Lyst');
    reader = await api.token('reader', 'RED');
    const report = await api.services.stixImport.importBundle(bundle(BASE, 1), { viewer: SYSTEM_VIEWER });
    expect(report.rejected).toBe(0);
  });
  afterAll(async () => graph.close());

  const rank = async (token: string, actor: string | null = null) => {
    const res = await api.gql(token, QUERY, { id: INCIDENT.id, actor });
    expect(res.errors).toBeUndefined();
    return res.data!.candidateActors;
  };

  it('ranks the group that shares the distinctive malware first, with the breakdown and probabilities summing to 1', async () => {
    const c = await rank(green);
    expect(c.candidates[0].actor).toEqual({ id: G1.id, type: 'intrusion-set', name: 'Group One' });
    const shared = c.candidates[0].shared.map((s: { object: { id: string }; channel: string; match: string }) => [s.object.id, s.channel, s.match]);
    expect(shared).toContainEqual([M1.id, 'SOFTWARE', 'EXACT']);
    expect(shared).toContainEqual([T1566_001.id, 'TECHNIQUE', 'EXACT']);
    expect(c.candidates[0].carriedBy).toBe('SOFTWARE');
    // G3 knows the parent T1566 only: partial credit through the family.
    const g3 = c.candidates.find((x: { actor: { id: string } }) => x.actor.id === G3.id);
    expect(g3.shared).toEqual([expect.objectContaining({ match: 'FAMILY', channel: 'TECHNIQUE' })]);
    // The campaign's tool counts toward the group it is attributed to.
    const g2 = c.candidates.find((x: { actor: { id: string } }) => x.actor.id === G2.id);
    expect(g2.shared.map((s: { object: { id: string } }) => s.object.id)).toEqual([TOOL.id]);
    const total = c.candidates.reduce((s: number, x: { probability: number }) => s + x.probability, 0) + c.unknownProbability;
    expect(total).toBeCloseTo(1, 9);
    // The victim's sector is observed as victimology.
    expect(c.observed.map((o: { id: string }) => o.id)).toContain('sector:government-national');
  });

  it('ignores revoked actors and deprecated techniques', async () => {
    const c = await rank(green);
    const ids = c.candidates.map((x: { actor: { id: string } }) => x.actor.id);
    expect(ids).not.toContain(G4.id);
    expect(c.observed.map((o: { id: string }) => o.id)).not.toContain(DEPRECATED.id);
    expect(c.candidates[0].missing.map((m: { object: { id: string } }) => m.object.id)).not.toContain(DEPRECATED.id);
    // 4 live actors (G1, G2, G3, the campaign); the revoked group is not one.
    expect(c.actorsConsidered).toBe(4);
  });

  it('an AMBER-only link never moves a GREEN viewer\'s ranking; an AMBER viewer sees it', async () => {
    const before = await rank(green);
    const report = await api.services.stixImport.importBundle(bundle([AMBER_LINK], 2), { viewer: SYSTEM_VIEWER });
    expect(report.rejected).toBe(0);
    const after = await rank(green);
    expect(after).toEqual(before);
    const cleared = await rank(amber);
    const g3 = cleared.candidates.find((x: { actor: { id: string } }) => x.actor.id === G3.id);
    expect(g3.shared.map((s: { object: { id: string } }) => s.object.id)).toContain(M1.id);
    expect(cleared.candidates.find((x: { actor: { id: string } }) => x.actor.id === G1.id).score).toBeLessThan(
      before.candidates.find((x: { actor: { id: string } }) => x.actor.id === G1.id).score,
    );
  });

  it('exports an ATT&CK Navigator layer (4.5) comparing the incident with a candidate', async () => {
    const c = await rank(green, G1.id);
    const layer = c.navigatorLayer;
    expect(layer.versions.layer).toBe('4.5');
    expect(layer.domain).toBe('enterprise-attack');
    const byId = new Map(layer.techniques.map((t: { techniqueID: string; score: number }) => [t.techniqueID, t.score]));
    expect(byId.get('T1566.001')).toBe(3); // both
    expect(byId.get('T1059')).toBe(2); // candidate only
    expect(byId.has('T1999')).toBe(false); // deprecated
    const plain = await rank(green);
    expect(plain.navigatorLayer.techniques.map((t: { techniqueID: string }) => t.techniqueID)).toEqual(['T1566.001']);
  });

  it('turns candidates into hypotheses with one machine-rated evidence item per channel', async () => {
    const denied = await api.gql(reader, `mutation ($i: ID!, $a: [ID!]!) { createCandidateHypotheses(incidentId: $i, actorIds: $a) { hypotheses { id } } }`, { i: INCIDENT.id, a: [G1.id] });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const res = await api.gql(
      analyst,
      `mutation ($i: ID!, $a: [ID!]!) { createCandidateHypotheses(incidentId: $i, actorIds: $a) {
         hypotheses { id name category candidateRefs labels author }
         evidence { id name labels objectRefs ratings { hypothesisId analyst rating } } } }`,
      { i: INCIDENT.id, a: [G1.id, G3.id] },
    );
    expect(res.errors).toBeUndefined();
    const out = res.data!.createCandidateHypotheses;
    expect(out.hypotheses.map((h: { candidateRefs: string[] }) => h.candidateRefs)).toEqual([[G1.id], [G3.id]]);
    expect(out.hypotheses[0].labels).toEqual(['machine-generated', 'candidate-actor']);
    expect(out.hypotheses[0].author).toBe('Ana Lyst');
    expect(out.hypotheses[0].category).toBe('unknown');
    const channels = out.evidence.map((e: { labels: string[] }) => e.labels.find((l) => l.startsWith('candidate-channel:'))).sort();
    expect(channels).toEqual(['candidate-channel:software', 'candidate-channel:technique']);
    const software = out.evidence.find((e: { labels: string[] }) => e.labels.includes('candidate-channel:software'));
    expect([...software.objectRefs].sort()).toEqual([M1.id, TOOL.id].sort());
    // The method's rating follows G1's software score as the analyst's ranking shows it.
    const ranked = await rank(analyst);
    const g1Software = ranked.candidates.find((x: { actor: { id: string } }) => x.actor.id === G1.id)
      .channels.find((ch: { channel: string }) => ch.channel === 'SOFTWARE').score;
    expect(g1Software).toBeGreaterThan(0);
    const g1Rating = software.ratings.find((x: { hypothesisId: string }) => x.hypothesisId === out.hypotheses[0].id);
    expect(g1Rating).toMatchObject({ analyst: MACHINE_ANALYST, rating: channelRating(g1Software, CANDIDATE_CONFIG.temperature) });
    expect(['C', 'CC']).toContain(g1Rating.rating);

    // The assessment counts them: G1's hypothesis leads.
    const assessed = await api.gql(analyst, `query ($i: ID!) { assessment(incidentId: $i) { leader { id } } }`, { i: INCIDENT.id });
    expect(assessed.errors).toBeUndefined();
    expect(assessed.data!.assessment.leader.id).toBe(out.hypotheses[0].id);

    // A second call reuses the channel evidence and refuses a candidate that already has a hypothesis.
    const again = await api.gql(analyst, `mutation ($i: ID!, $a: [ID!]!) { createCandidateHypotheses(incidentId: $i, actorIds: $a) { hypotheses { id } } }`, { i: INCIDENT.id, a: [G1.id] });
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.message).toMatch(/already has a candidate hypothesis/);
    const g2 = await api.gql(analyst, `mutation ($i: ID!, $a: [ID!]!) { createCandidateHypotheses(incidentId: $i, actorIds: $a) { evidence { id } } }`, { i: INCIDENT.id, a: [G2.id] });
    expect(g2.errors).toBeUndefined();
    expect(g2.data!.createCandidateHypotheses.evidence.map((e: { id: string }) => e.id)).toEqual([software.id]);

    const campaign = await api.gql(analyst, `mutation ($i: ID!, $a: [ID!]!) { createCandidateHypotheses(incidentId: $i, actorIds: $a) { hypotheses { id } } }`, { i: INCIDENT.id, a: [C1.id] });
    expect(campaign.errors?.[0]?.message).toMatch(/is a campaign/);
  });

  it('answers NOT_FOUND for an incident the viewer may not see', async () => {
    const res = await api.gql(green, QUERY, { id: sid('incident', 99), actor: null });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reference case: valid accounts from infostealer logs (T1078 via an evidence item) — nothing stands out', async () => {
    const sheet = readFileSync(join(ROOT, 'seed', 'reference-case.yaml'), 'utf8');
    await api.services.seed.importFactSheet(sheet, { viewer: SYSTEM_VIEWER, file: 'reference-case.yaml' });
    const id = caseIds('fr-interior-mail-intrusion-2025-12').incident;
    const res = await api.gql(green, QUERY, { id, actor: null });
    expect(res.errors).toBeUndefined();
    const c = res.data!.candidateActors;
    expect(c.observed.map((o: { externalId: string | null }) => o.externalId)).toContain('T1078');
    expect(c.standsOut).toBe(false);
    expect(c.explanation.join(' ')).toMatch(/Nothing stands out/);
  });
});
