import { type Auth, ConfigError, type SecretInput, secret } from '@restsync/core';
import { type ApiKeyAuthOptions, createApiKeyAuth } from './api-key-auth';

/** dlt's snake_case config key for each option. */
const configKeys = { name: 'name', apiKey: 'api_key', location: 'location' } as const satisfies Record<
  keyof ApiKeyAuthOptions,
  string
>;

/**
 * Builds the auth from a dlt-style config object (`{ "type": "api_key", "name": "api_key",
 * "api_key": { "secret": "api_key" }, "location": "query" }`). `api_key` is the key itself or
 * `{ "secret": "<name>" }`, read from the environment (`API_KEY`) or `.env` on first use. The core's
 * config loader calls it for `type: "api_key"`; it checks unknown keys itself.
 */
export function fromConfig(config: Record<string, unknown>): Auth {
  if (config.type !== undefined && config.type !== 'api_key') {
    throw new ConfigError([
      { path: 'type', message: `expected "api_key", got ${JSON.stringify(config.type)}` },
    ]);
  }
  const options = {
    name: config.name ?? undefined,
    apiKey: toSecretInput(config.api_key),
    location: config.location ?? undefined,
  } as ApiKeyAuthOptions;
  return createApiKeyAuth(options, (option) => configKeys[option]);
}

function toSecretInput(value: unknown): SecretInput {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const name = (value as Record<string, unknown>).secret;
    if (typeof name === 'string' && name.trim() !== '' && Object.keys(value).length === 1)
      return secret(name);
    throw new ConfigError([
      {
        path: 'api_key',
        message: 'expected the key as a string or { "secret": "<name>" } (the value is not shown)',
      },
    ]);
  }
  // Anything else is reported by the option validation, together with every other problem.
  return value as SecretInput;
}
