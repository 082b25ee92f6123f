/** What every resolver receives. */
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { Viewer } from '../services/viewer';
import type { RequestLoaders } from './explore/loaders';

export interface AppContext {
  services: Services;
  logger: Logger;
  requestId: string;
  /** The authenticated caller; null only where anonymous access is explicitly configured off and the request has no token (resolvers must then refuse). */
  viewer: Viewer | null;
  /** Per-request DataLoaders (object lookups batched and filtered by the viewer's clearance). */
  loaders: RequestLoaders;
}
