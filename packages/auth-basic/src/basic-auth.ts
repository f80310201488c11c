import { type Auth, ConfigError, type RequestSpec, resolveSecret, type SecretInput } from '@restsync/core';
import { type AdapterCreateContext, defineAdapter, option, z } from '@restsync/core/adapter-utils';

/**
 * The HTTP Basic auth, its options declared once: `{ "type": "http_basic", "username": ...,
 * "password": ... }` in a config file, `httpBasic({ username, password })` in code.
 */
export const httpBasicAdapter = defineAdapter({
  kind: 'auth',
  type: 'http_basic',
  options: z.object({
    /**
     * The user name, or `{ "secret": "<name>" }`. Stripe-style APIs take the API key here and no
     * password: the user name is then treated as a secret.
     */
    username: option.secret('the user name'),
    /** The password, or `{ "secret": "<name>" }` read from the environment or `.env` on first use. @default '' */
    password: z.union([z.literal(''), option.secret('the password')]).optional(),
  }),
  create: ({ username, password }, context) => createHttpBasicAuth(username, password ?? '', context),
});

/** Options of `httpBasic()`. */
export type HttpBasicAuthOptions = Parameters<typeof httpBasicAdapter.create>[0];

/**
 * Sends `Authorization: Basic base64(username:password)` (UTF-8, RFC 7617) with every request to
 * the API's origin. The password, the encoded credentials, and the user name when it is a secret
 * or stands alone (an API key as user name) are declared to the engine, which redacts them.
 *
 * @example httpBasic({ username: secret('stripe_key') })
 */
export const httpBasic: (options: HttpBasicAuthOptions) => Auth = httpBasicAdapter.create;

/** Builds the auth from a dlt-style config object (`{ "type": "http_basic", "username": ..., "password": ... }`). */
export function fromConfig(config: Record<string, unknown>): Auth {
  return httpBasicAdapter.fromConfig(config);
}

function checkUsername(username: string, name: string): void {
  if (username.includes(':')) {
    throw new ConfigError([
      { path: name, message: 'a user name cannot contain ":" in HTTP Basic auth (the value is not shown)' },
    ]);
  }
}

function createHttpBasicAuth(
  usernameInput: SecretInput,
  passwordInput: SecretInput,
  context: AdapterCreateContext,
): Auth {
  if (typeof usernameInput === 'string') checkUsername(usernameInput, context.nameOf('username'));
  let resolved: { username: string; password: string; header: string } | undefined;
  const credentials = () => {
    if (resolved === undefined) {
      const username = resolveSecret(usernameInput);
      checkUsername(username, context.nameOf('username'));
      const password = resolveSecret(passwordInput);
      const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
      resolved = { username, password, header: `Basic ${encoded}` };
    }
    return resolved;
  };
  const usernameIsSecret = typeof usernameInput !== 'string' || passwordInput === '';

  return Object.freeze({
    kind: 'auth' as const,
    specificationVersion: 'v1' as const,
    type: 'http_basic',
    apply: (request: RequestSpec): RequestSpec => ({
      ...request,
      headers: { ...withoutAuthorization(request.headers), authorization: credentials().header },
    }),
    secrets: () => {
      const { username, password, header } = credentials();
      return [
        header.slice('Basic '.length),
        ...(password === '' ? [] : [password]),
        ...(usernameIsSecret ? [username] : []),
      ];
    },
  });
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
}
