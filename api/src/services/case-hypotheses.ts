/**
 * The hypothesis operations of the case service (case.service.ts): each one audited mutation
 * through `mutate` (case-mutate.ts).
 */
import { HYPOTHESIS_CATEGORIES } from '../../../schema/stix/attribution';
import { HYPOTHESIS_STATUSES, type HypothesisStatus } from '../domain/assessment';
import type { StixJson } from '../graph/case.repository';
import { hypothesisRecord, type HypothesisRecord } from './case-model';
import {
  CANDIDATE_TYPES,
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
import type { CreateHypothesisInput, MutationOptions, SetJudgementInput, UpdateHypothesisInput } from './case.service';
import type { Viewer } from './viewer';

export async function reloadHypothesis(deps: CaseDeps, id: string, viewer: Viewer): Promise<HypothesisRecord> {
  return hypothesisRecord(await stored(deps, id, HYPOTHESIS_TYPE, viewer));
}

/** A change of a stored hypothesis. */
async function changeHypothesis(deps: CaseDeps, id: string, viewer: Viewer, action: string, options: MutationOptions, change: Change) {
  const { expectedModified } = options;
  return hypothesisRecord(await mutate(deps, viewer, { action, type: HYPOTHESIS_TYPE, id, expectedModified, change, hypothesisId: () => id }));
}

function checkHypothesisFields(p: Problems, f: UpdateHypothesisInput & { status?: string | null }, creating: boolean) {
  p.text('name', f.name, { required: creating, max: MAX_NAME });
  if (!creating && f.name === null) p.add('name', 'cannot be removed');
  p.text('description', f.description);
  p.text('rationale', f.rationale);
  if (creating && (f.category === undefined || f.category === null)) p.add('category', 'is required');
  if (!creating && f.category === null) p.add('category', 'cannot be removed');
  p.oneOf('category', f.category, HYPOTHESIS_CATEGORIES);
  p.oneOf('status', f.status, HYPOTHESIS_STATUSES);
  p.probability('prior', f.prior);
  p.list('candidateRefs', f.candidateRefs);
  p.list('labels', f.labels);
}

function applyHypothesisFields(next: StixJson, f: UpdateHypothesisInput): void {
  if (f.name !== undefined && f.name !== null) next.name = f.name.trim();
  patch(next, 'description', f.description);
  if (f.category !== undefined && f.category !== null) next.category = f.category;
  patch(next, 'prior', f.prior);
  patch(next, 'rationale', f.rationale);
  patch(next, 'candidate_refs', f.candidateRefs === undefined || f.candidateRefs === null ? f.candidateRefs : [...new Set(f.candidateRefs)]);
  patch(next, 'labels', f.labels === undefined || f.labels === null ? f.labels : [...new Set(f.labels)]);
}

export async function createHypothesis(deps: CaseDeps, input: CreateHypothesisInput, viewer: Viewer): Promise<HypothesisRecord> {
  const written = await mutate(deps, viewer, {
    action: 'create-hypothesis',
    type: HYPOTHESIS_TYPE,
    id: null,
    incidentId: input.incidentId,
    create: async (read, problems) => {
      checkHypothesisFields(problems, input, true);
      const markings = await incidentMarkings(input, read, problems, viewer);
      await checkRefs('candidateRefs', input.candidateRefs, read, problems, CANDIDATE_TYPES);
      problems.fail();
      const next = newCaseObject(deps, HYPOTHESIS_TYPE, input, markings, {
        category: input.category,
        status: input.status ?? 'open',
        author: viewer.name,
      });
      applyHypothesisFields(next, input);
      return next;
    },
    hypothesisId: (next) => String(next.id),
  });
  return hypothesisRecord(written);
}

export function updateHypothesis(deps: CaseDeps, id: string, fields: UpdateHypothesisInput, viewer: Viewer, options: MutationOptions = {}) {
  return changeHypothesis(deps, id, viewer, 'update-hypothesis', options, async (next, _current, read, problems) => {
    checkHypothesisFields(problems, fields, false);
    await checkRefs('candidateRefs', fields.candidateRefs, read, problems, CANDIDATE_TYPES);
    applyHypothesisFields(next, fields);
  });
}

export function setHypothesisStatus(
  deps: CaseDeps,
  id: string,
  status: string,
  rationale: string | null | undefined,
  viewer: Viewer,
  options: MutationOptions = {},
) {
  return changeHypothesis(deps, id, viewer, 'set-hypothesis-status', options, (next, _current, _read, problems) => {
    problems.oneOf('status', status, HYPOTHESIS_STATUSES);
    if (status === undefined || status === null) problems.add('status', 'is required');
    problems.text('rationale', rationale);
    next.status = status as HypothesisStatus;
    patch(next, 'rationale', rationale);
  });
}

export function setJudgement(deps: CaseDeps, input: SetJudgementInput, viewer: Viewer, options: MutationOptions = {}) {
  return changeHypothesis(deps, input.hypothesisId, viewer, 'set-judgement', options, (next, _current, _read, problems) => {
    problems.probability('probability', input.probability);
    if (input.probability === undefined || input.probability === null) problems.add('probability', 'is required');
    problems.text('rationale', input.rationale);
    const judgements = Array.isArray(next.analyst_judgements) ? [...(next.analyst_judgements as StixJson[])] : [];
    const own = judgements.filter((j) => j.analyst === viewer.name).map((j) => String(j.at));
    judgements.push({
      analyst: viewer.name,
      probability: input.probability,
      at: laterThan(deps.now(), ...own),
      ...(input.rationale ? { rationale: input.rationale } : {}),
    });
    next.analyst_judgements = judgements;
  });
}

export function deleteHypothesis(deps: CaseDeps, id: string, rationale: string | null | undefined, viewer: Viewer, options: MutationOptions = {}) {
  return changeHypothesis(deps, id, viewer, 'delete-hypothesis', options, (next, _current, _read, problems) => {
    problems.text('rationale', rationale);
    next.revoked = true;
    patch(next, 'rationale', rationale);
  });
}
