/** taxiiCollections, taxiiFeeds: what the TAXII services say, shaped for GraphQL. */
import type { StoredFeed } from '../../graph/taxii.repository';
import type { AppContext } from '../context';
import { requireViewer } from '../auth/require-viewer';

function lastRun(feed: StoredFeed) {
  if (!feed.lastResult) return null;
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(feed.lastResult) as Record<string, unknown>;
  } catch {
    return null;
  }
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    startedAt: typeof r.startedAt === 'string' ? r.startedAt : null,
    finishedAt: typeof r.finishedAt === 'string' ? r.finishedAt : feed.lastRunAt,
    pages: n(r.pages),
    objects: n(r.objects),
    created: n(r.created),
    updated: n(r.updated),
    unchanged: n(r.unchanged),
    repaired: n(r.repaired),
    quarantined: n(r.quarantined),
    rejected: n(r.rejected),
    error: typeof r.error === 'string' ? r.error : null,
  };
}

export const taxiiResolvers = {
  Query: {
    taxiiCollections: async (_: unknown, __: unknown, ctx: AppContext) => {
      const collections = await ctx.services.taxii.collections(requireViewer(ctx));
      return collections.map((c) => ({
        id: c.id,
        title: c.title,
        description: c.description ?? null,
        alias: c.alias ?? null,
        canRead: c.can_read,
        canWrite: c.can_write,
      }));
    },
    taxiiFeeds: async (_: unknown, __: unknown, ctx: AppContext) => {
      const feeds = await ctx.services.taxiiFeeds.list({ viewer: requireViewer(ctx) });
      return feeds.map((f) => ({
        id: f.id,
        apiRoot: f.url,
        collection: f.collection,
        intervalMinutes: f.intervalMinutes,
        lastAddedLast: f.lastAddedLast,
        lastRun: lastRun(f),
      }));
    },
  },
};
