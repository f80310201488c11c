import { isAdapterDefinition } from '../adapters/define-adapter';
import { detectSpelling } from '../config/keys';
import type { DltRestApiSourceConfig, RestApiSourceConfig, RestApiSourceOptions } from '../config/types';
import type { Source } from '../contracts/source';
import { type AdapterPackage, importAdapterPackage } from './adapter-packages';
import {
  type SourceAdapterKind as AdapterKind,
  type AuthFromConfig,
  builtInAdapters,
  createAdapterRegistry,
  mergeAdapterRegistries,
  type PaginatorFromConfig,
  resolveAdapterType,
} from './adapter-registry';
import { buildSource } from './build-source';
import { isPlainObject } from './config-keys';
import { type Located, readConfig } from './read-config';
import { adapterTypeOf } from './resolve-adapters';

/** Every paginator/auth `type` a config names, with its kind. */
function adapterTypes(config: Record<string, unknown>): { kind: AdapterKind; type: string }[] {
  const read = readConfig(config, detectSpelling(config), []);
  const endpoints = [read.defaults.endpoint, ...read.resources.map((resource) => resource.ownEndpoint)];
  const located: [AdapterKind, Located | undefined][] = [
    ['paginator', read.client.fields.paginator],
    ['auth', read.client.fields.auth],
    ...endpoints.flatMap((endpoint): [AdapterKind, Located | undefined][] => [
      ['paginator', endpoint.fields.paginator],
      ['auth', endpoint.fields.auth],
    ]),
  ];
  const types: { kind: AdapterKind; type: string }[] = [];
  for (const [kind, item] of located) {
    const value = item?.value;
    if (typeof value === 'string') types.push({ kind, type: value });
    else if (isPlainObject(value) && value.kind === undefined) {
      const type = adapterTypeOf(kind, value);
      if (typeof type === 'string') types.push({ kind, type });
    }
  }
  return types;
}

/**
 * The adapter's config entry point in a loaded package: the exported definition of `kind` and
 * `type` (a package may hold several types, e.g. `json_link` and `header_link`), else its
 * `fromConfig`, else its only definition of `kind`.
 */
function entryPoint(
  kind: AdapterKind,
  type: string,
  module: Record<string, unknown>,
): ((config: Record<string, unknown>) => unknown) | undefined {
  const exact = Object.values(module).find(
    (value) => isAdapterDefinition(value, kind) && value.type === type,
  );
  if (isAdapterDefinition(exact, kind)) return exact.fromConfig;
  if (typeof module.fromConfig === 'function')
    return module.fromConfig as (config: Record<string, unknown>) => unknown;
  const definition = Object.values(module).find((value) => isAdapterDefinition(value, kind));
  return isAdapterDefinition(definition, kind) ? definition.fromConfig : undefined;
}

/** Why a package cannot build `type`, or its config entry point. */
function packageEntry(
  kind: AdapterKind,
  type: string,
  packageName: string,
  loaded: AdapterPackage,
): { problem: string } | { build: (config: Record<string, unknown>) => unknown } {
  if (loaded.status === 'missing') {
    return { problem: `${kind} type "${type}": install ${packageName} (npm install ${packageName})` };
  }
  if (loaded.status === 'failed') {
    return { problem: `${kind} type "${type}": ${packageName} could not be loaded: ${loaded.message}` };
  }
  const build = entryPoint(kind, type, loaded.module);
  if (build === undefined) {
    return {
      problem: `${kind} type "${type}": ${packageName} exports neither fromConfig(config) nor ${kind === 'auth' ? 'an' : 'a'} ${kind} defined with defineAdapter()`,
    };
  }
  return { build };
}

/**
 * Like `restApiSource`, but first loads the package of every paginator/auth `type` that is not
 * registered: an official type from its package (`offset` → `@restsync/paginator-offset`), or a
 * third-party package named by the convention (`@acme/restsync-paginator-scroll`), loaded from
 * `options.cwd`. A package that is not installed is reported in the same `ConfigError` as every
 * other problem, naming the package to install; an unknown type lists the available types.
 * The CLI uses this for JSON and YAML configs.
 */
export async function loadRestApiSource(
  config: RestApiSourceConfig | DltRestApiSourceConfig | Record<string, unknown>,
  options: RestApiSourceOptions = {},
): Promise<Source> {
  if (!isPlainObject(config))
    return buildSource(config, options, { registry: undefined, unavailable: new Map() });
  const known = mergeAdapterRegistries(options.registry, builtInAdapters);
  const paginators: Record<string, PaginatorFromConfig> = {};
  const auths: Record<string, AuthFromConfig> = {};
  const unavailable = new Map<string, string>();
  const cwd = options.cwd ?? process.cwd();
  for (const { kind, type } of adapterTypes(config)) {
    const key = `${kind}:${type}`;
    const loadedAlready = Object.hasOwn(kind === 'paginator' ? paginators : auths, type);
    if (unavailable.has(key) || loadedAlready || (kind === 'paginator' && type === 'auto')) continue;
    const resolution = resolveAdapterType(kind, type, known);
    if (resolution.status !== 'package') continue;
    const entry = packageEntry(
      kind,
      type,
      resolution.packageName,
      await importAdapterPackage(resolution.packageName, cwd),
    );
    if ('problem' in entry) unavailable.set(key, entry.problem);
    else if (kind === 'paginator') paginators[type] = entry.build as PaginatorFromConfig;
    else auths[type] = entry.build as AuthFromConfig;
  }
  return buildSource(config, options, {
    registry: createAdapterRegistry({ paginators, auths }),
    unavailable,
  });
}
