import {
  type Auth,
  type AuthContext,
  AuthError,
  HttpError,
  type RequestSpec,
  ResponseError,
  resolveSecret,
  type SecretInput,
} from '@restsync/core';
import { defineAdapter, option, z } from '@restsync/core/adapter-utils';

const httpUrl = z.string().refine(
  (value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { error: 'expected an absolute http(s) URL, e.g. https://auth.example.com/oauth/token' },
);

/**
 * The OAuth2 client-credentials auth, its options declared once: `{ "type":
 * "oauth2_client_credentials", "access_token_url", "client_id", "client_secret", ... }` in a config
 * file, `oauth2ClientCredentials({ accessTokenUrl, clientId, clientSecret })` in code.
 */
export const oauth2ClientCredentialsAdapter = defineAdapter({
  kind: 'auth',
  type: 'oauth2_client_credentials',
  options: z.object({
    /** The token endpoint. It may be on another origin than the API: the client secret goes there only. */
    accessTokenUrl: httpUrl,
    /** The client id, or `{ "secret": "<name>" }`. */
    clientId: option.secret('the client id'),
    /** The client secret, or `{ "secret": "<name>" }` read from the environment or `.env` on first use. */
    clientSecret: option.secret('the client secret'),
    /** More form fields of the token request (`scope`, `audience`); `grant_type` here replaces `client_credentials`. @default {} */
    accessTokenRequestData: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** Token lifetime in seconds when the token response has no `expires_in`. @default 3600 */
    defaultTokenExpiration: option.positiveInteger().optional(),
    /**
     * How the client authenticates to the token endpoint: `body` (`client_id` and `client_secret`
     * in the form, dlt's way) or `basic` (HTTP Basic, RFC 6749 §2.3.1). @default 'body'
     */
    clientAuthentication: z.enum(['body', 'basic']).optional(),
    /**
     * Seconds before expiry at which a new token is fetched, at most a quarter of the token's
     * lifetime, so a request never leaves with a token about to expire. @default 30
     */
    refreshMarginSeconds: option.nonNegativeInteger().optional(),
  }),
  create: (options) => createOAuth2Auth(options),
});

/** Options of `oauth2ClientCredentials()`. */
export type OAuth2ClientCredentialsOptions = Parameters<typeof oauth2ClientCredentialsAdapter.create>[0];

/**
 * OAuth2 client credentials (RFC 6749 §4.4): gets an access token from `accessTokenUrl` on the
 * first request, sends `Authorization: Bearer <token>` to the API's origin, gets a new token
 * shortly before the old one expires and when the API answers 401. Concurrent requests share one
 * token request. The token request goes through the engine's client (retries, timeout, redirect
 * rules); a failed one is an `AuthError` naming the token URL and the status, never a secret.
 *
 * @example oauth2ClientCredentials({ accessTokenUrl: 'https://auth.example.com/oauth/token',
 *   clientId: secret('client_id'), clientSecret: secret('client_secret') })
 */
export const oauth2ClientCredentials: (options: OAuth2ClientCredentialsOptions) => Auth =
  oauth2ClientCredentialsAdapter.create;

/** Builds the auth from a dlt-style config object (`{ "type": "oauth2_client_credentials", ... }`). */
export function fromConfig(config: Record<string, unknown>): Auth {
  return oauth2ClientCredentialsAdapter.fromConfig(config);
}

interface ResolvedOptions {
  accessTokenUrl: string;
  clientId: SecretInput;
  clientSecret: SecretInput;
  accessTokenRequestData?: Record<string, string | number | boolean>;
  defaultTokenExpiration?: number;
  clientAuthentication?: 'body' | 'basic';
  refreshMarginSeconds?: number;
}

interface AccessToken {
  value: string;
  /** Epoch milliseconds after which a new token is fetched before any request. */
  renewAt: number;
}

/** `https://user:password@host/path?x` → `https://host/path?x` (the engine redacts further). */
function displayUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

function createOAuth2Auth(options: ResolvedOptions): Auth {
  const tokenUrl = options.accessTokenUrl;
  const defaultLifetimeSeconds = options.defaultTokenExpiration ?? 3600;
  const marginSeconds = options.refreshMarginSeconds ?? 30;
  const clientAuthentication = options.clientAuthentication ?? 'body';
  let client: { id: string; secret: string; basic: string } | undefined;
  let token: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;

  const clientCredentials = () => {
    if (client === undefined) {
      const id = resolveSecret(options.clientId);
      const secret = resolveSecret(options.clientSecret);
      // RFC 6749 §2.3.1: both are form-encoded before they are joined and base64-encoded.
      const joined = `${new URLSearchParams({ id }).toString().slice(3)}:${new URLSearchParams({ secret }).toString().slice(7)}`;
      client = { id, secret, basic: Buffer.from(joined, 'utf8').toString('base64') };
    }
    return client;
  };

  const tokenRequest = () => {
    const { id, secret, basic } = clientCredentials();
    const data = Object.fromEntries(
      Object.entries(options.accessTokenRequestData ?? {}).map(([key, value]) => [key, String(value)]),
    );
    if (clientAuthentication === 'basic') {
      return {
        url: tokenUrl,
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
        form: { grant_type: 'client_credentials', ...data },
      };
    }
    return {
      url: tokenUrl,
      method: 'POST',
      form: { grant_type: 'client_credentials', ...data, client_id: id, client_secret: secret },
    };
  };

  const parseToken = (body: unknown, context: AuthContext): AccessToken => {
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const value = fields.access_token;
    if (typeof value !== 'string' || value === '') {
      throw new ResponseError(
        `resource "${context.resource}": the token response of POST ${displayUrl(tokenUrl)} has no ` +
          '"access_token" string. Check access_token_url: it must be the OAuth2 token endpoint.',
      );
    }
    context.registerSecret(value);
    const expiresIn = Number(fields.expires_in);
    const lifetimeSeconds =
      fields.expires_in !== undefined &&
      fields.expires_in !== null &&
      Number.isFinite(expiresIn) &&
      expiresIn >= 0
        ? expiresIn
        : defaultLifetimeSeconds;
    const margin = Math.min(marginSeconds, lifetimeSeconds / 4);
    return { value, renewAt: Date.now() + (lifetimeSeconds - margin) * 1000 };
  };

  const fetchToken = async (context: AuthContext): Promise<AccessToken> => {
    let response: Awaited<ReturnType<AuthContext['fetch']>>;
    try {
      response = await context.fetch(tokenRequest());
    } catch (error) {
      if (HttpError.isInstance(error)) throw new AuthError(error.details, { cause: error });
      throw error;
    }
    return parseToken(response.body, context);
  };

  /** The current token, or one new token request shared by every caller that needs it. */
  const currentToken = async (context: AuthContext): Promise<string> => {
    if (token !== undefined && Date.now() < token.renewAt) return token.value;
    pending ??= fetchToken(context).then(
      (fetched) => {
        token = fetched;
        pending = undefined;
        return fetched;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return (await pending).value;
  };

  return Object.freeze({
    kind: 'auth' as const,
    specificationVersion: 'v1' as const,
    type: 'oauth2_client_credentials',
    async apply(request: RequestSpec, context: AuthContext): Promise<RequestSpec> {
      const value = await currentToken(context);
      return {
        ...request,
        headers: { ...withoutAuthorization(request.headers), authorization: `Bearer ${value}` },
      };
    },
    async refresh(context: AuthContext): Promise<void> {
      token = undefined;
      await currentToken(context);
    },
    secrets: () => {
      const { secret, basic } = clientCredentials();
      return [secret, ...(clientAuthentication === 'basic' ? [basic] : []), ...(token ? [token.value] : [])];
    },
  });
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
}
