import type { ZodType, z } from 'zod';
import type { ConfigPath } from '../source/config-keys';
import { keyIn, type Spelling, snakeCase, spellingsOf } from './forms';
import { isPlainObject } from './plain-object';
import {
  circuitBreakerSchema,
  clientSchema,
  columnHintSchema,
  endpointSchema,
  incrementalParamSchema,
  incrementalSchema,
  rateLimitSchema,
  resolveParamSchema,
  resourceDefaultsSchema,
  resourceSchema,
  responseActionSchema,
  restApiSourceConfigSchema,
  retrySchema,
  schemaContractSchema,
  secretReferenceSchema,
  writeDispositionSchema,
} from './schema';

/** The camelCase keys of a config object, read from its schema. */
export function keysOf<Shape extends z.core.$ZodShape>(schema: {
  shape: Shape;
}): readonly (keyof Shape & string)[] {
  return Object.keys(schema.shape) as (keyof Shape & string)[];
}

/** The config's objects, by kind (the name used in messages and key lists). */
const configObjectSchemas = {
  root: restApiSourceConfigSchema,
  client: clientSchema,
  endpoint: endpointSchema,
  resourceDefaults: resourceDefaultsSchema,
  resource: resourceSchema,
  retry: retrySchema,
  rateLimit: rateLimitSchema,
  circuitBreaker: circuitBreakerSchema,
  responseAction: responseActionSchema,
  resolveParam: resolveParamSchema,
  incremental: incrementalSchema,
  incrementalParam: incrementalParamSchema,
  secretReference: secretReferenceSchema,
  columnHint: columnHintSchema,
  schemaContract: schemaContractSchema,
  writeDisposition: writeDispositionSchema,
};

type ConfigObjectSchemas = typeof configObjectSchemas;

/** Keys of each config object, in camelCase, read from the schema. Every key also accepts its snake_case spelling. */
export const configKeys = Object.fromEntries(
  Object.entries(configObjectSchemas).map(([kind, schema]) => [kind, keysOf<z.core.$ZodShape>(schema)]),
) as unknown as {
  [Kind in keyof ConfigObjectSchemas]: readonly (keyof ConfigObjectSchemas[Kind]['shape'] & string)[];
};

export type ConfigObjectKind = keyof typeof configKeys;

/** The accepted keys of an object kind in one spelling (for suggestions). */
export function keysIn(kind: ConfigObjectKind, spelling: Spelling): string[] {
  return configKeys[kind].map((key) => keyIn(key, spelling));
}

const allKeys: readonly string[] = Object.values(configKeys).flat();
/** Keys whose camelCase spelling differs from their snake_case one (`baseUrl`). */
const camelOnlyKeys = new Set(allKeys.filter((key) => snakeCase(key) !== key));
/** Their other spellings (`base_url`, `status_code`). */
const snakeOnlyKeys = new Set(
  allKeys.flatMap((key) => spellingsOf(key).filter((spelling) => spelling !== key)),
);

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

const kindOfSchema = new Map<ZodType, ConfigObjectKind>(
  Object.entries(configObjectSchemas).map(([kind, schema]) => [schema, kind as ConfigObjectKind]),
);

/** The config object a field holds (through optional, shorthand and list wrappers), if any. */
function objectIn(schema: ZodType, list: boolean): { kind: ConfigObjectKind; list: boolean } | undefined {
  const kind = kindOfSchema.get(schema);
  if (kind !== undefined) return { kind, list };
  const def = schema._zod.def as unknown as Record<string, ZodType>;
  switch (schema._zod.def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return objectIn(def.innerType as ZodType, list);
    case 'pipe':
      return objectIn(def.out as ZodType, list);
    case 'array':
      return objectIn(def.element as ZodType, true);
    default:
      return undefined;
  }
}

/** The object kind each key holds, in every spelling (`resources` → a list of `resource`). */
const kindOfKey = new Map<string, { kind: ConfigObjectKind; list: boolean }>();
for (const schema of Object.values(configObjectSchemas)) {
  for (const [key, field] of Object.entries(schema.shape)) {
    const held = objectIn(field as ZodType, false);
    if (held) for (const spelling of spellingsOf(key)) kindOfKey.set(spelling, held);
  }
}

/** The kind of config object at `path` (for unknown-key suggestions), read from the schema. */
export function objectKindAt(path: ConfigPath): ConfigObjectKind | undefined {
  const last = path[path.length - 1];
  if (last === undefined) return 'root';
  const beforeLast = path[path.length - 2];
  // A param value that is an object is a `resolve` param (a secret reference has one key only).
  if (beforeLast === 'params') return 'resolveParam';
  const held =
    typeof last === 'number'
      ? typeof beforeLast === 'string'
        ? kindOfKey.get(beforeLast)
        : undefined
      : kindOfKey.get(last);
  return held && held.list === (typeof last === 'number') ? held.kind : undefined;
}
