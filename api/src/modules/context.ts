/** What every resolver receives. */
import type { Logger } from '../logger';
import type { Services } from '../services';

export interface AppContext {
  services: Services;
  logger: Logger;
  requestId: string;
}
