import { ConfigError, type RequestSpec, SecretError, secret } from '@restsync/core';
import { createTestAuthContext as context, testAuthConformance } from '@restsync/testing/conformance';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bearer, fromConfig } from './bearer-auth';

const token = 'ghp_conformance_token_0123';

const request: RequestSpec = {
  method: 'GET',
  url: 'https://api.example.test/items?status=open',
  headers: { accept: 'application/json' },
};

testAuthConformance({
  name: 'bearer',
  create: () => bearer({ token }),
  secretValues: [token],
  hasCredentials: (request) => request.headers.authorization === `Bearer ${token}`,
});

testAuthConformance({
  name: 'bearer from a config object',
  create: () => fromConfig({ type: 'bearer', token }),
  secretValues: [token],
  hasCredentials: (request) => request.headers.authorization === `Bearer ${token}`,
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

describe('bearer', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('should send the token in the Authorization header with the Bearer scheme', async () => {
    const auth = bearer({ token });
    expect(auth.type).toBe('bearer');
    expect((await auth.apply(request, context())).headers).toEqual({
      accept: 'application/json',
      authorization: `Bearer ${token}`,
    });
  });

  it('should replace an Authorization header of any case', async () => {
    const applied = await bearer({ token }).apply(
      { ...request, headers: { Authorization: 'Basic old', accept: 'application/json' } },
      context(),
    );
    expect(applied.headers).toEqual({ accept: 'application/json', authorization: `Bearer ${token}` });
  });

  it('should resolve a secret from the environment on first use, not when built', async () => {
    const auth = bearer({ token: secret('service_token') });
    vi.stubEnv('SERVICE_TOKEN', 'from-the-environment');
    expect((await auth.apply(request, context())).headers.authorization).toBe('Bearer from-the-environment');
    expect(auth.secrets()).toEqual(['from-the-environment']);
  });

  it('should throw a SecretError naming the variable when the secret is not set', async () => {
    vi.stubEnv('RESTSYNC_TEST_MISSING_TOKEN', '');
    const auth = bearer({ token: secret('restsync_test_missing_token') });
    await expect(async () => auth.apply(request, context())).rejects.toThrow(SecretError);
    expect(() => auth.secrets()).toThrow(/RESTSYNC_TEST_MISSING_TOKEN/);
  });

  it('should refuse an empty token without showing any value', () => {
    const error = configErrorOf(() => bearer({ token: '' }));
    expect(error.issues).toEqual([
      {
        path: 'token',
        message:
          'expected the token as a non-empty string or { "secret": "<name>" } (the value is not shown)',
      },
    ]);
  });

  it('should not show the token through JSON.stringify', async () => {
    const auth = bearer({ token });
    await auth.apply(request, context());
    expect(JSON.stringify(auth)).toBe('{"kind":"auth","specificationVersion":"v1","type":"bearer"}');
  });
});

describe('fromConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('should build the auth of dlt\'s example config, with the token from { "secret": name }', async () => {
    vi.stubEnv('YOUR_API_TOKEN', 'env-token');
    const auth = fromConfig({ type: 'bearer', token: { secret: 'your_api_token' } });
    expect((await auth.apply(request, context())).headers.authorization).toBe('Bearer env-token');
  });

  it('should accept the config without a type, as the resolver passes it', async () => {
    const auth = fromConfig({ token });
    expect((await auth.apply(request, context())).headers.authorization).toBe(`Bearer ${token}`);
  });

  it('should report a misspelled key with a suggestion, and never its value', () => {
    const error = configErrorOf(() => fromConfig({ type: 'bearer', tokn: 'leaked-value' }));
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'tokn: unknown key; did you mean "token"?',
      'token: expected the token as a non-empty string or { "secret": "<name>" } (the value is not shown)',
    ]);
    expect(error.message).not.toContain('leaked-value');
  });

  it('should reject another auth type', () => {
    expect(() => fromConfig({ type: 'http_basic', token })).toThrow(
      /type: expected "bearer", got "http_basic"/,
    );
  });
});
