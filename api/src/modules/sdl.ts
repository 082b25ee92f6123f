/**
 * The SDL files of schema/graphql, in name order: what the executable schema, the web documents'
 * validation test and the code generator (codegen.ts) all read. No resolvers here, so the
 * generator and tests can load it without the app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SDL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schema', 'graphql');

export function loadTypeDefs(): string[] {
  return readdirSync(SDL_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(join(SDL_DIR, file), 'utf8'));
}
