import { type core, z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import { isSecretKey } from '../source/config-issues';
import { unknownKeyIssues } from '../source/unknown-keys';

/** How the user named the options: in code (`totalPath`) or in a config file (`total_path`). */
export type OptionSpelling = 'code' | 'config';

export interface AdapterOptionsSettings<Shape extends z.ZodRawShape> {
  /** Config keys that are not the snake_case of the option name. @default {} (snake_case of each option) */
  configKeys?: Partial<Record<keyof Shape & string, string>>;
  /**
   * Options only code can pass (a client object, a function): a config file may not use them and
   * the JSON Schema leaves them out. @default []
   */
  codeOnly?: readonly (keyof Shape & string)[];
}

/** An adapter's options, declared once as a zod object, and everything derived from it. */
export interface AdapterOptions<Schema extends z.ZodObject = z.ZodObject> {
  /** The declaration: camelCase option names, as code passes them. */
  readonly schema: Schema;
  /** Option names in declaration order. */
  readonly optionNames: readonly string[];
  /** The keys a config file may use, in declaration order (snake_case). */
  readonly configKeys: readonly string[];
  /** The option's name as the user wrote it: `totalPath` in code, `total_path` in a config file. */
  nameOf(option: string, spelling: OptionSpelling): string;
  /**
   * Validates options passed in code. Throws one `ConfigError` listing every problem (unknown
   * names with a did-you-mean suggestion, wrong values), each under the option's name.
   */
  parse(options: unknown): z.output<Schema>;
  /**
   * Validates a config file's object: snake_case keys are mapped to the options, a `null` means
   * "not set" unless the option accepts null, and every problem is reported under the key the user
   * wrote. `accepted` keys are tolerated but not suggested (such as `type`).
   */
  parseConfig(config: Record<string, unknown>, accepted?: readonly string[]): z.output<Schema>;
  /** The JSON Schema of the config object (snake_case keys), for editors and the config schema. */
  jsonSchema(): Record<string, unknown>;
}

/** `offsetBodyPath` → `offset_body_path`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A short, safe description of a value for a message; never shows a secret. */
export function describeOptionValue(value: unknown, option = ''): string {
  if (value === undefined) return 'nothing';
  if (isSecretKey(option) && (typeof value === 'string' || isPlainObject(value))) {
    return 'a value (not shown)';
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** The message for a zod issue the schema did not word itself. */
function defaultMessage(issue: core.$ZodRawIssue): string | undefined {
  const option = String(issue.path?.[0] ?? '');
  const got = describeOptionValue(issue.input, option);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${typeNames[issue.expected] ?? issue.expected}, got ${got}`;
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? 'expected a non-empty string'
          : `expected at least ${issue.minimum} characters`;
      }
      return `expected ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}, got ${got}`;
    case 'too_big':
      return `expected ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, got ${got}`;
    case 'invalid_value': {
      const values = issue.values.map((value) => JSON.stringify(value));
      return `expected ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}, got ${got}`;
    }
    default:
      return undefined;
  }
}

function formatKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string') text += text === '' ? formatKey(segment) : `.${formatKey(segment)}`;
  }
  return text;
}

/**
 * Declares an adapter's options once, as a zod object with camelCase names (the TypeScript
 * options type is `z.input<typeof schema>`). From it come the snake_case config keys, validation
 * of code options and config objects with unknown-key errors and did-you-mean suggestions, and
 * the adapter's slice of the JSON Schema. In a message, `{optionName}` is replaced by that
 * option's name as the user wrote it (`must be greater than {offset}`).
 *
 * @example adapterOptions(z.object({ limit: z.number().int().min(1), totalPath: z.string().optional() }))
 */
export function adapterOptions<Schema extends z.ZodObject>(
  schema: Schema,
  settings: AdapterOptionsSettings<Schema['shape']> = {},
): AdapterOptions<Schema> {
  const shape = schema.shape as Record<string, z.ZodType>;
  const optionNames = Object.keys(shape);
  const codeOnly = new Set<string>(settings.codeOnly ?? []);
  const overrides = (settings.configKeys ?? {}) as Record<string, string | undefined>;
  const toConfigKey = new Map(optionNames.map((option) => [option, overrides[option] ?? snakeCase(option)]));
  const configOptions = optionNames.filter((option) => !codeOnly.has(option));
  const configKeys = configOptions.map((option) => toConfigKey.get(option) ?? option);
  const fromConfigKey = new Map(configOptions.map((option) => [toConfigKey.get(option) ?? option, option]));
  const acceptsNull = new Set(optionNames.filter((option) => shape[option]?.safeParse(null).success));

  const nameOf = (option: string, spelling: OptionSpelling) =>
    spelling === 'config' ? (toConfigKey.get(option) ?? option) : option;

  const named = (message: string, spelling: OptionSpelling) =>
    message.replace(/\{([A-Za-z][\w]*)\}/g, (token, option: string) =>
      toConfigKey.has(option) ? nameOf(option, spelling) : token,
    );

  const validate = (
    options: Record<string, unknown>,
    spelling: OptionSpelling,
    issues: ConfigIssue[],
  ): z.output<Schema> => {
    const result = schema.safeParse(options, { error: defaultMessage });
    if (result.success && issues.length === 0) return result.data;
    for (const issue of result.error?.issues ?? []) {
      const [option, ...rest] = issue.path;
      const path = typeof option === 'string' ? [nameOf(option, spelling), ...rest] : issue.path;
      issues.push({ path: formatIssuePath(path), message: named(issue.message, spelling) });
    }
    throw new ConfigError(issues);
  };

  const unknownKeys = (keys: readonly string[], allowed: readonly string[], accepted: readonly string[]) =>
    unknownKeyIssues(Object.fromEntries(keys.map((key) => [key, true])), allowed, accepted);

  return {
    schema,
    optionNames,
    configKeys,
    nameOf,

    parse(options) {
      if (!isPlainObject(options)) {
        throw new ConfigError([
          { path: '', message: `expected an options object, got ${describeOptionValue(options)}` },
        ]);
      }
      const defined = Object.keys(options).filter((key) => options[key] !== undefined);
      return validate(options, 'code', unknownKeys(defined, optionNames, []));
    },

    parseConfig(config, accepted = []) {
      if (!isPlainObject(config)) {
        throw new ConfigError([
          { path: '', message: `expected an object, got ${describeOptionValue(config)}` },
        ]);
      }
      // A config may also spell an option as in code (`nextUrlPath` for `next_url_path`).
      const issues = unknownKeys(Object.keys(config), configKeys, [...accepted, ...configOptions]);
      const options: Record<string, unknown> = {};
      const writtenAs = new Map<string, string>();
      for (const [key, value] of Object.entries(config)) {
        const option = fromConfigKey.get(key) ?? (configOptions.includes(key) ? key : undefined);
        // A YAML `~` means "not set", unless the option gives null a meaning of its own.
        if (option === undefined || (value === null && !acceptsNull.has(option))) continue;
        const earlier = writtenAs.get(option);
        if (earlier !== undefined) {
          issues.push({ path: key, message: `"${earlier}" is also given; use one spelling` });
          continue;
        }
        writtenAs.set(option, key);
        options[option] = value;
      }
      return validate(options, 'config', issues);
    },

    jsonSchema() {
      const configShape = Object.fromEntries(
        configOptions.map((option) => [toConfigKey.get(option) ?? option, shape[option] as z.ZodType]),
      );
      const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(z.object(configShape), {
        io: 'input',
        unrepresentable: 'any',
      }) as Record<string, unknown>;
      return jsonSchema;
    },
  };
}
