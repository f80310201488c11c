import { type Auth, type RequestSpec, resolveSecret, type SecretInput } from '@restsync/core';
import { defineAdapter, option, z } from '@restsync/core/adapter-utils';

/**
 * The bearer auth, its options declared once: `{ "type": "bearer", "token": ... }` in a config
 * file (or, as in dlt, an auth object with a `token` and no `type`), `bearer({ token })` in code.
 */
export const bearerAdapter = defineAdapter({
  kind: 'auth',
  type: 'bearer',
  options: z.object({
    /**
     * The token, or `secret('token')` / `{ "secret": "token" }` to read it from the environment
     * (`TOKEN`) or `.env` on first use.
     */
    token: option.secret('the token'),
  }),
  create: ({ token }) => createBearerAuth(token),
});

/** Options of `bearer()`. */
export type BearerAuthOptions = Parameters<typeof bearerAdapter.create>[0];

/**
 * Sends `Authorization: Bearer <token>` with every request to the API's origin. The token is
 * declared to the engine, which redacts it everywhere and never sends it to another origin.
 *
 * @example bearer({ token: secret('github_token') })
 */
export const bearer: (options: BearerAuthOptions) => Auth = bearerAdapter.create;

/** Builds the auth from a dlt-style config object (`{ "type": "bearer", "token": ... }`). */
export function fromConfig(config: Record<string, unknown>): Auth {
  return bearerAdapter.fromConfig(config);
}

function createBearerAuth(input: SecretInput): Auth {
  let resolved: string | undefined;
  const token = (): string => {
    resolved ??= resolveSecret(input);
    return resolved;
  };
  return Object.freeze({
    kind: 'auth' as const,
    specificationVersion: 'v1' as const,
    type: 'bearer',
    apply: (request: RequestSpec): RequestSpec => ({
      ...request,
      headers: { ...withoutAuthorization(request.headers), authorization: `Bearer ${token()}` },
    }),
    secrets: () => [token()],
  });
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
}
