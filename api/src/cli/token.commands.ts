/**
 * `attribution-graph token create|revoke|list`: API tokens, as the local operator. `create`
 * prints the new token alone on stdout (so `TOKEN=$(attribution-graph token create …)` works);
 * everything else is JSON on stdout, messages on stderr.
 */
import { TLP_LEVELS, type TlpLevel } from '../../../schema/graph/kinds';
import { ROLES, SYSTEM_VIEWER, isTlpLevel, type Role } from '../services/viewer';
import { StixUsageError, withServices } from './stix.commands';

export const TOKEN_USAGE = `  token create --role reader|analyst|admin --clearance CLEAR|GREEN|AMBER|AMBER+STRICT|RED [--name N]
                  issue an API token; prints the token alone on stdout (shown once, stored hashed)
  token revoke <id>
                  revoke a token (by its id, from token list)
  token list [--all]
                  list tokens as JSON (--all: revoked ones too)
`;

/** A usage error of the token commands (reported like every other usage error of the CLI). */
export class TokenUsageError extends StixUsageError {}

function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === name) return args[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

export async function tokenCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const role = flag(rest, '--role');
      const clearance = (flag(rest, '--clearance') ?? '').toUpperCase().replace('AMBER_STRICT', 'AMBER+STRICT');
      const name = flag(rest, '--name') ?? `${role ?? 'token'} (cli)`;
      if (!role || !(ROLES as readonly string[]).includes(role)) {
        throw new TokenUsageError(`token create needs --role ${ROLES.join('|')}`);
      }
      if (!isTlpLevel(clearance)) throw new TokenUsageError(`token create needs --clearance ${TLP_LEVELS.join('|')}`);
      const issued = await withServices(async (services) => {
        return services.auth.createToken({ name, role: role as Role, clearance: clearance as TlpLevel }, { viewer: SYSTEM_VIEWER });
      });
      process.stderr.write(`token ${issued.record.id} issued (${issued.record.role}, ${issued.record.clearance})\n`);
      process.stdout.write(`${issued.token}\n`);
      return 0;
    }
    case 'revoke': {
      const id = rest[0];
      if (!id) throw new TokenUsageError('token revoke needs the token id');
      const revoked = await withServices((services) => services.auth.revokeToken(id, { viewer: SYSTEM_VIEWER }));
      process.stdout.write(`${JSON.stringify(revoked)}\n`);
      return 0;
    }
    case 'list': {
      const tokens = await withServices(async (services) => {
        return services.auth.listTokens({ viewer: SYSTEM_VIEWER, includeRevoked: rest.includes('--all') });
      });
      process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      return 0;
    }
    default:
      throw new TokenUsageError(`unknown token subcommand "${sub ?? ''}" (expected create, revoke or list)`);
  }
}
