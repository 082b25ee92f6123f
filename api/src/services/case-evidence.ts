/**
 * The evidence operations of the case service (case.service.ts), ratings included: each one
 * audited mutation through `mutate` (case-mutate.ts).
 */
import { archiveSourceName } from '../../../schema/assessment/case-reading';
import { EVIDENCE_KINDS, EVIDENCE_WEIGHT_MAX } from '../../../schema/stix/attribution';
import { ANALYST_JUDGEMENT_LABEL } from '../../../schema/stix/vocab';
import { INFORMATION_CREDIBILITIES, RATINGS, SOURCE_RELIABILITIES, type Rating } from '../domain/assessment';
import type { StixJson } from '../graph/case.repository';
import { evidenceRecord, type EvidenceRecord } from './case-model';
import {
  EVIDENCE_TYPE,
  HYPOTHESIS_TYPE,
  MAX_NAME,
  checkRefs,
  incidentMarkings,
  laterThan,
  mutate,
  newCaseObject,
  patch,
  stored,
  type CaseDeps,
  type Change,
  type Problems,
} from './case-mutate';
import type { CreateEvidenceInput, MutationOptions, RateEvidenceInput, SourceInput, UpdateEvidenceInput } from './case.service';
import type { Viewer } from './viewer';

export async function reloadEvidence(deps: CaseDeps, id: string, viewer: Viewer): Promise<EvidenceRecord> {
  return evidenceRecord(await stored(deps, id, EVIDENCE_TYPE, viewer));
}

/** A change of a stored evidence item (`hypothesisId`: the hypothesis a rating concerns). */
async function changeEvidence(
  deps: CaseDeps,
  id: string,
  viewer: Viewer,
  action: string,
  options: MutationOptions,
  change: Change,
  hypothesisId: string | null = null,
) {
  const { expectedModified } = options;
  return evidenceRecord(await mutate(deps, viewer, { action, type: EVIDENCE_TYPE, id, expectedModified, change, hypothesisId: () => hypothesisId }));
}

function externalReferences(sources: readonly SourceInput[]): StixJson[] {
  const out: StixJson[] = [];
  for (const s of sources) {
    out.push({
      source_name: s.name,
      ...(s.description ? { description: s.description } : {}),
      ...(s.url ? { url: s.url } : {}),
    });
    if (s.archiveUrl) out.push({ source_name: archiveSourceName(s.name), description: `Archived copy of: ${s.url ?? s.name}`, url: s.archiveUrl });
  }
  return out;
}

function checkEvidenceFields(p: Problems, f: UpdateEvidenceInput, creating: boolean) {
  p.text('name', f.name, { required: creating, max: MAX_NAME });
  if (!creating && f.name === null) p.add('name', 'cannot be removed');
  p.text('description', f.description);
  if (creating && (f.kind === undefined || f.kind === null)) p.add('kind', 'is required');
  if (!creating && f.kind === null) p.add('kind', 'cannot be removed');
  p.oneOf('kind', f.kind, EVIDENCE_KINDS);
  p.timestamp('collectedAt', f.collectedAt, creating);
  if (!creating && f.collectedAt === null) p.add('collectedAt', 'cannot be removed');
  p.oneOf('reliability', f.reliability, SOURCE_RELIABILITIES);
  p.oneOf('credibility', f.credibility, INFORMATION_CREDIBILITIES);
  if (f.weight !== undefined && f.weight !== null && !(Number.isFinite(f.weight) && f.weight > 0 && f.weight <= EVIDENCE_WEIGHT_MAX)) {
    p.add('weight', `must be a number greater than 0 and at most ${EVIDENCE_WEIGHT_MAX} (got ${String(f.weight)})`);
  }
  p.list('objectRefs', f.objectRefs);
  p.list('labels', f.labels);
  (f.sources ?? []).forEach((s, i) => {
    p.text(`sources[${i}].name`, s.name, { required: true, max: MAX_NAME });
    for (const key of ['url', 'archiveUrl'] as const) {
      const url = s[key];
      if (url !== undefined && url !== null && !/^https?:\/\/\S+$/.test(url)) p.add(`sources[${i}].${key}`, 'must be an http(s) URL');
    }
  });
}

function applyEvidenceFields(next: StixJson, f: UpdateEvidenceInput): void {
  if (f.name !== undefined && f.name !== null) next.name = f.name.trim();
  patch(next, 'description', f.description);
  if (f.kind !== undefined && f.kind !== null) next.evidence_kind = f.kind;
  if (f.collectedAt !== undefined && f.collectedAt !== null) next.collected_at = new Date(f.collectedAt).toISOString();
  patch(next, 'reliability', f.reliability);
  patch(next, 'credibility', f.credibility);
  patch(next, 'weight', f.weight);
  if (f.discredited !== undefined) patch(next, 'discredited', f.discredited === true ? true : null);
  patch(next, 'object_refs', f.objectRefs === undefined || f.objectRefs === null ? f.objectRefs : [...new Set(f.objectRefs)]);
  if (f.sources !== undefined) patch(next, 'external_references', f.sources === null ? null : externalReferences(f.sources));
  patch(next, 'labels', f.labels === undefined || f.labels === null ? f.labels : [...new Set(f.labels)]);
  // Judgements are marked as such (docs/fact-sheet.md): the label follows the kind.
  const labels = Array.isArray(next.labels) ? (next.labels as string[]) : [];
  if (next.evidence_kind === 'judgement' && !labels.includes(ANALYST_JUDGEMENT_LABEL)) next.labels = [ANALYST_JUDGEMENT_LABEL, ...labels];
}

export async function createEvidence(deps: CaseDeps, input: CreateEvidenceInput, viewer: Viewer): Promise<EvidenceRecord> {
  const written = await mutate(deps, viewer, {
    action: 'create-evidence',
    type: EVIDENCE_TYPE,
    id: null,
    incidentId: input.incidentId,
    create: async (read, problems) => {
      checkEvidenceFields(problems, input, true);
      const markings = await incidentMarkings(input, read, problems, viewer);
      await checkRefs('objectRefs', input.objectRefs, read, problems);
      if (input.kind === 'fact' && (input.sources ?? []).length === 0) {
        problems.add('sources', 'a fact must cite at least one source (use kind "judgement" or "context" otherwise)');
      }
      problems.fail();
      const next = newCaseObject(deps, EVIDENCE_TYPE, input, markings, {
        evidence_kind: input.kind,
        collected_at: new Date(input.collectedAt).toISOString(),
      });
      applyEvidenceFields(next, input);
      return next;
    },
    hypothesisId: () => null,
  });
  return evidenceRecord(written);
}

export function updateEvidence(deps: CaseDeps, id: string, fields: UpdateEvidenceInput, viewer: Viewer, options: MutationOptions = {}) {
  return changeEvidence(deps, id, viewer, 'update-evidence', options, async (next, _current, read, problems) => {
    checkEvidenceFields(problems, fields, false);
    await checkRefs('objectRefs', fields.objectRefs, read, problems);
    applyEvidenceFields(next, fields);
  });
}

export function deleteEvidence(deps: CaseDeps, id: string, rationale: string | null | undefined, viewer: Viewer, options: MutationOptions = {}) {
  return changeEvidence(deps, id, viewer, 'delete-evidence', options, (next, _current, _read, problems) => {
    problems.text('rationale', rationale);
    next.revoked = true;
    patch(next, 'rationale', rationale);
  });
}

export function rateEvidence(deps: CaseDeps, input: RateEvidenceInput, viewer: Viewer, options: MutationOptions = {}) {
  return changeEvidence(
    deps,
    input.evidenceId,
    viewer,
    'rate-evidence',
    options,
    async (next, current, read, problems) => {
      problems.oneOf('rating', input.rating, RATINGS);
      if (!input.rating) problems.add('rating', 'is required');
      problems.text('rationale', input.rationale);
      const hypothesis = (await read([input.hypothesisId])).get(input.hypothesisId);
      if (!hypothesis || hypothesis.type !== HYPOTHESIS_TYPE) {
        problems.add('hypothesisId', `no attribution-hypothesis ${input.hypothesisId} that you may see`);
      } else if (hypothesis.raw.revoked === true) {
        problems.add('hypothesisId', `${input.hypothesisId} was deleted from its incident: it cannot be rated`);
      } else if (hypothesis.raw.incident_ref !== current.raw.incident_ref) {
        problems.add(
          'hypothesisId',
          `${input.hypothesisId} is a hypothesis of ${String(hypothesis.raw.incident_ref)}, not of this evidence's incident ${String(current.raw.incident_ref)}`,
        );
      }
      const ratings = Array.isArray(next.ratings) ? [...(next.ratings as StixJson[])] : [];
      const sameCell = ratings
        .filter((r) => r.analyst === viewer.name && r.hypothesis_ref === input.hypothesisId)
        .map((r) => String(r.rated_at));
      ratings.push({
        hypothesis_ref: input.hypothesisId,
        analyst: viewer.name,
        rating: input.rating as Rating,
        ...(input.rationale ? { rationale: input.rationale } : {}),
        rated_at: laterThan(deps.now(), ...sameCell),
      });
      next.ratings = ratings;
    },
    input.hypothesisId,
  );
}
