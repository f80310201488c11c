import { ConfigError, type RequestSpec, secret } from '@restsync/core';
import { createTestAuthContext as context, testAuthConformance } from '@restsync/testing/conformance';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromConfig, httpBasic } from './basic-auth';

const password = 'correct-horse-battery';
const encoded = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

const request: RequestSpec = {
  method: 'GET',
  url: 'https://api.example.test/items',
  headers: { accept: 'application/json' },
};

testAuthConformance({
  name: 'http_basic',
  create: () => httpBasic({ username: 'reporting', password }),
  secretValues: [password, encoded('reporting', password).slice(6)],
  hasCredentials: (request) => request.headers.authorization === encoded('reporting', password),
});

testAuthConformance({
  name: 'http_basic with an API key as the user name and no password',
  create: () => fromConfig({ type: 'http_basic', username: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc' }),
  secretValues: ['sk_test_4eC39HqLyjWDarjtT1zdp7dc'],
  hasCredentials: (request) =>
    request.headers.authorization === encoded('sk_test_4eC39HqLyjWDarjtT1zdp7dc', ''),
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

describe('httpBasic', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("should send dlt's wire format: Basic base64(user:password)", async () => {
    const auth = httpBasic({ username: 'user', password: 'password' });
    expect(auth.type).toBe('http_basic');
    expect((await auth.apply(request, context())).headers.authorization).toBe('Basic dXNlcjpwYXNzd29yZA==');
  });

  it('should encode the credentials as UTF-8', async () => {
    const applied = await httpBasic({ username: 'jürgen', password: 'päss' }).apply(request, context());
    expect(applied.headers.authorization).toBe(`Basic ${Buffer.from('jürgen:päss').toString('base64')}`);
  });

  it('should accept an empty password, and then keep the user name secret', async () => {
    const auth = httpBasic({ username: 'sk_live_key_as_user', password: '' });
    expect((await auth.apply(request, context())).headers.authorization).toBe(
      encoded('sk_live_key_as_user', ''),
    );
    expect(auth.secrets()).toContain('sk_live_key_as_user');
  });

  it('should not redact a plain user name that has a password', () => {
    expect(httpBasic({ username: 'reporting', password }).secrets()).not.toContain('reporting');
  });

  it('should replace an Authorization header of any case', async () => {
    const applied = await httpBasic({ username: 'user', password: 'password' }).apply(
      { ...request, headers: { Authorization: 'Bearer old' } },
      context(),
    );
    expect(applied.headers).toEqual({ authorization: 'Basic dXNlcjpwYXNzd29yZA==' });
  });

  it('should read the password from the environment on first use', async () => {
    const auth = httpBasic({ username: 'user', password: secret('your_password') });
    vi.stubEnv('YOUR_PASSWORD', 'password');
    expect((await auth.apply(request, context())).headers.authorization).toBe('Basic dXNlcjpwYXNzd29yZA==');
    expect(auth.secrets()).toContain('password');
  });

  it('should refuse a user name with a colon without showing it', () => {
    const error = configErrorOf(() => httpBasic({ username: 'us:er', password }));
    expect(error.issues).toEqual([
      {
        path: 'username',
        message: 'a user name cannot contain ":" in HTTP Basic auth (the value is not shown)',
      },
    ]);
    expect(error.message).not.toContain('us:er');
  });

  it('should not show a password through JSON.stringify', async () => {
    const auth = httpBasic({ username: 'user', password });
    await auth.apply(request, context());
    expect(JSON.stringify(auth)).toBe('{"kind":"auth","specificationVersion":"v1","type":"http_basic"}');
  });
});

describe('fromConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("should build the auth of dlt's example config with secret references", async () => {
    vi.stubEnv('YOUR_USERNAME', 'user');
    vi.stubEnv('YOUR_PASSWORD', 'password');
    const auth = fromConfig({
      type: 'http_basic',
      username: { secret: 'your_username' },
      password: { secret: 'your_password' },
    });
    expect((await auth.apply(request, context())).headers.authorization).toBe('Basic dXNlcjpwYXNzd29yZA==');
  });

  it('should report a missing user name and a misspelled password key, never a value', () => {
    const error = configErrorOf(() => fromConfig({ type: 'http_basic', pasword: 'leaked-value' }));
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'pasword: unknown key; did you mean "password"?',
      'username: expected the user name as a non-empty string or { "secret": "<name>" } (the value is not shown)',
    ]);
    expect(error.message).not.toContain('leaked-value');
  });

  it('should name the key as written in a config file', () => {
    const error = configErrorOf(() => fromConfig({ username: 'a:b', password }));
    expect(error.issues[0]?.path).toBe('username');
  });
});
