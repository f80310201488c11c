import { ConfigError, type RequestSpec } from '@restsync/core';
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
    expect((await auth.apply(request)).url).toBe('https://api.example.test/items?api_key=plain-key');
  });

  it('should use dlt defaults: the Authorization header', async () => {
    const applied = await fromConfig({ type: 'api_key', api_key: 'plain-key' }).apply(request);
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
    expect((await auth.apply(request)).url).toBe('https://api.example.test/items?k=env-key');
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
      /api_key: expected the key as a string or \{ "secret": "<name>" \}/,
    );
    expect(() => fromConfig({ api_key: { value: 'leaked-value' } })).not.toThrow(/leaked-value/);
  });

  it('should reject another auth type', () => {
    expect(() => fromConfig({ type: 'bearer', api_key: 'k' })).toThrow(
      /type: expected "api_key", got "bearer"/,
    );
  });
});
