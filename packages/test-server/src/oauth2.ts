import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { OAuth2ServerOptions } from './test-server-options';

/** The token side of the server: counters and revocation for tests. */
export interface OAuth2Tokens {
  /** Requests to the token endpoint, accepted or not. */
  readonly tokenRequests: number;
  /** Access tokens issued so far, oldest first. */
  readonly issued: readonly string[];
  /** Makes a token (default: every token issued so far) invalid: protected routes answer 401 to it. */
  revoke(token?: string): void;
  /** True for a token this server issued that has not expired or been revoked. */
  isValid(token: string): boolean;
}

interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface OAuth2Server extends OAuth2Tokens {
  readonly path: string;
  /** Answers one token request (form-encoded body). */
  handle(headers: IncomingHttpHeaders, body: string): TokenResponse;
}

function basicCredentials(headers: IncomingHttpHeaders): [string, string] | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  // RFC 6749 §2.3.1: the client id and secret are form-encoded before Basic encoding.
  const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
  return [decode(decoded.slice(0, colon)), decode(decoded.slice(colon + 1))];
}

const invalidClient = (message: string): TokenResponse => ({
  status: 401,
  body: { error: 'invalid_client', error_description: message },
  headers: { 'www-authenticate': 'Basic realm="test-server"' },
});

/** A client-credentials token endpoint that issues short-lived opaque bearer tokens. */
export function createOAuth2Server(options: OAuth2ServerOptions): OAuth2Server {
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const clientAuthentication = options.clientAuthentication ?? 'any';
  const expiries = new Map<string, number>();
  const issued: string[] = [];
  let tokenRequests = 0;

  return {
    path: options.path ?? '/oauth/token',
    get tokenRequests() {
      return tokenRequests;
    },
    issued,
    revoke(token) {
      for (const key of token === undefined ? [...expiries.keys()] : [token]) expiries.set(key, 0);
    },
    isValid(token) {
      const expiry = expiries.get(token);
      return expiry !== undefined && Date.now() < expiry;
    },
    handle(headers, body) {
      tokenRequests += 1;
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials') {
        return {
          status: 400,
          body: {
            error: 'unsupported_grant_type',
            error_description: 'Only client_credentials is supported.',
          },
          headers: {},
        };
      }
      const basic = basicCredentials(headers);
      const inBody = form.has('client_secret');
      if (basic && inBody) return invalidClient('Send the client credentials one way only.');
      if (basic && clientAuthentication === 'body') {
        return invalidClient('Send client_id and client_secret in the form body.');
      }
      if (inBody && clientAuthentication === 'basic') {
        return invalidClient('Send the client credentials with HTTP Basic authentication.');
      }
      const [clientId, clientSecret] = basic ?? [form.get('client_id'), form.get('client_secret')];
      if (clientId !== options.clientId || clientSecret !== options.clientSecret) {
        return invalidClient('Unknown client or wrong secret.');
      }
      for (const [name, value] of Object.entries(options.requiredParams ?? {})) {
        if (form.get(name) !== value) {
          return {
            status: 400,
            body: {
              error: 'invalid_request',
              error_description: `The form field "${name}" is missing or wrong.`,
            },
            headers: {},
          };
        }
      }
      const token = `access-${issued.length + 1}-${randomBytes(12).toString('hex')}`;
      issued.push(token);
      expiries.set(token, Date.now() + lifetimeSeconds * 1000);
      return {
        status: 200,
        body: {
          access_token: token,
          token_type: 'Bearer',
          ...(options.omitExpiresIn ? {} : { expires_in: lifetimeSeconds }),
        },
        headers: { 'cache-control': 'no-store' },
      };
    },
  };
}
