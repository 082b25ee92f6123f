/**
 * Export of the reference case: it carries our extension-definition, the hypotheses and evidence,
 * `attributed-to` relationships whose confidence is the posterior and an `opinion` per analyst
 * judgement; it passes OASIS stix2-validator; and re-imported into an empty graph it gives the
 * same assessment.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIds, ATTRIBUTION_EXTENSION_ID } from '../../importers/factsheet/index';
import type { Graph } from '../../api/src/graph/driver';
import { createLogger } from '../../api/src/logger';
import { createServices, type Services } from '../../api/src/services';
import { SYSTEM_VIEWER, makeViewer } from '../../api/src/services/viewer';
import { connectTestGraph, resetGraph } from '../support/graph';
import { runStix2Validator, stix2ValidatorAvailability } from '../support/stix2-validator';

const IDS = caseIds('fr-interior-mail-intrusion-2025-12');
const ANALYST_A = makeViewer('token-a', 'analyst-a', 'analyst', 'RED');
const ANALYST_B = makeViewer('token-b', 'analyst-b', 'analyst', 'RED');
/** The Incident Core impact sub-extension keys: a documented difference from OASIS (docs/stix-schemas.md). */
const IMPACT_KEY_ERROR =
  /^(bundle--[0-9a-f-]+: )?impact--[0-9a-f-]+: extensions: '(availability|confidentiality|external|integrity|monetary|physical|traceability)' does not match any of the regexes/;
/** The OASIS Incident Core extension-definitions with their published JSON schemas (test corpus). */
const INCIDENT_CORE = join(import.meta.dirname, '../../../shared/corpus/oasis-incident');
const HAVE_INCIDENT_CORE = existsSync(INCIDENT_CORE);

type Exported = { id: string; type: string; extensions?: Record<string, unknown>; [key: string]: unknown };

/** `<impact id>: extensions: '<key>'` for each impact category sub-extension of the bundle. */
function impactCategoryKeys(objects: readonly Exported[]): string[] {
  return objects
    .filter((o) => o.type === 'impact')
    .flatMap((o) => Object.keys(o.extensions ?? {}).filter((k) => !k.startsWith('extension-definition--')).map((k) => `${o.id}: extensions: '${k}'`))
    .sort();
}

/** The same, read from validator errors that match IMPACT_KEY_ERROR. */
function reportedImpactKeys(errors: readonly string[]): string[] {
  return errors
    .filter((e) => IMPACT_KEY_ERROR.test(e))
    .map((e) => e.replace(/^bundle--[0-9a-f-]+: /, '').replace(/ does not match any of the regexes.*$/s, ''))
    .sort();
}

function validatorOrSkip(ctx: { skip: () => void }): void {
  const available = stix2ValidatorAvailability();
  if (!available.ok) {
    if (process.env.CI === 'true') throw new Error(available.reason);
    ctx.skip();
  }
}

let graph: Graph;
let services: Services;

beforeAll(async () => {
  graph = connectTestGraph();
  await resetGraph(graph);
  services = createServices({ graph, logger: createLogger('silent') });
  await services.cases.ensureSchema();
  await services.seed.loadReferenceCase();
  // Judgements and a rating so the export has opinions and a non-trivial assessment.
  await services.cases.setJudgement({ hypothesisId: IDS.hypothesis('h-foreign-interference'), probability: 0.5, rationale: 'targeted' }, ANALYST_A);
  await services.cases.setJudgement({ hypothesisId: IDS.hypothesis('h-opportunistic-cybercrime'), probability: 0.7 }, ANALYST_B);
  await services.cases.rateEvidence(
    { evidenceId: IDS.evidence('ev-credential-reuse-t1078'), hypothesisId: IDS.hypothesis('h-foreign-interference'), rating: 'I' },
    ANALYST_A,
  );
});
afterAll(async () => {
  await graph.close();
});

const summary = (a: Awaited<ReturnType<Services['assessment']['assess']>>) =>
  a.result.hypotheses.map((h) => ({ id: h.hypothesisId, posterior: h.posterior, score: h.score, rank: h.rank }));

describe('case export', () => {
  let bundle: Awaited<ReturnType<Services['stixExport']['exportBundle']>>;
  let before: Awaited<ReturnType<Services['assessment']['assess']>>;

  beforeAll(async () => {
    before = await services.assessment.assess(IDS.incident, { viewer: SYSTEM_VIEWER });
    bundle = await services.stixExport.exportBundle({ incidentId: IDS.incident, viewer: SYSTEM_VIEWER });
  });

  it('carries the extension, the hypotheses and evidence, and the assessment as standard STIX', () => {
    const byType = (t: string) => bundle.objects.filter((o) => o.type === t);
    expect(bundle.objects.map((o) => o.id)).toContain(ATTRIBUTION_EXTENSION_ID);
    expect(byType('attribution-hypothesis')).toHaveLength(4);
    expect(byType('attribution-evidence')).toHaveLength(4);
    const attributed = byType('relationship').filter((r) => r.relationship_type === 'attributed-to');
    expect(attributed).toHaveLength(3);
    // The "other" hypothesis names no candidate actor, so it has no attributed-to relationship.
    for (const h of before.result.hypotheses.filter((r) => !r.isOther)) {
      const hypothesis = byType('attribution-hypothesis').find((o) => o.id === h.hypothesisId)!;
      const rel = attributed.find((r) => (hypothesis.candidate_refs as string[]).includes(String(r.target_ref)))!;
      expect(rel).toMatchObject({ source_ref: IDS.incident, confidence: Math.round(100 * h.posterior!) });
    }
    const opinions = byType('opinion');
    expect(opinions.map((o) => [o.authors, o.opinion]).sort()).toEqual([
      [['analyst-a'], 'neutral'],
      [['analyst-b'], 'agree'],
    ]);
    expect(new Set(bundle.objects.map((o) => o.id)).size).toBe(bundle.objects.length);
  });

  it('passes OASIS stix2-validator but for the documented Incident Core impact keys: exactly one error per impact category sub-extension', (ctx) => {
    validatorOrSkip(ctx);
    const file = join(mkdtempSync(join(tmpdir(), 'ag-case-export-')), 'case.json');
    writeFileSync(file, JSON.stringify(bundle));
    const [result] = runStix2Validator([file]);
    expect(result!.errors.filter((e) => !IMPACT_KEY_ERROR.test(e))).toEqual([]);
    const expected = impactCategoryKeys(bundle.objects as Exported[]);
    expect(expected.length).toBeGreaterThan(0);
    expect(reportedImpactKeys(result!.errors)).toEqual(expected);
    // Our own objects and the enrichment are clean, not merely allowed.
    const ours = result!.errors.filter((e) => /(attribution-(hypothesis|evidence)|relationship|opinion)--/.test(e));
    expect(ours).toEqual([]);
  });

  describe.skipIf(!HAVE_INCIDENT_CORE)(`with the published Incident Core extension schemas (skipped when ${INCIDENT_CORE} is absent)`, () => {
    /**
     * What the published event and task schemas reject that STIX 2.1 and the OASIS Incident Core
     * examples use (docs/hypotheses.md, "Export"): the common properties `created_by_ref` and
     * `object_marking_refs` (both schemas list their properties with additionalProperties false
     * and omit them), and `task_types` (the task schema names it `task_type`; every OASIS task
     * example writes `task_types`). OASIS's own incident_expo_1.json fails on the same points.
     */
    const PUBLISHED_SCHEMA_GAP =
      /^(bundle--[0-9a-f-]+: )?(event--[0-9a-f-]+: Additional properties are not allowed \((('created_by_ref'|'object_marking_refs')(, )?)+ (was|were) unexpected\)|task--[0-9a-f-]+: Additional properties are not allowed \((('created_by_ref'|'object_marking_refs'|'task_types')(, )?)+ (was|were) unexpected\))$/;

    it('incident and impact objects satisfy their extension-definition schemas; event and task only miss the documented gaps', (ctx) => {
      validatorOrSkip(ctx);
      const dir = mkdtempSync(join(tmpdir(), 'ag-case-export-'));
      const file = join(dir, 'case.json');
      writeFileSync(file, JSON.stringify(bundle));
      // The same bundle with one impact broken against the published impact schema: shows those
      // schemas are applied, not silently skipped.
      const broken = structuredClone(bundle) as unknown as { objects: Exported[] };
      const impact = broken.objects.find((o) => o.type === 'impact')!;
      impact.criticality = 101;
      const brokenFile = join(dir, 'broken.json');
      writeFileSync(brokenFile, JSON.stringify(broken));
      const [result, brokenResult] = runStix2Validator([file, brokenFile], { schemaDir: INCIDENT_CORE });

      const types = new Set(bundle.objects.map((o) => o.type));
      expect(['event', 'impact', 'incident', 'task'].filter((t) => types.has(t))).toEqual(['event', 'impact', 'incident', 'task']);
      const other = result!.errors.filter((e) => !IMPACT_KEY_ERROR.test(e));
      expect(other.filter((e) => !PUBLISHED_SCHEMA_GAP.test(e))).toEqual([]);
      expect(other.filter((e) => /(incident|impact)--/.test(e.replace(/^bundle--[0-9a-f-]+: /, '')))).toEqual([]);
      expect(reportedImpactKeys(result!.errors)).toEqual(impactCategoryKeys(bundle.objects as Exported[]));
      expect(brokenResult!.errors).toEqual(
        expect.arrayContaining([expect.stringMatching(new RegExp(`${impact.id}: criticality: 101 is greater than the maximum of 100$`))]),
      );
    });
  });

  it('exporting again gives the same objects (deterministic ids and timestamps)', async () => {
    const again = await services.stixExport.exportBundle({ incidentId: IDS.incident, viewer: SYSTEM_VIEWER });
    expect(again.objects).toEqual(bundle.objects);
  });

  it('re-imports into an empty graph to the same assessment', async () => {
    await resetGraph(graph);
    const report = await services.stixImport.importBundle(bundle, { viewer: SYSTEM_VIEWER });
    expect(report.errors).toEqual([]);
    const after = await services.assessment.assess(IDS.incident, { viewer: SYSTEM_VIEWER });
    expect(summary(after)).toEqual(summary(before));
    expect(after.result.pooled).toEqual(before.result.pooled);
    expect(after.result.analysts).toEqual(before.result.analysts);
    // And the re-imported graph exports the same bundle content.
    const reexported = await services.stixExport.exportBundle({ incidentId: IDS.incident, viewer: SYSTEM_VIEWER });
    expect(reexported.objects).toEqual(bundle.objects);
  });
});
