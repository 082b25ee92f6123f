/**
 * What the web explorer needs beyond exploration (schema/graphql/web-extras.graphql): fact-sheet
 * import through the same seed service as `attribution-graph import case.yaml`, and the version
 * history of a STIX object.
 */
import { ValidationError, type Issue } from '../../errors';
import { requireViewer } from '../auth/require-viewer';
import type { AppContext } from '../context';
import type { SaveViewInput } from '../../services/views.service';
import type { MutationImportFactSheetArgs, MutationSaveViewArgs, QueryObjectHistoryArgs, QuerySavedViewArgs } from '../../../../schema/graphql/generated/resolvers';

type Ctx = Pick<AppContext, 'services' | 'viewer'>;


const MAX_FILE_NAME = 200;

/** Issues of a refused sheet: fact-sheet issues carry line and column next to the domain fields. */
function located(issue: Issue & { line?: unknown; column?: unknown }) {
  return {
    objectId: issue.objectId,
    path: issue.path,
    message: issue.message,
    line: typeof issue.line === 'number' ? issue.line : null,
    column: typeof issue.column === 'number' ? issue.column : null,
  };
}

export const webExtrasResolvers = {
  Query: {
    objectHistory: async (_: unknown, args: QueryObjectHistoryArgs, ctx: Ctx) =>
      ctx.services.history.read(args.id, requireViewer(ctx), args.limit),
    savedView: async (_: unknown, args: QuerySavedViewArgs, ctx: Ctx) => ctx.services.views.read(args.id, requireViewer(ctx)),
  },
  Mutation: {
    // `positions` is JSON on the wire; the views service checks its shape before storing anything.
    saveView: async (_: unknown, args: MutationSaveViewArgs, ctx: Ctx) => ctx.services.views.save(args.input as SaveViewInput, requireViewer(ctx)),
    importFactSheet: async (_: unknown, args: MutationImportFactSheetArgs, ctx: Ctx) => {
      const viewer = requireViewer(ctx);
      const file = args.fileName?.trim() || '<fact-sheet>';
      if (file.length > MAX_FILE_NAME) {
        throw new ValidationError(`importFactSheet: fileName is longer than ${MAX_FILE_NAME} characters`, [
          { objectId: null, path: 'fileName', message: `at most ${MAX_FILE_NAME} characters` },
        ]);
      }
      try {
        // The role check (analyst) is the service's, as for the command line.
        const { incidentId, report } = await ctx.services.seed.importFactSheet(args.text, { viewer, file });
        return { ...report, incidentId, errors: [] };
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return {
          incidentId: null,
          importId: null,
          created: 0,
          updated: 0,
          unchanged: 0,
          // A bundle the STIX import refused rejects every object; an invalid sheet had none yet.
          rejected: 0,
          errors: error.issues.length ? error.issues.map(located) : [{ objectId: null, path: '', message: error.message, line: null, column: null }],
          warnings: [],
        };
      }
    },
  },
};
