import type { Auth } from '@restsync/core';
import { defineAdapter, option, z } from '@restsync/core/adapter-utils';
import { type ApiKeyLocation, createApiKeyAuth } from './api-key-auth';

/**
 * The api_key auth for config files, its options declared once. `location: "param"` is dlt's
 * name for `query`.
 */
export const apiKeyAdapter = defineAdapter({
  kind: 'auth',
  type: 'api_key',
  options: z.object({
    /** Header, query parameter or cookie name that carries the key. @default 'Authorization' */
    name: z.string().optional(),
    /** Send the key as a header, a query parameter (`query`, or dlt's `param`), or a cookie. @default 'header' */
    location: z.enum(['header', 'query', 'param', 'cookie']).optional(),
    /** The key itself or `{ "secret": "<name>" }`, read from the environment (`API_KEY`) or `.env` on first use. */
    apiKey: option.secret('the key'),
  }),
  create: ({ name, location, apiKey }, context) =>
    createApiKeyAuth(
      { name, apiKey, location: location === 'param' ? 'query' : (location as ApiKeyLocation | undefined) },
      (option) => context.nameOf(option),
    ),
});

/**
 * Builds the auth from a dlt-style config object (`{ "type": "api_key", "name": "api_key",
 * "api_key": { "secret": "api_key" }, "location": "query" }`). The core's config loader calls it
 * for `type: "api_key"` (with secrets resolved). Every problem is reported at once, under the
 * snake_case key the user wrote: wrong values, and unknown keys with a suggestion when one is
 * close (`locaton` → `location`). No value is ever shown.
 */
export function fromConfig(config: Record<string, unknown>): Auth {
  return apiKeyAdapter.fromConfig(config);
}
