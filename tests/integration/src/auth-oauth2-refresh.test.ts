import type { JsonResult } from '@restsync/cli';
import { describe, expect, it } from 'vitest';
import { authWorkspace, countRows, datasetText, leakedSecrets, offsetSource } from './__fixtures__/auth-e2e';

// OAuth2 client credentials through the built CLI into Postgres: short-lived tokens during a longer
// sync, a token revoked mid-run, and runs that fail on credentials without showing a secret anywhere.

const clientId = 'e2e-refresh-client';
const clientSecret = 'e2e-refresh-secret-6a0f3c';
const env = { CLIENT_ID: clientId, CLIENT_SECRET: clientSecret };

function oauth2Auth(tokenUrl: string) {
  return {
    type: 'oauth2_client_credentials',
    access_token_url: tokenUrl,
    client_id: { secret: 'client_id' },
    client_secret: { secret: 'client_secret' },
  };
}

describe.concurrent('oauth2_client_credentials through the CLI', () => {
  it('should load every row with 2-second tokens, fetching a token about once per lifetime', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const records = 1_200;
    const server = await startServer({
      oauth2: { clientId, clientSecret, tokenLifetimeSeconds: 2 },
      collections: { items: { records, pageSize: 10, latencyMs: 300, auth: { type: 'oauth2' } } },
    });
    const schema = dataset('auth_oauth2_lifetime');
    const result = await runConfig(
      schema,
      { source: offsetSource(server.url, oauth2Auth(`${server.url}/oauth/token`)) },
      { env },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
    const apiRequests = server.collection('items').requests;
    const tokenRequests = server.oauth2?.tokenRequests ?? 0;
    console.info(
      `oauth2 e2e: ${tokenRequests} token requests for ${apiRequests} API requests (2-second tokens)`,
    );
    // The sync outlives several tokens, yet tokens are shared: far fewer token requests than pages.
    expect(tokenRequests).toBeGreaterThan(1);
    expect(tokenRequests).toBeLessThan(apiRequests / 4);
    const issued = server.oauth2?.issued ?? [];
    expect(leakedSecrets(result.stdout + result.stderr, [clientSecret, ...issued])).toEqual([]);
  });

  it('should fetch one new token after a 401 to a revoked token, and go on', async ({ onTestFinished }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const records = 200;
    const server = await startServer({
      oauth2: { clientId, clientSecret },
      collections: {
        items: {
          records,
          pageSize: 10,
          auth: { type: 'oauth2' },
          latencyMs: (request) => {
            if (request === 6) server.oauth2?.revoke();
            return 20;
          },
        },
      },
    });
    const schema = dataset('auth_oauth2_revoked');
    const result = await runConfig(
      schema,
      { source: offsetSource(server.url, oauth2Auth(`${server.url}/oauth/token`)) },
      { env },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
    expect(server.requests.filter((request) => request.status === 401).length).toBeGreaterThan(0);
    expect(server.oauth2?.tokenRequests).toBe(2);
  });

  it('should fail with an AuthError on two 401s in a row, exit 1, and show no secret anywhere', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      oauth2: { clientId, clientSecret },
      collections: {
        items: {
          records: 200,
          pageSize: 10,
          auth: { type: 'oauth2' },
          latencyMs: (request) => {
            if (request >= 4) server.oauth2?.revoke();
            return 20;
          },
        },
      },
    });
    const schema = dataset('auth_oauth2_rejected');
    const result = await runConfig(
      schema,
      { source: offsetSource(server.url, oauth2Auth(`${server.url}/oauth/token`)) },
      { env },
    );

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout) as JsonResult).toMatchObject({
      status: 'failed',
      error: { code: 'auth' },
    });
    expect(result.stderr).toMatch(/HTTP 401/);
    const stored = await datasetText(database, schema);
    expect(stored).toContain('_restsync_loads');
    const issued = server.oauth2?.issued ?? [];
    expect(issued.length).toBeGreaterThan(1);
    expect(leakedSecrets(`${result.stdout}\n${result.stderr}\n${stored}`, [clientSecret, ...issued])).toEqual(
      [],
    );
  });

  it('should fail with an AuthError naming the token URL and status on a wrong client secret', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const tokens = await startServer({ oauth2: { clientId, clientSecret: 'the-real-client-secret' } });
    const api = await startServer({ collections: { items: { records: 20, pageSize: 10 } } });
    const schema = dataset('auth_oauth2_client');
    const result = await runConfig(
      schema,
      { source: offsetSource(api.url, oauth2Auth(`${tokens.url}/oauth/token`)) },
      { env },
    );

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout) as JsonResult).toMatchObject({
      status: 'failed',
      error: { code: 'auth' },
    });
    expect(result.stderr).toContain(`POST ${tokens.url}/oauth/token failed with HTTP 401`);
    expect(api.collection('items').requests).toBe(0);
    const stored = await datasetText(database, schema);
    expect(leakedSecrets(`${result.stdout}\n${result.stderr}\n${stored}`, [clientSecret])).toEqual([]);
  });

  it('should fail on a rejected bearer token at once, showing it nowhere', async ({ onTestFinished }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const wrongToken = 'e2e-wrong-bearer-token-2c7e';
    const server = await startServer({
      collections: {
        items: { records: 20, pageSize: 10, auth: { type: 'bearer', token: 'the-right-token' } },
      },
    });
    const schema = dataset('auth_bearer_rejected');
    const result = await runConfig(
      schema,
      { source: offsetSource(server.url, { type: 'bearer', token: wrongToken }) },
      { file: 'sync.yaml', env: {} },
    );

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout) as JsonResult).toMatchObject({
      status: 'failed',
      error: { code: 'auth' },
    });
    expect(server.collection('items').requests).toBe(1);
    expect(result.stderr).toContain('source.client.auth.token in sync.yaml is a secret written inline');
    const stored = await datasetText(database, schema);
    expect(leakedSecrets(`${result.stdout}\n${result.stderr}\n${stored}`, [wrongToken])).toEqual([]);
  });
});
