/**
 * Every GraphQL document the web explorer sends is valid against the SDL in schema/graphql, so a
 * renamed field breaks this test instead of the browser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as explore from '../../../web/src/api/operations';
import * as cases from '../../../web/src/api/hypotheses';
import type { Operation } from '../../../web/src/api/client';

const SDL_DIR = join(import.meta.dirname, '..', '..', '..', 'schema', 'graphql');
// One document: graphql-js applies the `extend type` definitions of the domain files.
const schema = buildSchema(
  readdirSync(SDL_DIR).filter((f) => f.endsWith('.graphql')).sort().map((f) => readFileSync(join(SDL_DIR, f), 'utf8')).join('\n'),
);

/** Every operation the explorer sends (a fact-sheet import mutation does not exist yet). */
const LIVE: Record<string, Operation<unknown, unknown>> = {
  SYSTEM: explore.SYSTEM,
  VIEWER: explore.VIEWER,
  SEARCH: explore.SEARCH,
  NEIGHBORHOOD: explore.NEIGHBORHOOD,
  STIX_OBJECT: explore.STIX_OBJECT,
  PATHS: explore.PATHS,
  IMPORT_STIX_BUNDLE: explore.IMPORT_STIX_BUNDLE,
  EXPORT_STIX_BUNDLE: explore.EXPORT_STIX_BUNDLE,
  INCIDENTS: explore.INCIDENTS,
  ASSESSMENT: explore.ASSESSMENT,
  INCIDENT_EVIDENCE: cases.INCIDENT_EVIDENCE,
  ASSESSMENT_DETAIL: cases.ASSESSMENT_DETAIL,
  ASSESSMENT_HISTORY: cases.ASSESSMENT_HISTORY,
  RATE_EVIDENCE: cases.RATE_EVIDENCE,
  ADD_HYPOTHESIS: cases.ADD_HYPOTHESIS,
  ADD_EVIDENCE: cases.ADD_EVIDENCE,
};

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
