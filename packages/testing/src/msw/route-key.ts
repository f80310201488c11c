import { ConfigError } from '@restsync/core';

/** Methods a route key may start with; `*` matches any method. */
export const routeMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*'] as const;

export type RouteMethod = (typeof routeMethods)[number];

export interface ParsedRouteKey {
  /** Normalized key: `GET https://api.example.com/v1/resource`. */
  routeKey: string;
  method: RouteMethod;
  /** Absolute URL pattern without query (msw path parameters such as `:id` allowed). */
  url: string;
}

function invalid(key: string, message: string): ConfigError {
  return new ConfigError([{ path: `routes[${JSON.stringify(key)}]`, message }]);
}

/**
 * Parses `'<METHOD> <url>'`. The URL is absolute, or a path starting with `/` when `baseUrl` is given;
 * it has no query string (requests match whatever their query; read it from the recorded call).
 */
export function parseRouteKey(key: string, baseUrl: string | undefined): ParsedRouteKey {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(key);
  if (!match) {
    throw invalid(key, 'a route key is "<METHOD> <url>", e.g. "GET https://api.example.com/v1/resource"');
  }
  const method = match[1]!.toUpperCase() as RouteMethod;
  if (!routeMethods.includes(method)) {
    throw invalid(key, `unknown method "${match[1]}": use one of ${routeMethods.join(', ')}`);
  }
  let url = match[2]!;
  if (url.startsWith('/')) {
    if (baseUrl === undefined) {
      throw invalid(key, 'a path needs the baseUrl option; or write the absolute URL');
    }
    url = `${baseUrl.replace(/\/+$/, '')}${url}`;
  }
  if (!/^https?:\/\//i.test(url)) {
    throw invalid(key, `"${url}" is not an absolute http(s) URL`);
  }
  if (url.includes('?') || url.includes('#')) {
    throw invalid(key, 'leave the query string out of the route key; the recorded call has it as `query`');
  }
  return { routeKey: `${method} ${url}`, method, url };
}
