import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources, so no unit test needs a build first.
// 'import' stays out of the SSR list: vitest passes it to workers as a Node --conditions flag,
// and it would make pg's internal require('pg-pool') load pg-pool's ESM build.
//
// Two projects. `unit`: package tests, one file per fork, as many forks as vitest picks for the machine.
// `integration` (tests/*): database-heavy and end to end (they run the built CLI, so `pnpm build` comes
// first); its files run one after another in a single fork, after the unit files, with at most
// `maxConcurrency` tests of a `describe.concurrent` block at once. Child processes are killed after each test.
// Timeouts are generous in both: no test asserts elapsed time, and they must hold on a busy 2-core machine.
export default defineConfig({
  resolve: { conditions: ['@restsync/source', 'node', 'import', 'module', 'default'] },
  ssr: {
    resolve: {
      conditions: ['@restsync/source', 'node', 'module', 'default'],
      externalConditions: ['@restsync/source'],
    },
  },
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/*/src/**/*.test.ts'],
          setupFiles: ['tests/integration/src/cli-helpers/child-cleanup-setup.ts'],
          poolOptions: { forks: { singleFork: true } },
          maxConcurrency: 3,
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
