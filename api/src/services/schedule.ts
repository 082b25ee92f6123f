/**
 * The app's background work (api/src/main.ts): registered TAXII feeds pulled when due, and the
 * leftovers of crashed staged imports deleted by age. One task runs at a time per schedule (a
 * tick that finds the previous run still going is skipped); failures are logged, never thrown;
 * timers do not keep the process alive.
 */
import type { Logger } from '../logger';
import type { StixImportService } from './stix-import.service';
import type { TaxiiFeedsService } from './taxii-feeds.service';
import type { Viewer } from './viewer';

export interface Schedule {
  stop(): void;
}

/** Runs `task` every `everyMs`, skipping a tick while the previous run is still going. */
export function repeat(task: () => Promise<unknown>, options: { everyMs: number; logger: Logger; what: string }): Schedule {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    task()
      .catch((e: unknown) => options.logger.error({ err: e }, `${options.what} failed`))
      .finally(() => {
        busy = false;
      });
  }, options.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * Pulls the registered feeds that are due, every `everyMs` (default a minute). `stop()` ends it
 * (an ongoing pull finishes its page and is recorded).
 */
export function scheduleFeeds(feeds: TaxiiFeedsService, options: { viewer: Viewer; logger: Logger; everyMs?: number }): Schedule {
  return repeat(() => feeds.runDue(options.viewer), { everyMs: options.everyMs ?? 60_000, logger: options.logger, what: 'scheduled TAXII pulls' });
}

/** How often the app looks for abandoned staged imports (their heartbeat stopped; see STAGED_ALIVE_MS). */
export const IMPORT_CLEANUP_EVERY_MS = 5 * 60_000;

/**
 * Deletes what crashed staged imports left, every `everyMs`: staged nodes of imports whose
 * heartbeat stopped more than `olderThanMs` ago (default STAGED_ALIVE_MS, 30 min), so a crash
 * leaves nothing behind even when no other staged import ever runs on this database.
 */
export function scheduleImportCleanup(
  imports: StixImportService,
  options: { logger: Logger; everyMs?: number; olderThanMs?: number },
): Schedule {
  return repeat(
    async () => {
      const cleaned = await imports.cleanAbandonedImports(options.olderThanMs === undefined ? {} : { olderThanMs: options.olderThanMs });
      if (cleaned.length) options.logger.info({ imports: cleaned }, 'abandoned staged imports cleaned');
    },
    { everyMs: options.everyMs ?? IMPORT_CLEANUP_EVERY_MS, logger: options.logger, what: 'cleaning abandoned staged imports' },
  );
}
