import { z } from 'zod';
import type { Auth } from '../contracts/auth';
import type { Paginator } from '../contracts/paginator';
import { isSecret, type Secret } from '../secrets';
import { custom, dual, forward, orShorthand } from './declare';
import { isPlainObject } from './plain-object';

/*
 * The rest_api config, declared once. Keys are camelCase; every key is also accepted in
 * snake_case (dlt's form). From this file come the TypeScript types (types.ts), the schema
 * `restApiSource` validates with and the JSON Schema (forms.ts), and the key lists used for
 * unknown-key suggestions (keys.ts). To add a key, see docs/adding-a-config-key.md.
 */

/** dlt names that are not the snake_case of the camelCase key. */
export const dltNames = { status: 'status_code' } as const;

/** Keys that only exist in code (functions): left out of the plain-data form and the JSON Schema. */
export const codeOnlyKeys = ['processingSteps'] as const;

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

const paramScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const secretReferenceSchema = z
  .strictObject({
    secret: nonEmptyString.describe('Name of the secret; `api_key` reads the API_KEY variable.'),
  })
  .describe('A secret read from the environment (upper snake case of the name) or the .env file.');

export const resolveParamSchema = z
  .strictObject({
    type: z.literal('resolve'),
    resource: nonEmptyString.describe('The parent resource.'),
    field: nonEmptyString.describe('The field of each parent record.'),
  })
  .describe('A field of each parent record (same as "{resources.<resource>.<field>}").');

/** A cursor value in the config: an ISO-8601 timestamp or date, a number, or a string. */
const cursorValue = dual(
  custom<string | number | bigint | Date>(
    'expected a cursor value: an ISO-8601 timestamp or date, a number or a string',
    (value) =>
      typeof value === 'string' ||
      typeof value === 'bigint' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (value instanceof Date && !Number.isNaN(value.getTime())),
  ),
  z.union([z.string(), z.number()]),
);

/** The conversions `convert` names in a JSON/YAML config. */
export const conversionNames = ['epoch_seconds', 'epoch_milliseconds', 'date'] as const;

const convert = dual(
  custom<((value: unknown) => unknown) | (typeof conversionNames)[number]>(
    `expected a function or one of ${conversionNames.map((name) => `"${name}"`).join(', ')}`,
    (value) => typeof value === 'function' || (conversionNames as readonly unknown[]).includes(value),
  ),
  z.enum(conversionNames),
);

/** What the endpoint form and the param-level form of `incremental` share. */
const incrementalOptions = {
  cursorPath: nonEmptyString.describe(
    'JSONPath of the cursor in each record, e.g. "updated_at" or "meta.updated_at".',
  ),
  initialValue: cursorValue.describe('The start value when no cursor is stored.').optional(),
  lastValueFunc: z
    .enum(['max', 'min'])
    .describe('max: the cursor grows; min: it shrinks. @default max')
    .optional(),
  rowOrder: z
    .enum(['asc', 'desc'])
    .describe("The API's order of the cursor; paging stops once rows leave the range (top-level resources).")
    .optional(),
  lag: nonNegativeNumber
    .describe('Re-read this far back: seconds for timestamps, days for dates, units for numbers.')
    .optional(),
  onCursorValueMissing: z
    .enum(['raise', 'include', 'exclude'])
    .describe('Records without a cursor value (missing or null). @default raise')
    .optional(),
  rangeStart: z
    .enum(['closed', 'open'])
    .describe('open excludes rows equal to the start value (and de-duplication). @default closed')
    .optional(),
  rangeEnd: z
    .enum(['open', 'closed'])
    .describe('closed includes rows equal to end_value. @default open')
    .optional(),
  primaryKey: z
    .union([nonEmptyString, z.array(nonEmptyString)], {
      error: 'expected a field name or a list of field names ([] turns de-duplication off)',
    })
    .describe(
      "Fields that identify boundary rows for de-duplication; [] turns it off. @default the resource's",
    )
    .optional(),
  convert: convert
    .describe(
      'Applied to the values placed into requests: epoch_seconds, epoch_milliseconds, date, or a function (code).',
    )
    .optional(),
};

export const incrementalSchema = z
  .strictObject({
    ...incrementalOptions,
    endValue: cursorValue
      .describe(
        'The end of the range: a stateless backfill that reads and writes no cursor (needs initial_value).',
      )
      .optional(),
    startParam: nonEmptyString
      .describe(
        'Deprecated: the query parameter that gets the start value; use a {incremental.start_value} param.',
      )
      .optional(),
    endParam: nonEmptyString
      .describe(
        'Deprecated: the query parameter that gets the end value; use a {incremental.end_value} param.',
      )
      .optional(),
  })
  .describe('Incremental loading: fetch only what changed since the stored cursor.');

export const incrementalParamSchema = z
  .strictObject({
    type: z.literal('incremental'),
    ...incrementalOptions,
  })
  .describe('Deprecated: a param that gets the incremental start value; use endpoint.incremental.');

/** A paginator or auth as plain data: `{ type: 'offset', limit: 100 }` (the adapter's dlt keys). */
export const adapterConfigSchema = z.looseObject({ type: z.string() });

type SecretReferenceInput = z.input<typeof secretReferenceSchema>;
type ParamScalarInput = z.input<typeof paramScalar>;
type ParamValueInput =
  | ParamScalarInput
  | ParamScalarInput[]
  | z.input<typeof resolveParamSchema>
  | z.input<typeof incrementalParamSchema>
  | Secret
  | SecretReferenceInput;
type AdapterConfigInput = z.input<typeof adapterConfigSchema>;

/** A value that may be a secret: a literal, `secret('name')`, or `{ secret: 'name' }`. */
const secretValue = dual(
  custom<string | Secret | SecretReferenceInput>(
    'expected a string, secret("name") or { secret: "name" }',
    (value, context) => {
      if (typeof value === 'string' || isSecret(value)) return true;
      if (isPlainObject(value) && 'secret' in value) {
        forward(secretReferenceSchema, value, context);
        return true;
      }
      return false;
    },
  ),
  z.union([z.string(), secretReferenceSchema]),
);

/**
 * Checks the values a query parameter and a form field share: a scalar, a list of scalars, a secret, or a
 * `{ secret }` reference (its issues forwarded). Undefined for any other value.
 */
function checkScalarOrSecret(value: unknown, context: z.core.$RefinementCtx): boolean | undefined {
  if (paramScalar.safeParse(value).success || isSecret(value)) return true;
  if (Array.isArray(value)) return value.every((item) => paramScalar.safeParse(item).success);
  if (isPlainObject(value) && 'secret' in value) {
    forward(secretReferenceSchema, value, context);
    return true;
  }
  return undefined;
}

/** A query parameter: a scalar (`null` leaves it out), a list (repeated), a parent field, or a secret. */
const paramValue = dual(
  custom<ParamValueInput>(
    'expected a string, number, boolean, null, a list of those, { type: "resolve", resource, field } or a secret',
    (value, context) => {
      const scalarOrSecret = checkScalarOrSecret(value, context);
      if (scalarOrSecret !== undefined) return scalarOrSecret;
      if (isPlainObject(value) && value.type === 'incremental') {
        const refused = ['end_value', 'endValue', 'end_param', 'endParam'].filter((key) => key in value);
        for (const key of refused) {
          context.addIssue({
            code: 'custom',
            message: `${key} is not allowed in a param-level incremental (as in dlt); use endpoint.incremental`,
            path: [key],
          });
        }
        const { end_value, endValue, end_param, endParam, ...rest } = value;
        // Checked in camelCase: the param's keys may be written in either spelling.
        const camel = Object.fromEntries(
          Object.entries(rest).map(([key, item]) => [
            key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase()),
            item,
          ]),
        );
        forward(incrementalParamSchema, camel, context);
        return true;
      }
      if (isPlainObject(value) && 'type' in value) {
        forward(resolveParamSchema, value, context);
        return true;
      }
      return false;
    },
  ),
  z.union([
    paramScalar,
    z.array(paramScalar),
    resolveParamSchema,
    incrementalParamSchema,
    secretReferenceSchema,
  ]),
);

/** A form field's value: a scalar (`null` leaves it out), a list (repeated), or a secret. */
const formValue = dual(
  custom<ParamScalarInput | ParamScalarInput[] | Secret | SecretReferenceInput>(
    'expected a string, number, boolean, null, a list of those, or a secret',
    (value, context) => checkScalarOrSecret(value, context) ?? false,
  ),
  z.union([paramScalar, z.array(paramScalar), secretReferenceSchema]),
);

/** dlt's `data`: a form (an object, or a list of `[name, value]` pairs) or a raw text body. */
const requestData = z
  .union(
    [
      z.string(),
      z.record(z.string(), formValue),
      z.array(z.tuple([z.string(), paramScalar]), { error: 'expected a list of [name, value] pairs' }),
    ],
    {
      error: 'expected an object (a form), a list of [name, value] pairs (a form), or a string (a raw body)',
    },
  )
  .describe(
    'Request body other than JSON: an object or [name, value] pairs are sent form-encoded, a string as is; placeholders allowed; not with json.',
  );

const article = (kind: string) => (/^[aeiou]/.test(kind) ? 'an' : 'a');

/**
 * A paginator or auth: a factory object, a `type` string, or `{ type, ...options }`. The config
 * keeps the options open: each adapter validates its own.
 */
function adapter<Value>(
  kind: 'paginator' | 'auth',
  typeDescription: string,
  example: { code: string; data: string; type: string },
) {
  const code = custom<Value>(
    `expected ${article(kind)} ${kind}: ${example.code} or ${example.data}`,
    (value, context) => {
      if (typeof value === 'string') return value.length > 0;
      if (!isPlainObject(value)) return false;
      if (value.kind === kind) return true;
      if (value.kind === 'paginator' || value.kind === 'auth') {
        context.addIssue({
          code: 'custom',
          message: `expected ${article(kind)} ${kind}, got ${article(String(value.kind))} ${String(value.kind)}`,
        });
        return true;
      }
      if (value.type === undefined && kind === 'auth') return true;
      if (typeof value.type !== 'string') {
        context.addIssue({
          code: 'custom',
          message: `expected a "type" string, e.g. "${example.type}"`,
          path: ['type'],
        });
      }
      return true;
    },
  );
  const type = kind === 'auth' ? nonEmptyString.optional() : nonEmptyString;
  const data = z
    .union([
      nonEmptyString,
      z
        .looseObject({ type: type.describe(typeDescription) })
        .describe(`The ${kind}'s options, in dlt's snake_case keys.`),
    ])
    .describe(`${article(kind) === 'an' ? 'An' : 'A'} ${kind}, e.g. ${example.data}.`);
  return dual(code, data);
}

const paginator = () =>
  adapter<Paginator | AdapterConfigInput | string>(
    'paginator',
    'Paginator type: offset, page_number, cursor, json_link, header_link, single_page, ... (resolves @restsync/paginator-<type>).',
    { code: 'offset({ limit: 100 })', data: '{ "type": "offset", "limit": 100 }', type: 'offset' },
  );

const auth = () =>
  adapter<Auth | AdapterConfigInput | Record<string, unknown> | string>(
    'auth',
    'Auth type: api_key, bearer, http_basic, ... (resolves @restsync/auth-<type>). @default bearer',
    { code: 'apiKey({ ... })', data: '{ "type": "api_key", ... }', type: 'api_key' },
  );

export const retrySchema = z
  .strictObject({
    maxRetries: z
      .number({ error: 'expected an integer >= 0' })
      .int({ error: 'expected an integer >= 0' })
      .min(0, { error: 'expected an integer >= 0' })
      .describe('Retries after the first attempt. @default 3')
      .optional(),
    initialDelayMs: nonNegativeNumber
      .describe('Wait before the first retry, in ms. @default 1000')
      .optional(),
    backoffFactor: nonNegativeNumber
      .describe('Each retry waits this many times longer. @default 2')
      .optional(),
    maxDelayMs: nonNegativeNumber.describe('Cap of the computed delay, in ms. @default 30000').optional(),
    maxRetryDelayMs: nonNegativeNumber
      .describe('A longer Retry-After fails at once, in ms. @default 60000')
      .optional(),
    retryStatuses: z
      .array(z.number().int().min(100).max(599), { error: 'expected a list of HTTP status codes' })
      .describe('Statuses that are retried. @default [429, 500, 502, 503, 504]')
      .optional(),
  })
  .describe('Retry settings (exponential backoff; Retry-After is honoured).');

export const rateLimitSchema = z
  .strictObject({
    requestsPerSecond: z
      .number({ error: 'expected a number > 0' })
      .positive({ error: 'expected a number > 0' })
      .describe('Requests started per second, on average (a token bucket). @default no limit')
      .optional(),
    burst: positiveInteger
      .describe('Requests that may start at once after an idle spell; 1 spaces them evenly. @default 1')
      .optional(),
    maxConcurrency: positiveInteger
      .describe('Requests in flight at once (a bulkhead). @default no limit')
      .optional(),
  })
  .describe(
    "A proactive limit, shared by every request of the run to the API (parents, children, parallel resources, pages fetched ahead). On a resource: a narrower limit for its requests, within the client's.",
  );

export const circuitBreakerSchema = z
  .strictObject({
    consecutiveFailures: positiveInteger.describe(
      'Attempts in a row that got HTTP 5xx or no response before the run fails at once, naming the API.',
    ),
  })
  .describe(
    'Fails the run fast against an API that keeps failing, instead of retrying every remaining page. @default off',
  );

export const responseActionSchema = z
  .strictObject({
    status: z
      .union([z.number().int().min(100).max(599), z.string().regex(/^\d{3}$/)], {
        error: 'expected an HTTP status code',
      })
      .describe('Matches this response status.')
      .optional(),
    content: z.string().describe('Matches a response body containing this text.').optional(),
    action: z
      .literal('ignore')
      .describe('ignore: the response ends the request sequence without records.')
      .optional(),
  })
  .refine((value) => Object.keys(value).some((key) => key !== 'action'), {
    error: 'expected "status_code" (or "status") or "content" to match responses',
  });

const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type HttpMethod = (typeof httpMethods)[number];

const method = dual(
  z.string().refine((value) => (httpMethods as readonly string[]).includes(value.toUpperCase()), {
    error: `expected one of ${httpMethods.join(', ')}`,
  }) as z.ZodType<HttpMethod | Lowercase<HttpMethod>, HttpMethod | Lowercase<HttpMethod>>,
  z.enum(httpMethods),
);

export const endpointSchema = z
  .strictObject({
    path: z
      .string({ error: 'expected a path string' })
      .describe('Path under base_url, or an absolute URL; "{resources.<parent>.<field>}" makes a child.')
      .optional(),
    method: method.describe('HTTP method. @default GET').optional(),
    params: z
      .record(z.string(), paramValue)
      .describe('Query parameters; "{resources.<parent>.<field>}" placeholders allowed.')
      .optional(),
    json: z.unknown().describe('JSON request body; placeholders allowed in strings.').optional(),
    data: requestData.optional(),
    headers: z.record(z.string(), secretValue).describe('Request headers; placeholders allowed.').optional(),
    dataSelector: nonEmptyString
      .describe(
        'JSONPath to the records, e.g. "data" or "$.results[*]"; null resets an inherited one. @default auto',
      )
      .nullable()
      .optional(),
    paginator: paginator().nullable().optional(),
    auth: auth().optional(),
    responseActions: z
      .array(responseActionSchema)
      .describe('Responses to accept instead of failing.')
      .optional(),
    incremental: incrementalSchema.optional(),
  })
  .describe('The request of a resource.');

/** dlt's dict form of `write_disposition`: the disposition plus, for `merge`, its strategy and `scd2` settings. */
export const writeDispositionSchema = z
  .strictObject({
    disposition: z
      .enum(['append', 'replace', 'merge'])
      .describe('How rows are written, as in the string form.'),
    strategy: z
      .enum(['upsert', 'delete-insert', 'scd2'])
      .describe(
        'How a merge writes: update keys in place (upsert), delete the stored rows of each key then insert (delete-insert), or keep the history of every row (scd2). Only with disposition merge. @default upsert',
      )
      .optional(),
    validityColumnNames: z
      .tuple([nonEmptyString, nonEmptyString], {
        error: 'expected two column names: [valid from, valid to]',
      })
      .describe(
        'scd2: the columns holding when a version became valid and stopped being valid. @default ["_restsync_valid_from", "_restsync_valid_to"]',
      )
      .optional(),
    activeRecordTimestamp: z
      .string()
      .nullable()
      .describe(
        'scd2: the valid-to value of active versions (e.g. "9999-12-31"); null keeps it NULL. @default null',
      )
      .optional(),
    boundaryTimestamp: z
      .string()
      .describe(
        "scd2: the ISO timestamp this run's new versions start and retired ones end at. @default the run's start",
      )
      .optional(),
    rowVersionColumnName: nonEmptyString
      .describe(
        'scd2: a column of the record identifying a version; it changes when the record changes. @default a hash of the row',
      )
      .optional(),
  })
  .describe('The dict form of write_disposition (dlt): { disposition: "merge", strategy: "scd2", ... }.');

type RecordFilter = (record: Record<string, unknown>) => boolean;
type RecordMap = (record: Record<string, unknown>) => Record<string, unknown>;

/**
 * One processing step, applied in order to every record of a resource (code form only). A step
 * may hold both functions, as in dlt: its `filter` runs first, then its `map`.
 */
const processingStep = custom<
  { filter: RecordFilter; map?: RecordMap } | { filter?: RecordFilter; map: RecordMap }
>(
  'expected { filter: (record) => boolean }, { map: (record) => record } or both in one step; processing steps are ' +
    'functions, so they only exist in a TypeScript/JavaScript config, not in JSON or YAML',
  (value) => {
    if (!isPlainObject(value)) return false;
    const keys = Object.keys(value);
    return (
      keys.length > 0 &&
      keys.every((key) => (key === 'filter' || key === 'map') && typeof value[key] === 'function')
    );
  },
);

/** Column types a `columns` hint may name: dlt's, plus its aliases `complex` (json) and `wei` (decimal). */
const hintedColumnTypes = [
  'text',
  'bigint',
  'double',
  'bool',
  'timestamp',
  'date',
  'json',
  'decimal',
  'complex',
  'wei',
] as const;

/** One column hint: a value of the `columns` dict, or an item of its list form (then with `name`). */
export const columnHintSchema = z
  .strictObject({
    name: nonEmptyString
      .describe('The column (required in the list form; the dict form uses the key).')
      .optional(),
    dataType: z
      .enum(hintedColumnTypes, {
        error: `expected one of ${hintedColumnTypes.join(', ')} (binary and time are not supported)`,
      })
      .describe(
        'The column type; it wins over inference, and a value that does not fit goes to a variant column.',
      )
      .optional(),
    nullable: z
      .boolean()
      .describe('false: NOT NULL when the table is created. @default true (false for key columns)')
      .optional(),
    primaryKey: z.boolean().describe('Part of the primary key.').optional(),
    mergeKey: z.boolean().describe('Part of the merge key.').optional(),
    hardDelete: z
      .boolean()
      .describe('A merge deletes the stored row when this column is true (or, for other types, not null).')
      .optional(),
    precision: positiveInteger
      .describe('decimal: total digits; timestamp: fractional second digits (0-6).')
      .optional(),
    scale: z
      .number({ error: 'expected an integer >= 0' })
      .int({ error: 'expected an integer >= 0' })
      .min(0, { error: 'expected an integer >= 0' })
      .describe('decimal: digits after the point.')
      .optional(),
  })
  .describe('Hints for one column (dlt).');

const columnHintsDict = z.record(z.string(), columnHintSchema);
const columnHintsList = z.array(columnHintSchema);

/** Checks one column hint written in either spelling; its problems keep the user's spelling and path. */
function checkColumnHint(hint: unknown, path: PropertyKey[], context: z.core.$RefinementCtx): void {
  if (!isPlainObject(hint)) {
    context.addIssue({ code: 'custom', message: 'expected an object of column hints', path });
    return;
  }
  const written = new Map<string, string>();
  const camel: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(hint)) {
    const camelKey = key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
    written.set(camelKey, key);
    camel[camelKey] = item;
  }
  const result = columnHintSchema.safeParse(camel);
  if (result.success) return;
  for (const issue of result.error.issues) {
    const [first, ...rest] = issue.path;
    const inPath = first === undefined ? [] : [written.get(String(first)) ?? first, ...rest];
    const keys = 'keys' in issue ? { keys: issue.keys.map((key) => written.get(key) ?? key) } : {};
    context.addIssue({ ...issue, ...keys, path: [...path, ...inPath] } as z.core.$ZodRawIssue);
  }
}

/** `columns` in dlt's dict form `{ <column>: { ... } }` or list form `[{ name, ... }]`. */
const columnHints = dual(
  custom<z.input<typeof columnHintsDict> | z.input<typeof columnHintsList>>(
    'expected { <column>: { data_type, ... } } or a list of { name, data_type, ... }',
    (value, context) => {
      if (Array.isArray(value)) {
        for (const [index, hint] of value.entries()) checkColumnHint(hint, [index], context);
      } else if (isPlainObject(value)) {
        for (const [name, hint] of Object.entries(value)) checkColumnHint(hint, [name], context);
      } else return false;
      return true;
    },
  ),
  z.union([columnHintsDict, columnHintsList]),
);

const contractMode = z.enum(['evolve', 'freeze', 'discard_row', 'discard_value']);

export const schemaContractSchema = z
  .strictObject({
    tables: contractMode.describe('A table not in the stored schema. @default evolve').optional(),
    columns: contractMode.describe('A new column on a stored table. @default evolve').optional(),
    dataType: contractMode
      .describe('A value its column does not hold (a variant column or a widened type). @default evolve')
      .optional(),
  })
  .describe('What happens when a record needs a schema change, per kind of change (dlt).');

/** What a resource and `resourceDefaults` share (a resource adds its `name`). */
const resourceOptions = {
  endpoint: endpointSchema.optional(),
  primaryKey: z
    .union([nonEmptyString, z.array(nonEmptyString).min(1)], {
      error: 'expected a field name or a list of field names',
    })
    .describe('Field(s) identifying a record; required for merge.')
    .optional(),
  writeDisposition: z
    .union([z.enum(['append', 'replace', 'merge']), writeDispositionSchema], {
      error: (issue) =>
        typeof issue.input === 'string'
          ? `expected one of "append", "replace", "merge", got "${issue.input}"`
          : 'expected "append", "replace", "merge" or { disposition: "merge", strategy: "upsert" | "delete-insert" | "scd2", ... }',
    })
    .describe('append, replace or merge; or the dict form with a merge strategy. @default append')
    .optional(),
  processingSteps: z.array(processingStep).optional(),
  includeFromParent: z
    .array(nonEmptyString)
    .describe('Parent fields copied into child records as _<parent>_<field>.')
    .optional(),
  maxPages: positiveInteger.describe('Stop a request sequence after this many pages.').optional(),
  concurrency: positiveInteger
    .describe(
      'Requests in flight at once when the paginator knows the pages ahead (offset with a total); 1 fetches one page at a time. @default 4',
    )
    .optional(),
  nested: z
    .enum(['flatten', 'json'])
    .describe('Arrays become child tables (flatten) or stay JSON. @default flatten')
    .optional(),
  selected: z
    .boolean()
    .describe('Emit this resource (a deselected parent still feeds its children). @default true')
    .optional(),
  retry: retrySchema.optional(),
  timeoutMs: positiveInteger.describe('Per-attempt timeout in ms. @default 30000').optional(),
  parallelized: z
    .boolean()
    .describe(
      "Run this resource alongside the other parallelized ones and, for a child, its parents' request sequences concurrently, up to the run's max concurrency. @default false",
    )
    .optional(),
  rateLimit: rateLimitSchema.optional(),
  tableName: nonEmptyString
    .describe('Load into this table instead of one named after the resource; child tables follow.')
    .optional(),
  columns: columnHints
    .describe('Column hints: types, nullability, keys; dict or list form (dlt).')
    .optional(),
  maxTableNesting: z
    .number({ error: 'expected an integer >= 0' })
    .int({ error: 'expected an integer >= 0' })
    .min(0, { error: 'expected an integer >= 0' })
    .describe(
      'Nesting levels that become columns and child tables; deeper data stays JSON. 0: no child tables.',
    )
    .optional(),
  schemaContract: z
    .union([contractMode, schemaContractSchema], {
      error: 'expected evolve, freeze, discard_row, discard_value or { tables, columns, data_type }',
    })
    .describe('What happens on a new table, a new column or a variant. @default evolve')
    .optional(),
  mergeKey: z
    .union([nonEmptyString, z.array(nonEmptyString).min(1)], {
      error: 'expected a field name or a list of field names',
    })
    .describe('Field(s) whose stored rows a delete-insert merge replaces.')
    .optional(),
  tableFormat: z
    .string()
    .describe('Accepted for dlt configs (iceberg, delta, ...); no effect on Postgres and MongoDB.')
    .optional(),
};

export const resourceDefaultsSchema = z
  .strictObject(resourceOptions)
  .describe('Settings every resource inherits; the resource wins.');

export const resourceSchema = z.strictObject({
  name: nonEmptyString.describe('Resource and table name.'),
  ...resourceOptions,
  endpoint: orShorthand(endpointSchema, 'path', 'The endpoint, or just its path.').optional(),
});

export const clientSchema = z
  .strictObject({
    baseUrl: nonEmptyString.describe('Base URL every path continues, e.g. https://api.example.com/v1.'),
    headers: z.record(z.string(), secretValue).describe('Headers sent with every request.').optional(),
    auth: auth().optional(),
    paginator: paginator().optional(),
    retry: retrySchema.optional(),
    timeoutMs: positiveInteger.describe('Per-attempt timeout in ms. @default 30000').optional(),
    rateLimit: rateLimitSchema.optional(),
    circuitBreaker: circuitBreakerSchema.optional(),
  })
  .describe('The API client.');

export const restApiSourceConfigSchema = z
  .strictObject({
    client: clientSchema,
    resourceDefaults: resourceDefaultsSchema.optional(),
    resources: z
      .array(orShorthand(resourceSchema, 'name', 'A resource, or just its name (= path).'), {
        error: 'expected a list of resources',
      })
      .min(1, { error: 'expected at least one resource' }),
  })
  .describe('A restsync rest_api source config (dlt form).');

/**
 * dlt options restsync does not support yet, per object kind (snake_case). They are reported
 * with a clear message instead of "unknown key".
 */
const unsupportedResourceHints = ['file_format'] as const;

export const unsupportedDltKeys: Readonly<Record<string, readonly string[]>> = {
  client: ['session'],
  resource: [...unsupportedResourceHints, 'parent'],
  resourceDefaults: unsupportedResourceHints,
};
