/**
 * What the web explorer needs beyond exploration (schema/graphql/web-extras.graphql): fact-sheet
 * import through the same seed service as `attribution-graph import case.yaml`, and the version
 * history of a STIX object.
 */
import { ValidationError, type Issue } from '../../errors';
import { requireViewer } from '../auth/require-viewer';
import type { AppContext } from '../context';
import type { SaveViewInput } from '../../services/views.service';

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
    objectHistory: async (_: unknown, args: { id: string; limit?: number | null }, ctx: Ctx) =>
      ctx.services.history.read(args.id, requireViewer(ctx), args.limit),
    savedView: async (_: unknown, args: { id: string }, ctx: Ctx) => ctx.services.views.read(args.id, requireViewer(ctx)),
  },
  Mutation: {
    saveView: async (_: unknown, args: { input: SaveViewInput }, ctx: Ctx) => ctx.services.views.save(args.input, requireViewer(ctx)),
    importFactSheet: async (_: unknown, args: { text: string; fileName?: string | null }, ctx: Ctx) => {
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
