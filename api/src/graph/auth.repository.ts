/** API token storage: rows in, plain records out. Functions take a transaction. */
import type { Tx } from './driver';
import type { Row } from './mappers';
import { CREATE_TOKEN, FIND_ACTIVE_BY_HASH, LIST_TOKENS, REVOKE_TOKEN } from './auth.queries';

export interface TokenRecord {
  id: string;
  name: string;
  role: string;
  clearance: string;
  createdBy: string | null;
  created: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

function toToken(row: Row | undefined): TokenRecord | null {
  const t = row?.token as Record<string, unknown> | null | undefined;
  if (!t) return null;
  return {
    id: String(t.id),
    name: String(t.name ?? ''),
    role: String(t.role),
    clearance: String(t.clearance),
    createdBy: (t.created_by as string | null) ?? null,
    created: String(t.created),
    revokedAt: (t.revoked_at as string | null) ?? null,
    revokedBy: (t.revoked_by as string | null) ?? null,
  };
}

export interface NewTokenRow {
  id: string;
  hash: string;
  name: string;
  role: string;
  clearance: string;
  createdBy: string;
}

/** Creates the token; null when a live token already has this name. */
export async function createToken(tx: Tx, row: NewTokenRow): Promise<TokenRecord | null> {
  const [created] = await tx.run(CREATE_TOKEN, { ...row });
  return toToken(created);
}

export async function findActiveTokenByHash(tx: Tx, hash: string): Promise<TokenRecord | null> {
  const [row] = await tx.run(FIND_ACTIVE_BY_HASH, { hash });
  return toToken(row);
}

export async function revokeToken(
  tx: Tx,
  id: string,
  revokedBy: string,
  clearances: readonly string[],
): Promise<{ token: TokenRecord; hash: string } | null> {
  const [row] = await tx.run(REVOKE_TOKEN, { id, revokedBy, clearances: [...clearances] });
  const token = toToken(row);
  return token && row ? { token, hash: String(row.hash) } : null;
}

export async function listTokens(tx: Tx, includeRevoked: boolean, clearances: readonly string[]): Promise<TokenRecord[]> {
  const rows = await tx.run(LIST_TOKENS, { includeRevoked, clearances: [...clearances] });
  return rows.map(toToken).filter((t): t is TokenRecord => t !== null);
}
