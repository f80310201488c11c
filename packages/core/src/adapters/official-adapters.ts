import type { AdapterKind } from './define-adapter';

/** An adapter restsync publishes: the `type` a config names it by, and its package. */
export interface OfficialAdapter {
  kind: AdapterKind;
  type: string;
  packageName: string;
  /** Destinations only: the URL schemes it loads to, without `:`. */
  schemes?: readonly string[];
}

/**
 * The official adapters, one line each: a config file may name these types without installing
 * anything else when the CLI bundles them, and `loadRestApiSource` loads their package from the
 * project otherwise. Only packages that are published belong here: an unknown type must never
 * send the user to install a package that does not exist.
 */
export const officialAdapters: readonly OfficialAdapter[] = [
  { kind: 'paginator', type: 'offset', packageName: '@restsync/paginator-offset' },
  { kind: 'paginator', type: 'json_link', packageName: '@restsync/paginator-link' },
  { kind: 'paginator', type: 'json_response', packageName: '@restsync/paginator-link' },
  { kind: 'paginator', type: 'header_link', packageName: '@restsync/paginator-link' },
  { kind: 'paginator', type: 'page_number', packageName: '@restsync/paginator-page-number' },
  { kind: 'paginator', type: 'cursor', packageName: '@restsync/paginator-cursor' },
  { kind: 'paginator', type: 'header_cursor', packageName: '@restsync/paginator-cursor' },
  { kind: 'auth', type: 'api_key', packageName: '@restsync/auth-api-key' },
  { kind: 'auth', type: 'bearer', packageName: '@restsync/auth-bearer' },
  { kind: 'auth', type: 'http_basic', packageName: '@restsync/auth-basic' },
  { kind: 'auth', type: 'oauth2_client_credentials', packageName: '@restsync/auth-oauth2' },
  {
    kind: 'destination',
    type: 'postgres',
    packageName: '@restsync/destination-postgres',
    schemes: ['postgres', 'postgresql', 'pglite'],
  },
  {
    kind: 'destination',
    type: 'mongodb',
    packageName: '@restsync/destination-mongodb',
    schemes: ['mongodb', 'mongodb+srv'],
  },
];

/**
 * Whether `type` names a third-party adapter package by the convention for installed packages:
 * `restsync-<kind>-<name>` or `@<scope>/restsync-<kind>-<name>` (`@acme/restsync-paginator-scroll`).
 */
export function isThirdPartyPackageType(kind: AdapterKind, type: string): boolean {
  return new RegExp(`^(@[a-z0-9][a-z0-9._-]*/)?restsync-${kind}-[a-z0-9][a-z0-9._-]*$`).test(type);
}
