import { ConfigError, type RequestSpec } from '@restsync/core';
import { createTestAuthContext } from '@restsync/testing/conformance';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromConfig } from './from-config';

const request: RequestSpec = { method: 'GET', url: 'https://api.example.test/items', headers: {} };

describe('fromConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('should map dlt keys with a plain key', async () => {
    const auth = fromConfig({ type: 'api_key', name: 'api_key', api_key: 'plain-key', location: 'query' });
    expect(auth.type).toBe('api_key');
    expect((await auth.apply(request, createTestAuthContext())).url).toBe(
      'https://api.example.test/items?api_key=plain-key',
    );
  });

  it('should use dlt defaults: the Authorization header', async () => {
    const applied = await fromConfig({ type: 'api_key', api_key: 'plain-key' }).apply(
      request,
      createTestAuthContext(),
    );
    expect(applied.headers).toEqual({ authorization: 'plain-key' });
  });

  it('should read { secret: name } from the environment on first use', async () => {
    const auth = fromConfig({
      type: 'api_key',
      api_key: { secret: 'my_service_key' },
      location: 'query',
      name: 'k',
    });
    vi.stubEnv('MY_SERVICE_KEY', 'env-key');
    expect(auth.secrets()).toEqual(['env-key']);
    expect((await auth.apply(request, createTestAuthContext())).url).toBe(
      'https://api.example.test/items?k=env-key',
    );
  });

  it('should report problems under the snake_case keys', () => {
    let error: unknown;
    try {
      fromConfig({ type: 'api_key', location: 'body' });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['location', 'api_key']);
  });

  it('should reject a malformed secret reference without showing it', () => {
    expect(() => fromConfig({ api_key: { secret: 'x', value: 'leaked-value' } })).toThrow(
      /api_key: expected the key as a non-empty string or \{ "secret": "<name>" \}/,
    );
    expect(() => fromConfig({ api_key: { value: 'leaked-value' } })).not.toThrow(/leaked-value/);
  });

  it('should reject an unknown key with a suggestion when one is close', () => {
    const error = configErrorOf(() => fromConfig({ api_key: 'plain-key', locaton: 'query' }));
    expect(error.issues).toEqual([{ path: 'locaton', message: 'unknown key; did you mean "location"?' }]);
  });

  it('should never show the value of a misspelled key', () => {
    const error = configErrorOf(() => fromConfig({ apikey: 'leaked-value', name: 'k' }));
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'apikey: unknown key; did you mean "api_key"?',
      'api_key: expected the key as a non-empty string or { "secret": "<name>" } (the value is not shown)',
    ]);
    expect(error.message).not.toContain('leaked-value');
  });

  it('should report unknown keys, a malformed secret and wrong values in one error, each once', () => {
    const error = configErrorOf(() =>
      fromConfig({ api_key: { value: 'leaked-value' }, location: 'body', header_name: 'X-Key' }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['header_name', 'location', 'api_key']);
    expect(error.issues[0]?.message).toBe('unknown key (expected one of: name, location, api_key)');
    expect(error.message).not.toContain('leaked-value');
  });

  it('should accept dlt\'s location "param" as the query string', async () => {
    const auth = fromConfig({ type: 'api_key', name: 'key', api_key: 'plain-key', location: 'param' });
    expect((await auth.apply(request, createTestAuthContext())).url).toBe(
      'https://api.example.test/items?key=plain-key',
    );
  });

  it('should name the allowed locations for a wrong one', () => {
    const error = configErrorOf(() => fromConfig({ api_key: 'plain-key', location: 'body' }));
    expect(error.issues).toEqual([
      { path: 'location', message: 'expected one of "header", "query", "param", "cookie", got "body"' },
    ]);
  });

  it('should reject another auth type', () => {
    expect(() => fromConfig({ type: 'bearer', api_key: 'k' })).toThrow(
      /type: expected "api_key", got "bearer"/,
    );
  });
});

function configErrorOf(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
