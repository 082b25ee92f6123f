/** Per-request DataLoaders: every object lookup of one request is batched into few round trips. */
import type DataLoader from 'dataloader';
import type { Services } from '../../services';
import type { ObjectRecord } from '../../services/explore.service';
import type { Viewer } from '../../services/viewer';
import { UnauthenticatedError } from '../../errors';

export interface RequestLoaders {
  /** Visible objects by STIX id (null for missing, forbidden and placeholder ids alike). */
  readonly objects: DataLoader<string, ObjectRecord | null>;
}

export function createRequestLoaders(services: Services, viewer: Viewer | null): RequestLoaders {
  let objects: DataLoader<string, ObjectRecord | null> | undefined;
  return {
    get objects() {
      if (!viewer) throw new UnauthenticatedError('Authentication required: send Authorization: Bearer <token>.');
      objects ??= services.explore.createObjectLoader(viewer);
      return objects;
    },
  };
}
