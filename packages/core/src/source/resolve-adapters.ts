import type { Auth } from '../contracts/auth';
import type { Paginator } from '../contracts/paginator';
import { specificationVersionProblem } from '../contracts/specification-version';
import { ConfigError, type ConfigIssue, RestsyncError, type SecretError } from '../errors';
import {
  type SourceAdapterKind as AdapterKind,
  type AdapterRegistry,
  resolveAdapterType,
} from './adapter-registry';
import { autoPaginator } from './auto-paginator';
import { isSecretKey } from './config-issues';
import { formatPath, isPlainObject, joinPath } from './config-keys';
import type { Located } from './read-config';
import { resolveSecretsDeep, type SecretContext } from './secret-values';

export interface AdapterResolverOptions {
  /** Every type name that can be built (user registry, loaded packages, built-ins). */
  registry: AdapterRegistry;
  /** Why a type is unavailable, by `<kind>:<type>` (packages that failed to load). */
  unavailable: ReadonlyMap<string, string>;
  secrets: SecretContext;
  issues: ConfigIssue[];
}

export interface AdapterResolver {
  paginator(located: Located | undefined): Paginator | undefined;
  /** The paginator of a resource without one at any level: detection from the first page. */
  detected(): Paginator;
  auth(located: Located | undefined): Auth | undefined;
}

/**
 * The `type` of an adapter config object. As in dlt, an auth with no `type` and a `token` is a
 * bearer auth (`{ "token": ... }`); any other adapter object must name its type.
 */
export function adapterTypeOf(kind: AdapterKind, data: Record<string, unknown>): unknown {
  if (data.type !== undefined) return data.type;
  return kind === 'auth' && Object.hasOwn(data, 'token') ? 'bearer' : undefined;
}

/** Registers an auth's secrets with the redactor; an unresolvable secret is recorded, not thrown. */
function registerAuthSecrets(auth: Auth, secrets: SecretContext): void {
  try {
    for (const value of auth.secrets()) secrets.redactor.add(value);
  } catch (error) {
    if (RestsyncError.isInstance(error) && error.code === 'secret') {
      secrets.failures.push(error as SecretError);
      return;
    }
    throw error;
  }
}

/** The message for a type that resolves to a package `restApiSource()` cannot load. */
function unloadedPackageMessage(kind: AdapterKind, type: string, packageName: string): string {
  return (
    `${kind} type "${type}" is not registered. restApiSource() only builds registered types: use ` +
    `loadRestApiSource() (which loads ${packageName}), pass the adapter's factory instead, or register ` +
    'it with createAdapterRegistry()'
  );
}

/**
 * Builds paginators and auths from the config: factory objects are used as they are; `type`
 * strings and `{ type, ...options }` objects go to the registered `fromConfig` with `type`
 * removed and secrets resolved. Adapter problems come back under the config path. Each config
 * location is built once, so resources inheriting the same paginator share its factory.
 */
export function createAdapterResolver(options: AdapterResolverOptions): AdapterResolver {
  const { registry, unavailable, secrets, issues } = options;
  const cache = new Map<string, Paginator | Auth | undefined>();
  const detectingPaginator = autoPaginator(registry.detectors);

  const build = (kind: AdapterKind, located: Located): Paginator | Auth | undefined => {
    const { value, path } = located;
    if (isPlainObject(value) && value.kind === kind) {
      if (kind === 'auth') registerAuthSecrets(value as unknown as Auth, secrets);
      return value as unknown as Paginator | Auth;
    }
    const data = typeof value === 'string' ? { type: value } : value;
    if (!isPlainObject(data)) return undefined;
    const type = adapterTypeOf(kind, data);
    if (kind === 'auth' && type === undefined) {
      issues.push({
        path: formatPath([...path, 'type']),
        message:
          'required: the auth type, e.g. "bearer", "api_key", "http_basic" or "oauth2_client_credentials" ' +
          '(only an auth with a "token" may leave it out: it is then "bearer", as in dlt)',
      });
      return undefined;
    }
    if (typeof type !== 'string' || type === '') return undefined;
    const typePath = typeof value === 'string' || data.type === undefined ? path : [...path, 'type'];
    if (kind === 'paginator' && type === 'auto') {
      const { type: _auto, ...options } = data;
      for (const key of Object.keys(options)) {
        issues.push({
          path: joinPath(path, key),
          message: 'unknown key: the paginator "auto" takes no options',
        });
      }
      return detectingPaginator;
    }
    const resolution = resolveAdapterType(kind, type, registry);
    if (resolution.status !== 'registered') {
      const message =
        unavailable.get(`${kind}:${type}`) ??
        (resolution.status === 'package'
          ? unloadedPackageMessage(kind, type, resolution.packageName)
          : resolution.message);
      issues.push({ path: formatPath(typePath), message });
      return undefined;
    }
    const fromConfig = resolution.build;
    const { type: _type, ...rest } = data;
    const adapterOptions = resolveSecretsDeep(rest, secrets, isSecretKey) as Record<string, unknown>;
    let adapter: Paginator | Auth;
    try {
      adapter = fromConfig(adapterOptions);
    } catch (error) {
      if (ConfigError.isInstance(error)) {
        for (const issue of (error as ConfigError).issues) {
          issues.push({ path: joinPath(path, issue.path), message: secrets.redactor.redact(issue.message) });
        }
      } else {
        const message = error instanceof Error ? error.message : String(error);
        issues.push({
          path: formatPath(path),
          message: secrets.redactor.redact(`the ${kind} "${type}" could not be built: ${message}`),
        });
      }
      return undefined;
    }
    if (!isPlainObject(adapter) || adapter.kind !== kind) {
      issues.push({
        path: formatPath(path),
        message: `the fromConfig registered for ${kind} type "${type}" did not return ${kind === 'auth' ? 'an' : 'a'} ${kind}`,
      });
      return undefined;
    }
    if (kind === 'auth') registerAuthSecrets(adapter as Auth, secrets);
    return adapter;
  };

  const checkVersion = (kind: AdapterKind, located: Located, adapter: Paginator | Auth | undefined) => {
    if (adapter === undefined) return undefined;
    const problem = specificationVersionProblem(kind, adapter);
    if (problem === undefined) return adapter;
    issues.push({ path: formatPath(located.path), message: problem });
    return undefined;
  };

  const resolve = (kind: AdapterKind, located: Located | undefined) => {
    if (!located) return undefined;
    const key = `${kind}:${formatPath(located.path)}`;
    if (!cache.has(key)) cache.set(key, checkVersion(kind, located, build(kind, located)));
    return cache.get(key);
  };

  return {
    paginator: (located) => resolve('paginator', located) as Paginator | undefined,
    detected: () => detectingPaginator,
    auth: (located) => resolve('auth', located) as Auth | undefined,
  };
}
