import { defineConfig } from 'tsup';

// The benchmark runs compiled code against the packages' built dist, as users run it.
export default defineConfig({
  entry: ['src/run.ts', 'src/scenario.ts', 'src/measure-exit.ts'],
  format: ['esm'],
  target: 'node20',
  clean: true,
  // Inlined: the bench prints the version of the CLI it measures.
  noExternal: ['@restsync/cli/package.json'],
});
