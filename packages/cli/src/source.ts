import { ConfigError, loadRestApiSource, type Source } from '@restsync/core';
import { bundledAdapters } from './bundled-adapters';

export interface BuildSourceOptions {
  /** Adapter packages and the `.env` file are resolved from here. */
  cwd: string;
  /** Where `{ "secret": "api_key" }` reads `API_KEY` from. */
  env: Record<string, string | undefined>;
}

function isSource(value: unknown): value is Source {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'source';
}

/** `client.base_url` → `source.client.base_url`: paths as they appear in the config file. */
function underSource(path: string): string {
  if (path === '') return 'source';
  if (path.startsWith('secret ')) return path;
  return path.startsWith('[') ? `source${path}` : `source.${path}`;
}

/**
 * Validates the file's `source` (every problem at once, paths starting at `source`) and resolves
 * its adapters and secrets. A source a code config built itself is used as is.
 */
export async function buildSource(config: unknown, options: BuildSourceOptions): Promise<Source> {
  if (isSource(config)) return config;
  try {
    return await loadRestApiSource(config as Record<string, unknown>, {
      cwd: options.cwd,
      env: options.env,
      registry: bundledAdapters,
    });
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    const issues = error.issues.map((issue) => ({ path: underSource(issue.path), message: issue.message }));
    throw new ConfigError(issues, { cause: error });
  }
}
