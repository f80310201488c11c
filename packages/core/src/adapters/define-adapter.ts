import type { z } from 'zod';
import type { Auth } from '../contracts/auth';
import type { Destination } from '../contracts/destination';
import type { Paginator } from '../contracts/paginator';
import type { PaginatorDetector } from '../contracts/paginator-detection';
import type { Page } from '../contracts/request';
import { ConfigError, type ConfigIssue } from '../errors';
import { type AdapterOptions, adapterOptions, type OptionSpelling } from './adapter-options';

/** The kinds of adapter a `type` string can name. */
export type AdapterKind = 'paginator' | 'auth' | 'destination';

/** What an adapter of each kind builds. */
export interface AdapterByKind {
  paginator: Paginator;
  auth: Auth;
  destination: Destination;
}

/** What `create` gets besides the validated options. */
export interface AdapterCreateContext {
  /** The option's name as the user wrote it (`totalPath` in code, `total_path` in a config file), for messages. */
  nameOf(option: string): string;
}

export interface DefineAdapterOptions<Kind extends AdapterKind, Schema extends z.ZodObject> {
  /** `paginator`, `auth` or `destination`. */
  kind: Kind;
  /** The `type` a config file names it by (`offset`, `api_key`); destinations: the engine (`postgres`). */
  type: string;
  /** The options, declared once: a zod object, or `adapterOptions(schema, settings)` for renamed or code-only options. */
  options: Schema | AdapterOptions<Schema>;
  /** Destinations only: the URL schemes it loads to, without `:` (`postgres`, `mongodb+srv`). @default [] */
  schemes?: readonly string[];
  /**
   * Builds the adapter from validated options (defaults applied). A `ConfigError` it throws
   * should name options through `context.nameOf`.
   */
  create(options: z.output<Schema>, context: AdapterCreateContext): AdapterByKind[Kind];
  /**
   * Paginators only: how to recognise this style on a resource's first page, for detection
   * (`{ "type": "auto" }` or no paginator configured). `order` places it in dlt's order
   * (`paginatorDetectionOrder`); `detect` returns the options to continue with and why, or
   * undefined. @default undefined (never detected)
   */
  detector?: {
    order: number;
    detect(page: Page): { options: z.input<Schema>; reason: string } | undefined;
  };
}

/** An adapter as the resolver and the CLI see it: its factory, its config entry point and its schema. */
export interface AdapterDefinition<
  Kind extends AdapterKind = AdapterKind,
  Schema extends z.ZodObject = z.ZodObject,
> {
  readonly kind: 'adapter';
  readonly adapterKind: Kind;
  readonly type: string;
  /** Destinations only: URL schemes, lower case, without `:`. */
  readonly schemes: readonly string[];
  readonly options: AdapterOptions<Schema>;
  /** The factory for code: camelCase options, validated; a `ConfigError` lists every problem. */
  create(options: z.input<Schema>): AdapterByKind[Kind];
  /**
   * The entry point for config files: dlt's snake_case keys, `type` accepted when it names this
   * adapter (or is left out), unknown keys reported with a did-you-mean suggestion. Secrets are
   * already resolved or `{ "secret": "name" }` references.
   */
  fromConfig(config: Record<string, unknown>): AdapterByKind[Kind];
  /** The JSON Schema of this adapter's config object (`{ "type": "offset", ... }`). */
  jsonSchema(): Record<string, unknown>;
  /** Paginators that can be detected from a first page: their detector. */
  readonly detector?: PaginatorDetector;
}

function isAdapterOptions<Schema extends z.ZodObject>(
  value: Schema | AdapterOptions<Schema>,
): value is AdapterOptions<Schema> {
  return typeof (value as AdapterOptions<Schema>).parseConfig === 'function';
}

/** Whether `value` is an adapter definition made by `defineAdapter` (of `kind`, when given). */
export function isAdapterDefinition<Kind extends AdapterKind>(
  value: unknown,
  kind?: Kind,
): value is AdapterDefinition<Kind> {
  if (value === null || typeof value !== 'object') return false;
  const definition = value as Partial<AdapterDefinition>;
  return (
    definition.kind === 'adapter' &&
    typeof definition.fromConfig === 'function' &&
    (kind === undefined || definition.adapterKind === kind)
  );
}

/**
 * Declares an adapter once: its kind, its `type`, its options as a zod schema, and how to build
 * it. Returns the factory for code (`create`), the entry point for config files (`fromConfig`),
 * and the JSON Schema of its config object. Adapter packages export the definition and
 * `fromConfig` (the resolver loads either), and a factory named after the adapter.
 *
 * @example
 * export const offsetAdapter = defineAdapter({
 *   kind: 'paginator', type: 'offset',
 *   options: z.object({ limit: option.positiveInteger() }),
 *   create: (options) => rangePaginator({ ... }),
 * });
 * export const offset = offsetAdapter.create;
 */
export function defineAdapter<Kind extends AdapterKind, Schema extends z.ZodObject>(
  definition: DefineAdapterOptions<Kind, Schema>,
): AdapterDefinition<Kind, Schema> {
  const options = isAdapterOptions(definition.options)
    ? definition.options
    : adapterOptions(definition.options);
  const { type } = definition;
  const context = (spelling: OptionSpelling): AdapterCreateContext => ({
    nameOf: (option) => options.nameOf(option, spelling),
  });

  const declared = definition.detector;
  const detector: PaginatorDetector | undefined = declared && {
    order: declared.order,
    detect(page) {
      const found = declared.detect(page);
      if (found === undefined) return undefined;
      const paginator = definition.create(options.parse(found.options), context('code')) as Paginator;
      const config: Record<string, unknown> = { type };
      for (const [option, value] of Object.entries(found.options as Record<string, unknown>)) {
        config[options.nameOf(option, 'config')] = value;
      }
      return { paginator, config, reason: found.reason };
    },
  };

  return Object.freeze({
    kind: 'adapter' as const,
    ...(detector === undefined ? {} : { detector }),
    adapterKind: definition.kind,
    type,
    schemes: (definition.schemes ?? []).map((scheme) => scheme.toLowerCase()),
    options,

    create(input: z.input<Schema>) {
      return definition.create(options.parse(input), context('code'));
    },

    fromConfig(config: Record<string, unknown>) {
      const typeIssues: ConfigIssue[] =
        config?.type === undefined || config.type === type
          ? []
          : [
              {
                path: 'type',
                message: `expected ${JSON.stringify(type)}, got ${JSON.stringify(config.type)}`,
              },
            ];
      let parsed: z.output<Schema>;
      try {
        parsed = options.parseConfig(config, ['type']);
      } catch (error) {
        if (!ConfigError.isInstance(error)) throw error;
        throw new ConfigError([...typeIssues, ...error.issues]);
      }
      if (typeIssues.length > 0) throw new ConfigError(typeIssues);
      return definition.create(parsed, context('config'));
    },

    jsonSchema() {
      const slice = options.jsonSchema() as { properties?: object; required?: string[] };
      return {
        ...slice,
        type: 'object',
        properties: { type: { const: type }, ...slice.properties },
        required: ['type', ...(slice.required ?? [])],
        additionalProperties: false,
      };
    },
  });
}
