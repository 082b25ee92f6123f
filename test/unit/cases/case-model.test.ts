/**
 * Stored case objects → engine input and the export enrichment: pure code, on the reference case's
 * own bundle (no database).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseIds, factSheetToBundle, parseFactSheet } from '../../../importers/factsheet/index';
import { assess } from '../../../api/src/domain/assessment/index';
import type { StoredCase } from '../../../api/src/graph/case.repository';
import { caseExportObjects, opinionFor } from '../../../api/src/services/case-export';
import { caseRecord, toAssessmentInput } from '../../../api/src/services/case-model';
import { laterThan } from '../../../api/src/services/case.service';
import { explainAssessment } from '../../../api/src/services/assessment-explain';
import { validateStixObject } from '../../../schema/stix/index';

const sheet = parseFactSheet(readFileSync(join(import.meta.dirname, '../../../seed/reference-case.yaml'), 'utf8'), 'reference-case.yaml');
const bundle = factSheetToBundle(sheet);
const ids = caseIds(sheet.slug);

function storedCase(): StoredCase {
  const of = (type: string) => bundle.objects.filter((o) => o.type === type).map((raw) => ({ raw: raw as Record<string, unknown>, tlpRank: 0 }));
  const incident = bundle.objects.find((o) => o.type === 'incident')!;
  return {
    incident: { id: incident.id, name: String(incident.name), raw: incident as Record<string, unknown>, tlpRank: 0 },
    hypotheses: of('attribution-hypothesis'),
    evidence: of('attribution-evidence'),
    candidates: bundle.objects
      .filter((o) => o.type === 'threat-actor')
      .map((o) => ({ id: o.id, type: o.type, name: String(o.name), tlpRank: 0 })),
  };
}

describe('case model', () => {
  it('maps the stored hypotheses and evidence one to one onto the engine input', () => {
    const { input, dropped } = toAssessmentInput(caseRecord(storedCase()));
    expect(dropped).toEqual([]);
    expect(input.hypotheses.map((h) => h.id).sort()).toEqual(sheet.hypotheses.map((h) => ids.hypothesis(h.id)).sort());
    const ev = input.evidence.find((e) => e.id === ids.evidence('ev-credential-reuse-t1078'))!;
    expect(ev).toMatchObject({ knownAt: '2025-12-13T15:55:49.000Z', weight: 0.5, reliability: 'B' });
    expect(ev.ratings).toHaveLength(6);
    expect(ev.ratings[0]).toMatchObject({ analyst: 'analyst-a', ratedAt: '2025-12-13T18:00:00.000Z' });
  });

  it('leaves out ratings of hypotheses the viewer cannot see, and says so', () => {
    const c = storedCase();
    c.hypotheses = c.hypotheses.filter((h) => h.raw.id !== ids.hypothesis('h-state-challenger'));
    const { input, dropped } = toAssessmentInput(caseRecord(c));
    expect(dropped).toHaveLength(4 * 2);
    expect(() => assess(input)).not.toThrow();
  });
});

describe('case export objects', () => {
  const c = caseRecord(storedCase());
  const result = assess(toAssessmentInput(c).input);
  const objects = caseExportObjects(c, result);

  it('are valid STIX 2.1 and carry the posterior as confidence', () => {
    for (const o of objects) expect(validateStixObject(o)).toEqual([]);
    const rels = objects.filter((o) => o.type === 'relationship');
    expect(rels).toHaveLength(3);
    // The fourth hypothesis ("another actor, not considered") names no candidate: no relationship.
    for (const h of result.hypotheses.filter((r) => !r.isOther)) {
      const hyp = c.hypotheses.find((x) => x.id === h.hypothesisId)!;
      const rel = rels.find((r) => r.target_ref === hyp.candidateRefs[0])!;
      expect(rel.confidence).toBe(h.confidence);
      expect(rel.modified).toBe('2025-12-13T15:55:49.000Z');
    }
  });

  it('are deterministic', () => {
    expect(caseExportObjects(c, result)).toEqual(objects);
  });

  it('map probabilities to the STIX opinion scale monotonically', () => {
    const order = ['strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree'];
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return order.indexOf(opinionFor(lo)) <= order.indexOf(opinionFor(hi));
      }),
    );
    expect([0, 0.2, 0.4, 0.6, 0.8, 1].map(opinionFor)).toEqual(['strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree', 'strongly-agree']);
  });
});

describe('explanation and timestamps', () => {
  it('names the leader and the caveats', () => {
    const c = caseRecord(storedCase());
    const result = assess(toAssessmentInput(c).input);
    const text = explainAssessment(c, result);
    expect(text[0]).toContain(result.hypotheses[0]!.name);
    expect(text.at(-1)).toMatch(/conventions/);
  });

  it('laterThan is strictly after every previous timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.array(fc.integer({ min: 0, max: 4e12 }), { maxLength: 5 }), (now, prev) => {
        const next = Date.parse(laterThan(new Date(now), ...prev.map((p) => new Date(p).toISOString())));
        return next >= now && prev.every((p) => next > p);
      }),
    );
  });
});
