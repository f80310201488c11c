import { join } from 'node:path';
import { ConfigError, type Destination } from '@restsync/core';
import { mongodb } from '@restsync/destination-mongodb';
import { postgres } from '@restsync/destination-postgres';

/** Where data goes when neither the file nor the command line names a destination. */
export function defaultDestinationUrl(cwd: string): string {
  return `pglite:${join(cwd, '.restsync', 'pglite')}`;
}

function isDestination(value: unknown): value is Destination {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'destination';
}

/**
 * Builds a destination from a URL (`postgres://…`, `postgresql://…`, `pglite:<dir>`, `mongodb://…`),
 * an object `{ url, database? }`, or a Destination built in code.
 */
export function createDestination(spec: unknown, cwd: string): Destination {
  if (isDestination(spec)) return spec;
  const { url, database } =
    typeof spec === 'string'
      ? { url: spec, database: undefined }
      : typeof spec === 'object' && spec !== null
        ? (spec as { url?: unknown; database?: unknown })
        : { url: undefined, database: undefined };
  if (spec === undefined) return postgres({ url: defaultDestinationUrl(cwd) });
  if (typeof url !== 'string' || url === '') {
    throw new ConfigError([{ path: 'destination', message: 'expected a URL string or { url, database? }' }]);
  }
  if (/^postgres(ql)?:\/\//i.test(url) || /^pglite:/i.test(url)) return postgres({ url });
  if (/^mongodb(\+srv)?:\/\//i.test(url)) {
    return mongodb(typeof database === 'string' ? { url, database } : { url });
  }
  throw new ConfigError([
    {
      path: 'destination',
      message:
        'unsupported destination URL scheme (use postgres://, postgresql://, pglite:<directory> or mongodb://)',
    },
  ]);
}
