import { type AdapterDefinition, type AdapterKind, isAdapterDefinition } from '../adapters/define-adapter';
import { isThirdPartyPackageType, officialAdapters } from '../adapters/official-adapters';
import { singlePageAdapter } from '../adapters/single-page';
import type { Auth } from '../contracts/auth';
import type { Paginator } from '../contracts/paginator';
import type { PaginatorDetector } from '../contracts/paginator-detection';
import { didYouMean } from './config-issues';

export type { AdapterKind } from '../adapters/define-adapter';

/** Builds a paginator from dlt-style data (`type` removed, secrets resolved). Throws `ConfigError` with relative paths. */
export type PaginatorFromConfig = (config: Record<string, unknown>) => Paginator;

/** Builds an auth from dlt-style data (`type` removed, secrets resolved). Throws `ConfigError` with relative paths. */
export type AuthFromConfig = (config: Record<string, unknown>) => Auth;

/** The adapter kinds a source config names by `type`. */
export type SourceAdapterKind = 'paginator' | 'auth';

export interface AdapterRegistryOptions {
  /** Adapter definitions (`offsetAdapter`, `postgresAdapter`, ...), each registered under its `type`. */
  adapters?: readonly AdapterDefinition[];
  /** Paginator `type` names → a `fromConfig`, e.g. `{ offset: fromConfig }`. */
  paginators?: Record<string, PaginatorFromConfig>;
  /** Auth `type` names → a `fromConfig`, e.g. `{ api_key: fromConfig }`. */
  auths?: Record<string, AuthFromConfig>;
}

/** `type` names a config may use, mapped to the adapters that build them. */
export interface AdapterRegistry {
  readonly paginators: ReadonlyMap<string, PaginatorFromConfig>;
  readonly auths: ReadonlyMap<string, AuthFromConfig>;
  /** Destinations by `type`; a URL finds one through its `schemes`. */
  readonly destinations: ReadonlyMap<string, AdapterDefinition<'destination'>>;
  /** Paginator detectors by `type`, from the registered definitions that offer one. */
  readonly detectors: ReadonlyMap<string, PaginatorDetector>;
}

/**
 * Registers adapters. A registered type takes precedence over the official package of the same
 * name and over a package found by convention, and may be any name you like.
 *
 * @example createAdapterRegistry({ adapters: [offsetAdapter, apiKeyAdapter, postgresAdapter] })
 */
export function createAdapterRegistry(options: AdapterRegistryOptions = {}): AdapterRegistry {
  const paginators = new Map(Object.entries(options.paginators ?? {}));
  const auths = new Map(Object.entries(options.auths ?? {}));
  const destinations = new Map<string, AdapterDefinition<'destination'>>();
  const detectors = new Map<string, PaginatorDetector>();
  for (const adapter of options.adapters ?? []) {
    if (isAdapterDefinition(adapter, 'paginator')) {
      paginators.set(adapter.type, adapter.fromConfig);
      if (adapter.detector !== undefined) detectors.set(adapter.type, adapter.detector);
    } else if (isAdapterDefinition(adapter, 'auth')) auths.set(adapter.type, adapter.fromConfig);
    else if (isAdapterDefinition(adapter, 'destination')) destinations.set(adapter.type, adapter);
    else throw new TypeError('createAdapterRegistry: expected adapter definitions made by defineAdapter()');
  }
  return { paginators, auths, destinations, detectors };
}

/** Combines registries; earlier ones win. */
export function mergeAdapterRegistries(...registries: (AdapterRegistry | undefined)[]): AdapterRegistry {
  const paginators = new Map<string, PaginatorFromConfig>();
  const auths = new Map<string, AuthFromConfig>();
  const destinations = new Map<string, AdapterDefinition<'destination'>>();
  const detectors = new Map<string, PaginatorDetector>();
  for (const registry of registries.toReversed()) {
    for (const [name, build] of registry?.paginators ?? []) paginators.set(name, build);
    for (const [name, build] of registry?.auths ?? []) auths.set(name, build);
    for (const [name, adapter] of registry?.destinations ?? []) destinations.set(name, adapter);
    for (const [name, detector] of registry?.detectors ?? []) detectors.set(name, detector);
  }
  return { paginators, auths, destinations, detectors };
}

/** Types core builds itself. */
export const builtInAdapters: AdapterRegistry = createAdapterRegistry({ adapters: [singlePageAdapter] });

/**
 * The package a `type` resolves to: the official package of an official type (`offset` →
 * `@restsync/paginator-offset`), or the type itself when it names a third-party package by the
 * convention (`@acme/restsync-paginator-scroll`). Undefined for any other type.
 */
export function adapterPackageName(kind: AdapterKind, type: string): string | undefined {
  const official = officialAdapters.find((adapter) => adapter.kind === kind && adapter.type === type);
  if (official !== undefined) return official.packageName;
  return isThirdPartyPackageType(kind, type) ? type : undefined;
}

/** Every type of `kind` a config may name: registered ones and the official ones. */
export function availableTypes(kind: AdapterKind, registry: AdapterRegistry): string[] {
  const registered =
    kind === 'paginator' ? registry.paginators : kind === 'auth' ? registry.auths : registry.destinations;
  const official = officialAdapters.filter((adapter) => adapter.kind === kind).map((adapter) => adapter.type);
  return [...new Set([...official, ...registered.keys()])].sort();
}

/** How a `type` resolves: to a registered adapter, to a package to load, or to nothing (with the message). */
export type AdapterTypeResolution<Build> =
  | { status: 'registered'; build: Build }
  | { status: 'package'; packageName: string }
  | { status: 'unknown'; message: string };

/**
 * Resolves a paginator or auth `type`, the one place that does: a registered type (the
 * caller's registry, the CLI's bundled adapters, core's built-ins), then an official package,
 * then a third-party package named by the convention. Anything else is unknown: the message lists
 * the available types with a did-you-mean suggestion, and never asks to install a package.
 */
export function resolveAdapterType<Kind extends SourceAdapterKind>(
  kind: Kind,
  type: string,
  registry: AdapterRegistry,
): AdapterTypeResolution<Kind extends 'paginator' ? PaginatorFromConfig : AuthFromConfig> {
  const build = kind === 'paginator' ? registry.paginators.get(type) : registry.auths.get(type);
  if (build !== undefined) return { status: 'registered', build: build as never };
  const packageName = adapterPackageName(kind, type);
  if (packageName !== undefined) return { status: 'package', packageName };
  return { status: 'unknown', message: unknownTypeMessage(kind, type, availableTypes(kind, registry)) };
}

/** `paginator type "ofset" is not available; did you mean "offset"? Available: ...` */
export function unknownTypeMessage(kind: AdapterKind, type: string, available: readonly string[]): string {
  const suggestion = didYouMean(type, available);
  const list = available.length > 0 ? available.join(', ') : 'none';
  return (
    `${kind} type "${type}" is not available` +
    (suggestion === undefined ? '.' : `; did you mean "${suggestion}"?`) +
    ` Available types: ${list}. A third-party ${kind} is named by its package: ` +
    `restsync-${kind}-<name> or @<scope>/restsync-${kind}-<name>`
  );
}

/** The scheme of a URL, lower case, without `:` (`postgres`, `mongodb+srv`, `pglite`). */
export function urlScheme(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
}

/** Every destination URL scheme available: registered destinations' and the official ones. */
export function destinationSchemes(registry: AdapterRegistry): string[] {
  const schemes = [...registry.destinations.values()].flatMap((adapter) => adapter.schemes);
  for (const adapter of officialAdapters)
    if (adapter.kind === 'destination') schemes.push(...(adapter.schemes ?? []));
  return [...new Set(schemes)];
}

/**
 * Resolves a destination URL by its scheme: a registered destination that declares it, then the
 * official package for it. An unknown scheme is a message listing the schemes available.
 */
export function resolveDestinationUrl(
  url: string,
  registry: AdapterRegistry,
): AdapterTypeResolution<AdapterDefinition<'destination'>> {
  const scheme = urlScheme(url);
  if (scheme !== undefined) {
    for (const adapter of registry.destinations.values()) {
      if (adapter.schemes.includes(scheme)) return { status: 'registered', build: adapter };
    }
    const official = officialAdapters.find(
      (adapter) => adapter.kind === 'destination' && adapter.schemes?.includes(scheme),
    );
    if (official !== undefined) return { status: 'package', packageName: official.packageName };
  }
  const supported = destinationSchemes(registry).map((known) => `${known}:`);
  const suggestion = scheme === undefined ? undefined : didYouMean(`${scheme}:`, supported);
  return {
    status: 'unknown',
    message:
      `unsupported destination${scheme === undefined ? ` "${url}"` : ` scheme "${scheme}:"`}` +
      (suggestion === undefined ? '.' : `; did you mean "${suggestion}"?`) +
      ` Supported schemes: ${supported.join(', ')}`,
  };
}
