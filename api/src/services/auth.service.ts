/**
 * API tokens: issue, authenticate, revoke, list. A token is `ag_` + 256 random bits (base64url);
 * only its SHA-256 is stored. Authentication results are cached in process for a few seconds so a
 * request does not cost a round trip; a revocation through this service clears the cache at once,
 * one from another process (the CLI) takes effect within `cacheTtlMs`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TLP_LEVELS, tlpRank, type TlpLevel } from '../../../schema/graph/kinds';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { AUTH_MIGRATIONS } from '../graph/auth.queries';
import {
  createToken as insertToken,
  findActiveTokenByHash,
  listTokens as selectTokens,
  revokeToken as markRevoked,
  type TokenRecord,
} from '../graph/auth.repository';
import { isUniquenessViolation, type Graph } from '../graph/driver';
import type { Logger } from '../logger';
import { isTlpLevel, makeViewer, requireRole, ROLES, type Role, type Viewer } from './viewer';

export type { TokenRecord };

export const TOKEN_PREFIX = 'ag_';
const TOKEN_PATTERN = /^ag_[A-Za-z0-9_-]{43}$/;

export interface NewToken {
  name: string;
  role: Role;
  clearance: TlpLevel;
}

export interface IssuedToken {
  /** The secret: shown once, never stored. */
  token: string;
  record: TokenRecord;
}

export interface AuthService {
  /** Applies the ApiToken constraints (idempotent). */
  ensureSchema(): Promise<void>;
  /** The viewer a bearer token stands for, or null for an unknown, malformed or revoked token. */
  authenticate(token: string): Promise<Viewer | null>;
  createToken(input: NewToken, options: { viewer: Viewer }): Promise<IssuedToken>;
  revokeToken(id: string, options: { viewer: Viewer }): Promise<TokenRecord>;
  listTokens(options: { viewer: Viewer; includeRevoked?: boolean }): Promise<TokenRecord[]>;
  /**
   * The local admin token kept in `file` (mode 600): reused while it still authenticates, else a
   * new admin token cleared for RED is issued and written there. `created` tells which.
   */
  ensureLocalAdminToken(file: string): Promise<{ token: string; created: boolean }>;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Clearances at most as high as the viewer's: the tokens an admin may list and revoke. */
function clearancesUpTo(viewer: Viewer): TlpLevel[] {
  return TLP_LEVELS.slice(0, viewer.clearanceRank + 1);
}

function viewerOf(record: TokenRecord): Viewer | null {
  const role = record.role as Role;
  if (!(ROLES as readonly string[]).includes(role) || !isTlpLevel(record.clearance)) return null;
  return makeViewer(record.id, record.name, role, record.clearance);
}

export interface AuthServiceOptions {
  graph: Graph;
  logger: Logger;
  /** How long an authentication result is reused, in milliseconds (default 10 s). */
  cacheTtlMs?: number;
}

const CACHE_MAX = 1_000;
const MAX_NAME = 200;

export function createAuthService(deps: AuthServiceOptions): AuthService {
  const { graph } = deps;
  const log = deps.logger.child({ area: 'auth' });
  const ttl = deps.cacheTtlMs ?? 10_000;
  const cache = new Map<string, { viewer: Viewer | null; until: number }>();

  function remember(hash: string, viewer: Viewer | null) {
    if (cache.size >= CACHE_MAX) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(hash, { viewer, until: Date.now() + ttl });
  }

  const service: AuthService = {
    async ensureSchema() {
      for (const migration of AUTH_MIGRATIONS) {
        await graph.write((tx) => tx.run(migration), { metadata: { migration: migration.name } });
      }
    },

    async authenticate(token) {
      if (!TOKEN_PATTERN.test(token)) return null;
      const hash = hashToken(token);
      const hit = cache.get(hash);
      if (hit && hit.until > Date.now()) return hit.viewer;
      const record = await graph.read((tx) => findActiveTokenByHash(tx, hash), { metadata: { area: 'auth' } });
      const viewer = record ? viewerOf(record) : null;
      remember(hash, viewer);
      return viewer;
    },

    async createToken(input, { viewer }) {
      requireRole(viewer, 'admin');
      const problems: string[] = [];
      const name = input.name.trim();
      if (name.length === 0 || name.length > MAX_NAME) problems.push(`name must hold 1 to ${MAX_NAME} characters`);
      if (!(ROLES as readonly string[]).includes(input.role)) problems.push(`role must be one of ${ROLES.join(', ')}`);
      if (!isTlpLevel(input.clearance)) problems.push('clearance must be a TLP 2.0 level');
      if (problems.length > 0) {
        throw new ValidationError(
          `Invalid token: ${problems.join('; ')}.`,
          problems.map((message) => ({ objectId: null, path: 'input', message })),
        );
      }
      if (tlpRank(input.clearance) > viewer.clearanceRank) {
        throw new ForbiddenError(`You cannot issue a token cleared above your own clearance (${viewer.clearance}).`);
      }
      const token = generateToken();
      const created = await graph.write((tx) =>
        insertToken(tx, {
          id: randomUUID(),
          hash: hashToken(token),
          name,
          role: input.role,
          clearance: input.clearance,
          createdBy: viewer.id,
        }),
      ).catch((error: unknown) => {
        // Another creation of this name committed first (the live_name constraint).
        if (isUniquenessViolation(error)) return null;
        throw error;
      });
      if (!created) {
        throw new ConflictError(
          `A valid token named ${JSON.stringify(name)} already exists: names identify who rated or changed what, so ` +
            'each live token needs its own. Choose another name, or revoke the other token first.',
        );
      }
      const record = created;
      log.info({ tokenId: record.id, role: record.role, clearance: record.clearance, by: viewer.id }, 'token issued');
      return { token, record };
    },

    async revokeToken(id, { viewer }) {
      requireRole(viewer, 'admin');
      // A token cleared above the revoker reads as one that does not exist (as its objects do).
      const revoked = await graph.write((tx) => markRevoked(tx, id, viewer.id, clearancesUpTo(viewer)));
      if (!revoked) throw new NotFoundError(`No token with id ${JSON.stringify(id.slice(0, 100))}.`);
      cache.delete(revoked.hash);
      log.info({ tokenId: id, by: viewer.id }, 'token revoked');
      return revoked.token;
    },

    async listTokens({ viewer, includeRevoked = false }) {
      requireRole(viewer, 'admin');
      return graph.read((tx) => selectTokens(tx, includeRevoked, clearancesUpTo(viewer)));
    },

    async ensureLocalAdminToken(file) {
      if (existsSync(file)) {
        const existing = readFileSync(file, 'utf8').trim();
        if (await service.authenticate(existing)) {
          chmodSync(file, 0o600);
          return { token: existing, created: false };
        }
      }
      const system = makeViewer('system', 'system', 'admin', 'RED');
      // Unique among live tokens: a lost admin.token file leaves the earlier local admin token live.
      const issued = await service.createToken({ name: `local admin ${new Date().toISOString()}`, role: 'admin', clearance: 'RED' }, { viewer: system });
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${issued.token}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      return { token: issued.token, created: true };
    },
  };
  return service;
}
