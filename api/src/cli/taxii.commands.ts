/**
 * `attribution-graph taxii …`: pull a remote TAXII 2.1 collection, push an export to one, list a
 * remote API root's collections, register scheduled feeds, define our own collections. Argument
 * parsing and printing only; the work is done by the TAXII services as the local operator.
 * Reports go to stdout as JSON, progress to stderr.
 */
import { withServices, parseFlags, StixUsageError } from './stix.commands';
import { authFromRef, normaliseApiRoot, type FeedAuthRef } from '../services/taxii-feeds.service';
import { taxiiRemote, type RemoteAuth } from '../services/taxii-remote';
import { isTaxiiTimestamp } from '../services/taxii-filters';
import { SYSTEM_VIEWER } from '../services/viewer';

export const TAXII_USAGE = `  taxii pull <api-root-url> --collection ID [--added-after T] [--page-size N] [--strict]
             [--user U --password-env VAR | --token-env VAR]
                  import a remote TAXII 2.1 collection page by page; the next pull of the same
                  source starts after the last X-TAXII-Date-Added-Last; a bad object is repaired
                  or quarantined and the pull goes on (--strict: its page is refused and the
                  pull stops there); exit 1 on any error
  taxii push <api-root-url> --collection ID [--incident ID | --ids ID[,ID…] [--depth N]]
             [--user U --password-env VAR | --token-env VAR]
                  POST an export (default: everything) to a remote collection; prints the status
  taxii collections <api-root-url> [--user U --password-env VAR | --token-env VAR]
                  list a remote API root's collections
  taxii feed add <api-root-url> --collection ID --every MINUTES [--user U --password-env VAR | --token-env VAR]
  taxii feed list | taxii feed remove <api-root-url> --collection ID
                  feeds the running app pulls on a schedule (credentials: env var names only)
  taxii collection create --title T [--description D] [--writable] [--types a,b] [--labels a,b]
             [--markings ID,…] [--created-by ID,…]
  taxii collection list | taxii collection delete <id>
                  collections this instance serves under /taxii2/ besides "everything you may see"
`;

const AUTH_FLAGS = { '--user': true, '--password-env': true, '--token-env': true } as const;

function authRef(flags: Map<string, string[]>): FeedAuthRef {
  const user = flags.get('--user')?.at(-1);
  const passwordEnv = flags.get('--password-env')?.at(-1);
  const tokenEnv = flags.get('--token-env')?.at(-1);
  if (tokenEnv && (user || passwordEnv)) throw new StixUsageError('use either --token-env or --user with --password-env, not both');
  if (tokenEnv) return { tokenEnv };
  if (user || passwordEnv) {
    if (!user || !passwordEnv) throw new StixUsageError('--user and --password-env go together (the password is read from that environment variable)');
    return { user, passwordEnv };
  }
  return null;
}

function resolveAuth(ref: FeedAuthRef): RemoteAuth {
  try {
    return authFromRef(ref);
  } catch (e) {
    throw new StixUsageError((e as Error).message);
  }
}

function list(flags: Map<string, string[]>, name: string): string[] | null {
  const values = (flags.get(name) ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return values.length > 0 ? values : null;
}

function one(rest: string[], what: string): string {
  if (rest.length !== 1) throw new StixUsageError(`expected one ${what}${rest.length > 1 ? `, got ${rest.length}` : ''}`);
  return rest[0]!;
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

async function pullCommand(args: string[]): Promise<number> {
  const { flags, rest } = parseFlags(args, { '--collection': true, '--added-after': true, '--page-size': true, '--strict': false, ...AUTH_FLAGS });
  const apiRoot = normaliseApiRoot(one(rest, 'API root URL'));
  const collection = flags.get('--collection')?.at(-1);
  if (!collection) throw new StixUsageError('taxii pull needs --collection <id>');
  const addedAfter = flags.get('--added-after')?.at(-1) ?? null;
  if (addedAfter !== null && !isTaxiiTimestamp(addedAfter)) throw new StixUsageError('--added-after must be a timestamp like 2025-01-31T00:00:00.000Z');
  const pageSize = Number(flags.get('--page-size')?.at(-1) ?? 1000);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new StixUsageError('--page-size must be a positive integer');
  const ref = authRef(flags);
  const auth = resolveAuth(ref);
  const report = await withServices((services) =>
    services.taxiiFeeds.pull({
      apiRoot,
      collection,
      auth,
      authRef: ref,
      addedAfter,
      pageSize,
      viewer: SYSTEM_VIEWER,
      strict: flags.has('--strict'),
      onProgress: (p) => say(`taxii pull: page ${p.page}, ${p.objects} objects (created ${p.created}, updated ${p.updated}, unchanged ${p.unchanged})`),
      remote: { onRetry: say },
    }),
  );
  if (report.error) say(`taxii pull: ${report.error}`);
  if (report.repaired || report.quarantined) {
    say(`taxii pull: ${report.repaired} object(s) repaired, ${report.quarantined} quarantined (attribution-graph quarantine list)`);
  }
  print(report);
  return report.error ? 1 : 0;
}

async function pushCommand(args: string[]): Promise<number> {
  const { flags, rest } = parseFlags(args, { '--collection': true, '--incident': true, '--ids': true, '--depth': true, ...AUTH_FLAGS });
  const apiRoot = normaliseApiRoot(one(rest, 'API root URL'));
  const collection = flags.get('--collection')?.at(-1);
  if (!collection) throw new StixUsageError('taxii push needs --collection <id>');
  const depthFlag = flags.get('--depth')?.at(-1);
  const depth = depthFlag === undefined ? null : Number(depthFlag);
  if (depth !== null && !Number.isInteger(depth)) throw new StixUsageError('--depth must be an integer');
  const auth = resolveAuth(authRef(flags));
  const report = await withServices(async (services) => {
    const bundle = await services.stixExport.exportBundle({
      ids: list(flags, '--ids'),
      depth,
      incidentId: flags.get('--incident')?.at(-1) ?? null,
      viewer: SYSTEM_VIEWER,
    });
    say(`taxii push: ${bundle.objects.length} objects to ${apiRoot} collection ${collection}`);
    return services.taxiiFeeds.push({
      apiRoot,
      collection,
      auth,
      objects: bundle.objects as Record<string, unknown>[],
      onProgress: (m) => say(`taxii push: ${m}`),
      remote: { onRetry: say },
    });
  });
  print(report);
  return report.failure > 0 || report.pending > 0 ? 1 : 0;
}

async function collectionsCommand(args: string[]): Promise<number> {
  const { flags, rest } = parseFlags(args, AUTH_FLAGS);
  const remote = taxiiRemote(normaliseApiRoot(one(rest, 'API root URL')), { auth: resolveAuth(authRef(flags)), onRetry: say });
  const { body } = await remote.getJson('collections/');
  print(body.collections ?? []);
  return 0;
}

async function feedCommand(args: string[]): Promise<number> {
  const [sub, ...more] = args;
  if (sub === 'list') {
    print(await withServices((s) => s.taxiiFeeds.list({ viewer: SYSTEM_VIEWER })));
    return 0;
  }
  const { flags, rest } = parseFlags(more, { '--collection': true, '--every': true, ...AUTH_FLAGS });
  const apiRoot = one(rest, 'API root URL');
  const collection = flags.get('--collection')?.at(-1);
  if (!collection) throw new StixUsageError(`taxii feed ${sub ?? ''} needs --collection <id>`);
  if (sub === 'add') {
    const every = Number(flags.get('--every')?.at(-1));
    if (!Number.isInteger(every) || every < 1) throw new StixUsageError('--every needs a whole number of minutes');
    print(await withServices((s) => s.taxiiFeeds.register({ apiRoot, collection, intervalMinutes: every, auth: authRef(flags) }, { viewer: SYSTEM_VIEWER })));
    return 0;
  }
  if (sub === 'remove') {
    const removed = await withServices((s) => s.taxiiFeeds.unregister(apiRoot, collection, { viewer: SYSTEM_VIEWER }));
    say(removed ? 'feed removed' : 'no such feed');
    return removed ? 0 : 1;
  }
  throw new StixUsageError(`unknown taxii feed subcommand "${sub ?? ''}" (expected add, list or remove)`);
}

async function collectionCommand(args: string[]): Promise<number> {
  const [sub, ...more] = args;
  if (sub === 'list') {
    print(await withServices((s) => s.taxii.collections(SYSTEM_VIEWER)));
    return 0;
  }
  if (sub === 'delete') {
    const id = one(more, 'collection id');
    await withServices((s) => s.taxii.deleteCollection(id, { viewer: SYSTEM_VIEWER }));
    say(`collection ${id} deleted`);
    return 0;
  }
  if (sub === 'create') {
    const { flags, rest } = parseFlags(more, {
      '--title': true,
      '--description': true,
      '--alias': true,
      '--writable': false,
      '--types': true,
      '--labels': true,
      '--markings': true,
      '--created-by': true,
    });
    if (rest.length > 0) throw new StixUsageError(`unexpected argument ${rest[0]}`);
    const title = flags.get('--title')?.at(-1);
    if (!title) throw new StixUsageError('taxii collection create needs --title');
    print(
      await withServices((s) =>
        s.taxii.createCollection(
          {
            title,
            description: flags.get('--description')?.at(-1) ?? null,
            alias: flags.get('--alias')?.at(-1) ?? null,
            writable: flags.has('--writable'),
            types: list(flags, '--types'),
            labels: list(flags, '--labels'),
            markings: list(flags, '--markings'),
            creators: list(flags, '--created-by'),
          },
          { viewer: SYSTEM_VIEWER },
        ),
      ),
    );
    return 0;
  }
  throw new StixUsageError(`unknown taxii collection subcommand "${sub ?? ''}" (expected create, list or delete)`);
}

export async function taxiiCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'pull':
      return pullCommand(rest);
    case 'push':
      return pushCommand(rest);
    case 'collections':
      return collectionsCommand(rest);
    case 'feed':
      return feedCommand(rest);
    case 'collection':
      return collectionCommand(rest);
    default:
      throw new StixUsageError(`unknown taxii subcommand "${sub ?? ''}" (expected pull, push, collections, feed or collection)`);
  }
}
