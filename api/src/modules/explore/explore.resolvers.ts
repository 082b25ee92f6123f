/**
 * Exploration queries and live events: check the caller, call the explore service, shape
 * connections and graph views. Objects found by lists and searches prime the request's loader.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { filter, pipe } from 'graphql-yoga';
import { type GraphEdgeRecord, type ObjectFilter, type ObjectRecord, type Page } from '../../services/explore.service';
import { eventVisibleTo, type EventTopic, type EventTopics } from '../../services/events';
import { ValidationError } from '../../errors';
import type { AppContext } from '../context';
import { requireViewer } from '../auth/require-viewer';
import type {
  QueryNeighborhoodArgs, QueryObjectsArgs, QueryPathsArgs, QueryRelationshipsArgs, QuerySearchArgs, QueryStixObjectArgs, QueryStixObjectsArgs,
  SubscriptionAssessmentChangedArgs, SubscriptionImportProgressArgs,
} from '../../../../schema/graphql/generated/resolvers';
import { neighborhoodFieldsOf } from './selection';
import { tlpOfRank } from './stix-object.resolvers';

function connection<T>(page: Page<T>, totalCount?: () => Promise<number>) {
  const edges = page.items.map((node, i) => ({ cursor: page.cursors[i], node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

function prime(ctx: AppContext, objects: readonly ObjectRecord[]) {
  for (const o of objects) ctx.loaders.objects.prime(o.id, o);
}

const ORDER_FIELDS = { NAME: 'name', CREATED: 'created', MODIFIED: 'modified', CONFIDENCE: 'confidence' } as const;

function mergeTypes(a: string[] | null | undefined, b: string[] | null | undefined): string[] | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a.filter((t) => b.includes(t));
}

const node = (n: { tlpRank: number }) => ({ ...n, tlp: tlpOfRank(n.tlpRank) });

function subscription<T extends EventTopic, A>(topic: T, matches: (event: EventTopics[T], args: A) => boolean) {
  return {
    subscribe: (_: unknown, args: A, ctx: AppContext) => {
      const viewer = requireViewer(ctx);
      return pipe(
        ctx.services.events.subscribe(topic) as AsyncIterable<EventTopics[T]> as never,
        filter((event: EventTopics[T]) => eventVisibleTo(viewer, topic, event) && matches(event, args)),
      );
    },
    resolve: (event: EventTopics[T]) => event,
  };
}

export const exploreResolvers = {
  StixObjectConnection: {
    // Counted only when asked for (an explicit resolver: executors need not call function values).
    totalCount: (c: { totalCount?: () => Promise<number> }) => c.totalCount?.() ?? 0,
  },
  Query: {
    stixObject: (_: unknown, args: QueryStixObjectArgs, ctx: AppContext) => {
      requireViewer(ctx);
      return args.id.length > 500 ? null : ctx.loaders.objects.load(args.id);
    },
    stixObjects: async (_: unknown, args: QueryStixObjectsArgs, ctx: AppContext) => {
      const viewer = requireViewer(ctx);
      if (args.ids.length > 100) throw new ValidationError('Invalid ids: at most 100 ids per call.');
      const found = await ctx.services.explore.getObjects(args.ids, { viewer });
      prime(ctx, found);
      const byId = new Map(found.map((o) => [o.id, o]));
      return args.ids.flatMap((id) => byId.get(id) ?? []);
    },
    objects: async (_: unknown, args: QueryObjectsArgs, ctx: AppContext) => {
      const viewer = requireViewer(ctx);
      const filterArg: ObjectFilter = { ...(args.filter ?? {}), types: mergeTypes(args.types, args.filter?.types) };
      const orderBy = args.orderBy
        ? { field: ORDER_FIELDS[args.orderBy.field], descending: args.orderBy.direction === 'DESC' }
        : null;
      const page = await ctx.services.explore.listObjects(
        { filter: filterArg, orderBy, first: args.first, after: args.after },
        { viewer },
      );
      prime(ctx, page.items);
      return connection(page, () => ctx.services.explore.countObjects(filterArg, { viewer }));
    },
    search: async (_: unknown, args: QuerySearchArgs, ctx: AppContext) => {
      const viewer = requireViewer(ctx);
      const page = await ctx.services.explore.search(args, { viewer });
      prime(ctx, page.items);
      return connection(page, () => ctx.services.explore.countSearch({ text: args.text, types: args.types }, { viewer }));
    },
    neighborhood: async (_: unknown, args: QueryNeighborhoodArgs, ctx: AppContext, info: GraphQLResolveInfo) => {
      const result = await ctx.services.explore.neighborhood(args, { viewer: requireViewer(ctx), fields: neighborhoodFieldsOf(info) });
      return { nodes: result.nodes.map(node), edges: result.edges, truncated: result.truncated };
    },
    paths: async (_: unknown, args: QueryPathsArgs, ctx: AppContext) => {
      const paths = await ctx.services.explore.paths(args, { viewer: requireViewer(ctx) });
      return paths.map((p) => ({ nodes: p.nodes.map(node), edges: p.edges, length: p.edges.length }));
    },
    relationships: async (_: unknown, args: QueryRelationshipsArgs, ctx: AppContext) => connection(await ctx.services.explore.relationships(args, { viewer: requireViewer(ctx) })),
  },
  GraphNode: {
    object: (n: { id: string; placeholder: boolean }, _: unknown, ctx: AppContext) =>
      n.placeholder ? null : ctx.loaders.objects.load(n.id),
  },
  RelationshipEdge: {
    sourceId: (e: GraphEdgeRecord) => e.source,
    targetId: (e: GraphEdgeRecord) => e.target,
    source: (e: GraphEdgeRecord, _: unknown, ctx: AppContext) => ctx.loaders.objects.load(e.source),
    target: (e: GraphEdgeRecord, _: unknown, ctx: AppContext) => ctx.loaders.objects.load(e.target),
    relationship: (e: GraphEdgeRecord, _: unknown, ctx: AppContext) => ctx.loaders.objects.load(e.id),
  },
  Subscription: {
    importProgress: subscription('importProgress', (event, args: SubscriptionImportProgressArgs) => !args.importId || event.importId === args.importId),
    assessmentChanged: subscription(
      'assessmentChanged',
      (event, args: SubscriptionAssessmentChangedArgs) => !args.incidentId || event.incidentId === args.incidentId,
    ),
  },
};
