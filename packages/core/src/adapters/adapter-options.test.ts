import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { secret } from '../secrets';
import { adapterOptions, snakeCase } from './adapter-options';
import { option } from './option-schemas';

function issuesOf(build: () => unknown): string[] {
  try {
    build();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

const pagerOptions = adapterOptions(
  z
    .object({
      limit: option.positiveInteger(),
      startPage: option.nonNegativeInteger().default(0),
      totalPath: option.jsonPath().nullable().default('total'),
      hasMorePath: option.jsonPath().optional(),
      client: z.custom<{ query(): void }>().optional(),
    })
    .superRefine((options, context) => {
      if (options.startPage >= options.limit) {
        context.addIssue({ code: 'custom', path: ['startPage'], message: 'must be below {limit}' });
      }
    }),
  { codeOnly: ['client'] },
);

describe('snakeCase', () => {
  it('should turn option names into dlt config keys', () => {
    expect(['limit', 'totalPath', 'offsetBodyPath', 'oauth2Scope'].map(snakeCase)).toEqual([
      'limit',
      'total_path',
      'offset_body_path',
      'oauth2_scope',
    ]);
  });
});

describe('adapterOptions', () => {
  it('should derive the config keys from the option names, leaving out code-only options', () => {
    expect(pagerOptions.configKeys).toEqual(['limit', 'start_page', 'total_path', 'has_more_path']);
  });

  it('should map snake_case config keys to the options, with defaults applied', () => {
    expect(pagerOptions.parseConfig({ limit: 10, total_path: 'meta.total' })).toEqual({
      limit: 10,
      startPage: 0,
      totalPath: 'meta.total',
    });
  });

  it('should keep null where the option accepts it and treat other nulls as not set', () => {
    expect(pagerOptions.parseConfig({ limit: 10, start_page: null, total_path: null })).toEqual({
      limit: 10,
      startPage: 0,
      totalPath: null,
    });
  });

  it('should report unknown keys with a suggestion, then wrong values, under the keys the user wrote', () => {
    expect(issuesOf(() => pagerOptions.parseConfig({ limt: 1, start_page: -1, 'page size': 2 }))).toEqual([
      'limt: unknown key; did you mean "limit"?',
      '["page size"]: unknown key (expected one of: limit, start_page, total_path, has_more_path)',
      'limit: expected a positive integer, got nothing',
      'start_page: expected a non-negative integer, got -1',
    ]);
  });

  it('should accept the camelCase name of an option in a config, and refuse both spellings at once', () => {
    expect(pagerOptions.parseConfig({ limit: 10, totalPath: 'meta.total', start_page: 1 })).toMatchObject({
      totalPath: 'meta.total',
      startPage: 1,
    });
    expect(issuesOf(() => pagerOptions.parseConfig({ limit: 10, total_path: 'a', totalPath: 'b' }))).toEqual([
      'totalPath: "total_path" is also given; use one spelling',
    ]);
  });

  it('should tolerate accepted keys without suggesting them', () => {
    expect(pagerOptions.parseConfig({ type: 'pager', limit: 5 }, ['type'])).toMatchObject({ limit: 5 });
    expect(issuesOf(() => pagerOptions.parseConfig({ type: 'pager', limit: 5 }))).toEqual([
      'type: unknown key (expected one of: limit, start_page, total_path, has_more_path)',
    ]);
  });

  it('should not accept a code-only option in a config file', () => {
    expect(issuesOf(() => pagerOptions.parseConfig({ limit: 5, client: {} }))).toEqual([
      'client: unknown key (expected one of: limit, start_page, total_path, has_more_path)',
    ]);
  });

  it('should report code options under their camelCase names, also inside cross-option messages', () => {
    expect(issuesOf(() => pagerOptions.parse({ limit: 2, startPage: 3 }))).toEqual([
      'startPage: must be below limit',
    ]);
    expect(issuesOf(() => pagerOptions.parseConfig({ limit: 2, start_page: 3 }))).toEqual([
      'start_page: must be below limit',
    ]);
    expect(issuesOf(() => pagerOptions.parse({ limit: 2, totalPth: 'x' }))).toEqual([
      'totalPth: unknown key; did you mean "totalPath"?',
    ]);
  });

  it('should reject options that are not an object', () => {
    expect(issuesOf(() => pagerOptions.parse(100))).toEqual([': expected an options object, got 100']);
  });

  it('should give the JSON Schema of the config object with snake_case keys', () => {
    const schema = pagerOptions.jsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(['limit', 'start_page', 'total_path', 'has_more_path']);
    expect(schema.required).toEqual(['limit']);
    expect(schema.properties.start_page).toMatchObject({ type: 'integer', minimum: 0, default: 0 });
  });

  it('should never show a secret value in a message', () => {
    const auth = adapterOptions(z.object({ apiKey: option.secret(), name: option.name() }));
    expect(auth.parseConfig({ api_key: { secret: 'my_key' }, name: 'k' }).apiKey).toEqual(secret('my_key'));
    const issues = issuesOf(() => auth.parseConfig({ api_key: { value: 'leaked-value' }, name: 'k' }));
    expect(issues).toEqual([
      'api_key: expected the value as a non-empty string or { "secret": "<name>" } (the value is not shown)',
    ]);
    expect(issuesOf(() => auth.parseConfig({ api_key: 12345678, name: 'k' })).join()).not.toContain(
      '12345678',
    );
  });
});
