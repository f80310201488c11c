import { isAbsolute } from 'node:path';

/** The name of the repository root script that runs the CLI (`pnpm restsync <args>`). */
const rootScriptName = 'restsync';

/**
 * The directory the user typed the command in. pnpm and npm run a package script from the
 * package's root and keep the caller's directory in `INIT_CWD`; when the CLI runs as the
 * `restsync` script, relative paths must resolve against that directory, not the package root.
 * Anywhere else `INIT_CWD` may be inherited from an unrelated script, so it is ignored.
 */
export function callerDirectory(env: Record<string, string | undefined>, processCwd: string): string {
  const initial = env.INIT_CWD;
  if (env.npm_lifecycle_event === rootScriptName && initial !== undefined && isAbsolute(initial)) {
    return initial;
  }
  return processCwd;
}
