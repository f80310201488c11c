import { describe, expect, it } from 'vitest';
import type { Auth } from '../contracts/auth';
import { ConfigError } from '../errors';
import { createAdapterRegistry } from './adapter-registry';
import { restApiSource } from './rest-api-source';

/** A stand-in for @restsync/auth-bearer that records the options it was built from. */
function bearerRegistry() {
  const built: Record<string, unknown>[] = [];
  const fromConfig = (config: Record<string, unknown>): Auth => {
    built.push(config);
    return {
      kind: 'auth',
      specificationVersion: 'v1',
      type: 'bearer',
      apply: (request) => ({
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${String(config.token)}` },
      }),
      secrets: () => [String(config.token)],
    };
  };
  return { registry: createAdapterRegistry({ auths: { bearer: fromConfig } }), built };
}

function configErrorOf(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('auth without a type', () => {
  it('should be a bearer auth when it has a token, as in dlt', () => {
    const { registry, built } = bearerRegistry();
    const source = restApiSource(
      {
        client: { base_url: 'https://api.example.test', auth: { token: 'shorthand-token' } },
        resources: ['items'],
      },
      { registry },
    );
    expect(source.resources.map((resource) => resource.name)).toEqual(['items']);
    expect(built).toEqual([{ token: 'shorthand-token' }]);
  });

  it('should be a config error naming the missing type when it has no token, without a value', () => {
    const { registry, built } = bearerRegistry();
    const error = configErrorOf(() =>
      restApiSource(
        {
          client: {
            base_url: 'https://api.example.test',
            auth: { username: 'reporting', password: 'leaked-password' },
          },
          resources: ['items'],
        },
        { registry },
      ),
    );
    expect(error.issues).toEqual([
      {
        path: 'client.auth.type',
        message: expect.stringContaining('required: the auth type, e.g. "bearer", "api_key", "http_basic"'),
      },
    ]);
    expect(error.message).not.toContain('leaked-password');
    expect(built).toEqual([]);
  });
});
