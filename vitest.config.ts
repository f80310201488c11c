import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources, so no test needs a build first.
// 'import' stays out of the SSR list: vitest passes it to workers as a Node --conditions flag,
// and it would make pg's internal require('pg-pool') load pg-pool's ESM build.
export default defineConfig({
  resolve: { conditions: ['@restsync/source', 'node', 'import', 'module', 'default'] },
  ssr: {
    resolve: {
      conditions: ['@restsync/source', 'node', 'module', 'default'],
      externalConditions: ['@restsync/source'],
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tests/*/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
