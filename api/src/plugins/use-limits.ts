/**
 * Limits on what one request may ask for, checked before execution: depth, aliases, static cost,
 * tokens and directives (graphql-armor), no field suggestions (they reveal the schema), and a
 * bound on introspection fan-out (nested `fields { type { fields … } } }` grows exponentially).
 * Body size and batch size are yoga options set in app.ts; page sizes and list arguments are
 * capped by the services.
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import {
  Kind,
  type ASTVisitor,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export const QUERY_LIMITS = Object.freeze({
  maxDepth: 12,
  maxAliases: 15,
  maxCost: 50_000,
  maxTokens: 2_000,
  maxDirectives: 20,
  /** List-valued introspection fields (types, fields, args …) nested along one path. */
  maxIntrospectionFanout: 3,
  /** Operations in one batched request. */
  maxBatch: 5,
});

const FANOUT_FIELDS = new Set(['types', 'fields', 'inputFields', 'interfaces', 'possibleTypes', 'enumValues', 'args', 'directives']);

/**
 * Rejects introspection selections that nest more than `max` list-valued fields on one path,
 * following fragment spreads (the standard introspection query nests three: types → fields → args).
 */
export function introspectionFanoutRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const memo = new Map<string, number>();
    const worst = (set: SelectionSetNode | undefined, intro: boolean, count: number, seen: Set<string>): number => {
      if (!set) return count;
      let most = count;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          const name = sel.name.value;
          const inner = intro || name === '__schema' || name === '__type';
          const c = count + (inner && FANOUT_FIELDS.has(name) ? 1 : 0);
          most = Math.max(most, worst(sel.selectionSet, inner, c, seen));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          most = Math.max(most, worst(sel.selectionSet, intro, count, seen));
        } else {
          const name = sel.name.value;
          const fragment = context.getFragment(name);
          if (!fragment || seen.has(name)) continue;
          const key = `${name}|${intro}|${count}`;
          let result = memo.get(key);
          if (result === undefined) {
            seen.add(name);
            result = worst(fragment.selectionSet, intro, count, seen);
            seen.delete(name);
            memo.set(key, result);
          }
          most = Math.max(most, result);
        }
        if (most > max) return most;
      }
      return most;
    };
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        if (worst(node.selectionSet, false, 0, new Set()) > max) {
          context.reportError(
            createGraphQLError(`Introspection nested too deeply (more than ${max} list levels on one path).`, {
              nodes: [node],
              extensions: { code: QUERY_TOO_COMPLEX, limit: 'introspection', max },
            }),
          );
        }
      },
    };
  };
}

function useIntrospectionFanout(max: number): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(introspectionFanoutRule(max));
    },
  };
}

/** Code of every refusal by a query limit; `extensions.limit` names the limit, `extensions.max` its value. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

export type QueryLimitName = 'depth' | 'aliases' | 'cost' | 'tokens' | 'directives' | 'introspection';

function limitError(message: string, limit: QueryLimitName, max: number) {
  return createGraphQLError(message.replace(/^Syntax Error: /, ''), {
    extensions: { code: QUERY_TOO_COMPLEX, limit, max },
  });
}

/**
 * graphql-armor builds its refusals without `extensions.code` (and prefixes them "Syntax Error:").
 * Each protection calls its onReject handlers just before it throws: ours throws first, the same
 * message with a code clients can rely on. Thrown, not reported, because the token limit runs in
 * the parser, where there is no validation context to report to.
 */
function rejectWith(limit: QueryLimitName, max: number) {
  return {
    onReject: [
      (_context: unknown, error: Error) => {
        throw limitError(error.message, limit, max);
      },
    ],
    propagateOnRejection: true,
  };
}

export function useLimits(): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...rejectWith('depth', QUERY_LIMITS.maxDepth) },
    maxAliases: { n: QUERY_LIMITS.maxAliases, ...rejectWith('aliases', QUERY_LIMITS.maxAliases) },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true, ...rejectWith('cost', QUERY_LIMITS.maxCost) },
    maxTokens: { n: QUERY_LIMITS.maxTokens, ...rejectWith('tokens', QUERY_LIMITS.maxTokens) },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...rejectWith('directives', QUERY_LIMITS.maxDirectives) },
    blockFieldSuggestion: { enabled: true },
  });
  return [...(armor.protect().plugins as Plugin[]), useIntrospectionFanout(QUERY_LIMITS.maxIntrospectionFanout)];
}
