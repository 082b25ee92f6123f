/**
 * Cypher for attribution cases: an incident with its hypotheses and evidence (found through the
 * `incident_ref` edges the STIX import writes), the candidate actors of its hypotheses, and the
 * audit trail of case mutations. Hypotheses and evidence are ordinary STIX objects: their
 * versions are written by the STIX import queries (stix.queries.ts); this module reads them, locks
 * one for a mutation (LOCK_FOR_UPDATE) and writes `:AuditEntry` nodes.
 *
 * Every read filters in its WHERE for the viewer: `tlp_rank <= $maxRank`, not `:Staged`, not a
 * placeholder. Labels and edge types come from schema/graph/kinds.ts; values are $parameters.
 */
import {
  AUDIT_ENTRY,
  PLACEHOLDER,
  REFERS_TO,
  STAGED,
  STIX_OBJECT,
  STIX_TYPE_LABELS,
} from '../../../schema/graph/kinds';
import { cypher, type CypherQuery } from './cypher';
import { referencesVisible, visibleObject, visibleRank } from './visibility';

const INCIDENT = STIX_TYPE_LABELS.incident;
const HYPOTHESIS = STIX_TYPE_LABELS['attribution-hypothesis'];
const EVIDENCE = STIX_TYPE_LABELS['attribution-evidence'];

/**
 * A case object the viewer may read: visible, and naming nothing hidden from them. The case is
 * built from the objects' JSON (ratings, refs, sources), so an object whose JSON may not be
 * served (visibility.ts, referencesVisible: e.g. evidence a RED analyst imported as CLEAR with a
 * rating against a RED hypothesis) is left out whole, as exports and TAXII leave it out; case
 * mutations mark such parts themselves (case-markings.ts).
 */
const readableCaseObject = (n: string) => `${visibleObject(n)} AND ${referencesVisible(n)}`;

/** The `incident_ref` edge of a hypothesis or evidence item (ref edges carry the JSON path). */
const INCIDENT_REF = (from: string, label: string, r: string) =>
  `(${from}:${label})-[${r}:${REFERS_TO}]->(i) WHERE ${r}.property = 'incident_ref' AND ${readableCaseObject(from)}`;

/** Indexes of the audit trail (IF NOT EXISTS; applied by the case repository at start). */
export const CASE_MIGRATIONS: readonly CypherQuery[] = [
  cypher(
    'index-audit-object',
    'WRITE',
    `CREATE INDEX audit_object_id IF NOT EXISTS FOR (a:${AUDIT_ENTRY}) ON (a.object_id)`,
  ),
  cypher(
    'index-audit-incident',
    'WRITE',
    `CREATE INDEX audit_incident_id IF NOT EXISTS FOR (a:${AUDIT_ENTRY}) ON (a.incident_id)`,
  ),
];

/**
 * One round trip: the incident, its hypotheses and evidence (raw STIX), and the candidate actors
 * the hypotheses point at. No row when the incident does not exist or the viewer may not see it.
 */
export const LOAD_CASE = cypher(
  'case-load',
  'READ',
  `MATCH (i:${STIX_OBJECT}:${INCIDENT} {id: $incidentId})
   WHERE ${readableCaseObject('i')}
   RETURN i.id AS id, i.name AS name, i.raw AS raw, i.tlp_rank AS tlpRank,
     COLLECT { MATCH ${INCIDENT_REF('h', HYPOTHESIS, 'r')}
               RETURN {raw: h.raw, tlpRank: h.tlp_rank} AS item ORDER BY h.id } AS hypotheses,
     COLLECT { MATCH ${INCIDENT_REF('e', EVIDENCE, 'r')}
               RETURN {raw: e.raw, tlpRank: e.tlp_rank} AS item ORDER BY e.id } AS evidence,
     COLLECT { MATCH ${INCIDENT_REF('h', HYPOTHESIS, 'r')}
               MATCH (h)-[c:${REFERS_TO}]->(a:${STIX_OBJECT})
               WHERE c.property = 'candidate_refs' AND ${visibleObject('a')}
               WITH DISTINCT a
               RETURN {id: a.id, type: a.type, name: a.name, tlpRank: a.tlp_rank} AS item ORDER BY a.id } AS candidates`,
);

/** Every incident the viewer may see, with its hypotheses (raw, for their category). */
export const LIST_INCIDENTS = cypher(
  'case-list-incidents',
  'READ',
  `MATCH (i:${STIX_OBJECT}:${INCIDENT})
   WHERE ${readableCaseObject('i')}
   WITH i ORDER BY i.name, i.id LIMIT $limit
   RETURN i.id AS id, i.name AS name, i.raw AS raw, i.tlp_rank AS tlpRank,
     COLLECT { MATCH ${INCIDENT_REF('h', HYPOTHESIS, 'r')}
               RETURN {raw: h.raw, tlpRank: h.tlp_rank} AS item ORDER BY h.id } AS hypotheses`,
);

/** Whether the graph holds any incident at all (seed loading; not filtered by viewer). */
export const ANY_INCIDENT = cypher(
  'case-any-incident',
  'READ',
  `RETURN EXISTS { MATCH (i:${STIX_OBJECT}:${INCIDENT}) WHERE NOT i:${STAGED} AND NOT i:${PLACEHOLDER} } AS any`,
);

/** Stored objects by id, as the viewer may see them: type, rank and raw. */
export const OBJECTS_BY_IDS = cypher(
  'case-objects-by-ids',
  'READ',
  `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id})
   WHERE ${readableCaseObject('n')}
   RETURN n.id AS id, n.type AS type, n.name AS name, n.raw AS raw, n.tlp_rank AS tlpRank`,
);

/**
 * First query of a mutation's write transaction: takes the write locks on the object's incident,
 * then on the object (a property set and removed again: Neo4j's documented way to lock before
 * reading), then reads it. Two transactions changing one object, in any process, run one after
 * the other; mutations of one incident take their locks in the same order (incident first), so
 * they queue instead of deadlocking on the incident and hypothesis nodes their ref edges touch.
 * `expectedHolds` is the compare-and-set check, evaluated after the locks: the stored `modified`
 * is the same instant as `$expected` (null: no check). No row when the viewer may not see the
 * object.
 */
export const LOCK_FOR_UPDATE = cypher(
  'case-lock-for-update',
  'WRITE',
  `MATCH (n:${STIX_OBJECT} {id: $id})
   WHERE ${readableCaseObject('n')}
   OPTIONAL MATCH (n)-[r:${REFERS_TO}]->(i:${STIX_OBJECT})
   WHERE r.property = 'incident_ref'
   WITH n, collect(i) AS incidents
   FOREACH (i IN incidents | SET i.case_write_lock = true REMOVE i.case_write_lock)
   SET n.case_write_lock = true
   REMOVE n.case_write_lock
   WITH n, CASE WHEN $expected IS NULL THEN null ELSE datetime($expected) END AS expected
   RETURN n.id AS id, n.type AS type, n.name AS name, n.raw AS raw, n.tlp_rank AS tlpRank,
     expected IS NULL OR (n.modified.epochSeconds = expected.epochSeconds AND n.modified.nanosecond = expected.nanosecond)
       AS expectedHolds`,
);

/** First query of a creation's write transaction: the write lock on the incident (as above). */
export const LOCK_INCIDENT = cypher(
  'case-lock-incident',
  'WRITE',
  `MATCH (i:${STIX_OBJECT} {id: $id})
   SET i.case_write_lock = true
   REMOVE i.case_write_lock`,
);

/**
 * Records one mutation. The entry's `tlp_rank` is the most restrictive of the object before and
 * after (it holds both), so the audit log never shows more than the object itself.
 */
export const WRITE_AUDIT = cypher(
  'case-write-audit',
  'WRITE',
  `OPTIONAL MATCH (n:${STIX_OBJECT} {id: $objectId})
   CREATE (a:${AUDIT_ENTRY} {
     id: $id, actor: $actor, actor_id: $actorId, action: $action,
     object_id: $objectId, object_type: $objectType, incident_id: $incidentId,
     before: $before, after: $after, at: datetime($at),
     tlp_rank: CASE WHEN n IS NOT NULL AND n.tlp_rank > $tlpRank THEN n.tlp_rank ELSE $tlpRank END})
   RETURN a.id AS id`,
);

/** Audit entries about an object, or about anything in an incident when given its id; newest first. */
export const AUDIT_LOG = cypher(
  'case-audit-log',
  'READ',
  `CALL {
     MATCH (a:${AUDIT_ENTRY} {object_id: $objectId}) RETURN a
     UNION
     MATCH (a:${AUDIT_ENTRY} {incident_id: $objectId}) RETURN a
   }
   WITH a WHERE ${visibleRank('a')}
   RETURN a.id AS id, a.actor AS actor, a.actor_id AS actorId, a.action AS action,
     a.object_id AS objectId, a.object_type AS objectType, a.incident_id AS incidentId,
     a.before AS before, a.after AS after, a.at AS at
   ORDER BY a.at DESC, a.id
   LIMIT $limit`,
);
