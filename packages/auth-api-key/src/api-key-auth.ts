import {
  type Auth,
  ConfigError,
  type ConfigIssue,
  isSecret,
  type RequestSpec,
  resolveSecret,
  type SecretInput,
  withQuery,
} from '@restsync/core';
import { setCookie } from './cookie';

/** Where the key is sent. */
export type ApiKeyLocation = 'header' | 'query' | 'cookie';

const locations: readonly ApiKeyLocation[] = ['header', 'query', 'cookie'];

/** Options of `apiKey()`. */
export interface ApiKeyAuthOptions {
  /** Header, query parameter or cookie name that carries the key. @default 'Authorization' */
  name?: string;
  /**
   * The key, or `secret('api_key')` to read it from the environment (`API_KEY`) or `.env` on
   * first use, so the variable may be set after the source is built.
   */
  apiKey: SecretInput;
  /** Send the key as a header, a query parameter, or a cookie. @default 'header' */
  location?: ApiKeyLocation;
}

/** Option names as the user wrote them (camelCase in code, snake_case in a config file). */
export type ApiKeyOptionName = (option: keyof ApiKeyAuthOptions) => string;

/**
 * Sends an API key with every request to the API's origin: as a header (`name: key`), a query
 * parameter (`?name=key`), or a cookie (`name=key`, other cookies kept). The key is declared to
 * the engine, which redacts it from every URL, message and event, and never sends it to another
 * origin (a next link or a redirect elsewhere).
 *
 * @example apiKey({ name: 'api_key', apiKey: secret('api_key'), location: 'query' })
 */
export function apiKey(options: ApiKeyAuthOptions): Auth {
  return createApiKeyAuth(options, (option) => option);
}

/** `apiKey()` with problems reported under the option names the user wrote (shared with `fromConfig`). */
export function createApiKeyAuth(options: ApiKeyAuthOptions, optionName: ApiKeyOptionName): Auth {
  const { name, location } = validate(options, optionName);
  const input = options.apiKey;
  let resolved: string | undefined;
  const key = (): string => {
    resolved ??= resolveSecret(input);
    return resolved;
  };

  const apply = (request: RequestSpec): RequestSpec => {
    const value = key();
    if (location === 'query') return withQuery(request, { [name]: value });
    if (location === 'header') {
      return { ...request, headers: { ...without(request.headers, name), [name.toLowerCase()]: value } };
    }
    const cookie = setCookie(headerValue(request.headers, 'cookie'), name, value, optionName('apiKey'));
    return { ...request, headers: { ...without(request.headers, 'cookie'), cookie } };
  };

  return Object.freeze({
    kind: 'auth' as const,
    specificationVersion: 'v1' as const,
    type: 'api_key',
    name,
    location,
    apply,
    secrets: () => [key()],
  });
}

function validate(
  options: ApiKeyAuthOptions,
  optionName: ApiKeyOptionName,
): { name: string; location: ApiKeyLocation } {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError([{ path: '', message: 'api_key auth options must be an object, e.g. { apiKey }' }]);
  }
  const issues: ConfigIssue[] = [];
  const name = options.name ?? 'Authorization';
  if (typeof name !== 'string' || name.trim() === '') {
    issues.push({
      path: optionName('name'),
      message: 'expected a non-empty header, parameter or cookie name',
    });
  } else if ((options.location ?? 'header') !== 'query' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    issues.push({
      path: optionName('name'),
      message: `"${name}" is not a valid header or cookie name (letters, digits and !#$%&'*+.^_\`|~- only)`,
    });
  }
  const location = options.location ?? 'header';
  if (!locations.includes(location)) {
    issues.push({
      path: optionName('location'),
      message: `expected one of ${locations.map((item) => `"${item}"`).join(', ')}, got ${JSON.stringify(location)}`,
    });
  }
  const key = options.apiKey;
  if (!isSecret(key) && (typeof key !== 'string' || key === '')) {
    issues.push({
      path: optionName('apiKey'),
      message: 'expected the key as a non-empty string or secret("name") (the value is not shown)',
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { name, location };
}

function without(headers: Record<string, string>, name: string): Record<string, string> {
  const lower = name.toLowerCase();
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== lower));
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const values = Object.entries(headers)
    .filter(([key]) => key.toLowerCase() === name)
    .map(([, value]) => value);
  return values.length > 0 ? values.join('; ') : undefined;
}
