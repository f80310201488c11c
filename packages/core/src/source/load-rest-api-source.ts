import type { Source } from '../contracts/source';
import { importAdapterPackage } from './adapter-packages';
import {
  type AdapterKind,
  type AuthFromConfig,
  adapterPackageName,
  builtInAdapters,
  createAdapterRegistry,
  isValidAdapterType,
  mergeAdapterRegistries,
  type PaginatorFromConfig,
} from './adapter-registry';
import { buildSource } from './build-source';
import { detectSpelling, isPlainObject } from './config-keys';
import type { DltRestApiSourceConfig, RestApiSourceConfig, RestApiSourceOptions } from './config-types';
import { type Located, readConfig } from './read-config';

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
      const type = value.type ?? (kind === 'auth' ? 'bearer' : undefined);
      if (typeof type === 'string') types.push({ kind, type });
    }
  }
  return types;
}

/**
 * Like `restApiSource`, but first resolves every paginator/auth `type` that is not registered
 * to its adapter package by convention (`offset` → `@restsync/paginator-offset`, `api_key` →
 * `@restsync/auth-api-key`), loaded from `options.cwd`. A package that is not installed is
 * reported in the same `ConfigError` as every other problem, naming the package to install.
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
    const registered = kind === 'paginator' ? known.paginators.has(type) : known.auths.has(type);
    const loadedAlready = Object.hasOwn(kind === 'paginator' ? paginators : auths, type);
    if (registered || unavailable.has(key) || loadedAlready) continue;
    if ((kind === 'paginator' && type === 'auto') || !isValidAdapterType(type)) continue;
    const packageName = adapterPackageName(kind, type);
    const loadedPackage = await importAdapterPackage(packageName, cwd);
    if (loadedPackage.status === 'missing') {
      unavailable.set(key, `${kind} type "${type}": install ${packageName} (npm install ${packageName})`);
    } else if (loadedPackage.status === 'failed') {
      unavailable.set(
        key,
        `${kind} type "${type}": ${packageName} could not be loaded: ${loadedPackage.message}`,
      );
    } else if (typeof loadedPackage.module.fromConfig !== 'function') {
      unavailable.set(key, `${kind} type "${type}": ${packageName} does not export fromConfig(config)`);
    } else if (kind === 'paginator') {
      paginators[type] = loadedPackage.module.fromConfig as PaginatorFromConfig;
    } else {
      auths[type] = loadedPackage.module.fromConfig as AuthFromConfig;
    }
  }
  return buildSource(config, options, {
    registry: createAdapterRegistry({ paginators, auths }),
    unavailable,
  });
}
