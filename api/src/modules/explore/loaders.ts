/** Per-request DataLoaders: every object lookup of one request is batched into few round trips. */
import type DataLoader from 'dataloader';
import type { Services } from '../../services';
import type { ObjectRecord } from '../../services/explore.service';
import type { Viewer } from '../../services/viewer';
import { UnauthenticatedError } from '../../errors';

export interface RequestLoaders {
  /** Visible objects by STIX id (null for missing, forbidden and placeholder ids alike). */
  readonly objects: DataLoader<string, ObjectRecord | null>;
  /** Whether an object's STIX JSON may be served (it names nothing above the viewer's clearance). */
  readonly rawShareable: DataLoader<string, boolean>;
}

export function createRequestLoaders(services: Services, viewer: Viewer | null): RequestLoaders {
  let objects: DataLoader<string, ObjectRecord | null> | undefined;
  let rawShareable: DataLoader<string, boolean> | undefined;
  const need = (): Viewer => {
    if (!viewer) throw new UnauthenticatedError('Authentication required: send Authorization: Bearer <token>.');
    return viewer;
  };
  return {
    get objects() {
      objects ??= services.explore.createObjectLoader(need());
      return objects;
    },
    get rawShareable() {
      rawShareable ??= services.explore.createRawLoader(need());
      return rawShareable;
    },
  };
}
