import { fromConfig as apiKeyFromConfig } from '@restsync/auth-api-key';
import { createAdapterRegistry, loadRestApiSource, type Source } from '@restsync/core';
import { fromConfig as offsetFromConfig } from '@restsync/paginator-offset';

/** The adapters the CLI ships with; other `type`s resolve to installed packages by convention. */
const bundledAdapters = createAdapterRegistry({
  paginators: { offset: offsetFromConfig },
  auths: { api_key: apiKeyFromConfig },
});

/** Validates the source config (every problem at once) and resolves its adapters and secrets. */
export function buildSource(
  config: Record<string, unknown>,
  options: { cwd: string; env: Record<string, string | undefined> },
): Promise<Source> {
  return loadRestApiSource(config, { cwd: options.cwd, env: options.env, registry: bundledAdapters });
}
