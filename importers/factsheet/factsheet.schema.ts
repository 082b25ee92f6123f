/**
 * The incident fact-sheet format (docs/fact-sheet.md), as a JSON Schema built with TypeBox.
 *
 * The schema is the base shape only: every object is closed (`additionalProperties: false`, so a
 * misspelt key is reported at its line), values are typed and vocabularies closed where STIX
 * closes them. Rules that span fields (references resolve, dates exist, priors sum to at most 1,
 * an ATT&CK mapping is a judgement, …) live in `factsheet.rules.ts`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  ATTACK_MOTIVATIONS, EVENT_STATUSES, EVIDENCE_KINDS, HYPOTHESIS_CATEGORIES,
  HYPOTHESIS_STATUSES, IDENTITY_SECTORS, IMPACT_CATEGORIES, IMPACT_STATUSES, INCIDENT_DETERMINATIONS,
  INFORMATION_CREDIBILITIES, RATINGS, SOURCE_RELIABILITIES, TASK_OUTCOMES, THREAT_ACTOR_SOPHISTICATION,
  THREAT_ACTOR_TYPES, TIME_FIDELITIES, TLP_VALUES,
} from '../../schema/stix/vocab';

export const FACT_SHEET_FORMAT = 'attribution-graph/fact-sheet@1';

/** A closed string vocabulary as a plain `enum` (one clear error instead of an anyOf cascade). */
function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

function Closed<T extends Parameters<typeof Type.Object>[0]>(properties: T, options: Record<string, unknown> = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

const NonEmpty = (options: Record<string, unknown> = {}) => Type.String({ minLength: 1, ...options });

/** Item key: used in ids and cross-references. */
export const ItemId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  xMessage: 'must be a key made of letters, digits, "-", "_" or "." (e.g. "h-foreign")',
});

/**
 * A date as precise as the source: `2025`, `2025-12`, `2025-12-11`, `2025-12-11T21:00Z`,
 * `2025-12-11T21:00:00+01:00`… (the calendar check is a cross-field rule).
 */
export const DateString = Type.String({
  pattern: '^\\d{4}(-\\d{2}(-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?)?)?$',
  xMessage: 'must be a date (YYYY, YYYY-MM, YYYY-MM-DD) or a timestamp with a zone (YYYY-MM-DDTHH:MM[:SS]Z)',
});

/** A full timestamp (with time and zone): used where STIX requires a timestamp. */
export const TimestampString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
  xMessage: 'must be a day (YYYY-MM-DD) or a timestamp with a zone (YYYY-MM-DDTHH:MM[:SS]Z)',
});

const Url = Type.String({ format: 'uri', pattern: '^https?://', xMessage: 'must be an http(s) URL' });
const SourceRefs = Type.Array(ItemId, { minItems: 1, uniqueItems: true });
const Fidelity = StringEnum(TIME_FIDELITIES);
/** Extra STIX labels (lower-case words and "-", e.g. "demonstration-ratings"). */
const Labels = Type.Array(
  Type.String({ pattern: '^[a-z0-9][a-z0-9:-]*$', xMessage: 'must be a lower-case label of letters, digits, ":" and "-"' }),
  { minItems: 1, uniqueItems: true },
);

export const Source = Closed({
  id: ItemId,
  title: NonEmpty(),
  publisher: Type.Optional(NonEmpty()),
  url: Type.Optional(Url),
  archive_url: Type.Optional(Url),
  published: Type.Optional(DateString),
  language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', xMessage: 'must be a language tag (e.g. "fr", "en-GB")' })),
  reliability: Type.Optional(StringEnum(SOURCE_RELIABILITIES)),
  note: Type.Optional(Type.String()),
});

export const Victim = Closed({
  name: NonEmpty(),
  sector: StringEnum(IDENTITY_SECTORS),
  country: Type.String({ pattern: '^[A-Z]{2}$', xMessage: 'must be an ISO 3166-1 alpha-2 code (e.g. "FR")' }),
  description: Type.Optional(Type.String()),
});

export const IncidentFacts = Closed({
  name: Type.Optional(NonEmpty()),
  description: Type.Optional(Type.String()),
  determination: StringEnum(INCIDENT_DETERMINATIONS),
  investigation_status: NonEmpty(),
  incident_types: Type.Optional(Type.Array(NonEmpty(), { minItems: 1, uniqueItems: true })),
  detection_methods: Type.Optional(Type.Array(NonEmpty(), { minItems: 1, uniqueItems: true })),
  criticality: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  sources: Type.Optional(SourceRefs),
});

export const Producer = Closed({
  name: NonEmpty(),
  identity_class: Type.Optional(StringEnum(['individual', 'group', 'system', 'organization', 'class', 'unknown'] as const)),
});

export const TimelineEvent = Closed({
  id: ItemId,
  kind: NonEmpty({ description: 'event type, e.g. discovery, disclosure, confirmation' }),
  name: NonEmpty(),
  description: Type.Optional(Type.String()),
  date: Type.Optional(DateString),
  fidelity: Type.Optional(Fidelity),
  status: Type.Optional(StringEnum(EVENT_STATUSES)),
  sources: SourceRefs,
});

export const Measure = Closed({
  id: ItemId,
  name: NonEmpty(),
  description: Type.Optional(Type.String()),
  as: Type.Optional(StringEnum(['task', 'course-of-action'] as const)),
  task_types: Type.Optional(Type.Array(NonEmpty(), { minItems: 1, uniqueItems: true })),
  outcome: Type.Optional(StringEnum(TASK_OUTCOMES)),
  date: Type.Optional(DateString),
  fidelity: Type.Optional(Fidelity),
  sources: SourceRefs,
});

export const Impact = Closed({
  id: ItemId,
  name: NonEmpty(),
  description: Type.Optional(Type.String()),
  status: StringEnum(IMPACT_STATUSES),
  category: Type.Optional(StringEnum(IMPACT_CATEGORIES)),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  criticality: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  stated_by: Type.Optional(NonEmpty()),
  date: Type.Optional(DateString),
  fidelity: Type.Optional(Fidelity),
  sources: SourceRefs,
});

export const ContextFact = Closed({
  id: ItemId,
  name: Type.Optional(NonEmpty()),
  statement: NonEmpty(),
  sources: SourceRefs,
});

export const Actor = Closed({
  id: ItemId,
  type: StringEnum(['threat-actor', 'intrusion-set'] as const),
  name: NonEmpty(),
  category: StringEnum(HYPOTHESIS_CATEGORIES),
  description: Type.Optional(Type.String()),
  aliases: Type.Optional(Type.Array(NonEmpty(), { minItems: 1, uniqueItems: true })),
  threat_actor_types: Type.Optional(Type.Array(StringEnum(THREAT_ACTOR_TYPES), { minItems: 1, uniqueItems: true })),
  primary_motivation: Type.Optional(StringEnum(ATTACK_MOTIVATIONS)),
  sophistication: Type.Optional(StringEnum(THREAT_ACTOR_SOPHISTICATION)),
  hypothetical: Type.Optional(Type.Boolean()),
  sources: Type.Optional(SourceRefs),
});

const Probability = Type.Number({ minimum: 0, maximum: 1 });

export const AnalystJudgement = Closed({
  analyst: NonEmpty(),
  probability: Probability,
  at: TimestampString,
  rationale: Type.Optional(Type.String()),
});

export const Hypothesis = Closed({
  id: ItemId,
  name: NonEmpty(),
  description: Type.Optional(Type.String()),
  category: StringEnum(HYPOTHESIS_CATEGORIES),
  prior: Type.Optional(Probability),
  status: StringEnum(HYPOTHESIS_STATUSES),
  rationale: Type.Optional(Type.String()),
  author: NonEmpty(),
  candidates: Type.Optional(Type.Array(ItemId, { uniqueItems: true })),
  judgements: Type.Optional(Type.Array(AnalystJudgement)),
  labels: Type.Optional(Labels),
  sources: Type.Optional(SourceRefs),
});

export const Rating = Closed({
  hypothesis: ItemId,
  analyst: NonEmpty(),
  rating: StringEnum(RATINGS),
  rationale: Type.Optional(Type.String()),
  rated_at: TimestampString,
});

export const Evidence = Closed({
  id: ItemId,
  name: NonEmpty(),
  description: Type.Optional(Type.String()),
  kind: StringEnum(EVIDENCE_KINDS),
  sources: Type.Optional(SourceRefs),
  about: Type.Optional(Type.Array(ItemId, { minItems: 1, uniqueItems: true })),
  reliability: Type.Optional(StringEnum(SOURCE_RELIABILITIES)),
  credibility: Type.Optional(Type.Integer({ minimum: INFORMATION_CREDIBILITIES[0], maximum: INFORMATION_CREDIBILITIES[INFORMATION_CREDIBILITIES.length - 1] })),
  collected_at: TimestampString,
  weight: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  discredited: Type.Optional(Type.Boolean()),
  attack_technique: Type.Optional(Type.String({
    pattern: '^T\\d{4}(\\.\\d{3})?$',
    xMessage: 'must be an ATT&CK technique id such as "T1078" or "T1078.004"',
  })),
  ratings: Type.Optional(Type.Array(Rating)),
  labels: Type.Optional(Labels),
});

export const FactSheetSchema = Closed({
  format: Type.Literal(FACT_SHEET_FORMAT),
  slug: Type.String({
    pattern: '^[a-z0-9][a-z0-9-]{2,}$',
    xMessage: 'must be a lower-case key of letters, digits and "-" (at least 3 characters)',
  }),
  title: NonEmpty(),
  description: Type.Optional(Type.String()),
  tlp: StringEnum(TLP_VALUES),
  created: TimestampString,
  modified: Type.Optional(TimestampString),
  producer: Type.Optional(Producer),
  victim: Victim,
  incident: IncidentFacts,
  dates: Type.Record(Type.String({ pattern: '^[a-z][a-z_]*$' }), DateString),
  sources: Type.Array(Source, { minItems: 1 }),
  events: Type.Optional(Type.Array(TimelineEvent)),
  measures: Type.Optional(Type.Array(Measure)),
  impacts: Type.Optional(Type.Array(Impact)),
  context: Type.Optional(Type.Array(ContextFact)),
  actors: Type.Optional(Type.Array(Actor)),
  hypotheses: Type.Array(Hypothesis, { minItems: 1 }),
  evidence: Type.Optional(Type.Array(Evidence)),
});

export type FactSheet = Static<typeof FactSheetSchema>;
export type FactSheetSource = Static<typeof Source>;
export type FactSheetEvent = Static<typeof TimelineEvent>;
export type FactSheetMeasure = Static<typeof Measure>;
export type FactSheetImpact = Static<typeof Impact>;
export type FactSheetContext = Static<typeof ContextFact>;
export type FactSheetActor = Static<typeof Actor>;
export type FactSheetHypothesis = Static<typeof Hypothesis>;
export type FactSheetEvidence = Static<typeof Evidence>;
export type FactSheetRating = Static<typeof Rating>;

/** Exported for tests and tooling (e.g. editor completion via a generated JSON Schema file). */
export const FACT_SHEET_JSON_SCHEMA: TSchema = FactSheetSchema;
