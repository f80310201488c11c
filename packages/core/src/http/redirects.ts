/** Statuses that send the client elsewhere with a `Location` header. */
const redirectStatuses: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** The default limit on redirects followed for one request. */
export const defaultMaxRedirects = 5;

/** The request that got a redirect response. */
export interface RedirectedRequest {
  method: string;
  url: string;
}

/** Where a redirect leads, or why it must not be followed. */
export type RedirectStep =
  | {
      kind: 'follow';
      /** The absolute URL to request next. */
      url: string;
      /** The method of the next request. */
      method: string;
      /** Whether the body goes along (307/308); otherwise the next request has none. */
      keepBody: boolean;
    }
  | { kind: 'refuse'; reason: string; hint: string };

/** Whether a response is a redirect the client follows: a 301/302/303/307/308 with a `Location`. */
export function isRedirect(status: number, location: string | null): location is string {
  return redirectStatuses.has(status) && location !== null;
}

/**
 * Decides how to follow a redirect, as browsers do for the method: 303 turns any request but HEAD
 * into a GET without body, 301/302 do so for a POST, 307/308 keep method and body. Refuses a
 * `Location` that is not an http(s) URL, a downgrade from https to http (the request would travel
 * unencrypted), and a redirect beyond `maxRedirects` (`followed` counts those already followed).
 */
export function nextRedirect(
  request: RedirectedRequest,
  status: number,
  location: string,
  followed: number,
  maxRedirects: number,
): RedirectStep {
  if (followed >= maxRedirects) {
    return {
      kind: 'refuse',
      reason: `more than ${maxRedirects} redirects`,
      hint: 'The API redirects in a loop or too often; use the final URL, or raise maxRedirects.',
    };
  }
  let target: URL;
  try {
    target = new URL(location, request.url);
  } catch {
    return {
      kind: 'refuse',
      reason: 'a Location header that is not a valid URL',
      hint: 'The API sent a broken redirect; report it to the API provider.',
    };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return {
      kind: 'refuse',
      reason: `a redirect to a ${target.protocol} URL`,
      hint: 'Only http and https redirects are followed.',
    };
  }
  if (new URL(request.url).protocol === 'https:' && target.protocol === 'http:') {
    return {
      kind: 'refuse',
      reason: 'a redirect from https to http, which would send the request unencrypted',
      hint: 'Use the https URL the API should redirect to, or ask the API provider to fix the redirect.',
    };
  }
  const becomesGet =
    (status === 303 && request.method !== 'HEAD') ||
    ((status === 301 || status === 302) && request.method === 'POST');
  return {
    kind: 'follow',
    url: target.toString(),
    method: becomesGet ? 'GET' : request.method,
    keepBody: !becomesGet,
  };
}
