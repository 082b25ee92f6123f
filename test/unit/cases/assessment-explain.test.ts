/**
 * Issue 17, point 12 (and the words of points 2–4, 6, 7): the explanation says what the numbers
 * rest on and nothing they do not — on the reference case's own bundle (no database).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseIds, factSheetToBundle, parseFactSheet } from '../../../importers/factsheet/index';
import { assess } from '../../../api/src/domain/assessment/index';
import type { StoredCase } from '../../../api/src/graph/case.repository';
import { caseRecord, toAssessmentInput } from '../../../api/src/services/case-model';
import { explainAssessment } from '../../../api/src/services/assessment-explain';

const sheet = parseFactSheet(readFileSync(join(import.meta.dirname, '../../../seed/reference-case.yaml'), 'utf8'), 'reference-case.yaml');
const bundle = factSheetToBundle(sheet);
const ids = caseIds(sheet.slug);

function storedCase(): StoredCase {
  const of = (type: string) => bundle.objects.filter((o) => o.type === type).map((raw) => ({ raw: structuredClone(raw) as Record<string, unknown>, tlpRank: 0 }));
  const incident = bundle.objects.find((o) => o.type === 'incident')!;
  return {
    incident: { id: incident.id, name: String(incident.name), raw: incident as Record<string, unknown>, tlpRank: 0 },
    hypotheses: of('attribution-hypothesis'),
    evidence: of('attribution-evidence'),
    candidates: bundle.objects.filter((o) => o.type === 'threat-actor').map((o) => ({ id: o.id, type: o.type, name: String(o.name), tlpRank: 0 })),
  };
}

function explain(c = caseRecord(storedCase()), asOf?: string) {
  const result = assess(toAssessmentInput(c).input, asOf ? { asOf } : {});
  return { result, text: explainAssessment(c, result) };
}

describe('the explanation stays honest', () => {
  it('says there is no clear leader in the reference case, and on whose ratings the margin rests', () => {
    const { text } = explain();
    expect(text[0]).toMatch(/^No clear leader: the lead of "Foreign interference" rests on the ratings of analyst-b alone/);
    expect(text.join(' ')).not.toMatch(/Leading hypothesis/);
    expect(text.join(' ')).toMatch(/analyst-a has no clear leader; analyst-b leads with "Foreign interference"/);
    expect(text.join(' ')).toMatch(/Analytic confidence \(how much the evidence can be trusted, apart from how likely the leader is\): low/);
  });

  it('does not call blank cells "rated the same for every hypothesis", and counts them', () => {
    const { text } = explain();
    const joined = text.join(' ');
    expect(joined).toMatch(/Blank cells \(nobody rated the item against the hypothesis; they count as missing, not as neutral\): "Another actor, not considered" 4/);
    // Every item is rated differently across the rated hypotheses: none is called non-diagnostic
    // because of the blank "other" column.
    expect(joined).not.toMatch(/Non-diagnostic/);
  });

  it('counts only the analysts whose ratings were given by asOf', () => {
    // analyst-a rated at 18:00, analyst-b at 19:00.
    expect(explain(undefined, '2025-12-13T18:30:00Z').text.join(' ')).toMatch(/rated by 1 analyst\(s\) by then/);
    expect(explain(undefined, '2025-12-13T17:00:00Z').text.join(' ')).toMatch(/rated by 0 analyst\(s\) by then/);
    expect(explain().text.join(' ')).toMatch(/rated by 2 analyst\(s\)\./);
  });

  it('names dependent items counted once and never calls a tie a new leader', () => {
    const c = caseRecord(storedCase());
    const { result, text } = explain(c);
    expect(text.join(' ')).toMatch(/Counted once, as dependent .*"Analyst judgement: initial access by reuse of stolen credentials/);
    const name = (id: string) => c.evidence.find((e) => e.id === id)!.name;
    expect(result.sensitivity.filter((x) => x.decisive).map((x) => x.outcome)).toContain('becomes-tie');
    for (const s of result.sensitivity.filter((x) => x.decisive)) {
      const line = text.find((t) => t.includes(`"${name(s.evidenceId)}"`) && t.includes(' would '));
      expect(line, s.evidenceId).toBeDefined();
      // The lead already rests on analyst-b: a run that removes the margin says so, no more.
      if (s.outcome === 'becomes-tie') expect(line).toMatch(/would also erase the margin of "Foreign interference"/);
      expect(line).not.toMatch(/the leader/);
    }
    expect(text.join(' ')).not.toMatch(/would make "" the/);
  });

  it('says an item nobody rated moves nothing, instead of calling it non-diagnostic', () => {
    const c = caseRecord(storedCase());
    const e = c.evidence.find((x) => x.id === ids.evidence('ev-possible-file-access'))!;
    e.ratings = [];
    const { text } = explain(c);
    expect(text.join(' ')).toMatch(/Not rated by anyone yet, so they move nothing: "An attacker may have accessed/);
    expect(text.join(' ')).not.toMatch(/Non-diagnostic .*An attacker may have accessed/);
  });
});
