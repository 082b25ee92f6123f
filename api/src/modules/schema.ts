/**
 * The executable schema: SDL files from schema/graphql merged with the resolvers of each module.
 * Resolver validation is strict, so a resolver for a field that does not exist fails at start.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { candidatesResolvers } from './candidates/candidates.resolvers';
import { caseResolvers } from './case/case.resolvers';
import { DateTimeScalar, JSONScalar } from './scalars';
import { authResolvers } from './auth/auth.resolvers';
import { exploreResolvers } from './explore/explore.resolvers';
import { exportResolvers } from './export/export.resolvers';
import { stixObjectResolvers } from './explore/stix-object.resolvers';
import { stixResolvers } from './stix/stix.resolvers';
import { systemResolvers } from './system/system.resolvers';
import { taxiiResolvers } from './taxii/taxii.resolvers';
import { webExtrasResolvers } from './web/web-extras.resolvers';
import { loadTypeDefs } from './sdl';

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: [{ JSON: JSONScalar, DateTime: DateTimeScalar }, systemResolvers, stixResolvers, caseResolvers, authResolvers, exploreResolvers, stixObjectResolvers, webExtrasResolvers, candidatesResolvers, taxiiResolvers, exportResolvers],
    resolverValidationOptions: {
      requireResolversToMatchSchema: 'error',
      requireResolversForResolveType: 'error',
    },
  });
}
