/**
 * Case mutations against the real Neo4j: each one is a single transaction (a failure while writing
 * the audit entry leaves no new version either), and concurrent changes of one object from several
 * processes (here: several service instances, each with its own driver) neither lose an update nor
 * overwrite a newer version when the caller gives `expectedModified`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIds, parseFactSheet } from '../../importers/factsheet/index';
import { ConflictError } from '../../api/src/errors';
import { lockForUpdate } from '../../api/src/graph/case.repository';
import { cypher } from '../../api/src/graph/cypher';
import type { Graph } from '../../api/src/graph/driver';
import { countGraph } from '../../api/src/graph/stix.repository';
import { createLogger } from '../../api/src/logger';
import { createServices, type Services } from '../../api/src/services';
import { writeVersionAndAudit } from '../../api/src/services/case-write';
import { laterThan } from '../../api/src/services/case.service';
import type { Viewer } from '../../api/src/services/viewer';
import { SYSTEM_VIEWER } from '../../api/src/services/viewer';
import { freshTestApi, type TestApi } from '../support/api';
import { connectTestGraph } from '../support/graph';

const SEED = join(import.meta.dirname, '..', '..', 'seed', 'reference-case.yaml');
const IDS = caseIds(parseFactSheet(readFileSync(SEED, 'utf8'), 'reference-case.yaml').slug);
const H_FOREIGN = IDS.hypothesis('h-foreign-interference');
const H_CRIME = IDS.hypothesis('h-opportunistic-cybercrime');
const EV_INFOSTEALER = IDS.evidence('ev-infostealer-exposure');

const VERSIONS = cypher(
  'test-mutation-versions',
  'READ',
  `MATCH (n:StixObject {id: $id}) OPTIONAL MATCH (n)-[:PREVIOUS_VERSION]->(v:StixVersion)
   RETURN n.raw AS raw, toString(n.modified) AS modified, count(v) AS versions`,
);
const AUDIT_COUNT = cypher('test-mutation-audit-count', 'READ', `MATCH (a:AuditEntry) RETURN count(a) AS entries`);
// A constraint that the second audit entry of one actor violates: the audit write fails after
// the new version was written in the same transaction.
const ONE_ENTRY_PER_ACTOR = cypher(
  'test-audit-one-per-actor',
  'WRITE',
  `CREATE CONSTRAINT test_audit_one_per_actor IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.actor IS UNIQUE`,
);
const DROP_ONE_ENTRY_PER_ACTOR = cypher('test-audit-drop-constraint', 'WRITE', `DROP CONSTRAINT test_audit_one_per_actor IF EXISTS`);

let graph: Graph;
let api: TestApi;
/** Other "processes": service instances with their own driver and no shared memory. */
const others: { graph: Graph; services: Services }[] = [];

async function analyst(name: string): Promise<Viewer> {
  const viewer = await api.services.auth.authenticate(await api.token('analyst', 'RED', name));
  if (!viewer) throw new Error(`no viewer for ${name}`);
  return viewer;
}

async function state(id: string) {
  const [row] = await graph.read((tx) => tx.run(VERSIONS, { id }));
  const [audit] = await graph.read((tx) => tx.run(AUDIT_COUNT));
  return { raw: String(row?.raw), modified: String(row?.modified), versions: Number(row?.versions), audit: Number(audit?.entries) };
}

beforeAll(async () => {
  graph = connectTestGraph();
  api = await freshTestApi(graph);
  const seeded = await api.services.seed.loadReferenceCase();
  expect(seeded.loaded).toBe(true);
  for (let i = 0; i < 2; i += 1) {
    const g = connectTestGraph();
    others.push({ graph: g, services: createServices({ graph: g, logger: createLogger('silent') }) });
  }
});
afterAll(async () => {
  await graph.write((tx) => tx.run(DROP_ONE_ENTRY_PER_ACTOR)).catch(() => {});
  for (const o of others) await o.graph.close();
  await graph.close();
});

describe('a mutation is one transaction', () => {
  it('when the audit entry cannot be written, the new version is not kept either', async () => {
    const viewer = await analyst('auditor-clash');
    await api.services.cases.rateEvidence({ evidenceId: EV_INFOSTEALER, hypothesisId: H_FOREIGN, rating: 'N' }, viewer);
    await graph.write((tx) => tx.run(ONE_ENTRY_PER_ACTOR));
    try {
      const before = await state(EV_INFOSTEALER);
      const graphBefore = await graph.read((tx) => countGraph(tx));
      const assessmentBefore = await api.services.assessment.assess(IDS.incident, { viewer: SYSTEM_VIEWER });
      const events = api.services.events.subscribe('assessmentChanged')[Symbol.asyncIterator]();
      const announced = events.next();

      await expect(
        api.services.cases.rateEvidence({ evidenceId: EV_INFOSTEALER, hypothesisId: H_FOREIGN, rating: 'II' }, viewer),
      ).rejects.toMatchObject({ code: 'Neo.ClientError.Schema.ConstraintValidationFailed' });

      // Same current version, no archived version, no audit entry, no node or edge more.
      expect(await state(EV_INFOSTEALER)).toEqual(before);
      expect(await graph.read((tx) => countGraph(tx))).toEqual(graphBefore);
      const assessmentAfter = await api.services.assessment.assess(IDS.incident, { viewer: SYSTEM_VIEWER });
      expect(assessmentAfter.result.hypotheses).toEqual(assessmentBefore.result.hypotheses);
      // Nothing was announced: the next event is the one of the mutation below.
      await api.services.cases.setJudgement({ hypothesisId: H_CRIME, probability: 0.3 }, await analyst('auditor-next'));
      expect((await announced).value).toMatchObject({ reason: 'set-judgement', hypothesisId: H_CRIME });
      await events.return?.();
    } finally {
      await graph.write((tx) => tx.run(DROP_ONE_ENTRY_PER_ACTOR));
    }
  });

  it('invalid input writes nothing and names the object and field', async () => {
    const viewer = await analyst('validator');
    const before = await state(H_FOREIGN);
    const error = await api.services.cases
      .updateHypothesis(H_FOREIGN, { name: 'x'.repeat(501), prior: 1.5 }, viewer)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [
        { objectId: H_FOREIGN, path: 'name' },
        { objectId: H_FOREIGN, path: 'prior' },
      ],
    });
    expect(await state(H_FOREIGN)).toEqual(before);
  });
});

describe('optimistic concurrency (expectedModified)', () => {
  it('a change based on an older version is refused with CONFLICT, naming the object; nothing is written', async () => {
    const viewer = await analyst('optimist');
    const seen = await api.services.cases.hypothesis(H_FOREIGN, viewer);
    const first = await api.services.cases.updateHypothesis(H_FOREIGN, { description: 'first' }, viewer, { expectedModified: seen.modified });
    expect(Date.parse(first.modified)).toBeGreaterThan(Date.parse(seen.modified));
    const before = await state(H_FOREIGN);

    const stale = await api.services.cases
      .setHypothesisStatus(H_FOREIGN, 'rejected', 'stale view', viewer, { expectedModified: seen.modified })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect((stale as ConflictError).code).toBe('CONFLICT');
    expect((stale as Error).message).toContain(H_FOREIGN);
    expect((stale as Error).message).toContain(first.modified);
    expect(await state(H_FOREIGN)).toEqual(before);
    expect((await api.services.cases.hypothesis(H_FOREIGN, viewer)).status).toBe('open');

    // The same change based on the current version goes through.
    const fresh = await api.services.cases.setHypothesisStatus(H_FOREIGN, 'retained', 'fresh view', viewer, {
      expectedModified: first.modified,
    });
    expect(fresh.status).toBe('retained');
  });

  it('of concurrent changes from several processes based on the same version, exactly one is written', async () => {
    const viewers = await Promise.all([0, 1, 2].map((i) => analyst(`racer-${i}`)));
    const services = [api.services, ...others.map((o) => o.services)];
    const base = await api.services.cases.evidence(EV_INFOSTEALER, SYSTEM_VIEWER);
    const before = await state(EV_INFOSTEALER);
    const attempts = Array.from({ length: 6 }, (_, i) => i);
    const outcomes = await Promise.allSettled(
      attempts.map((i) =>
        services[i % services.length]!.cases.updateEvidence(
          EV_INFOSTEALER,
          { description: `version by attempt ${i}` },
          viewers[i % viewers.length]!,
          { expectedModified: base.modified },
        ),
      ),
    );
    const written = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(written).toHaveLength(1);
    expect(refused).toHaveLength(attempts.length - 1);
    for (const reason of refused) expect(reason).toMatchObject({ code: 'CONFLICT' });
    const after = await state(EV_INFOSTEALER);
    expect(after.versions).toBe(before.versions + 1);
    expect(after.audit).toBe(before.audit + 1);
    expect(JSON.parse(after.raw).description).toBe(`version by attempt ${written[0]}`);
  });

  it('without expectedModified, concurrent ratings from several processes are all kept (none overwrites another)', async () => {
    const viewers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => analyst(`rater-${i}`)));
    const services = [api.services, ...others.map((o) => o.services)];
    const before = await state(EV_INFOSTEALER);
    await Promise.all(
      viewers.map((viewer, i) =>
        services[i % services.length]!.cases.rateEvidence({ evidenceId: EV_INFOSTEALER, hypothesisId: H_CRIME, rating: 'C' }, viewer),
      ),
    );
    const after = await state(EV_INFOSTEALER);
    expect(after.versions).toBe(before.versions + viewers.length);
    expect(after.audit).toBe(before.audit + viewers.length);
    const raters = (JSON.parse(after.raw).ratings as { analyst: string; hypothesis_ref: string }[])
      .filter((r) => r.hypothesis_ref === H_CRIME && r.analyst.startsWith('rater-'))
      .map((r) => r.analyst)
      .sort();
    expect(raters).toEqual(viewers.map((v) => v.name).sort());
  });

  it('concurrent ratings of every evidence item and judgements on their hypotheses, from several processes, all land', async () => {
    const c = await api.services.cases.incident(IDS.incident, SYSTEM_VIEWER);
    const services = [api.services, ...others.map((o) => o.services)];
    const viewers = await Promise.all([0, 1, 2].map((i) => analyst(`mixer-${i}`)));
    const before = await graph.read((tx) => tx.run(AUDIT_COUNT));
    const work: Promise<unknown>[] = [];
    c.evidence.forEach((e, i) => {
      for (const h of c.hypotheses) {
        work.push(services[i % services.length]!.cases.rateEvidence({ evidenceId: e.id, hypothesisId: h.id, rating: 'N' }, viewers[i % viewers.length]!));
      }
    });
    c.hypotheses.forEach((h, i) => {
      for (const v of viewers) work.push(services[(i + 1) % services.length]!.cases.setJudgement({ hypothesisId: h.id, probability: 0.3 }, v));
    });
    await Promise.all(work);
    const after = await graph.read((tx) => tx.run(AUDIT_COUNT));
    expect(Number(after[0]?.entries) - Number(before[0]?.entries)).toBe(work.length);
    const now = await api.services.cases.incident(IDS.incident, SYSTEM_VIEWER);
    for (const [i, e] of now.evidence.entries()) {
      const mine = e.ratings.filter((r) => r.analyst === viewers[i % viewers.length]!.name).map((r) => r.hypothesisId);
      expect(mine.sort()).toEqual(c.hypotheses.map((h) => h.id).sort());
    }
    for (const h of now.hypotheses) {
      expect(h.judgements.filter((j) => j.analyst.startsWith('mixer-')).map((j) => j.analyst).sort()).toEqual(viewers.map((v) => v.name).sort());
    }
  });

  it('a mutation waiting on the lock checks and builds on the version committed while it waited', async () => {
    const viewer = await analyst('waiter');
    const holderViewer = await analyst('holder');
    const seen = await api.services.cases.evidence(EV_INFOSTEALER, viewer);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockHeld = new Promise<void>((resolve) => (locked = resolve));
    // Another process: takes the lock, then (once released) commits a new version with its rating.
    const holder = others[0]!.graph.write(async (tx) => {
      const current = (await lockForUpdate(tx, EV_INFOSTEALER, holderViewer.clearanceRank, null))!;
      locked();
      await gate;
      const next = structuredClone(current.raw);
      next.ratings = [...(next.ratings as object[]), { hypothesis_ref: H_CRIME, analyst: 'holder', rating: 'CC', rated_at: new Date().toISOString() }];
      next.modified = laterThan(new Date(), String(current.raw.modified));
      const at = new Date().toISOString();
      await writeVersionAndAudit(tx, { action: 'rate-evidence', viewer: holderViewer, before: current, after: next, incidentId: IDS.incident, at });
      return String(next.modified);
    });
    await lockHeld;
    const stale = api.services.cases
      .rateEvidence({ evidenceId: EV_INFOSTEALER, hypothesisId: H_CRIME, rating: 'II' }, viewer, { expectedModified: seen.modified })
      .catch((e: unknown) => e);
    const blind = api.services.cases.rateEvidence({ evidenceId: EV_INFOSTEALER, hypothesisId: H_FOREIGN, rating: 'I' }, viewer);
    // Give both time to reach the lock (the outcome must not depend on whether they did).
    await new Promise((resolve) => setTimeout(resolve, 500));
    release();
    const holderModified = await holder;
    expect(await stale).toMatchObject({ code: 'CONFLICT' });
    const after = await blind;
    expect(Date.parse(after.modified)).toBeGreaterThan(Date.parse(holderModified));
    const ratings = after.ratings.map((r) => `${r.analyst}:${r.hypothesisId}:${r.rating}`);
    expect(ratings).toContain(`holder:${H_CRIME}:CC`);
    expect(ratings).toContain(`waiter:${H_FOREIGN}:I`);
    expect(ratings).not.toContain(`waiter:${H_CRIME}:II`);
  });

  it('over GraphQL, a stale expectedModified gives a CONFLICT error naming the object', async () => {
    const token = await api.token('analyst', 'RED', 'gql-optimist');
    const RATE = `mutation R($e: ID!, $h: ID!, $m: DateTime) {
      rateEvidence(evidenceId: $e, hypothesisId: $h, rating: I, expectedModified: $m) { id modified }
    }`;
    const read = await api.gql(token, `query { evidence(id: "${EV_INFOSTEALER}") { modified } }`);
    const seen = (read.data!.evidence as { modified: string }).modified;
    const ok = await api.gql(token, RATE, { e: EV_INFOSTEALER, h: H_CRIME, m: seen });
    expect(ok.errors).toBeUndefined();
    const before = await state(EV_INFOSTEALER);
    const stale = await api.gql(token, RATE, { e: EV_INFOSTEALER, h: H_CRIME, m: seen });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(stale.errors?.[0]?.message).toContain(EV_INFOSTEALER);
    expect(await state(EV_INFOSTEALER)).toEqual(before);
  });

  it('an expectedModified that is not a timestamp is refused before anything is read', async () => {
    const viewer = await analyst('sloppy');
    await expect(
      api.services.cases.updateHypothesis(H_CRIME, { description: 'x' }, viewer, { expectedModified: 'yesterday' }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ objectId: H_CRIME, path: 'expectedModified' }] });
  });
});

describe('deleting a hypothesis or an evidence item', () => {
  const ASSESS = `query A($id: ID!, $asOf: DateTime) {
    incident(id: $id) { hypotheses { id } evidence { id } }
    assessment(incidentId: $id, asOf: $asOf) { hypotheses { hypothesis { id } posterior } evidence { evidence { id } } explanation }
  }`;
  type Assessed = {
    incident: { hypotheses: { id: string }[]; evidence: { id: string }[] };
    assessment: { hypotheses: { hypothesis: { id: string }; posterior: number }[]; evidence: { evidence: { id: string } }[]; explanation: string[] };
  };
  const read = async (token: string, asOf: string | null = null) => {
    const r = await api.gql(token, ASSESS, { id: IDS.incident, asOf });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data as unknown as Assessed;
  };

  it('a reader may not delete; nothing is written', async () => {
    const reader = await api.token('reader', 'RED', 'deleting-reader');
    const before = await state(H_CRIME);
    const r = await api.gql(reader, `mutation { deleteHypothesis(id: "${H_CRIME}") { id } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await state(H_CRIME)).toEqual(before);
  });

  it('a deleted hypothesis leaves the case and the assessment with its ratings, stays in history and in an earlier as-of; it cannot be rated or changed again', async () => {
    const token = await api.token('analyst', 'RED', 'deleter');
    const before = await read(token);
    expect(before.incident.hypotheses.map((h) => h.id)).toContain(H_CRIME);
    const rated = (await api.services.cases.evidence(EV_INFOSTEALER, SYSTEM_VIEWER)).ratings.filter((x) => x.hypothesisId === H_CRIME);
    expect(rated.length).toBeGreaterThan(0); // the seed and the tests above rated it: those ratings must not surface as "dropped"
    const stored = await state(H_CRIME);
    const instantBefore = new Date(Date.parse(stored.modified) + 1).toISOString();

    const r = await api.gql(token, `mutation D($id: ID!) { deleteHypothesis(id: $id, rationale: "Duplicate of the broker hypothesis") { id deleted rationale } }`, { id: H_CRIME });
    expect(r.errors).toBeUndefined();
    expect(r.data!.deleteHypothesis).toEqual({ id: H_CRIME, deleted: true, rationale: 'Duplicate of the broker hypothesis' });

    const after = await read(token);
    expect(after.incident.hypotheses.map((h) => h.id)).not.toContain(H_CRIME);
    expect(after.assessment.hypotheses.map((h) => h.hypothesis.id)).not.toContain(H_CRIME);
    expect(after.assessment.hypotheses).toHaveLength(before.assessment.hypotheses.length - 1);
    expect(after.assessment.hypotheses.reduce((s, h) => s + h.posterior, 0)).toBeCloseTo(1, 6);
    expect(after.assessment.explanation.join(' ')).not.toMatch(/rating\(s\) of hypotheses you may not see/);
    // The incident list no longer counts it.
    const listed = (await api.services.cases.incidents(SYSTEM_VIEWER)).find((i) => i.id === IDS.incident)!;
    expect(listed.hypotheses.map((h) => h.id)).not.toContain(H_CRIME);
    // As of an instant before the deletion, it is still there with its ratings.
    const earlier = await read(token, instantBefore);
    expect(earlier.assessment.hypotheses.map((h) => h.hypothesis.id)).toContain(H_CRIME);
    // Kept: one more version, revoked, and an audit entry.
    const now = await state(H_CRIME);
    expect(now.versions).toBe(stored.versions + 1);
    expect(JSON.parse(now.raw)).toMatchObject({ revoked: true, rationale: 'Duplicate of the broker hypothesis' });
    expect(now.audit).toBe(stored.audit + 1);
    expect((await api.services.cases.auditLog(H_CRIME, SYSTEM_VIEWER))[0]).toMatchObject({ action: 'delete-hypothesis', actor: 'deleter' });

    // Rating it is refused by field; changing or deleting it again is a conflict; nothing written.
    const viewer = (await api.services.auth.authenticate(token))!;
    await expect(api.services.cases.rateEvidence({ evidenceId: EV_INFOSTEALER, hypothesisId: H_CRIME, rating: 'C' }, viewer))
      .rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'hypothesisId', message: expect.stringMatching(/was deleted/) }] });
    await expect(api.services.cases.updateHypothesis(H_CRIME, { prior: 0.2 }, viewer)).rejects.toBeInstanceOf(ConflictError);
    await expect(api.services.cases.deleteHypothesis(H_CRIME, null, viewer)).rejects.toBeInstanceOf(ConflictError);
    expect(await state(H_CRIME)).toEqual(now);
  });

  it('a deleted evidence item leaves the matrix and the current assessment', async () => {
    const token = await api.token('analyst', 'RED', 'evidence-deleter');
    const before = await read(token);
    expect(before.assessment.evidence.map((e) => e.evidence.id)).toContain(EV_INFOSTEALER);
    const r = await api.gql(token, `mutation { deleteEvidence(id: "${EV_INFOSTEALER}", rationale: "Logs were a re-sale of an old dump") { deleted rationale } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.deleteEvidence).toEqual({ deleted: true, rationale: 'Logs were a re-sale of an old dump' });
    const after = await read(token);
    expect(after.incident.evidence.map((e) => e.id)).not.toContain(EV_INFOSTEALER);
    expect(after.assessment.evidence.map((e) => e.evidence.id)).not.toContain(EV_INFOSTEALER);
    expect(after.assessment.evidence).toHaveLength(before.assessment.evidence.length - 1);
  });
});
