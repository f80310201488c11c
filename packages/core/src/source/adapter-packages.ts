import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The outcome of loading an adapter package. */
export type AdapterPackage =
  | { status: 'loaded'; module: Record<string, unknown> }
  | { status: 'missing' }
  | { status: 'failed'; message: string };

/** The workspace export condition that points at a package's TypeScript source. */
const sourceCondition = '@restsync/source';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Finds `<name>/package.json` from `cwd` (also for packages whose exports map hides it). */
function findPackageJson(require: NodeJS.Require, name: string): string | undefined {
  try {
    return require.resolve(`${name}/package.json`);
  } catch {
    for (const directory of require.resolve.paths(name) ?? []) {
      const candidate = join(directory, name, 'package.json');
      if (existsSync(candidate)) return candidate;
    }
    return undefined;
  }
}

/** The `@restsync/source` entry of an installed workspace package that has not been built. */
function sourceEntry(packageJsonPath: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { exports?: unknown };
    const exports = manifest.exports as Record<string, unknown> | undefined;
    const root = (exports?.['.'] ?? exports) as Record<string, unknown> | undefined;
    const entry = root?.[sourceCondition];
    if (typeof entry !== 'string') return undefined;
    const file = resolve(dirname(packageJsonPath), entry);
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

async function importFile(file: string): Promise<Record<string, unknown>> {
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, unknown>;
}

/**
 * Loads an adapter package the way the user's project would: resolved from `cwd`
 * (`createRequire(cwd/package.json).resolve(name)`), then a plain `import(name)`, then, for a
 * workspace package that is not built yet, its `@restsync/source` entry.
 */
export async function importAdapterPackage(name: string, cwd: string): Promise<AdapterPackage> {
  const require = createRequire(join(resolve(cwd), 'package.json'));
  let resolved: string | undefined;
  try {
    resolved = require.resolve(name);
  } catch {
    resolved = undefined;
  }
  if (resolved !== undefined) {
    try {
      return { status: 'loaded', module: await importFile(resolved) };
    } catch (error) {
      return { status: 'failed', message: errorMessage(error) };
    }
  }
  try {
    return { status: 'loaded', module: (await import(/* @vite-ignore */ name)) as Record<string, unknown> };
  } catch {
    // Not resolvable from core either; look for an installed but unbuilt package below.
  }
  const packageJson = findPackageJson(require, name);
  if (packageJson === undefined) return { status: 'missing' };
  const entry = sourceEntry(packageJson);
  if (entry === undefined) {
    return {
      status: 'failed',
      message: `it is installed (${dirname(packageJson)}) but its entry point cannot be resolved; is it built?`,
    };
  }
  try {
    return { status: 'loaded', module: await importFile(entry) };
  } catch (error) {
    return { status: 'failed', message: errorMessage(error) };
  }
}
