/**
 * Cypher for the version history of one STIX object (docs/graph-model.md, "History"): the current
 * node and the `:StixVersion` nodes hanging off it by PREVIOUS_VERSION. The current object is
 * visible as everywhere else (`tlp_rank <= $maxRank`, not staged, not a placeholder); each older
 * version is filtered by its own `tlp_rank` (an unknown rank counts as the most restrictive); the
 * versions' JSON only goes out when the object is shareable (visibility.ts, referencesVisible).
 * Labels and edge types come from schema/graph/kinds.ts; every value is a $parameter.
 */
import { PREVIOUS_VERSION, STIX_OBJECT, STIX_VERSION } from '../../../schema/graph/kinds';
import { cypher } from './cypher';
import { referencesVisible, visibleObject } from './visibility';

const VERSION_FIELDS = (v: string) => `modified: toString(${v}.modified), raw: ${v}.raw, tlpRank: ${v}.tlp_rank,
  importId: ${v}.import_id, importedBy: ${v}.imported_by, importedAt: toString(${v}.imported_at)`;

export const OBJECT_HISTORY = cypher(
  'object-history',
  'READ',
  `MATCH (n:${STIX_OBJECT} {id: $id})
   WHERE ${visibleObject('n')}
   CALL {
     WITH n
     OPTIONAL MATCH (n)-[:${PREVIOUS_VERSION}]->(v:${STIX_VERSION})
     WHERE coalesce(v.tlp_rank, $unknownRank) <= $maxRank
     WITH v ORDER BY v.modified DESC
     LIMIT toInteger($limit)
     RETURN collect(v {${VERSION_FIELDS('v')}}) AS older
   }
   // The versions' JSON is served as TAXII serves it: only when the object names nothing the
   // viewer may not see (referencesVisible, checked on the current version as TAXII does).
   RETURN n.id AS id, {${VERSION_FIELDS('n')}} AS current, older, ${referencesVisible('n')} AS shareable`,
);

/**
 * Older versions of several objects at once (an assessment replayed as of an instant): per id
 * visible at `$maxRank`, the `:StixVersion`s the viewer may see, oldest first.
 */
export const VERSIONS_OF = cypher(
  'versions-of',
  'READ',
  `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id})
   WHERE ${visibleObject('n')}
   CALL {
     WITH n
     OPTIONAL MATCH (n)-[:${PREVIOUS_VERSION}]->(v:${STIX_VERSION})
     WHERE coalesce(v.tlp_rank, $unknownRank) <= $maxRank
     WITH v ORDER BY v.modified
     RETURN collect(v {modified: toString(v.modified), raw: v.raw}) AS older
   }
   RETURN n.id AS id, older`,
);
