import { UnauthenticatedError } from '../../errors';
import type { Viewer } from '../../services/viewer';
import type { AppContext } from '../context';

/** The caller, or UNAUTHENTICATED (only reachable when a resolver runs without the auth plugin). */
export function requireViewer(ctx: Pick<AppContext, 'viewer'>): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError('Authentication required. Sign in with an API token: send Authorization: Bearer <token>.');
  return ctx.viewer;
}
