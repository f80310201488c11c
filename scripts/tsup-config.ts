import { defineConfig } from 'tsup';

/** The one build config every package uses, so the per-package configs never drift. */
/** `entry` as a list of files, or output names mapped to files (`{ 'adapter-utils/index': 'src/adapter-utils/index.ts' }`). */
export function packageBuildConfig(
  entry: string[] | Record<string, string> = ['src/index.ts'],
  options: {
    /**
     * Dependencies bundled into `dist` (their types stay imports): one file to load instead of
     * dozens, for a package on every run's start-up path.
     */
    bundle?: string[];
  } = {},
) {
  return defineConfig({
    entry,
    ...(options.bundle === undefined
      ? {}
      : {
          noExternal: options.bundle,
          // Bundled CommonJS (cockatiel, undici) requires Node's own modules: give it a `require`.
          banner: {
            js: "import { createRequire as __bundledRequire } from 'node:module'; const require = __bundledRequire(import.meta.url);",
          },
        }),
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
  });
}
