import { ConfigError } from '@restsync/core';

/** Where a destination connects, parsed from the `url` option. */
export type ConnectionTarget =
  | {
      kind: 'server';
      url: string;
      /** The URL with its password replaced by `***`. */
      description: string;
      host: string;
      port: string;
      /** Secret values to redact from every message (password, raw and decoded). */
      secrets: string[];
    }
  | {
      kind: 'pglite';
      /** Undefined: in memory. */
      directory: string | undefined;
      description: string;
    };

const mask = '***';

/** Replaces the password of a `scheme://user:password@host` URL and any `password=` parameter with `***`. */
export function redactConnectionUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@]*@/i, `$1:${mask}@`)
    .replace(/([?&]password=)[^&#]*/gi, `$1${mask}`);
}

/** Where PGlite keeps its data when no URL is given: on disk, relative to the working directory. */
export const defaultPgliteDirectory = '.restsync/pglite';

function parsePglite(rest: string): ConnectionTarget {
  const location = rest.startsWith('//') ? rest.slice(2) : rest;
  if (location === 'memory') {
    return { kind: 'pglite', directory: undefined, description: 'pglite:memory' };
  }
  if (location.trim() === '') {
    throw new ConfigError([
      {
        path: 'url',
        message: 'pglite: needs a directory, e.g. pglite:./data (or pglite:memory for no files)',
      },
    ]);
  }
  return { kind: 'pglite', directory: location, description: `pglite:${location}` };
}

function parseServer(url: string): ConnectionTarget {
  const description = redactConnectionUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError([
      {
        path: 'url',
        message: `"${description}" is not a valid URL. Expected postgres://user:password@host:port/database`,
      },
    ]);
  }
  const secrets = new Set<string>();
  const addSecret = (value: string | null) => {
    if (!value) return;
    secrets.add(value);
    try {
      secrets.add(decodeURIComponent(value));
    } catch {
      // A malformed escape: the raw value is already registered.
    }
  };
  addSecret(parsed.password);
  addSecret(parsed.searchParams.get('password'));
  return {
    kind: 'server',
    url,
    description,
    host: parsed.hostname || 'localhost',
    port: parsed.port || '5432',
    secrets: [...secrets],
  };
}

/**
 * Parses the `url` option: `postgres://` / `postgresql://` → a server; `pglite:<directory>` /
 * `pglite://<directory>` → PGlite persisted there; omitted (or empty, as an unset
 * `process.env.DATABASE_URL` is) → PGlite on disk in `.restsync/pglite`; only `pglite:memory` is
 * in memory, so no run silently loses its data.
 */
export function parseConnectionUrl(url: string | undefined): ConnectionTarget {
  if (url === undefined || url.trim() === '') return parsePglite(defaultPgliteDirectory);
  if (/^pglite:/i.test(url)) return parsePglite(url.slice('pglite:'.length));
  if (/^postgres(ql)?:\/\//i.test(url)) return parseServer(url);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new ConfigError([
    {
      path: 'url',
      message:
        `unsupported URL${scheme ? ` scheme "${scheme}:"` : ''}. Use postgres://user:password@host:port/database, ` +
        'pglite:<directory> or pglite:memory (or leave it out for PGlite on disk in .restsync/pglite)',
    },
  ]);
}
