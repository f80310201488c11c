import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const binPath = fileURLToPath(new URL('packages/cli/src/bin.ts', pathToFileURL(repositoryRoot)));
/** tsx's loader, as an absolute URL: `--import tsx` would resolve from the (temporary) working directory. */
const tsxLoader = pathToFileURL(
  createRequire(new URL('packages/cli/package.json', pathToFileURL(repositoryRoot))).resolve('tsx'),
).href;

export interface CliProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SpawnCliOptions {
  /** Working directory of the process. */
  cwd: string;
  /** Extra variables (API_KEY, ...) over a clean copy of this process's environment. */
  env?: Record<string, string | undefined>;
  /** Kill the process after this long. @default 60_000 */
  timeoutMs?: number;
}

/**
 * The environment without what a package manager leaves behind (`INIT_CWD`, `npm_*`), which
 * would change how the CLI resolves paths, and without a secret the test did not ask for.
 */
function cleanEnvironment(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'INIT_CWD' || name.startsWith('npm_') || name === 'API_KEY' || name.startsWith('VITEST'))
      continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs `restsync <args>` from source in a child process (`node --conditions=@restsync/source --import tsx bin.ts`). */
export function spawnCli(args: string[], options: SpawnCliOptions): Promise<CliProcessResult> {
  return spawnTypeScript(binPath, args, options);
}

/** Runs a TypeScript file of the repository from source in a child process, as `pnpm` scripts do. */
export function spawnTypeScript(
  scriptPath: string,
  args: string[],
  options: SpawnCliOptions,
): Promise<CliProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@restsync/source', '--import', tsxLoader, scriptPath, ...args],
      { cwd: options.cwd, env: cleanEnvironment(options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
