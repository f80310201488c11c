import {
  type Auth,
  ConfigError,
  type ConfigIssue,
  type SecretInput,
  secret,
  unknownKeyIssues,
} from '@restsync/core';
import { type ApiKeyAuthOptions, createApiKeyAuth } from './api-key-auth';

/** dlt's snake_case config key for each option. */
const configKeys = { name: 'name', apiKey: 'api_key', location: 'location' } as const satisfies Record<
  keyof ApiKeyAuthOptions,
  string
>;

const optionKeys: readonly string[] = Object.values(configKeys);

/**
 * Builds the auth from a dlt-style config object (`{ "type": "api_key", "name": "api_key",
 * "api_key": { "secret": "api_key" }, "location": "query" }`). `api_key` is the key itself or
 * `{ "secret": "<name>" }`, read from the environment (`API_KEY`) or `.env` on first use. The core's
 * config loader calls it for `type: "api_key"` (with `type` removed and secrets resolved). Every
 * problem is reported at once, under the snake_case key the user wrote: wrong values, and unknown
 * keys with a suggestion when one is close (`locaton` → `location`). No value is ever shown.
 */
export function fromConfig(config: Record<string, unknown>): Auth {
  const issues = unknownKeyIssues(config, optionKeys, ['type']);
  if (config.type !== undefined && config.type !== 'api_key') {
    issues.push({ path: 'type', message: `expected "api_key", got ${JSON.stringify(config.type)}` });
  }
  const apiKey = toSecretInput(config.api_key, issues);
  const options = {
    name: config.name ?? undefined,
    apiKey,
    location: config.location ?? undefined,
  } as ApiKeyAuthOptions;
  let auth: Auth;
  try {
    auth = createApiKeyAuth(options, (option) => configKeys[option]);
  } catch (error) {
    if (issues.length === 0 || !ConfigError.isInstance(error)) throw error;
    // A malformed api_key is already reported; the option validation would report it again.
    const reported = new Set(issues.map((issue) => issue.path));
    throw new ConfigError([...issues, ...error.issues.filter((issue) => !reported.has(issue.path))]);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return auth;
}

/** The key as given, or a secret for `{ "secret": "<name>" }`; a malformed reference is an issue. */
function toSecretInput(value: unknown, issues: ConfigIssue[]): SecretInput {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const name = (value as Record<string, unknown>).secret;
    if (typeof name === 'string' && name.trim() !== '' && Object.keys(value).length === 1)
      return secret(name);
    issues.push({
      path: 'api_key',
      message: 'expected the key as a string or { "secret": "<name>" } (the value is not shown)',
    });
    return '';
  }
  // Anything else is reported by the option validation, together with every other problem.
  return value as SecretInput;
}
