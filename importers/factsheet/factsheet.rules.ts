/**
 * Cross-field rules of the fact-sheet format, kept apart from the base shape
 * (factsheet.schema.ts). They read the raw data defensively so that they can run even when the
 * schema has already found problems: every problem is reported in one pass.
 */
import type { PathSegment } from './source-positions';
import { parseSheetDate } from './sheet-dates';
import { IMPACT_CATEGORIES, IMPACT_REQUIRED_DETAILS, type ImpactCategory } from '../../schema/stix/vocab';
import { isRecord } from '../../schema/json';

export interface RuleIssue {
  segments: PathSegment[];
  message: string;
  /** Locate the key rather than the value (for problems with a property's presence). */
  at?: 'key' | 'value';
}

type Rec = Record<string, unknown>;

/** `[index, item]` for the object items of `data[key]` (non-objects are skipped: the schema reports them). */
function items(data: unknown, key: string): Array<[number, Rec]> {
  if (!isRecord(data)) return [];
  const list = data[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index): Array<[number, Rec]> => (isRecord(item) ? [[index, item]] : []));
}

function strings(value: unknown): Array<[number, string]> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v, i): Array<[number, string]> => (typeof v === 'string' ? [[i, v]] : []));
}

const ITEM_SECTIONS = ['sources', 'events', 'measures', 'impacts', 'context', 'actors', 'hypotheses', 'evidence'] as const;
/** Sections an evidence item's `about` may point into. */
const ABOUT_SECTIONS = new Set(['events', 'measures', 'impacts', 'context', 'actors']);
/** Sections whose items cite sources. */
const CITING_SECTIONS = ['events', 'measures', 'impacts', 'context', 'actors', 'hypotheses', 'evidence'] as const;

/** One pass of the rules: the sheet, the problems found so far, and the section of every id. */
interface RuleRun {
  data: Rec;
  issues: RuleIssue[];
  /** Item id → the section it lives in (the first, when an id is duplicated). */
  sectionOf: Map<string, string>;
}

export function checkFactSheetRules(data: unknown): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (!isRecord(data)) return issues;
  const run: RuleRun = { data, issues, sectionOf: new Map() };
  checkIds(run);
  checkSourceRefs(run);
  checkDates(run);
  checkHypotheses(run);
  checkActors(run);
  checkImpacts(run);
  checkEvidence(run);
  return issues;
}

const inSection = ({ sectionOf }: RuleRun, id: string, section: string) => sectionOf.get(id) === section;

/** Ids are unique across the whole sheet; remember which section each lives in. */
function checkIds({ data, issues, sectionOf }: RuleRun): void {
  const firstPath = new Map<string, string>();
  for (const section of ITEM_SECTIONS) {
    for (const [i, item] of items(data, section)) {
      const id = item.id;
      if (typeof id !== 'string') continue;
      const previous = firstPath.get(id);
      if (previous !== undefined) {
        issues.push({ segments: [section, i, 'id'], message: `duplicate id "${id}" (already used at ${previous})` });
      } else {
        firstPath.set(id, `${section}[${i}].id`);
        sectionOf.set(id, section);
      }
    }
  }
}

/** Source references resolve. */
function checkSourceRefs(run: RuleRun): void {
  const { data, issues } = run;
  const checkSources = (segments: PathSegment[], refs: unknown) => {
    for (const [j, ref] of strings(refs)) {
      if (!inSection(run, ref, 'sources')) {
        issues.push({ segments: [...segments, j], message: `unknown source "${ref}" (not in sources[].id)` });
      }
    }
  };
  if (isRecord(data.incident)) checkSources(['incident', 'sources'], data.incident.sources);
  for (const section of CITING_SECTIONS) {
    for (const [i, item] of items(data, section)) checkSources([section, i, 'sources'], item.sources);
  }
}

/** Dates exist on the calendar. */
function checkDates({ data, issues }: RuleRun): void {
  const checkDate = (segments: PathSegment[], value: unknown) => {
    if (typeof value === 'string' && /^\d{4}/.test(value) && parseSheetDate(value) === null) {
      issues.push({ segments, message: `"${value}" is not a valid date or time` });
    }
  };
  checkDate(['created'], data.created);
  checkDate(['modified'], data.modified);
  if (isRecord(data.dates)) for (const [k, v] of Object.entries(data.dates)) checkDate(['dates', k], v);
  for (const [i, s] of items(data, 'sources')) checkDate(['sources', i, 'published'], s.published);
  for (const section of ['events', 'measures', 'impacts'] as const) {
    for (const [i, item] of items(data, section)) checkDate([section, i, 'date'], item.date);
  }
  for (const [i, h] of items(data, 'hypotheses')) {
    for (const [j, judgement] of items(h, 'judgements')) checkDate(['hypotheses', i, 'judgements', j, 'at'], judgement.at);
  }
  for (const [i, e] of items(data, 'evidence')) {
    checkDate(['evidence', i, 'collected_at'], e.collected_at);
    for (const [j, r] of items(e, 'ratings')) checkDate(['evidence', i, 'ratings', j, 'rated_at'], r.rated_at);
  }
  if (typeof data.created === 'string' && typeof data.modified === 'string') {
    const created = parseSheetDate(data.created);
    const modified = parseSheetDate(data.modified);
    if (created && modified && modified.timestamp < created.timestamp) {
      issues.push({ segments: ['modified'], message: 'modified must not be earlier than created' });
    }
  }
}

/** Hypotheses: candidates are actors, priors sum to at most 1, one judgement per analyst. */
function checkHypotheses(run: RuleRun): void {
  const { data, issues } = run;
  let priorSum = 0;
  let priorsInRange = true;
  for (const [i, h] of items(data, 'hypotheses')) {
    if (typeof h.prior === 'number') {
      priorSum += h.prior;
      if (h.prior < 0 || h.prior > 1) priorsInRange = false; // the schema reports that one
    }
    for (const [j, ref] of strings(h.candidates)) {
      if (!inSection(run, ref, 'actors')) {
        issues.push({ segments: ['hypotheses', i, 'candidates', j], message: `unknown actor "${ref}" (not in actors[].id)` });
      }
    }
    const analysts = new Set<string>();
    for (const [j, judgement] of items(h, 'judgements')) {
      if (typeof judgement.analyst !== 'string') continue;
      if (analysts.has(judgement.analyst)) {
        issues.push({ segments: ['hypotheses', i, 'judgements', j, 'analyst'], message: `analyst "${judgement.analyst}" already has a judgement on this hypothesis` });
      }
      analysts.add(judgement.analyst);
    }
  }
  if (priorsInRange && priorSum > 1 + 1e-9) {
    issues.push({ segments: ['hypotheses'], message: `priors sum to ${Number(priorSum.toFixed(6))}, more than 1 (hypotheses are mutually exclusive)` });
  }
}

/** Actors: threat_actor_types only exist on threat-actor. */
function checkActors({ data, issues }: RuleRun): void {
  for (const [i, actor] of items(data, 'actors')) {
    if (actor.type === 'intrusion-set' && actor.threat_actor_types !== undefined) {
      issues.push({ segments: ['actors', i, 'threat_actor_types'], message: 'threat_actor_types only applies to type threat-actor', at: 'key' });
    }
  }
}

/** Impacts: the Impact SDO needs a category and that category's details. */
function checkImpacts({ data, issues }: RuleRun): void {
  for (const [i, impact] of items(data, 'impacts')) {
    const category = impact.category;
    if (category === undefined) {
      if (impact.details !== undefined) {
        issues.push({ segments: ['impacts', i, 'details'], message: 'details need a category', at: 'key' });
      }
      continue;
    }
    if (typeof category !== 'string' || !(IMPACT_CATEGORIES as readonly string[]).includes(category)) continue;
    const required = IMPACT_REQUIRED_DETAILS[category as ImpactCategory];
    if (!isRecord(impact.details)) {
      issues.push({ segments: ['impacts', i, 'category'], message: `category ${category} needs details with ${required.join(', ')}` });
      continue;
    }
    for (const key of required) {
      if (impact.details[key] === undefined) {
        issues.push({ segments: ['impacts', i, 'details'], message: `missing required property "${key}" for category ${category}`, at: 'key' });
      }
    }
  }
}

/** Evidence: facts cite sources, ATT&CK mappings are judgements, refs resolve, one rating per analyst and hypothesis. */
function checkEvidence(run: RuleRun): void {
  const { data, issues, sectionOf } = run;
  for (const [i, e] of items(data, 'evidence')) {
    if (e.kind === 'fact' && (!Array.isArray(e.sources) || e.sources.length === 0)) {
      issues.push({ segments: ['evidence', i, 'kind'], message: 'evidence of kind fact must cite at least one source' });
    }
    if (e.attack_technique !== undefined && e.kind !== 'judgement') {
      issues.push({ segments: ['evidence', i, 'attack_technique'], message: 'an ATT&CK technique mapping is an analyst judgement: set kind: judgement' });
    }
    for (const [j, ref] of strings(e.about)) {
      const section = sectionOf.get(ref);
      if (section === undefined || !ABOUT_SECTIONS.has(section)) {
        issues.push({ segments: ['evidence', i, 'about', j], message: `unknown item "${ref}" (about may name events, measures, impacts, context or actors)` });
      }
    }
    const seen = new Set<string>();
    for (const [j, r] of items(e, 'ratings')) {
      if (typeof r.hypothesis === 'string' && !inSection(run, r.hypothesis, 'hypotheses')) {
        issues.push({ segments: ['evidence', i, 'ratings', j, 'hypothesis'], message: `unknown hypothesis "${r.hypothesis}" (not in hypotheses[].id)` });
      }
      if (typeof r.hypothesis === 'string' && typeof r.analyst === 'string') {
        const key = `${r.hypothesis}\u0000${r.analyst}`;
        if (seen.has(key)) {
          issues.push({ segments: ['evidence', i, 'ratings', j], message: `analyst "${r.analyst}" already rated this evidence against "${r.hypothesis}"` });
        }
        seen.add(key);
      }
    }
  }
}
