import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configJsonSchema } from '../config/forms';
import { ConfigError, SecretError } from '../errors';
import { secret } from '../secrets';
import { pages, queryKey, testRegistry } from './__fixtures__/test-adapters';
import { restApiSource } from './rest-api-source';

const emptyDirectory = mkdtempSync(join(tmpdir(), 'restsync-source-'));
afterAll(() => rmSync(emptyDirectory, { recursive: true, force: true }));

/** The issues of the ConfigError that building the source throws, as `path: message`. */
function problems(config: unknown, options: Parameters<typeof restApiSource>[1] = {}): string[] {
  try {
    restApiSource(config as never, { registry: testRegistry, env: {}, cwd: emptyDirectory, ...options });
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('restApiSource', () => {
  it('should report every mistake of a dlt-form config at once, with snake_case paths', () => {
    const found = problems({
      client: { base_url: 'not a url' },
      resources: [
        { name: 'users', write_disposition: 'merge', endpoint: { path: 'users', data_selctor: 'data' } },
        { name: 'posts', write_disposition: 'upsert', endpoint: 'users/{resources.usres.id}/posts' },
        { name: 'pages', endpoint: { path: 'pages', paginator: { type: 'page', size: 0 } } },
      ],
    });

    expect(found).toEqual([
      'client.base_url: "not a url" is not an absolute http(s) URL, e.g. https://api.example.com/v1',
      'resources[0].endpoint.data_selctor: unknown key; did you mean "data_selector"?',
      'resources[0].primary_key: write_disposition "merge" needs a primary key',
      'resources[1].endpoint.path: unknown parent resource "usres"; did you mean "users"?',
      'resources[1].write_disposition: expected one of "append", "replace", "merge", got "upsert"',
      'resources[2].endpoint.paginator.size: expected a positive integer',
    ]);
  });

  it('should report paths in camelCase for a camelCase config', () => {
    const found = problems({
      client: { baseUrl: 'https://api.example.com', timeoutMs: -1 },
      resourceDefaults: { writeDisposition: 'merge' },
      resources: [{ name: 'users', maxPages: 1.5, endpoint: { dataSelecter: 'data' } }],
    });

    expect(found).toEqual([
      'client.timeoutMs: expected a positive integer',
      'resourceDefaults.primaryKey: writeDisposition "merge" needs a primary key: set it here or on every resource',
      'resources[0].endpoint.dataSelecter: unknown key; did you mean "dataSelector"?',
      'resources[0].maxPages: expected a positive integer',
    ]);
  });

  it('should report a missing base URL, duplicate names, cycles, self references and several parents', () => {
    const found = problems({
      client: {},
      resources: [
        'a',
        'a',
        { name: 'b', endpoint: 'b/{resources.c.id}' },
        { name: 'c', endpoint: 'c/{resources.b.id}' },
        { name: 'd', endpoint: 'd/{resources.d.id}' },
        { name: 'e', endpoint: { path: 'e/{resources.a.id}', params: { x: '{resources.b.id}' } } },
        { name: 'f', include_from_parent: ['id'] },
      ],
    });

    expect(found).toEqual([
      'client.base_url: required: the API base URL, e.g. https://api.example.com/v1',
      'resources[1].name: duplicate resource name "a" (also resources[0]); names must be unique',
      "resources[2]: dependency cycle: b → c → b (each resource's placeholders name the next as its parent)",
      'resources[4].endpoint.path: resource "d" cannot be its own parent',
      'resources[5].endpoint: placeholders name more than one parent resource (a, b); a child resource has exactly one parent',
      'resources[6].include_from_parent: the resource has no parent: add a {resources.<parent>.<field>} placeholder to its endpoint',
    ]);
  });

  it('should reject processing steps in plain data, dlt options not supported yet, and options of the auto paginator', () => {
    const found = problems({
      client: { base_url: 'https://api.example.com', paginator: { type: 'auto', limit: 10 } },
      resources: [
        {
          name: 'a',
          processing_steps: [{ filter: 'lambda x: x' }],
          endpoint: { path: 'a', data: {} },
        },
        { name: 'b', endpoint: 'b/{unbound}' },
      ],
    });

    expect(found).toEqual([
      'client.paginator.limit: unknown key: the paginator "auto" takes no options',
      'resources[0].endpoint.data: a GET request cannot carry a body (fetch refuses to send one); set "method" to POST, PUT, PATCH or DELETE',
      'resources[0].processing_steps[0]: expected { filter: (record) => boolean }, { map: (record) => record } or both in one step; processing steps are functions, so they only exist in a TypeScript/JavaScript config, not in JSON or YAML',
      'resources[1].endpoint.path: placeholder "{unbound}" is neither "{resources.<parent>.<field>}" nor the name of a param in the endpoint\'s params (write "{{" and "}}" for literal braces)',
    ]);
  });

  it('should point an unregistered type to loadRestApiSource and its package', () => {
    const [found] = problems({
      client: { base_url: 'https://api.example.com' },
      resources: [{ name: 'a', endpoint: { paginator: { type: 'offset', limit: 10 } } }],
    });

    expect(found).toContain(
      'resources[0].endpoint.paginator.type: paginator type "offset" is not registered',
    );
    expect(found).toContain('loadRestApiSource() (which loads @restsync/paginator-offset)');
  });

  it('should never show a secret value in its messages', () => {
    const key = 'sk-live-0123';
    let message = '';
    try {
      restApiSource(
        {
          client: {
            base_url: 'https://api.example.com',
            auth: { type: 'query_key', api_key: 'tiny-sk' },
          },
          resources: [{ name: 'a', endpoint: { params: { api_key: { secret: 1 } as never, token: key } } }],
        },
        { registry: testRegistry, env: {} },
      );
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain('client.auth.api_key: key "***" is too short');
    expect(message).toContain('resources[0].endpoint.params.api_key.secret: expected a non-empty string');
    expect(message).not.toContain('tiny-sk');
  });

  it('should reject an auth given as a paginator', () => {
    expect(
      problems({
        client: { baseUrl: 'https://api.example.com', paginator: queryKey('client-key-1') },
        resources: ['a'],
      }),
    ).toEqual(['client.paginator: expected a paginator, got an auth']);
  });

  it('should suggest the right key in every kind of config object, read from the schema', () => {
    expect(
      problems({
        client: { base_url: 'https://api.example.com', retry: { max_retrys: 2 } },
        resource_defaults: { write_dispositon: 'append' },
        resources: [
          {
            name: 'a',
            max_page: 2,
            endpoint: { path: 'a', response_actions: [{ status_cod: 404, action: 'ignore' }] },
          },
        ],
      }),
    ).toEqual([
      'client.retry.max_retrys: unknown key; did you mean "max_retries"?',
      'resource_defaults.write_dispositon: unknown key; did you mean "write_disposition"?',
      'resources[0].endpoint.response_actions[0]: expected "status_code" (or "status") or "content" to match responses',
      'resources[0].endpoint.response_actions[0].status_cod: unknown key; did you mean "status_code"?',
      'resources[0].max_page: unknown key; did you mean "max_pages"?',
    ]);
  });

  it('should reject a key given in both spellings', () => {
    expect(
      problems({ client: { baseUrl: 'https://a.example', base_url: 'https://b.example' }, resources: ['a'] }),
    ).toEqual(['client.base_url: "baseUrl" is also given; use one spelling']);
  });

  it('should throw a SecretError before any request when a secret is missing', () => {
    const build = () =>
      restApiSource(
        {
          client: {
            base_url: 'https://api.example.com',
            headers: { authorization: { secret: 'missing_token' } },
          },
          resources: ['a'],
        },
        { env: {}, cwd: emptyDirectory },
      );

    expect(build).toThrow(SecretError);
    expect(build).toThrow(/MISSING_TOKEN/);
  });

  it('should accept factories, secret() objects and a plain string resource', () => {
    const source = restApiSource(
      {
        client: { baseUrl: 'https://api.example.com', headers: { 'x-api-key': secret('header_key') } },
        resourceDefaults: {
          primaryKey: 'id',
          writeDisposition: 'merge',
          endpoint: { paginator: pages({ size: 10 }) },
        },
        resources: ['users', { name: 'orders', primaryKey: ['shop', 'id'], nested: 'json' }],
      },
      { env: { HEADER_KEY: 'header-secret-1' }, name: 'shop_api' },
    );

    expect(source.name).toBe('shop_api');
    expect(source.resources).toEqual([
      { name: 'users', primaryKey: ['id'], writeDisposition: 'merge', nested: 'flatten' },
      { name: 'orders', primaryKey: ['shop', 'id'], writeDisposition: 'merge', nested: 'json' },
    ]);
    expect(source.redactor.redact('header-secret-1')).toBe('***');
  });
});

describe('configJsonSchema', () => {
  it("should describe dlt's plain-data form with snake_case keys", () => {
    const schema = configJsonSchema() as {
      required: string[];
      properties: {
        client: { required: string[]; properties: Record<string, unknown> };
        resource_defaults: unknown;
      };
    };

    expect(schema.required).toEqual(['client', 'resources']);
    expect(schema.properties.client.required).toEqual(['base_url']);
    expect(Object.keys(schema.properties.client.properties)).toEqual([
      'base_url',
      'headers',
      'auth',
      'paginator',
      'retry',
      'timeout_ms',
      'rate_limit',
      'circuit_breaker',
    ]);
    expect(JSON.stringify(schema)).not.toContain('processing_steps');
    expect(JSON.stringify(schema)).toContain('data_selector');
  });
});
