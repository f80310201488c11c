import { type core, z } from 'zod';
import { parseJsonPath } from '../adapter-utils/json-path';
import { checkJsonPath } from '../json-path/json-path';
import { isSecret, type Secret, secret as secretReference } from '../secrets';
import { describeOptionValue } from './adapter-options';

type Message = (issue: core.$ZodRawIssue) => string;

const got =
  (expected: string): Message =>
  (issue) =>
    `expected ${expected}, got ${describeOptionValue(issue.input, String(issue.path?.[0] ?? ''))}`;

function integer(minimum: number, expected: string) {
  const error = got(expected);
  return z.number({ error }).int({ error }).min(minimum, { error });
}

/**
 * Option schemas with the messages users see most, for `adapterOptions()`. Each reports
 * `expected <what>, got <value>` (a secret's value is never shown).
 */
export const option = {
  /** An integer >= 1 (`limit`, `maximumOffset`). */
  positiveInteger: () => integer(1, 'a positive integer'),
  /** An integer >= 0 (`offset`, `basePage`). */
  nonNegativeInteger: () => integer(0, 'a non-negative integer'),
  /** `true` or `false`. */
  boolean: () => z.boolean({ error: got('true or false') }),
  /** A non-empty query parameter, header or field name. */
  name: () =>
    z.string({ error: got('a non-empty parameter name') }).refine((value) => value.trim() !== '', {
      error: got('a non-empty parameter name'),
    }),
  /**
   * A JSONPath that reads the response, in dlt's syntax: `meta.total`, `$.data[-1].id`,
   * `['@odata.nextLink']` (see `compileJsonPath`).
   */
  jsonPath: () => {
    const expected = got('a JSONPath such as "meta.total"');
    return z
      .string({ error: expected })
      .refine((value) => value.trim() !== '' && checkJsonPath(value) === undefined, {
        error: (issue) => {
          const input = issue.input;
          const problem = typeof input === 'string' && input.trim() !== '' ? checkJsonPath(input) : undefined;
          return problem ?? expected(issue);
        },
      });
  },
  /** A dot path where a value is written into the request body: `page.offset`, `$.page.offset`. */
  bodyPath: () =>
    z
      .string({ error: got('a dot path such as "page.offset"') })
      .refine((value) => parseJsonPath(value) !== undefined, {
        error: got('a dot path such as "page.offset"'),
      }),
  /**
   * A credential: the value itself, `secret('name')` in code, or `{ "secret": "name" }` in a config
   * file (read from the environment on first use). The output is a string or a `Secret`.
   * `label` names it in the message: `expected the key as ...`.
   */
  secret: (label = 'the value') =>
    z
      .custom<string | Secret | { secret: string }>(
        (value) =>
          (typeof value === 'string' && value !== '') ||
          isSecret(value) ||
          (typeof value === 'object' &&
            value !== null &&
            Object.keys(value).length === 1 &&
            typeof (value as { secret?: unknown }).secret === 'string' &&
            (value as { secret: string }).secret.trim() !== ''),
        {
          error: `expected ${label} as a non-empty string or { "secret": "<name>" } (the value is not shown)`,
        },
      )
      .transform((value): string | Secret =>
        typeof value === 'string' || isSecret(value) ? value : secretReference(value.secret),
      ),
};
