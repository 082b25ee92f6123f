import { defineConfig } from 'vitest/config';

/**
 * Three projects:
 *  - unit: pure modules (schemas, assessment engine, mappers), no database, run in parallel.
 *  - integration: everything that touches the real Neo4j (see test/setup/neo4j.global-setup.ts
 *    for how the database is chosen); files run one at a time and each resets the data it uses.
 *  - e2e: the real app in Debian's Chromium through playwright-core.
 */
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.int.test.ts'],
          globalSetup: ['test/setup/neo4j.global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/setup/neo4j.global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
