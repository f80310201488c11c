import { fileURLToPath } from 'node:url';
import type { JsonResult } from '@restsync/cli';
import type { AuthCheck, TestServer } from '@restsync/test-server';
import { describe, expect, it } from 'vitest';
import { authWorkspace, countRows, leakedSecrets, offsetSource } from './__fixtures__/auth-e2e';

// The auth examples of dlt's rest_api docs, run as written (apart from URLs) by the built CLI against
// @restsync/test-server into Postgres; then every auth type with next links that lead to another origin.

const token = 'e2e-bearer-token-7c1d9a';
const password = 'e2e-basic-password-3b8f';
const apiKey = 'e2e-api-key-51e0c4';
const clientId = 'e2e-client-id';
const clientSecret = 'e2e-client-secret-9d2e6f';
const records = 45;
const nextLinkConfig = fileURLToPath(new URL('./__fixtures__/auth-next-link-config.ts', import.meta.url));

interface AuthCase {
  /** What the API checks. */
  check: AuthCheck;
  /** dlt's example `auth` config. */
  config: (server: TestServer) => Record<string, unknown>;
  /** The environment its `{ "secret": … }` references read. */
  env: Record<string, string>;
  secrets: string[];
}

const cases: Record<string, AuthCase> = {
  bearer: {
    check: { type: 'bearer', token },
    config: () => ({ type: 'bearer', token: { secret: 'your_api_token' } }),
    env: { YOUR_API_TOKEN: token },
    secrets: [token],
  },
  'bearer without a type (dlt shorthand)': {
    check: { type: 'bearer', token },
    config: () => ({ token: { secret: 'your_api_token' } }),
    env: { YOUR_API_TOKEN: token },
    secrets: [token],
  },
  http_basic: {
    check: { type: 'http_basic', username: 'your_username', password },
    config: () => ({ type: 'http_basic', username: 'your_username', password: { secret: 'your_password' } }),
    env: { YOUR_PASSWORD: password },
    secrets: [password, Buffer.from(`your_username:${password}`).toString('base64')],
  },
  api_key: {
    check: { type: 'api_key', name: 'api_key', value: apiKey, location: 'query' },
    config: () => ({
      type: 'api_key',
      name: 'api_key',
      api_key: { secret: 'your_api_key' },
      location: 'query',
    }),
    env: { YOUR_API_KEY: apiKey },
    secrets: [apiKey],
  },
  oauth2_client_credentials: {
    check: { type: 'oauth2' },
    config: (server) => ({
      type: 'oauth2_client_credentials',
      access_token_url: `${server.url}/oauth/token`,
      client_id: { secret: 'your_client_id' },
      client_secret: { secret: 'your_client_secret' },
      access_token_request_data: { scope: 'read' },
      default_token_expiration: 3600,
    }),
    env: { YOUR_CLIENT_ID: clientId, YOUR_CLIENT_SECRET: clientSecret },
    secrets: [clientSecret],
  },
};

const oauth2 = { clientId, clientSecret, requiredParams: { scope: 'read' } };

describe.concurrent("dlt's auth examples through the CLI", () => {
  it.for(Object.keys(cases))('should load every row with %s', async (name, { onTestFinished }) => {
    const authCase = cases[name] as AuthCase;
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      oauth2,
      collections: { items: { records, pageSize: 10, auth: authCase.check } },
    });
    const schema = dataset('auth_example');
    const result = await runConfig(
      schema,
      { pipeline: { name: 'auth_example' }, source: offsetSource(server.url, authCase.config(server)) },
      { env: authCase.env },
    );

    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as JsonResult).status).toBe('succeeded');
    expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
    expect(server.collection('items').requests).toBeGreaterThanOrEqual(records / 10);
    expect(result.stderr).not.toContain('written inline');
    const issued = server.oauth2?.issued ?? [];
    expect(leakedSecrets(result.stdout + result.stderr, [...authCase.secrets, ...issued])).toEqual([]);
  });
});

describe.concurrent('credentials and next links to another origin', () => {
  it.for(Object.keys(cases))(
    'should send %s credentials only to the configured origin',
    async (name, { onTestFinished }) => {
      const authCase = cases[name] as AuthCase;
      const { database, dataset, run, startServer } = await authWorkspace(onTestFinished);
      const elsewhere = await startServer({
        collections: { items: { records, pageSize: 10, pagination: { type: 'json_link' } } },
      });
      const api = await startServer({
        oauth2,
        collections: {
          items: {
            records,
            pageSize: 10,
            pagination: { type: 'json_link', origin: elsewhere.url },
            auth: authCase.check,
          },
        },
      });
      const schema = dataset('auth_next_link');

      const result = await run(['run', nextLinkConfig, '--destination', database.url, '--dataset', schema], {
        ...authCase.env,
        AUTH_API_URL: api.url,
        AUTH_CONFIG: JSON.stringify(authCase.config(api)),
      });

      expect(result.code, result.stderr).toBe(0);
      expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
      // The first page came from the API with credentials; the other four from elsewhere, without.
      expect(api.collection('items').requests).toBe(1);
      expect(api.requests.find((request) => request.handler === 'items')?.status).toBe(200);
      const received = elsewhere.requests.filter((request) => request.handler === 'items');
      expect(received).toHaveLength(Math.ceil(records / 10) - 1);
      for (const request of received) {
        expect(request.headers.authorization).toBeUndefined();
        expect(request.query.get('api_key')).toBeNull();
      }
      const issued = api.oauth2?.issued ?? [];
      expect(leakedSecrets(JSON.stringify(elsewhere.requests), [...authCase.secrets, ...issued])).toEqual([]);
      // The client secret went to the token endpoint only, and the access token never did.
      const tokenRequests = JSON.stringify(api.requests.filter((request) => request.handler === 'oauth2'));
      expect(leakedSecrets(tokenRequests, issued)).toEqual([]);
    },
  );
});
