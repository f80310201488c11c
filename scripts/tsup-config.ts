import { defineConfig } from 'tsup';

/** The one build config every package uses, so the per-package configs never drift. */
export function packageBuildConfig(entry: string[] = ['src/index.ts']) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
  });
}
