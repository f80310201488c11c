/** A config path as segments: object keys as the user wrote them, and list indexes. */
export type ConfigPath = readonly (string | number)[];

/** Which spelling a config uses: camelCase (code) or snake_case (dlt's form). */
export type Spelling = 'camel' | 'snake';

/** Options a resource and `resourceDefaults` share (a resource adds its `name`). */
const resourceOptionKeys = [
  'endpoint',
  'primaryKey',
  'writeDisposition',
  'processingSteps',
  'includeFromParent',
  'maxPages',
  'concurrency',
  'nested',
  'selected',
  'retry',
  'timeoutMs',
] as const;

/** Keys of each config object, in camelCase. Every key also accepts its snake_case spelling. */
export const configKeys = {
  root: ['client', 'resourceDefaults', 'resources'],
  client: ['baseUrl', 'headers', 'auth', 'paginator', 'retry', 'timeoutMs'],
  endpoint: [
    'path',
    'method',
    'params',
    'json',
    'headers',
    'dataSelector',
    'paginator',
    'auth',
    'responseActions',
  ],
  resourceDefaults: resourceOptionKeys,
  resource: ['name', ...resourceOptionKeys],
  retry: ['maxRetries', 'initialDelayMs', 'backoffFactor', 'maxDelayMs', 'maxRetryDelayMs', 'retryStatuses'],
  responseAction: ['status', 'content', 'action'],
  resolveParam: ['type', 'resource', 'field'],
} as const;

export type ConfigObjectKind = keyof typeof configKeys;

/** Extra spellings accepted for a key (dlt names that differ from ours). */
const aliases: Partial<Record<string, readonly string[]>> = { status: ['status_code'] };

/** dlt resource hints restsync does not support yet (a resource and `resource_defaults` alike). */
const unsupportedResourceHints = [
  'table_name',
  'max_table_nesting',
  'columns',
  'merge_key',
  'schema_contract',
  'table_format',
  'parallelized',
  'file_format',
] as const;

/**
 * dlt options restsync does not support yet, per object kind. They are reported with a clear
 * message instead of "unknown key".
 */
export const unsupportedDltKeys: Partial<Record<ConfigObjectKind, readonly string[]>> = {
  client: ['session'],
  endpoint: ['incremental', 'data'],
  resource: [...unsupportedResourceHints, 'parent'],
  resourceDefaults: unsupportedResourceHints,
};

/** `baseUrl` → `base_url`. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Every accepted spelling of a camelCase key: itself, its snake_case form, and dlt aliases. */
export function spellingsOf(camelKey: string): string[] {
  const spellings = new Set([camelKey, snakeCase(camelKey), ...(aliases[camelKey] ?? [])]);
  return [...spellings];
}

/** The name of a key in the given spelling (dlt's own name for aliased keys). */
export function keyIn(camelKey: string, spelling: Spelling): string {
  if (spelling === 'camel') return camelKey;
  return aliases[camelKey]?.[0] ?? snakeCase(camelKey);
}

/** Every accepted key of an object kind, in both spellings. */
export function acceptedKeys(kind: ConfigObjectKind): string[] {
  return configKeys[kind].flatMap((key) => spellingsOf(key));
}

/** The accepted keys of an object kind in one spelling (for suggestions). */
export function keysIn(kind: ConfigObjectKind, spelling: Spelling): string[] {
  return configKeys[kind].map((key) => keyIn(key, spelling));
}

/** Whether `value` is a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value read from a config object, with the key it was found under. */
export interface ReadField {
  /** The key as the user wrote it, or undefined when absent. */
  key: string | undefined;
  value: unknown;
}

/** Reads a key in any of its spellings (the first one present wins; a conflict is reported by validation). */
export function readField(object: Record<string, unknown> | undefined, camelKey: string): ReadField {
  if (!object) return { key: undefined, value: undefined };
  for (const key of spellingsOf(camelKey)) {
    if (Object.hasOwn(object, key) && object[key] !== undefined) return { key, value: object[key] };
  }
  return { key: undefined, value: undefined };
}

/** Formats a path as `resources[0].endpoint.paginator.limit` (odd keys as `headers["X-Key"]`). */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** Joins a base path and a relative path string (as adapters report them). */
export function joinPath(base: ConfigPath, relative: string): string {
  const prefix = formatPath(base);
  if (relative === '') return prefix;
  if (prefix === '') return relative;
  return relative.startsWith('[') ? `${prefix}${relative}` : `${prefix}.${relative}`;
}

const camelOnlyKeys = new Set<string>(
  Object.values(configKeys)
    .flat()
    .filter((key) => snakeCase(key) !== key),
);
const snakeOnlyKeys = new Set([...camelOnlyKeys].map((key) => snakeCase(key)).concat('status_code'));

/**
 * Which spelling the user wrote: counts the keys that differ between the spellings (`base_url`
 * vs `baseUrl`) in the config's own objects (not inside params, json or headers). With no
 * telling key, a config with `type` strings is dlt's form; otherwise camelCase.
 */
export function detectSpelling(config: unknown): Spelling {
  let snake = 0;
  let camel = 0;
  let typeStrings = 0;
  const skip = new Set(['params', 'json', 'headers']);
  const visit = (value: unknown, depth: number) => {
    if (depth > 6) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!isPlainObject(value)) return;
    if (typeof value.type === 'string') typeStrings += 1;
    for (const [key, item] of Object.entries(value)) {
      if (snakeOnlyKeys.has(key)) snake += 1;
      if (camelOnlyKeys.has(key)) camel += 1;
      if (!skip.has(key)) visit(item, depth + 1);
    }
  };
  visit(config, 0);
  if (snake !== camel) return snake > camel ? 'snake' : 'camel';
  return typeStrings > 0 ? 'snake' : 'camel';
}
