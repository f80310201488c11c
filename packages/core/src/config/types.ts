import type { z } from 'zod';
import type { Auth } from '../contracts/auth';
import type { Paginator } from '../contracts/paginator';
import type { Secret } from '../secrets';
import type { AdapterRegistry } from '../source/adapter-registry';
import type {
  adapterConfigSchema,
  clientSchema,
  codeOnlyKeys,
  dltNames,
  endpointSchema,
  resolveParamSchema,
  resourceDefaultsSchema,
  resourceSchema,
  restApiSourceConfigSchema,
  secretReferenceSchema,
} from './schema';

/* The config's TypeScript types, inferred from the schema (schema.ts): never written by hand. */

/** The camelCase (code) form of a rest_api config. */
export type RestApiSourceConfig = z.input<typeof restApiSourceConfigSchema>;
export type ClientConfig = z.input<typeof clientSchema>;
/** Settings every resource inherits (the resource's own settings win, objects are merged deeply). */
export type ResourceDefaultsConfig = z.input<typeof resourceDefaultsSchema>;
/** One resource: a name, and the endpoint to read it from (a plain string is the path). */
export type ResourceConfig = z.input<typeof resourceSchema>;
/** The request of a resource. */
export type EndpointConfig = z.input<typeof endpointSchema>;
/** A secret referenced in plain data: `{ "secret": "api_key" }` reads `API_KEY` (like `secret('api_key')`). */
export type SecretReference = z.input<typeof secretReferenceSchema>;
/** A value that may be a secret: a literal, `secret('name')`, or `{ secret: 'name' }`. */
export type SecretValue = NonNullable<ClientConfig['headers']>[string];
/**
 * dlt's short form of a parent placeholder, as a param value:
 * `{ type: 'resolve', resource: 'issues', field: 'number' }` means `{resources.issues.number}`.
 */
export type ResolveParam = z.input<typeof resolveParamSchema>;
/** A query parameter: a scalar (`null` leaves it out), a list (repeated), a parent field, or a secret. */
export type ParamValue = NonNullable<EndpointConfig['params']>[string];
export type ParamScalar = Extract<ParamValue, string | number | boolean | null>;
/** A paginator or auth as plain data: `{ type: 'offset', limit: 100 }` (dlt's keys). */
export type AdapterConfig = z.input<typeof adapterConfigSchema>;
/** A paginator factory (`offset({ limit: 100 })`), its data form, or a type name (`'single_page'`). */
export type PaginatorConfig = NonNullable<ClientConfig['paginator']>;
/** An auth factory (`apiKey({...})`), its data form (`type` defaults to `bearer`, as in dlt), or a type name. */
export type AuthConfig = NonNullable<ClientConfig['auth']>;
/** One processing step, applied in order to every record of a resource (code form only). */
export type ProcessingStep = NonNullable<ResourceConfig['processingSteps']>[number];

type SnakeCase<Key extends string> = Key extends `${infer First}${infer Rest}`
  ? `${First extends Lowercase<First> ? First : `_${Lowercase<First>}`}${SnakeCase<Rest>}`
  : Key;

/** dlt's name of a key (schema.ts declares the ones that differ from snake_case). */
type DltKey<Key> = Key extends keyof typeof dltNames
  ? (typeof dltNames)[Key]
  : Key extends string
    ? SnakeCase<Key>
    : Key;

/** A config value in dlt's plain-data form: snake_case keys, no factories, secrets or functions. */
export type DataForm<Value> = Value extends Paginator | Auth | Secret | ((...parameters: never[]) => unknown)
  ? never
  : Value extends readonly (infer Item)[]
    ? DataForm<Item>[]
    : Value extends Record<string, unknown>
      ? {
          [Key in keyof Value as Key extends (typeof codeOnlyKeys)[number] ? never : DltKey<Key>]: DataForm<
            Value[Key]
          >;
        }
      : Value;

/** dlt's form of the config as plain data (JSON/YAML): snake_case keys and `type` strings. */
export type DltRestApiSourceConfig = DataForm<RestApiSourceConfig>;

/** The second argument of `restApiSource` and `loadRestApiSource`. */
export interface RestApiSourceOptions {
  /** Source name. @default 'rest_api' */
  name?: string;
  /** Paginator and auth `type` names, taking precedence over package resolution. */
  registry?: AdapterRegistry;
  /** Directory that adapter packages and the `.env` file are resolved from. @default process.cwd() */
  cwd?: string;
  /** Environment that `{ secret }` references in the config are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** The fetch implementation for every request. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}
