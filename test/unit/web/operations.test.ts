/**
 * Every GraphQL document the web explorer sends is valid against the SDL in schema/graphql, so a
 * renamed field breaks this test instead of the browser.
 */
import { buildASTSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as explore from '../../../web/src/api/operations';
import * as cases from '../../../web/src/api/hypotheses';
import * as candidates from '../../../web/src/api/candidates';
import type { Operation } from '../../../web/src/api/client';
import { loadTypeDefs } from '../../../api/src/modules/sdl';

// The SDL as the server reads it: one document (graphql-js applies the domain files' `extend type`
// definitions), interface fields inherited.
const schema = buildASTSchema(loadTypeDefs());

/** Every operation the explorer sends: every exported Operation of its API modules. */
const isOperation = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { document?: unknown }).document === 'string' && typeof (value as { name?: unknown }).name === 'string';
const LIVE: Record<string, Operation<unknown, unknown>> = Object.fromEntries(
  Object.entries({ ...explore, ...cases, ...candidates } as Record<string, unknown>).filter(([, value]) => isOperation(value)) as [string, Operation<unknown, unknown>][],
);

it('finds the operations (fact-sheet import and version history among them)', () => {
  expect(Object.keys(LIVE)).toEqual(expect.arrayContaining(['IMPORT_FACT_SHEET', 'OBJECT_HISTORY', 'HYPOTHESES_VIEW', 'ASSESSMENT_HISTORY', 'RATE_EVIDENCE']));
});

describe('web GraphQL operations against schema/graphql', () => {
  for (const [name, op] of Object.entries(LIVE)) {
    it(`${name} is valid`, () => {
      const document = parse(op.document);
      expect(validate(schema, document).map((e) => e.message)).toEqual([]);
      const definition = document.definitions[0];
      expect(definition && 'name' in definition ? definition.name?.value : undefined).toBe(op.name);
    });
  }
});
