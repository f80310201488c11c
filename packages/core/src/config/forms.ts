import { type ZodType, z } from 'zod';
import { dataFormOf } from './declare';
import { codeOnlyKeys, dltNames, restApiSourceConfigSchema } from './schema';

/** Which spelling a config uses: camelCase (code) or snake_case (dlt's form). */
export type Spelling = 'camel' | 'snake';

/** `baseUrl` → `base_url`. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** dlt's name of a camelCase key: its snake_case, or the name the schema gives it (`status_code`). */
export function dltName(camelKey: string): string {
  return (dltNames as Readonly<Record<string, string>>)[camelKey] ?? snakeCase(camelKey);
}

/** Every accepted spelling of a camelCase key: itself, its snake_case form, and dlt's name. */
export function spellingsOf(camelKey: string): string[] {
  return [...new Set([camelKey, snakeCase(camelKey), dltName(camelKey)])];
}

/** The name of a key in the given spelling. */
export function keyIn(camelKey: string, spelling: Spelling): string {
  return spelling === 'camel' ? camelKey : dltName(camelKey);
}

type Form = 'code' | 'data';

/** The schemas a declaration has inside it (object fields, list items, union members, ...). */
function childrenOf(schema: ZodType): Record<string, ZodType | ZodType[]> {
  const def = schema._zod.def as unknown as Record<string, unknown>;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return { innerType: def.innerType as ZodType };
    case 'array':
      return { element: def.element as ZodType };
    case 'union':
      return { options: def.options as ZodType[] };
    case 'record':
      return { valueType: def.valueType as ZodType };
    case 'pipe':
      return { in: def.in as ZodType, out: def.out as ZodType };
    default:
      return {};
  }
}

/** `copy` with the description (and other metadata) of `original`. */
function withMetadataOf(copy: ZodType, original: ZodType): ZodType {
  const metadata = z.globalRegistry.get(original);
  if (metadata === undefined || copy === original) return copy;
  return copy.meta({ ...z.globalRegistry.get(copy), ...metadata });
}

function optional(schema: ZodType): ZodType {
  return schema._zod.def.type === 'optional' ? schema : schema.optional();
}

function transform(schema: ZodType, form: Form, done: Map<ZodType, ZodType>): ZodType {
  const known = done.get(schema);
  if (known) return known;
  let result: ZodType;
  const data = form === 'data' ? dataFormOf(schema) : undefined;
  if (data) {
    result = withMetadataOf(transform(data, form, done), schema);
  } else if (schema._zod.def.type === 'object') {
    const def = (schema as z.ZodObject)._zod.def;
    const shape: Record<string, ZodType> = {};
    for (const [key, field] of Object.entries(def.shape)) {
      if (form === 'data' && (codeOnlyKeys as readonly string[]).includes(key)) continue;
      const transformed = transform(field as ZodType, form, done);
      const spellings = form === 'data' ? [dltName(key)] : spellingsOf(key);
      // A key with several spellings is optional in each; a required one is checked where it is used.
      for (const spelling of spellings) {
        shape[spelling] = spellings.length > 1 ? optional(transformed) : transformed;
      }
    }
    result = withMetadataOf(schema.clone({ ...def, shape } as never), schema);
  } else {
    const children = childrenOf(schema);
    const changed: Record<string, ZodType | ZodType[]> = {};
    for (const [name, child] of Object.entries(children)) {
      const mapped = Array.isArray(child)
        ? child.map((item) => transform(item, form, done))
        : transform(child, form, done);
      const same = Array.isArray(child)
        ? child.every((item, index) => item === (mapped as ZodType[])[index])
        : child === mapped;
      if (!same) changed[name] = mapped;
    }
    result =
      Object.keys(changed).length === 0
        ? schema
        : withMetadataOf(schema.clone({ ...schema._zod.def, ...changed } as never), schema);
  }
  done.set(schema, result);
  return result;
}

/** The forms of a config declaration (see schema.ts). */
export interface ConfigForms {
  /** What `restApiSource` validates: every key in both spellings, factories and functions allowed. */
  code: ZodType;
  /** dlt's plain-data form: snake_case keys, `type` strings, no code-only keys (for the JSON Schema). */
  data: ZodType;
}

/** Derives the code and plain-data forms of a config declared with camelCase keys. */
export function deriveConfigForms(declaration: z.ZodObject): ConfigForms {
  return {
    code: transform(declaration, 'code', new Map()),
    data: transform(declaration, 'data', new Map()),
  };
}

/** The forms of the rest_api config. */
export const configForms = deriveConfigForms(restApiSourceConfigSchema);

/**
 * A JSON Schema (draft 2020-12) of dlt's plain-data config form (snake_case keys, `type`
 * strings), for editor autocomplete: reference it from a JSON file's `$schema` or a YAML
 * language-server comment. Adapter options are open objects (each adapter validates its own).
 */
export function configJsonSchema(forms: ConfigForms = configForms): Record<string, unknown> {
  return z.toJSONSchema(forms.data, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
