/**
 * Cypher for candidate actors (docs/candidates.md): an incident's observed items, every candidate
 * actor with the ids of what it used, targeted or is indicated by, and the details of those items.
 *
 * Visibility is the explorer's (explore.queries.ts: visibleObject, visibleEdge and
 * STAGING_ACTIVE), so a viewer's ranking only uses objects and links the viewer may see. Revoked
 * objects never count (`revoked`); nor do ATT&CK's deprecated ones (`x_mitre_deprecated`, kept
 * only in `raw`: the check looks for the exact JSON member, which a string value cannot contain
 * unescaped). A relationship that is itself revoked or deprecated does not count either (one
 * index seek per edge, to its SRO node). `$asOf` (null: now) keeps objects and relationships
 * created by then.
 *
 * Labels and edge types come from schema/graph/kinds.ts; every value is a $parameter.
 */
import { REFERS_TO, REF_EDGE_TYPES, RELATIONSHIP_EDGE_TYPES, STAGED, STIX_OBJECT, STIX_TYPE_LABELS } from '../../../schema/graph/kinds';
import { cypher } from './cypher';
import { STAGING_ACTIVE, visibleEdge, visibleObject } from './visibility';

const E = RELATIONSHIP_EDGE_TYPES;
const DEPRECATED_MEMBER = '"x_mitre_deprecated":true';

/** Neither revoked nor deprecated, and created by `$asOf`. */
const LIVE = (v: string) =>
  `NOT coalesce(${v}.revoked, false) AND NOT coalesce(${v}.raw CONTAINS '${DEPRECATED_MEMBER}', false)
   AND ($asOf IS NULL OR ${v}.created <= datetime($asOf))`;

/** Not revoked and created by `$asOf` (deprecation, which needs `raw`, is checked per distinct item in ITEM_DETAILS). */
const CHEAP_LIVE = (v: string) => `NOT coalesce(${v}.revoked, false) AND ($asOf IS NULL OR ${v}.created <= datetime($asOf))`;

/**
 * The relationship of typed edge `r` is not in `$deadRelationships` (DEAD_RELATIONSHIPS: revoked,
 * or newer than `$asOf`). One list read first instead of an index seek per edge: the seeks cost
 * ~2 s per ranking on ATT&CK (5,600 edges), the list ~1 label scan. A deprecated relationship is
 * not detected (that needs every SRO's raw).
 */
const LIVE_RELATIONSHIP = (r: string) => `coalesce(NOT ${r}.id IN $deadRelationships, true)`;

/** Ids of relationship SROs that do not count: revoked, or created after `$asOf`. */
export const DEAD_RELATIONSHIPS = cypher(
  'candidates-dead-relationships',
  'READ',
  `MATCH (r:${STIX_TYPE_LABELS.relationship})
   WHERE coalesce(r.revoked, false) OR ($asOf IS NOT NULL AND r.created > datetime($asOf))
   RETURN collect(r.id) AS ids`,
);

/** A visible, live link `r` to a visible object `x` of a profile type (`$itemTypes`), not revoked. */
const ITEM_LINK = (r: string, x: string) =>
  `${visibleObject(x)} AND ${x}.type IN $itemTypes AND ${CHEAP_LIVE(x)} AND ${visibleEdge(r)} AND ${LIVE_RELATIONSHIP(r)}`;

/** Relationships through which an incident shows what it involves (either direction). */
const INCIDENT_LINKS = [E.uses, E.targets, E['related-to'], E.indicates, E['attributed-to'], E['based-on'], E.delivers, E.drops, E['communicates-with'], E['exfiltrates-to'], E['beacons-to'], E.exploits, E.compromises];
/** Objects that point at what was seen: a sighting, observed data, a report, a grouping, an indicator. */
const CONTAINER_TYPES = ['sighting', 'observed-data', 'indicator', 'report', 'grouping', 'note'];
const CONTAINER_REFS = [REF_EDGE_TYPES.sighting_of_ref, REF_EDGE_TYPES.observed_data_refs, REF_EDGE_TYPES.object_refs, REFERS_TO, E.indicates];

const ACTOR_LABELS = [STIX_TYPE_LABELS['intrusion-set'], STIX_TYPE_LABELS['threat-actor'], STIX_TYPE_LABELS.campaign];

/**
 * The incident (its raw, for the time channel) and the ids of what it is known to involve, each
 * with how it was found (`via`): its own relationships; what sightings, observed data, reports and
 * indicators tied to it point at (one more hop); its evidence items' `object_refs`; and the
 * attack-patterns whose ATT&CK id an evidence item cites (fact sheets' `attack_technique`). No row
 * when the incident does not exist or is not visible.
 */
export const INCIDENT_OBSERVED = cypher(
  'candidates-incident-observed',
  'READ',
  `${STAGING_ACTIVE}
   MATCH (i:${STIX_OBJECT}:${STIX_TYPE_LABELS.incident} {id: $incidentId})
   WHERE ${visibleObject('i')}
   CALL {
     WITH i, stagingActive
     MATCH (i)-[r:${INCIDENT_LINKS.join('|')}]-(x:${STIX_OBJECT})
     WHERE ${ITEM_LINK('r', 'x')}
     RETURN x.id AS id, r.relationship_type AS via
     UNION
     WITH i, stagingActive
     MATCH (i)-[r1]-(c:${STIX_OBJECT})
     WHERE c.type IN $containerTypes AND ${visibleObject('c')} AND ${LIVE('c')} AND ${visibleEdge('r1')}
     MATCH (c)-[r:${CONTAINER_REFS.join('|')}]->(x:${STIX_OBJECT})
     WHERE ${visibleObject('x')} AND x.type IN $itemTypes AND ${LIVE('x')} AND ${visibleEdge('r')}
     RETURN x.id AS id, c.type AS via
     UNION
     WITH i, stagingActive
     MATCH (e:${STIX_TYPE_LABELS['attribution-evidence']})-[ri:${REFERS_TO}]->(i)
     WHERE ri.property = 'incident_ref' AND ${visibleObject('e')} AND ${LIVE('e')} AND ${visibleEdge('ri')}
       AND NOT e.raw CONTAINS '"discredited":true'
     MATCH (e)-[r:${REF_EDGE_TYPES.object_refs}|${REFERS_TO}]->(x:${STIX_OBJECT})
     WHERE ${visibleObject('x')} AND x.type IN $itemTypes AND ${LIVE('x')} AND ${visibleEdge('r')}
     RETURN x.id AS id, 'evidence' AS via
     UNION
     WITH i, stagingActive
     MATCH (e:${STIX_TYPE_LABELS['attribution-evidence']})-[ri:${REFERS_TO}]->(i)
     WHERE ri.property = 'incident_ref' AND ${visibleObject('e')} AND ${LIVE('e')} AND e.external_ids IS NOT NULL
       AND NOT e.raw CONTAINS '"discredited":true'
     UNWIND e.external_ids AS attackId
     MATCH (x:${STIX_OBJECT}:${STIX_TYPE_LABELS['attack-pattern']})
     WHERE attackId IN x.external_ids AND ${visibleObject('x')} AND ${LIVE('x')}
     RETURN x.id AS id, 'evidence' AS via
   }
   WITH i, collect({id: id, via: via}) AS observed
   RETURN i.raw AS raw, observed`,
);

/**
 * Every visible, live candidate actor: the ids of what it `uses` and `targets`, of the indicators
 * that `indicates` it, and of the candidate actors it is `attributed-to`; its raw only when it
 * holds a field the ranking reads (active period, motivation, threat-actor types), since raws are
 * large and most ATT&CK groups have none.
 */
export const ACTOR_FACTS = cypher(
  'candidates-actor-facts',
  'READ',
  `${STAGING_ACTIVE}
   MATCH (a:${STIX_OBJECT})
   WHERE (${ACTOR_LABELS.map((l) => `a:${l}`).join(' OR ')}) AND ${visibleObject('a')} AND ${LIVE('a')}
   RETURN a.id AS id, a.type AS type, a.name AS name,
     CASE WHEN a.raw CONTAINS '"first_seen"' OR a.raw CONTAINS '"last_seen"' OR a.raw CONTAINS '"primary_motivation"'
            OR a.raw CONTAINS '"threat_actor_types"' THEN a.raw END AS raw,
     COLLECT { MATCH (a)-[r:${E.uses}|${E.targets}]->(x:${STIX_OBJECT}) WHERE ${ITEM_LINK('r', 'x')} RETURN DISTINCT x.id } AS items,
     COLLECT { MATCH (x:${STIX_OBJECT})-[r:${E.indicates}]->(a) WHERE ${ITEM_LINK('r', 'x')} RETURN DISTINCT x.id } AS indicators,
     COLLECT { MATCH (a)-[r:${E['attributed-to']}]->(b:${STIX_OBJECT})
               WHERE (${ACTOR_LABELS.map((l) => `b:${l}`).join(' OR ')}) AND ${visibleObject('b')} AND ${LIVE('b')}
                 AND ${visibleEdge('r')} AND ${LIVE_RELATIONSHIP('r')}
               RETURN DISTINCT b.id } AS attributedTo
   ORDER BY id`,
);

/**
 * What the ranking needs of each item: whether it is live (not revoked, not deprecated, created by
 * `$asOf`; the service drops it otherwise), type, name, external ids; for identities and locations the
 * raw (sectors, country) and, for an identity, the raws of the locations it is `located-at`.
 */
export const ITEM_DETAILS = cypher(
  'candidates-item-details',
  'READ',
  `${STAGING_ACTIVE}
   UNWIND $ids AS itemId
   MATCH (x:${STIX_OBJECT} {id: itemId})
   WHERE ${visibleObject('x')}
   RETURN x.id AS id, x.type AS type, x.name AS name, x.external_ids AS externalIds,
     ${LIVE('x')} AS live,
     CASE WHEN x.type IN ['identity', 'location'] THEN x.raw END AS raw,
     CASE WHEN x.type = 'identity' THEN COLLECT {
       MATCH (x)-[r:${E['located-at']}]->(l:${STIX_OBJECT}:${STIX_TYPE_LABELS.location})
       WHERE ${visibleObject('l')} AND ${LIVE('l')} AND ${visibleEdge('r')}
       RETURN l.raw } END AS locations`,
);

export const CANDIDATE_CONTAINER_TYPES = CONTAINER_TYPES;

/**
 * A stamp of the graph's contents, from Neo4j's count store (constant time): nodes, relationships
 * and staged nodes. Every STIX change writes a version node, an import stages nodes and commits
 * them, a deletion removes nodes: each changes the stamp, so the service's cache of actor
 * profiles (per clearance) knows when to read again.
 */
export const GRAPH_STAMP = cypher(
  'candidates-graph-stamp',
  'READ',
  `CALL { MATCH (n) RETURN count(n) AS nodes }
   CALL { MATCH ()-[r]->() RETURN count(r) AS relationships }
   CALL { MATCH (s:${STAGED}) RETURN count(s) AS staged }
   RETURN nodes, relationships, staged`,
);
