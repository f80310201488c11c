import { type ZodType, z } from 'zod';
import { isSecret } from '../secrets';
import { isPlainObject, keyIn, spellingsOf } from './config-keys';

/**
 * `input`: what `restApiSource` accepts (both spellings, factory objects, functions).
 * `json`: dlt's plain-data form only (snake_case keys, `type` strings), for the JSON Schema.
 */
type Mode = 'input' | 'json';

const positiveInteger = z
  .number({ error: 'expected a positive integer' })
  .int({ error: 'expected a positive integer' })
  .min(1, { error: 'expected a positive integer' });

const nonNegativeNumber = z
  .number({ error: 'expected a number >= 0' })
  .min(0, { error: 'expected a number >= 0' });

const nonEmptyString = z.string({ error: 'expected a non-empty string' }).min(1, {
  error: 'expected a non-empty string',
});

const secretReference = z
  .strictObject({
    secret: nonEmptyString.describe('Name of the secret; `api_key` reads the API_KEY variable.'),
  })
  .describe('A secret read from the environment (upper snake case of the name) or the .env file.');

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const resolveParam = z
  .strictObject({
    type: z.literal('resolve'),
    resource: nonEmptyString.describe('The parent resource.'),
    field: nonEmptyString.describe('The field of each parent record.'),
  })
  .describe('A field of each parent record (same as "{resources.<resource>.<field>}").');

/** Runs `schema` on a value and forwards its issues (relative paths), so nested problems keep their paths. */
function forward(schema: ZodType, value: unknown, context: z.core.$RefinementCtx): void {
  const result = schema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) context.addIssue({ ...issue } as z.core.$ZodRawIssue);
  }
}

function custom(message: string, check: (value: unknown, context: z.core.$RefinementCtx) => boolean) {
  return z.any().superRefine((value, context) => {
    if (value !== undefined && !check(value, context)) context.addIssue({ code: 'custom', message });
  });
}

/** A value that may be a secret. */
function secretValue(mode: Mode) {
  if (mode === 'json') return z.union([z.string(), secretReference]);
  return custom('expected a string, secret("name") or { secret: "name" }', (value, context) => {
    if (typeof value === 'string' || isSecret(value)) return true;
    if (isPlainObject(value) && 'secret' in value) {
      forward(secretReference, value, context);
      return true;
    }
    return false;
  });
}

function paramValue(mode: Mode) {
  if (mode === 'json') return z.union([scalar, z.array(scalar), resolveParam, secretReference]);
  return custom(
    'expected a string, number, boolean, null, a list of those, { type: "resolve", resource, field } or a secret',
    (value, context) => {
      if (scalar.safeParse(value).success || isSecret(value)) return true;
      if (Array.isArray(value)) return value.every((item) => scalar.safeParse(item).success);
      if (isPlainObject(value) && 'secret' in value) {
        forward(secretReference, value, context);
        return true;
      }
      if (isPlainObject(value) && 'type' in value) {
        forward(resolveParam, value, context);
        return true;
      }
      return false;
    },
  );
}

/** A paginator or auth: a factory object, a `type` string, or `{ type, ...options }`. */
function adapter(mode: Mode, kind: 'paginator' | 'auth') {
  const example =
    kind === 'paginator'
      ? 'offset({ limit: 100 }) or { "type": "offset", "limit": 100 }'
      : 'apiKey({ ... }) or { "type": "api_key", ... }';
  if (mode === 'json') {
    const typed = z
      .looseObject({
        type: (kind === 'auth' ? nonEmptyString.optional() : nonEmptyString).describe(
          kind === 'paginator'
            ? 'Paginator type: offset, page_number, cursor, json_link, header_link, single_page, ... (resolves @restsync/paginator-<type>).'
            : 'Auth type: api_key, bearer, http_basic, ... (resolves @restsync/auth-<type>). @default bearer',
        ),
      })
      .describe(`The ${kind}'s options, in dlt's snake_case keys.`);
    const dataExample =
      kind === 'paginator' ? '{ "type": "offset", "limit": 100 }' : '{ "type": "api_key", ... }';
    return z
      .union([nonEmptyString, typed])
      .describe(`${kind === 'auth' ? 'An' : 'A'} ${kind}, e.g. ${dataExample}.`);
  }
  return custom(`expected ${kind === 'auth' ? 'an' : 'a'} ${kind}: ${example}`, (value, context) => {
    if (typeof value === 'string') return value.length > 0;
    if (!isPlainObject(value)) return false;
    if (value.kind === kind) return true;
    if (value.kind === 'paginator' || value.kind === 'auth') {
      context.addIssue({
        code: 'custom',
        message: `expected ${kind === 'auth' ? 'an' : 'a'} ${kind}, got ${value.kind === 'auth' ? 'an' : 'a'} ${String(value.kind)}`,
      });
      return true;
    }
    if (kind === 'paginator' && typeof value.type !== 'string') {
      context.addIssue({
        code: 'custom',
        message: 'expected a "type" string, e.g. "offset"',
        path: ['type'],
      });
      return true;
    }
    if (value.type !== undefined && typeof value.type !== 'string') {
      context.addIssue({
        code: 'custom',
        message: 'expected a "type" string, e.g. "api_key"',
        path: ['type'],
      });
    }
    return true;
  });
}

/** The object shape with each key in every spelling the mode accepts. */
function shape(mode: Mode, fields: Record<string, ZodType>, required: readonly string[] = []) {
  const result: Record<string, ZodType> = {};
  for (const [key, schema] of Object.entries(fields)) {
    const spellings = mode === 'json' ? [keyIn(key, 'snake')] : spellingsOf(key);
    const isRequired =
      mode === 'json' ? required.includes(key) : required.includes(key) && spellings.length === 1;
    for (const spelling of spellings) result[spelling] = isRequired ? schema : schema.optional();
  }
  return result;
}

function retry(mode: Mode) {
  return z
    .strictObject(
      shape(mode, {
        maxRetries: z
          .number({ error: 'expected an integer >= 0' })
          .int({ error: 'expected an integer >= 0' })
          .min(0, { error: 'expected an integer >= 0' })
          .describe('Retries after the first attempt. @default 3'),
        initialDelayMs: nonNegativeNumber.describe('Wait before the first retry, in ms. @default 1000'),
        backoffFactor: nonNegativeNumber.describe('Each retry waits this many times longer. @default 2'),
        maxDelayMs: nonNegativeNumber.describe('Cap of the computed delay, in ms. @default 30000'),
        maxRetryDelayMs: nonNegativeNumber.describe(
          'A longer Retry-After fails at once, in ms. @default 60000',
        ),
        retryStatuses: z
          .array(z.number().int().min(100).max(599), { error: 'expected a list of HTTP status codes' })
          .describe('Statuses that are retried. @default [429, 500, 502, 503, 504]'),
      }),
    )
    .describe('Retry settings (exponential backoff; Retry-After is honoured).');
}

function responseAction(mode: Mode) {
  const statusCode = z
    .union([z.number().int().min(100).max(599), z.string().regex(/^\d{3}$/)], {
      error: 'expected an HTTP status code',
    })
    .describe('Matches this response status.');
  return z
    .strictObject(
      shape(mode, {
        status: statusCode,
        content: z.string().describe('Matches a response body containing this text.'),
        action: z
          .literal('ignore')
          .describe('ignore: the response ends the request sequence without records.'),
      }),
    )
    .refine((value) => Object.keys(value).some((key) => key !== 'action'), {
      error: `expected "${mode === 'json' ? 'status_code' : 'status'}" or "content" to match responses`,
    });
}

const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function endpoint(mode: Mode) {
  const method =
    mode === 'json'
      ? z.enum(httpMethods)
      : z.string().refine((value) => (httpMethods as readonly string[]).includes(value.toUpperCase()), {
          error: `expected one of ${httpMethods.join(', ')}`,
        });
  return z
    .strictObject(
      shape(mode, {
        path: z
          .string({ error: 'expected a path string' })
          .describe('Path under base_url, or an absolute URL; "{resources.<parent>.<field>}" makes a child.'),
        method: method.describe('HTTP method. @default GET'),
        params: z
          .record(z.string(), paramValue(mode))
          .describe('Query parameters; "{resources.<parent>.<field>}" placeholders allowed.'),
        json: z.any().describe('JSON request body; placeholders allowed in strings.'),
        headers: z.record(z.string(), secretValue(mode)).describe('Request headers; placeholders allowed.'),
        dataSelector: nonEmptyString.describe(
          'JSONPath to the records, e.g. "data" or "$.results[*]". @default auto',
        ),
        paginator: adapter(mode, 'paginator'),
        auth: adapter(mode, 'auth'),
        responseActions: z.array(responseAction(mode)).describe('Responses to accept instead of failing.'),
      }),
    )
    .describe('The request of a resource.');
}

function processingStep() {
  return custom(
    'expected { filter: (record) => boolean } or { map: (record) => record }; processing steps are ' +
      'functions, so they only exist in a TypeScript/JavaScript config, not in JSON or YAML',
    (value) =>
      isPlainObject(value) &&
      Object.keys(value).length === 1 &&
      (typeof value.filter === 'function' || typeof value.map === 'function'),
  );
}

function resourceFields(mode: Mode) {
  return {
    primaryKey: z
      .union([nonEmptyString, z.array(nonEmptyString).min(1)], {
        error: 'expected a field name or a list of field names',
      })
      .describe('Field(s) identifying a record; required for merge.'),
    writeDisposition: z.enum(['append', 'replace', 'merge']).describe('@default append'),
    ...(mode === 'input' ? { processingSteps: z.array(processingStep()) } : {}),
    includeFromParent: z
      .array(nonEmptyString)
      .describe('Parent fields copied into child records as _<parent>_<field>.'),
    maxPages: positiveInteger.describe('Stop a request sequence after this many pages.'),
    concurrency: positiveInteger.describe(
      'Requests in flight at once when the paginator knows the pages ahead (offset with a total); 1 fetches one page at a time. @default 4',
    ),
    nested: z
      .enum(['flatten', 'json'])
      .describe('Arrays become child tables (flatten) or stay JSON. @default flatten'),
    selected: z
      .boolean()
      .describe('Emit this resource (a deselected parent still feeds its children). @default true'),
    retry: retry(mode),
    timeoutMs: positiveInteger.describe('Per-attempt timeout in ms. @default 30000'),
  };
}

function resource(mode: Mode) {
  const object = z.strictObject(
    shape(
      mode,
      {
        name: nonEmptyString.describe('Resource and table name.'),
        endpoint: mode === 'json' ? z.union([z.string(), endpoint(mode)]) : endpointOrPath(mode),
        ...resourceFields(mode),
      },
      ['name'],
    ),
  );
  if (mode === 'json')
    return z.union([nonEmptyString, object]).describe('A resource, or just its name (= path).');
  return z.preprocess((value) => (typeof value === 'string' ? { name: value } : value), object);
}

function endpointOrPath(mode: Mode) {
  return z.preprocess((value) => (typeof value === 'string' ? { path: value } : value), endpoint(mode));
}

function client(mode: Mode) {
  return z
    .strictObject(
      shape(
        mode,
        {
          baseUrl: nonEmptyString.describe('Base URL every path continues, e.g. https://api.example.com/v1.'),
          headers: z.record(z.string(), secretValue(mode)).describe('Headers sent with every request.'),
          auth: adapter(mode, 'auth'),
          paginator: adapter(mode, 'paginator'),
          retry: retry(mode),
          timeoutMs: positiveInteger.describe('Per-attempt timeout in ms. @default 30000'),
        },
        ['baseUrl'],
      ),
    )
    .describe('The API client.');
}

function root(mode: Mode) {
  return z.strictObject(
    shape(
      mode,
      {
        client: client(mode),
        resourceDefaults: z
          .strictObject(shape(mode, { endpoint: endpoint(mode), ...resourceFields(mode) }))
          .describe('Settings every resource inherits; the resource wins.'),
        resources: z.array(resource(mode), { error: 'expected a list of resources' }).min(1, {
          error: 'expected at least one resource',
        }),
      },
      ['client', 'resources'],
    ),
  );
}

/** The schema `restApiSource` validates a config with (both spellings). */
export const configInputSchema = root('input');

let jsonSchema: Record<string, unknown> | undefined;

/**
 * A JSON Schema (draft 2020-12) of dlt's plain-data config form (snake_case keys, `type`
 * strings), for editor autocomplete: reference it from a JSON file's `$schema` or a YAML
 * language-server comment. Adapter options are open objects (each adapter validates its own).
 */
export function configJsonSchema(): Record<string, unknown> {
  jsonSchema ??= z.toJSONSchema(root('json').describe('A restsync rest_api source config (dlt form).'), {
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return structuredClone(jsonSchema);
}
