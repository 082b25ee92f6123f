/**
 * Saved views: a canvas (object ids, positions) and the explorer's other state, stored under a
 * short id so a URL stays short and a colleague can open it. A view carries the rank of the most
 * restrictive object it holds; it is read only by viewers cleared for that rank, and its objects
 * are filtered again when it is read (an object re-marked since is left out).
 */
import { SAVED_VIEW, STIX_OBJECT } from '../../../schema/graph/kinds';
import { cypher } from './cypher';
import { visibleNode, visibleRank } from './visibility';

/** The ranks of these ids as the saver sees them (placeholders count: they can be on a canvas). */
export const VIEW_OBJECT_RANKS = cypher(
  'views-object-ranks',
  'READ',
  `UNWIND $ids AS id
   MATCH (n:${STIX_OBJECT} {id: id})
   WHERE ${visibleNode('n')}
   RETURN n.id AS id, n.tlp_rank AS rank`,
);

export const CREATE_VIEW = cypher(
  'views-create',
  'WRITE',
  `CREATE (v:${SAVED_VIEW} {id: $id, name: $name, created_by: $createdBy, created_by_id: $createdById,
     created_at: datetime($at), object_ids: $objectIds, positions: $positions, state: $state, tlp_rank: $tlpRank})
   RETURN v.id AS id`,
);

/** A view the viewer is cleared for, with the ids among its objects the viewer may see now. */
export const READ_VIEW = cypher(
  'views-read',
  'READ',
  `MATCH (v:${SAVED_VIEW} {id: $id})
   WHERE ${visibleRank('v')}
   RETURN v.id AS id, v.name AS name, v.created_by AS createdBy, toString(v.created_at) AS createdAt,
     v.positions AS positions, v.state AS state, size(v.object_ids) AS saved,
     [id IN v.object_ids WHERE EXISTS { MATCH (n:${STIX_OBJECT} {id: id}) WHERE ${visibleNode('n')} }] AS objectIds`,
);
