/**
 * The generated contracts (schema/graphql/generated, web/src/api/generated) are what codegen.ts
 * makes from the SDL and the web's documents today: regenerated in memory, without the network,
 * and compared with the committed files. A stale file means `npm run codegen` was not run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { expect, it } from 'vitest';
import config from '../../../codegen';

const ROOT = join(import.meta.dirname, '..', '..', '..');

it('the committed generated files match the SDL and the web documents (run `npm run codegen`)', async () => {
  const outputs = (await generate({ ...config, cwd: ROOT }, false)) as { filename: string; content: string }[];
  expect(outputs.map((o) => o.filename).sort()).toEqual(['schema/graphql/generated/resolvers.ts', 'schema/graphql/generated/schema.graphql', 'web/src/api/generated/operations.ts']);
  const stale = outputs.filter((o) => readFileSync(join(ROOT, o.filename), 'utf8') !== o.content).map((o) => o.filename);
  expect(stale).toEqual([]);
}, 60_000);
