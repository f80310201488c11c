import type { z } from 'zod';
import { keyIn, type Spelling, snakeCase, spellingsOf } from './forms';
import { isPlainObject } from './plain-object';
import {
  clientSchema,
  endpointSchema,
  resolveParamSchema,
  resourceDefaultsSchema,
  resourceSchema,
  responseActionSchema,
  restApiSourceConfigSchema,
  retrySchema,
  secretReferenceSchema,
} from './schema';

/** The camelCase keys of a config object, read from its schema. */
export function keysOf<Shape extends z.core.$ZodShape>(
  schema: z.ZodObject<Shape>,
): readonly (keyof Shape & string)[] {
  return Object.keys(schema.shape) as (keyof Shape & string)[];
}

/** Keys of each config object, in camelCase, read from the schema. Every key also accepts its snake_case spelling. */
export const configKeys = {
  root: keysOf(restApiSourceConfigSchema),
  client: keysOf(clientSchema),
  endpoint: keysOf(endpointSchema),
  resourceDefaults: keysOf(resourceDefaultsSchema),
  resource: keysOf(resourceSchema),
  retry: keysOf(retrySchema),
  responseAction: keysOf(responseActionSchema),
  resolveParam: keysOf(resolveParamSchema),
  secretReference: keysOf(secretReferenceSchema),
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
