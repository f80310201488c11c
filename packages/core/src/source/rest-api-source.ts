import type { DltRestApiSourceConfig, RestApiSourceConfig, RestApiSourceOptions } from '../config/types';
import type { Source } from '../contracts/source';
import { buildSource } from './build-source';

export { loadRestApiSource } from './load-rest-api-source';

/**
 * Builds a source from a rest_api config, synchronously. Accepts the camelCase form with adapter
 * factories (`offset({ limit: 100 })`, `apiKey({...})`) and dlt's plain-data form (`base_url`,
 * `{ "type": "offset", "limit": 100 }`); a `type` string must be registered in `options.registry`
 * (or be built in: `single_page`) — use `loadRestApiSource` to resolve adapter packages.
 * Every problem is thrown at once as one `ConfigError` (paths in the user's spelling), and
 * every secret is resolved now, before any request.
 */
export function restApiSource(
  config: RestApiSourceConfig | DltRestApiSourceConfig,
  options: RestApiSourceOptions = {},
): Source {
  return buildSource(config, options, { registry: undefined, unavailable: new Map() });
}
