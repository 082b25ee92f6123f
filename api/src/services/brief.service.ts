/**
 * The one-page brief of an incident for decision-makers (docs/web.md, "Brief"): the model is built
 * here from the assessment service (the case as the viewer may see it, the engine's result and its
 * history), laid out by brief-html.ts and printed to PDF by brief-pdf.ts. The web's Brief button
 * (GraphQL `incidentBrief`) and the CLI's `attribution-graph brief` both come here, so they give
 * the same document for the same viewer.
 */
import { foldSources, latestRaters } from '../../../schema/assessment/case-reading';
import { TLP_LEVELS, type TlpLevel } from '../../../schema/graph/kinds';
import { ValidationError } from '../errors';
import type { AssessmentService } from './assessment.service';
import { briefHtml, type BriefEvidence, type BriefHypothesis, type BriefModel } from './brief-html';
import { createPdfPrinter } from './brief-pdf';
import { consensusCells } from './consensus-cells';
import type { EvidenceRecord, HypothesisRecord } from './case-model';
import type { Viewer } from './viewer';

export const BRIEF_FORMATS = ['HTML', 'PDF'] as const;
export type BriefFormat = (typeof BRIEF_FORMATS)[number];

export interface BriefOptions {
  viewer: Viewer;
  /** The case as it stood at this instant (RFC 3339); null: now. */
  asOf?: string | null;
}

export interface Brief {
  /** `brief-<incident name>.pdf` / `.html`. */
  fileName: string;
  mediaType: 'application/pdf' | 'text/html; charset=utf-8';
  tlp: TlpLevel;
  /** Pages of the PDF; null for HTML. */
  pages: number | null;
  bytes: Buffer;
}

export interface BriefService {
  /** What the brief says, as data (NotFoundError for an incident the viewer may not see). */
  model(incidentId: string, options: BriefOptions): Promise<BriefModel>;
  render(incidentId: string, options: BriefOptions & { format: BriefFormat }): Promise<Brief>;
  /** Closes the browser kept between PDF prints (app shutdown, end of a CLI command). */
  close(): Promise<void>;
}

function grade(e: EvidenceRecord): string | null {
  return e.reliability || e.credibility ? `${e.reliability ?? '?'}${e.credibility ?? '?'}` : null;
}

function fileName(incidentName: string, format: BriefFormat): string {
  const slug = incidentName.replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'incident';
  return `brief-${slug}.${format === 'PDF' ? 'pdf' : 'html'}`;
}

export function createBriefService(deps: { assessment: AssessmentService; chromiumPath: string; browserIdleMs?: number }): BriefService {
  const { assessment } = deps;
  const printer = createPdfPrinter({ chromiumPath: deps.chromiumPath, idleMs: deps.browserIdleMs });

  async function model(incidentId: string, options: BriefOptions): Promise<BriefModel> {
    const asOf = options.asOf ?? null;
    // One read of the case for both: the assessment and its history describe the same state.
    const { case: c, result, points } = await assessment.assessWithHistory(incidentId, { viewer: options.viewer, asOf });
    const hypothesisRecords = new Map<string, HypothesisRecord>([...c.deleted.hypotheses, ...c.hypotheses].map((x) => [x.id, x]));
    const evidenceRecords = new Map<string, EvidenceRecord>([...c.deleted.evidence, ...c.evidence].map((e) => [e.id, e]));
    const order = new Map([...c.hypotheses, ...c.deleted.hypotheses].map((x, i) => [x.id, i]));
    const hypotheses: BriefHypothesis[] = result.hypotheses
      .map((x) => ({
        id: x.hypothesisId,
        name: x.name,
        status: x.status,
        prior: hypothesisRecords.get(x.hypothesisId)?.prior ?? null,
        posterior: x.posterior,
        label: x.label,
      }))
      .sort((a, b) => (order.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.id) ?? Number.MAX_SAFE_INTEGER));
    const cells = consensusCells(result);
    const evidence: BriefEvidence[] = result.evidence.flatMap((r) => {
      const e = evidenceRecords.get(r.evidenceId);
      if (!e) return [];
      return [{
        id: e.id,
        name: e.name,
        kind: e.kind,
        knownAt: e.collectedAt,
        grade: grade(e),
        discredited: e.discredited,
        effectiveWeight: r.effectiveWeight,
        cells: Object.fromEntries((cells.get(e.id) ?? []).map((cell) => [cell.hypothesisId, {
          rating: cell.rating,
          raters: cell.raters,
          unanimous: cell.unanimous,
          analysts: latestRaters(e.ratings, cell.hypothesisId, asOf),
        }])),
        sources: foldSources(e.externalReferences.map((ref) => ({
          name: typeof ref.source_name === 'string' ? ref.source_name : 'source',
          url: typeof ref.url === 'string' ? ref.url : null,
          description: typeof ref.description === 'string' ? ref.description : null,
        }))),
      }];
    });
    const nameOf = (id: string | undefined) => (id ? (hypothesisRecords.get(id)?.name ?? id) : '');
    // Without a clear leader the brief already says "no hypothesis leads": a run that only turns
    // the margin-clear top into a tie changes nothing it says, so only new leaders are named.
    const changers = result.sensitivity.filter((s) => s.flipsLead && (result.leadStatus === 'clear' || s.outcome !== 'becomes-tie')).map((s) => {
      const item = `${s.action === 'remove' ? 'without' : 'restoring'} “${evidenceRecords.get(s.evidenceId)?.name ?? s.evidenceId}”`;
      if (s.outcome === 'becomes-tie') return `${item}, the lead becomes a tie`;
      return `${item}, “${nameOf(s.newLeader)}” would lead`;
    });
    const shownRanks = [c.incident.tlpRank, ...hypotheses.map((x) => hypothesisRecords.get(x.id)?.tlpRank ?? 0), ...evidence.map((e) => evidenceRecords.get(e.id)?.tlpRank ?? 0)];
    const tlp = TLP_LEVELS[Math.max(...shownRanks)] ?? 'RED';
    const status = ({ clear: 'CLEAR', tie: 'TIE', none: 'NONE' } as const)[result.leadStatus];
    return {
      incidentId: c.incident.id,
      incidentName: c.incident.name,
      tlp,
      asOf,
      generatedAt: new Date().toISOString(),
      generatedBy: options.viewer.name,
      hypotheses,
      lead: { status, tied: result.tiedForLead, restsOn: result.leadRestsOn },
      confidence: { level: result.analyticConfidence.level, reasons: result.analyticConfidence.reasons },
      changers,
      evidence,
      laterEvidence: Math.max(0, c.evidence.length - result.evidence.length),
      history: points.map((p) => ({ asOf: p.asOf, posteriors: Object.fromEntries(p.hypotheses.map((x) => [x.hypothesisId, x.posterior])) })),
    };
  }

  return {
    model,
    async render(incidentId, options) {
      if (!(BRIEF_FORMATS as readonly string[]).includes(options.format)) {
        throw new ValidationError(`format must be one of ${BRIEF_FORMATS.join(', ')}`, [{ objectId: null, path: 'format', message: `must be one of ${BRIEF_FORMATS.join(', ')}` }]);
      }
      const m = await model(incidentId, options);
      const html = briefHtml(m);
      if (options.format === 'HTML') {
        return { fileName: fileName(m.incidentName, 'HTML'), mediaType: 'text/html; charset=utf-8', tlp: m.tlp, pages: null, bytes: Buffer.from(html, 'utf8') };
      }
      const pdf = await printer.print(html);
      return { fileName: fileName(m.incidentName, 'PDF'), mediaType: 'application/pdf', tlp: m.tlp, pages: pdf.pages, bytes: pdf.bytes };
    },
    close: () => printer.close(),
  };
}
