/**
 * Cypher for API tokens. A token is stored as an `:ApiToken` node holding only the SHA-256 of the
 * secret, never the secret itself. ApiToken nodes are not STIX objects: no STIX query matches them.
 */
import { API_TOKEN } from '../../../schema/graph/kinds';
import { cypher } from './cypher';

/** Constraints applied at start (idempotent), one per transaction. */
export const AUTH_MIGRATIONS = [
  cypher('constraint-api-token-id', 'WRITE', `CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (t:${API_TOKEN}) REQUIRE t.id IS UNIQUE`),
  cypher(
    'constraint-api-token-hash',
    'WRITE',
    `CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (t:${API_TOKEN}) REQUIRE t.hash IS UNIQUE`,
  ),
  // A live token's name is also its `live_name` (removed when it is revoked), unique by constraint:
  // two concurrent creations of one name cannot both commit. Tokens stored before this rule: the
  // oldest live token of each name takes it (later duplicates keep working, without the name).
  cypher(
    'auth-live-name-backfill',
    'WRITE',
    `MATCH (t:${API_TOKEN}) WHERE t.revoked_at IS NULL AND t.live_name IS NULL
     WITH t ORDER BY t.created, t.id
     WITH t.name AS name, collect(t)[0] AS first
     WHERE NOT EXISTS { MATCH (:${API_TOKEN} {live_name: name}) }
     SET first.live_name = name`,
  ),
  cypher(
    'constraint-api-token-live-name',
    'WRITE',
    `CREATE CONSTRAINT api_token_live_name IF NOT EXISTS FOR (t:${API_TOKEN}) REQUIRE t.live_name IS UNIQUE`,
  ),
] as const;

const TOKEN_FIELDS = `t { .id, .name, .role, .clearance, .created_by, .revoked_by,
  created: toString(t.created), revoked_at: toString(t.revoked_at) } AS token`;

/**
 * Issues a token unless a live token already has this name (names identify who rated or changed
 * what; no row then). The check answers the common case; the `live_name` uniqueness constraint
 * refuses the concurrent one (the check cannot see another transaction's uncommitted token).
 */
export const CREATE_TOKEN = cypher(
  'auth-create-token',
  'WRITE',
  `OPTIONAL MATCH (other:${API_TOKEN} {name: $name})
   WHERE other.revoked_at IS NULL
   WITH count(other) AS taken
   WHERE taken = 0
   CREATE (t:${API_TOKEN} {id: $id, hash: $hash, name: $name, live_name: $name, role: $role, clearance: $clearance,
     created: datetime(), created_by: $createdBy})
   RETURN ${TOKEN_FIELDS}`,
);

/** The live (not revoked) token with this hash. */
export const FIND_ACTIVE_BY_HASH = cypher(
  'auth-find-active-by-hash',
  'READ',
  `MATCH (t:${API_TOKEN} {hash: $hash})
   WHERE t.revoked_at IS NULL
   RETURN ${TOKEN_FIELDS}`,
);

/** Revokes a token cleared at most as high as the revoker (`$clearances`); no row otherwise. */
export const REVOKE_TOKEN = cypher(
  'auth-revoke-token',
  'WRITE',
  `MATCH (t:${API_TOKEN} {id: $id})
   WHERE t.clearance IN $clearances
   SET t.revoked_at = coalesce(t.revoked_at, datetime()), t.revoked_by = coalesce(t.revoked_by, $revokedBy)
   REMOVE t.live_name
   RETURN ${TOKEN_FIELDS}, t.hash AS hash`,
);

/** Tokens cleared at most as high as the lister (`$clearances`). */
export const LIST_TOKENS = cypher(
  'auth-list-tokens',
  'READ',
  `MATCH (t:${API_TOKEN})
   WHERE ($includeRevoked OR t.revoked_at IS NULL) AND t.clearance IN $clearances
   RETURN ${TOKEN_FIELDS}
   ORDER BY t.created, t.id`,
);
