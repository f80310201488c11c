import type { IncomingHttpHeaders } from 'node:http';
import type { OAuth2Tokens } from './oauth2';
import type { AuthCheck } from './test-server-options';

/** Why a request was refused: the message of the 401 and its headers. Never contains a credential. */
export interface AuthFailure {
  message: string;
  headers: Record<string, string>;
}

function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
}

/** The query parameter an auth check reads, which links must never echo. */
export function hiddenQueryParams(check: AuthCheck | undefined): string[] {
  return check?.type === 'api_key' && (check.location ?? 'query') === 'query'
    ? [check.name ?? 'api_key']
    : [];
}

/** Checks a request against `check`; undefined when it may pass. */
export function checkAuth(
  check: AuthCheck | undefined,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  tokens: OAuth2Tokens | undefined,
): AuthFailure | undefined {
  if (check === undefined) return undefined;
  switch (check.type) {
    case 'api_key': {
      const name = check.name ?? 'api_key';
      const location = check.location ?? 'query';
      const sent =
        location === 'query'
          ? query.get(name)
          : location === 'header'
            ? headers[name.toLowerCase()]
            : cookieValue(headers, name);
      if (sent === check.value) return undefined;
      return {
        message: `Missing or invalid API key: pass it in the "${name}" ${location === 'query' ? 'query parameter' : location}.`,
        headers: {},
      };
    }
    case 'bearer':
      if (bearerToken(headers) === check.token) return undefined;
      return {
        message: 'Missing or invalid bearer token.',
        headers: { 'www-authenticate': 'Bearer realm="test-server", error="invalid_token"' },
      };
    case 'http_basic': {
      const expected = `Basic ${Buffer.from(`${check.username}:${check.password}`).toString('base64')}`;
      if (headers.authorization === expected) return undefined;
      return {
        message: 'Missing or invalid HTTP Basic credentials.',
        headers: { 'www-authenticate': 'Basic realm="test-server"' },
      };
    }
    case 'oauth2': {
      const token = bearerToken(headers);
      if (token !== undefined && tokens?.isValid(token)) return undefined;
      return {
        message: 'Missing, expired or revoked access token: get a new one from the token endpoint.',
        headers: { 'www-authenticate': 'Bearer realm="test-server", error="invalid_token"' },
      };
    }
  }
}
