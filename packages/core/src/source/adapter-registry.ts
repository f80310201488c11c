import type { Auth } from '../contracts/auth';
import { type Paginator, singlePage } from '../contracts/paginator';

/** Builds a paginator from dlt-style data (`type` removed, secrets resolved). Throws `ConfigError` with relative paths. */
export type PaginatorFromConfig = (config: Record<string, unknown>) => Paginator;

/** Builds an auth from dlt-style data (`type` removed, secrets resolved). Throws `ConfigError` with relative paths. */
export type AuthFromConfig = (config: Record<string, unknown>) => Auth;

export type AdapterKind = 'paginator' | 'auth';

export interface AdapterRegistryOptions {
  /** Paginator `type` names → the adapter's `fromConfig`, e.g. `{ offset: fromConfig }`. */
  paginators?: Record<string, PaginatorFromConfig>;
  /** Auth `type` names → the adapter's `fromConfig`, e.g. `{ api_key: fromConfig }`. */
  auths?: Record<string, AuthFromConfig>;
}

/** `type` names a config may use, mapped to the adapters that build them. */
export interface AdapterRegistry {
  readonly paginators: ReadonlyMap<string, PaginatorFromConfig>;
  readonly auths: ReadonlyMap<string, AuthFromConfig>;
}

/**
 * Registers adapter `type` names. A registered name takes precedence over the package found by
 * convention (`offset` → `@restsync/paginator-offset`), and may be any name you like.
 *
 * @example createAdapterRegistry({ paginators: { offset: offsetFromConfig }, auths: { api_key: apiKeyFromConfig } })
 */
export function createAdapterRegistry(options: AdapterRegistryOptions = {}): AdapterRegistry {
  return {
    paginators: new Map(Object.entries(options.paginators ?? {})),
    auths: new Map(Object.entries(options.auths ?? {})),
  };
}

/** Combines registries; earlier ones win. */
export function mergeAdapterRegistries(...registries: (AdapterRegistry | undefined)[]): AdapterRegistry {
  const paginators = new Map<string, PaginatorFromConfig>();
  const auths = new Map<string, AuthFromConfig>();
  for (const registry of registries.toReversed()) {
    for (const [name, build] of registry?.paginators ?? []) paginators.set(name, build);
    for (const [name, build] of registry?.auths ?? []) auths.set(name, build);
  }
  return { paginators, auths };
}

/** Types core builds itself. */
export const builtInAdapters: AdapterRegistry = createAdapterRegistry({
  paginators: { single_page: () => singlePage() },
});

/**
 * The package a `type` resolves to by convention: paginator `page_number` →
 * `@restsync/paginator-page-number`, auth `api_key` → `@restsync/auth-api-key`. A type that is
 * itself a package name (`@acme/restsync-paginator-foo`) is used as is.
 */
export function adapterPackageName(kind: AdapterKind, type: string): string {
  if (type.includes('/')) return type;
  return `@restsync/${kind}-${type.replace(/_/g, '-')}`;
}

/** A `type` that can name a package: `offset`, `api_key`, `@scope/name`. */
export function isValidAdapterType(type: string): boolean {
  return /^[a-z][a-z0-9_-]*$/.test(type) || /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/.test(type);
}
