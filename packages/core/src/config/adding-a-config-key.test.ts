import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { configDocsProblems } from './__fixtures__/config-docs-check';
import { clientWithUserAgent, configWithUserAgent } from './__fixtures__/schema-with-a-new-key';
import { configJsonSchema, deriveConfigForms, dltName } from './forms';
import { configKeys, keysOf } from './keys';
import type { DataForm } from './types';

// docs/adding-a-config-key.md promises that a new key touches only schema.ts, the code that uses
// it, and the docs: every derived form must pick the key up from the schema alone.

const forms = deriveConfigForms(configWithUserAgent);
const camelKeys = new Map(
  [...Object.values(configKeys).flat(), 'userAgent'].map((key: string) => [dltName(key), key]),
);
const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');

describe('adding a config key', () => {
  it('should give the TypeScript types the key in both spellings', () => {
    type Config = z.input<typeof configWithUserAgent>;

    expectTypeOf<Config['client']>().toHaveProperty('userAgent');
    expectTypeOf<DataForm<Config>['client']>().toHaveProperty('user_agent');
    expectTypeOf<DataForm<Config>['client']>().not.toHaveProperty('userAgent');
    expectTypeOf<NonNullable<DataForm<Config>['resource_defaults']>>().not.toHaveProperty('processing_steps');
  });

  it('should add the key to the key list of its object', () => {
    expect(keysOf(clientWithUserAgent)).toContain('userAgent');
  });

  it('should accept the key in both spellings and still reject a misspelling', () => {
    const config = (client: Record<string, unknown>) => ({
      client: { base_url: 'https://api.example.com', ...client },
      resources: ['users'],
    });

    expect(forms.code.safeParse(config({ user_agent: 'restsync' })).success).toBe(true);
    expect(forms.code.safeParse(config({ userAgent: 'restsync' })).success).toBe(true);
    expect(forms.code.safeParse(config({ user_agent: '' })).success).toBe(false);
    expect(forms.code.safeParse(config({ user_agnt: 'restsync' })).error?.issues).toMatchObject([
      { code: 'unrecognized_keys', keys: ['user_agnt'], path: ['client'] },
    ]);
  });

  it('should put the key, with its description, into the JSON Schema', () => {
    const schema = configJsonSchema(forms) as {
      properties: { client: { properties: Record<string, unknown> } };
    };

    expect(schema.properties.client.properties.user_agent).toEqual({
      type: 'string',
      minLength: 1,
      description: 'User-Agent header sent with every request.',
    });
  });

  it('should make the docs check ask for the key until the doc lists it', () => {
    const row =
      '| `userAgent` | `user_agent` | string | User-Agent header sent with every request | none |\n';
    const documented = doc.replace(/^(\| `timeoutMs` .*\n)/m, `$1${row}`);
    const camelCaseOf = (name: string) => camelKeys.get(name) ?? name;

    expect(configDocsProblems(doc, configJsonSchema(forms), camelCaseOf)).toEqual([
      '## `client` does not list user_agent',
    ]);
    expect(configDocsProblems(documented, configJsonSchema(forms), camelCaseOf)).toEqual([]);
  });
});
