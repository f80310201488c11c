import { keyIn, type Spelling, spellingsOf } from '../config/forms';
import { configKeys } from '../config/keys';
import type { ConfigIssue } from '../errors';
import { type ConfigPath, formatPath, isPlainObject } from './config-keys';
import { mergeColumnHints } from './resource-hints';

/** A config value and the path it was written at (in the user's spelling). */
export interface Located<T = unknown> {
  value: T;
  path: ConfigPath;
}

type Fields<K extends string> = Partial<Record<K, Located>>;

export type EndpointField = (typeof configKeys.endpoint)[number];
export type ResourceField = (typeof configKeys.resourceDefaults)[number];
export type ClientField = (typeof configKeys.client)[number];

/** An endpoint with `params` and `headers` split per entry, so a merge keeps each entry's path. */
export interface EndpointSettings {
  fields: Fields<Exclude<EndpointField, 'params' | 'headers'>>;
  params: Map<string, Located>;
  /** Keyed by lower-case header name. */
  headers: Map<string, Located>;
  /** Where the endpoint was written (for placeholder problems). */
  path: ConfigPath;
}

export interface ResourceSettings {
  /** Position in `resources`. */
  index: number;
  /** `resources[<index>]`. */
  path: ConfigPath;
  name: string | undefined;
  endpoint: EndpointSettings;
  /** The endpoint as the resource itself wrote it (before the defaults were merged in). */
  ownEndpoint: EndpointSettings;
  fields: Fields<Exclude<ResourceField, 'endpoint'>>;
}

export interface ClientSettings {
  fields: Fields<Exclude<ClientField, 'headers'>>;
  headers: Map<string, Located>;
}

export interface ReadConfig {
  client: ClientSettings;
  defaults: { fields: Fields<Exclude<ResourceField, 'endpoint'>>; endpoint: EndpointSettings };
  resources: ResourceSettings[];
}

/** The path a field has (or would have) in the user's spelling. */
export function fieldPath(
  objectPath: ConfigPath,
  camelKey: string,
  spelling: Spelling,
  located?: Located,
): ConfigPath {
  return located?.path ?? [...objectPath, keyIn(camelKey, spelling)];
}

function readFields<K extends string>(
  object: unknown,
  path: ConfigPath,
  keys: readonly K[],
  issues: ConfigIssue[],
): Fields<K> {
  const fields: Fields<K> = {};
  if (!isPlainObject(object)) return fields;
  for (const key of keys) {
    const present = spellingsOf(key).filter((spelling) => object[spelling] !== undefined);
    if (present.length > 1) {
      issues.push({
        path: formatPath([...path, present[1]!]),
        message: `"${present[0]}" is also given; use one spelling`,
      });
    }
    const found = present[0];
    if (found !== undefined) fields[key] = { value: object[found], path: [...path, found] };
  }
  return fields;
}

function readEntries(located: Located | undefined, lowerCase: boolean): Map<string, Located> {
  const entries = new Map<string, Located>();
  if (!located || !isPlainObject(located.value)) return entries;
  for (const [key, value] of Object.entries(located.value)) {
    entries.set(lowerCase ? key.toLowerCase() : key, { value, path: [...located.path, key] });
  }
  return entries;
}

function readEndpoint(value: unknown, path: ConfigPath, issues: ConfigIssue[]): EndpointSettings {
  const object = typeof value === 'string' ? { path: value } : value;
  const { params, headers, ...fields } = readFields(object, path, configKeys.endpoint, issues);
  return { fields, params: readEntries(params, false), headers: readEntries(headers, true), path };
}

/** Retry options with camelCase keys (either spelling in). */
export function camelRetry(value: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (!isPlainObject(value)) return result;
  for (const key of configKeys.retry) {
    const found = spellingsOf(key).find((spelling) => value[spelling] !== undefined);
    if (found !== undefined) result[key] = value[found];
  }
  return result;
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) result[key] = deepMerge(base[key], value);
  return result;
}

/**
 * Merges the defaults' endpoint under a resource's: the resource wins per field; params and
 * headers merge per entry; a JSON body merges deeply; a paginator or auth is replaced whole.
 */
function mergeEndpoints(defaults: EndpointSettings, own: EndpointSettings): EndpointSettings {
  const fields = { ...defaults.fields, ...own.fields };
  const defaultJson = defaults.fields.json;
  const ownJson = own.fields.json;
  if (defaultJson && ownJson)
    fields.json = { value: deepMerge(defaultJson.value, ownJson.value), path: ownJson.path };
  return {
    fields,
    params: new Map([...defaults.params, ...own.params]),
    headers: new Map([...defaults.headers, ...own.headers]),
    path: own.path,
  };
}

/**
 * Reads a config in either spelling into settings that remember where each value was written,
 * and merges `resourceDefaults` under every resource. Shape problems are zod's job; this only
 * reports a key given in both spellings.
 */
export function readConfig(
  config: Record<string, unknown>,
  spelling: Spelling,
  issues: ConfigIssue[],
): ReadConfig {
  const root = readFields(config, [], configKeys.root, issues);
  const clientFields = readFields(
    root.client?.value,
    root.client?.path ?? ['client'],
    configKeys.client,
    issues,
  );
  const { headers: clientHeaders, ...clientRest } = clientFields;
  const client: ClientSettings = { fields: clientRest, headers: readEntries(clientHeaders, true) };

  const defaultsPath = fieldPath([], 'resourceDefaults', spelling, root.resourceDefaults);
  const { endpoint: defaultsEndpoint, ...defaultFields } = readFields(
    root.resourceDefaults?.value,
    defaultsPath,
    configKeys.resourceDefaults,
    issues,
  );
  const defaults = {
    fields: defaultFields,
    endpoint: readEndpoint(
      defaultsEndpoint?.value,
      fieldPath(defaultsPath, 'endpoint', spelling, defaultsEndpoint),
      issues,
    ),
  };

  const list = Array.isArray(root.resources?.value) ? (root.resources.value as unknown[]) : [];
  const resources = list.map((item, index): ResourceSettings => {
    const path: ConfigPath = [root.resources?.path[0] ?? 'resources', index];
    const object = typeof item === 'string' ? { name: item } : item;
    const { name, endpoint, ...fields } = readFields(object, path, configKeys.resource, issues);
    const resourceName = typeof name?.value === 'string' && name.value !== '' ? name.value : undefined;
    const endpointValue = endpoint?.value ?? {};
    const ownEndpoint = readEndpoint(endpointValue, fieldPath(path, 'endpoint', spelling, endpoint), issues);
    if (!ownEndpoint.fields.path && resourceName !== undefined) {
      // dlt: a resource without a path reads the path named like the resource.
      ownEndpoint.fields.path = {
        value: resourceName,
        path: typeof item === 'string' ? path : [...path, 'name'],
      };
    }
    const merged = { ...defaults.fields, ...fields };
    if (defaults.fields.retry && fields.retry) {
      merged.retry = {
        value: { ...camelRetry(defaults.fields.retry.value), ...camelRetry(fields.retry.value) },
        path: fields.retry.path,
      };
    }
    if (defaults.fields.columns && fields.columns) {
      // dlt merges column hints per column: a default column's other hints stay.
      merged.columns = {
        value: mergeColumnHints(defaults.fields.columns.value, fields.columns.value),
        path: fields.columns.path,
      };
    }
    return {
      index,
      path,
      name: resourceName,
      endpoint: mergeEndpoints(defaults.endpoint, ownEndpoint),
      ownEndpoint,
      fields: merged,
    };
  });
  return { client, defaults, resources };
}
