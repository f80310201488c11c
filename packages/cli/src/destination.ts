import { isAbsolute, join, resolve } from 'node:path';
import {
  ConfigError,
  type ConfigIssue,
  type Destination,
  destinationSchemes,
  resolveDestinationUrl,
  unknownKeyMessage,
  urlScheme,
} from '@restsync/core';
import { bundledAdapters } from './bundled-adapters';

/** A destination as the CLI understood it, before anything connects. */
export type DestinationTarget =
  | {
      type: 'postgres';
      /** The URL as given (with its password: never print it). */
      url: string;
      /** Values to redact from every output: the password, raw and decoded. */
      secrets: string[];
    }
  | {
      type: 'pglite';
      /** `pglite:<absolute directory>` or `pglite:memory`. */
      url: string;
      secrets: string[];
    }
  | {
      type: 'mongodb';
      url: string;
      /** Write every dataset into this one database. */
      database?: string;
      secrets: string[];
    }
  | {
      /** Any other bundled destination, found by its URL scheme. */
      type: 'adapter';
      /** The destination's `type`, e.g. `duckdb`. */
      adapterType: string;
      url: string;
      secrets: string[];
    }
  | {
      type: 'code';
      /** A destination a code config built itself. */
      destination: Destination;
      secrets: string[];
    };

export interface ResolveDestinationOptions {
  /** `--destination <url>`; wins over the file. */
  flag?: string;
  /** The file's `destination` value. */
  file?: unknown;
  /** The caller's working directory: relative `pglite:` paths and the default live here. */
  cwd: string;
}

/** Where data goes when neither the file nor the command line names a destination. */
export function defaultDestinationUrl(cwd: string): string {
  return `pglite:${join(cwd, '.restsync', 'pglite')}`;
}

const objectKeys = ['url', 'database'];
const schemes = destinationSchemes(bundledAdapters)
  .map((scheme) => (scheme === 'pglite' ? 'pglite:<directory>' : `${scheme}://…`))
  .join(', ');

function isDestination(value: unknown): value is Destination {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'destination';
}

/** The password of a `scheme://user:password@host` URL and any `password=` parameter, raw and decoded. */
function urlSecrets(url: string): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined | null) => {
    if (!value) return;
    values.add(value);
    try {
      values.add(decodeURIComponent(value));
    } catch {
      // A malformed escape: the raw value is registered already.
    }
  };
  add(/^[a-z][a-z0-9+.-]*:\/\/[^:/@?#]*:([^@/?#]*)@/i.exec(url)?.[1]);
  for (const match of url.matchAll(/[?&][^=&#]*password=([^&#]*)/gi)) add(match[1]);
  return [...values];
}

function parseUrl(url: string, path: string, database: string | undefined, cwd: string): DestinationTarget {
  const issues: ConfigIssue[] = [];
  let target: DestinationTarget | undefined;
  const resolution = resolveDestinationUrl(url, bundledAdapters);
  const adapterType = resolution.status === 'registered' ? resolution.build.type : undefined;
  if (resolution.status === 'unknown') {
    issues.push({ path, message: resolution.message });
  } else if (adapterType === 'postgres' && urlScheme(url) === 'pglite') {
    const location = url.slice('pglite:'.length).replace(/^\/\/(?=.)/, '');
    if (location.trim() === '') {
      issues.push({ path, message: 'pglite: needs a directory, e.g. pglite:./data (or pglite:memory)' });
    } else {
      const directory = location === 'memory' || isAbsolute(location) ? location : resolve(cwd, location);
      target = { type: 'pglite', url: `pglite:${directory}`, secrets: [] };
    }
  } else if (adapterType === 'postgres') {
    target = { type: 'postgres', url, secrets: urlSecrets(url) };
    if (!URL.canParse(url)) {
      issues.push({ path, message: 'not a valid URL; expected postgres://user:password@host:5432/database' });
    }
  } else if (adapterType === 'mongodb') {
    target = {
      type: 'mongodb',
      url,
      ...(database === undefined ? {} : { database }),
      secrets: urlSecrets(url),
    };
  } else if (adapterType !== undefined) {
    target = { type: 'adapter', adapterType, url, secrets: urlSecrets(url) };
  } else {
    issues.push({ path, message: `the CLI does not bundle the destination for "${urlScheme(url)}:" URLs` });
  }
  if (database !== undefined && target !== undefined && target.type !== 'mongodb') {
    issues.push({
      path: path.replace(/url$/, 'database'),
      message:
        'only applies to mongodb:// destinations; for Postgres the dataset is the schema (pipeline.dataset)',
    });
  }
  if (issues.length > 0 || target === undefined) throw new ConfigError(issues);
  return target;
}

/**
 * Works out the destination from `--destination`, else the file's `destination` (a URL string,
 * `{ url, database? }`, or a destination built in code), else the embedded PGlite default under
 * `<cwd>/.restsync/`. Problems are a `ConfigError` naming `--destination` or `destination…`.
 */
export function resolveDestination(options: ResolveDestinationOptions): DestinationTarget {
  const { flag, file, cwd } = options;
  if (flag !== undefined) return parseUrl(flag, '--destination', undefined, cwd);
  if (file === undefined || file === null)
    return parseUrl(defaultDestinationUrl(cwd), 'destination', undefined, cwd);
  if (isDestination(file)) return { type: 'code', destination: file, secrets: [] };
  if (typeof file === 'string') return parseUrl(file, 'destination', undefined, cwd);
  if (typeof file !== 'object' || Array.isArray(file)) {
    throw new ConfigError([{ path: 'destination', message: `expected a URL string or { url, database? }` }]);
  }
  const spec = file as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(spec)) {
    if (!objectKeys.includes(key))
      issues.push({ path: `destination.${key}`, message: unknownKeyMessage(key, objectKeys) });
  }
  if (typeof spec.url !== 'string' || spec.url.trim() === '') {
    issues.push({ path: 'destination.url', message: `required: a URL (${schemes})` });
  }
  if (spec.database !== undefined && (typeof spec.database !== 'string' || spec.database.trim() === '')) {
    issues.push({ path: 'destination.database', message: 'expected a non-empty string' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return parseUrl(spec.url as string, 'destination.url', spec.database as string | undefined, cwd);
}

/** Moves a factory's issue paths (`url`, `chunkSize`) under the CLI's path for the destination. */
function rethrowUnder(error: unknown, path: string): never {
  if (ConfigError.isInstance(error)) {
    const issues = error.issues.map((issue) => ({
      path: issue.path === 'url' || issue.path === '' ? path : `${path}.${issue.path}`,
      message: issue.message,
    }));
    throw new ConfigError(issues, { cause: error });
  }
  throw error;
}

/** Builds the destination (nothing connects until the pipeline opens it). */
export function createDestination(target: DestinationTarget, path = 'destination'): Destination {
  if (target.type === 'code') return target.destination;
  const resolution = resolveDestinationUrl(target.url, bundledAdapters);
  if (resolution.status !== 'registered') {
    const message = resolution.status === 'unknown' ? resolution.message : 'not bundled with the CLI';
    throw new ConfigError([{ path, message }]);
  }
  try {
    return resolution.build.create({
      url: target.url,
      ...(target.type === 'mongodb' && target.database !== undefined ? { database: target.database } : {}),
    });
  } catch (error) {
    rethrowUnder(error, path);
  }
}
