/**
 * Who is asking: every service call that reads or writes takes a Viewer. Reads are filtered in
 * Cypher by `tlp_rank <= viewer.clearanceRank`; writes need role analyst or admin.
 */
import { TLP_LEVELS, tlpRank, type TlpLevel } from '../../../schema/graph/kinds';
import { ForbiddenError } from '../errors';

export const ROLES = ['reader', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Viewer {
  /** Token id (never the token itself), or 'system' for the CLI and seed loading. */
  id: string;
  /** Human-readable name of the token holder, recorded on what they import or change. */
  name: string;
  role: Role;
  clearance: TlpLevel;
  /** tlpRank(clearance): compared with each object's `tlp_rank` in Cypher. */
  clearanceRank: number;
}

export function makeViewer(id: string, name: string, role: Role, clearance: TlpLevel): Viewer {
  return Object.freeze({ id, name, role, clearance, clearanceRank: tlpRank(clearance) });
}

/** The local operator (CLI, seed loading): admin, cleared for everything. */
export const SYSTEM_VIEWER: Viewer = makeViewer('system', 'system', 'admin', 'RED');

const ROLE_ORDER: Record<Role, number> = { reader: 0, analyst: 1, admin: 2 };

export function hasRole(viewer: Viewer, role: Role): boolean {
  return ROLE_ORDER[viewer.role] >= ROLE_ORDER[role];
}

export function requireRole(viewer: Viewer, role: Role): void {
  if (!hasRole(viewer, role)) {
    throw new ForbiddenError(`This action needs the ${role} role; your token has ${viewer.role}.`);
  }
}

export function isTlpLevel(value: string): value is TlpLevel {
  return (TLP_LEVELS as readonly string[]).includes(value);
}
