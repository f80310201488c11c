import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CliProcessResult, type RunningProcess, startProcess } from './child-processes';

export type { CliProcessResult, RunningProcess } from './child-processes';

/** The repository root. */
export const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const cliDirectory = join(repositoryRoot, 'packages/cli');
/** tsx's loader, as an absolute URL: `--import tsx` would resolve from the (temporary) working directory. */
const tsxLoader = pathToFileURL(createRequire(join(cliDirectory, 'package.json')).resolve('tsx')).href;

export interface SpawnCliOptions {
  /** Working directory of the process. */
  cwd: string;
  /** Extra variables (API_KEY, ...) over a clean copy of this process's environment. */
  env?: Record<string, string | undefined>;
  /** Kill the process group after this long and fail with its output. @default 180_000 */
  timeoutMs?: number;
}

/**
 * The environment without what a package manager leaves behind (`INIT_CWD`, `npm_*`), which
 * would change how the CLI resolves paths, without a secret the test did not ask for, and without
 * vitest's variables and Node options (a `--conditions` flag would load workspace sources instead of dist).
 */
function cleanEnvironment(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      name === 'INIT_CWD' ||
      name.startsWith('npm_') ||
      name === 'API_KEY' ||
      // The CLI reads its destination from these when no flag or config names one; a test passes its own.
      name === 'DATABASE_URL' ||
      name === 'RESTSYNC_DESTINATION' ||
      name.startsWith('VITEST') ||
      name === 'NODE_OPTIONS'
    )
      continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

interface Manifest {
  name: string;
  bin?: Record<string, string>;
  exports?: unknown;
  dependencies?: Record<string, string>;
}

function readManifest(packageDirectory: string): Manifest {
  return JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as Manifest;
}

/** The files an exports map loads outside the source condition: every `default` target. */
function builtEntries(exports: unknown): string[] {
  if (typeof exports !== 'object' || exports === null) return [];
  return Object.entries(exports).flatMap(([key, value]) =>
    key === 'default' && typeof value === 'string' ? [value] : builtEntries(value),
  );
}

function newestSourceChange(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

const checkedPackages = new Set<string>();

/**
 * Fails with "run pnpm build first" when a workspace package that `packageDirectory` runs on (itself
 * included when it is a library) has no build, and warns once when a build is older than its sources.
 */
export function assertBuilt(packageDirectory: string): void {
  const pending = [realpathSync(packageDirectory)];
  const missing: string[] = [];
  const stale: string[] = [];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    if (checkedPackages.has(directory)) continue;
    const manifest = readManifest(directory);
    const entries = builtEntries(manifest.exports).map((entry) => join(directory, entry));
    for (const entry of entries) {
      if (!existsSync(entry)) missing.push(relative(repositoryRoot, entry));
    }
    const sources = join(directory, 'src');
    if (entries.length > 0 && missing.length === 0 && existsSync(sources)) {
      const built = Math.min(...entries.map((entry) => statSync(entry).mtimeMs));
      if (newestSourceChange(sources) > built) stale.push(manifest.name);
    }
    checkedPackages.add(directory);
    for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
      if (version.startsWith('workspace:')) pending.push(realpathSync(join(directory, 'node_modules', name)));
    }
  }
  if (missing.length > 0) {
    for (const directory of checkedPackages) checkedPackages.delete(directory);
    throw new Error(
      `The end-to-end tests run the built packages, and these files are missing: ${missing.join(', ')}. ` +
        'Run pnpm build first (npx pnpm@10.34.9 build).',
    );
  }
  if (stale.length > 0) {
    console.warn(
      `restsync tests: the build of ${stale.join(', ')} is older than its sources; ` +
        'run pnpm build first to test the current code.',
    );
  }
}

/** The built CLI, as the package's `bin` runs it. */
function cliBin(): string {
  const bin = readManifest(cliDirectory).bin?.restsync;
  if (!bin) throw new Error('packages/cli/package.json has no "restsync" bin');
  return join(cliDirectory, bin);
}

/**
 * Starts `restsync <args>` from the build (`node packages/cli/bin/restsync.js`) in a process group of its own,
 * for a test that acts on it while it runs: `await cli.waitForOutput(/pages/)`, then `cli.kill('SIGINT')`,
 * then `await cli.exited`. The process group is killed after the test (see `killAllChildren`).
 */
export function startCli(args: string[], options: SpawnCliOptions): RunningProcess {
  assertBuilt(cliDirectory);
  return startProcess(process.execPath, [cliBin(), ...args], {
    cwd: options.cwd,
    env: cleanEnvironment(options.env ?? {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** Runs `restsync <args>` from the build and resolves once it has exited. */
export function spawnCli(args: string[], options: SpawnCliOptions): Promise<CliProcessResult> {
  return startCli(args, options).exited;
}

/**
 * Runs a TypeScript entry point of the repository that has no build of its own (the example app) through
 * tsx, with the workspace packages it imports loaded from their builds.
 */
export function spawnTypeScript(
  scriptPath: string,
  args: string[],
  options: SpawnCliOptions,
): Promise<CliProcessResult> {
  assertBuilt(packageDirectoryOf(scriptPath));
  return startProcess(process.execPath, ['--import', tsxLoader, scriptPath, ...args], {
    cwd: options.cwd,
    env: cleanEnvironment(options.env ?? {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  }).exited;
}

/** The nearest directory above `file` with a package.json. */
function packageDirectoryOf(file: string): string {
  let directory = dirname(file);
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${file}`);
    directory = parent;
  }
  return directory;
}
