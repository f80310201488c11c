import { extname } from 'node:path';
import { isSecretHeader, isSecretKey } from '@restsync/core';
import type { SyncFile } from './config-file';

/** Where secret fields live in a source config: auth options, header values, query parameters. */
const holders = ['auth', 'headers', 'params'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSecretReference(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 1 && typeof value.secret === 'string';
}

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * The paths of secrets written inline in a JSON or YAML config file (`source.client.auth.token`):
 * a non-empty string under a secret key of an auth (`token`, `password`, `client_secret`,
 * `api_key`, ...), of `params`, or under a credential header name. `{ "secret": "name" }`
 * references are fine, and code configs are not checked (their strings may come from the environment).
 */
export function inlineSecretPaths(file: Pick<SyncFile, 'path' | 'source'>): string[] {
  if (!['.json', '.yaml', '.yml'].includes(extname(file.path).toLowerCase())) return [];
  const found: string[] = [];
  const visit = (value: unknown, path: string, holder: (typeof holders)[number] | undefined) => {
    if (isSecretReference(value)) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, child(path, index), holder);
      });
      return;
    }
    if (!isPlainObject(value)) return;
    for (const [key, item] of Object.entries(value)) {
      const sensitive = holder === 'headers' ? isSecretHeader(key) : holder !== undefined && isSecretKey(key);
      if (typeof item === 'string' && item !== '' && sensitive) found.push(child(path, key));
      const next = holders.find((name) => name === key) ?? holder;
      visit(item, child(path, key), next);
    }
  };
  visit(file.source, 'source', undefined);
  return found;
}

/** One warning per secret written inline; it names the field, never the value. */
export function inlineSecretWarnings(file: Pick<SyncFile, 'path' | 'source'>, shownPath: string): string[] {
  return inlineSecretPaths(file).map(
    (path) =>
      `restsync: warning: ${path} in ${shownPath} is a secret written inline. Keep secrets out of config ` +
      'files: write { "secret": "<name>" } and set the environment variable <NAME> (or put it in .env).\n',
  );
}
