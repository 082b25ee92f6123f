/**
 * Our own extension SDOs, `attribution-hypothesis` and `attribution-evidence`, exactly as
 * docs/attribution-extension.md specifies (the contract other modules code against).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Identifier, List, Timestamp, identifierOf } from './common';
import { sdoSchema } from './core';
import { INFORMATION_CREDIBILITIES, RATINGS, SOURCE_RELIABILITIES } from '../assessment/scales';

export const ATTRIBUTION_EXTENSION_ID = 'extension-definition--07090a5f-0e61-4898-bf6f-2162e4e81c00';

export const HYPOTHESIS_CATEGORIES = [
  'foreign-interference',
  'state-challenger',
  'cybercrime',
  'insider',
  'unknown',
] as const;
export const HYPOTHESIS_STATUSES = ['open', 'retained', 'rejected'] as const;
export const EVIDENCE_KINDS = ['fact', 'judgement', 'context'] as const;

function enumOf<T extends string>(values: readonly T[]) {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

/** Every object of our types declares the extension as `new-sdo`. */
/**
 * Every object of our types declares the extension as `new-sdo`. A constraint rather than a
 * property override, so the `extensions` dictionary keeps its general rules (other extensions
 * may sit beside ours). The static type keeps `extensions` optional; the schema requires it.
 */
const DECLARES_ATTRIBUTION_EXTENSION = {
  required: ['extensions'],
  properties: {
    extensions: {
      required: [ATTRIBUTION_EXTENSION_ID],
      properties: {
        [ATTRIBUTION_EXTENSION_ID]: {
          required: ['extension_type'],
          properties: { extension_type: { const: 'new-sdo' } },
        },
      },
    },
  },
};

const Probability = Type.Number({ minimum: 0, maximum: 1 });

/**
 * Largest analyst weight of an evidence item. The weight tempers the item's likelihood as an
 * exponent (docs/assessment.md): beyond 10 one item would outweigh any realistic case, and a
 * weight like 1e308 overflows the scores. Shared by the STIX schema, the case service and the
 * assessment engine.
 */
export const EVIDENCE_WEIGHT_MAX = 10;

export const AnalystJudgement = Type.Object({
  analyst: Type.String(),
  probability: Probability,
  at: Timestamp,
  rationale: Type.Optional(Type.String()),
});
export type AnalystJudgement = Static<typeof AnalystJudgement>;

export const AttributionHypothesis = sdoSchema('attribution-hypothesis', {
  name: Type.String(),
  description: Type.Optional(Type.String()),
  incident_ref: identifierOf('incident'),
  category: enumOf(HYPOTHESIS_CATEGORIES),
  candidate_refs: Type.Optional(List(identifierOf('threat-actor', 'intrusion-set', 'identity'))),
  prior: Type.Optional(Probability),
  status: enumOf(HYPOTHESIS_STATUSES),
  rationale: Type.Optional(Type.String()),
  author: Type.String(),
  analyst_judgements: Type.Optional(List(AnalystJudgement)),
}, [DECLARES_ATTRIBUTION_EXTENSION]);
export type AttributionHypothesis = Static<typeof AttributionHypothesis>;

export const EvidenceRating = Type.Object({
  hypothesis_ref: identifierOf('attribution-hypothesis'),
  analyst: Type.String(),
  rating: enumOf(RATINGS),
  rationale: Type.Optional(Type.String()),
  rated_at: Timestamp,
});
export type EvidenceRating = Static<typeof EvidenceRating>;

export const AttributionEvidence = sdoSchema('attribution-evidence', {
  name: Type.String(),
  description: Type.Optional(Type.String()),
  incident_ref: identifierOf('incident'),
  object_refs: Type.Optional(List(Identifier)),
  evidence_kind: enumOf(EVIDENCE_KINDS),
  reliability: Type.Optional(enumOf(SOURCE_RELIABILITIES)),
  credibility: Type.Optional(Type.Integer({ minimum: INFORMATION_CREDIBILITIES[0], maximum: INFORMATION_CREDIBILITIES[INFORMATION_CREDIBILITIES.length - 1] })),
  collected_at: Timestamp,
  weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: EVIDENCE_WEIGHT_MAX })),
  discredited: Type.Optional(Type.Boolean()),
  /** Why the item was discredited or deleted. */
  rationale: Type.Optional(Type.String()),
  ratings: Type.Optional(List(EvidenceRating)),
}, [DECLARES_ATTRIBUTION_EXTENSION]);
export type AttributionEvidence = Static<typeof AttributionEvidence>;

export const ATTRIBUTION_SCHEMAS = {
  'attribution-hypothesis': AttributionHypothesis,
  'attribution-evidence': AttributionEvidence,
} as const;
