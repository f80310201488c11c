import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileCodeBlocks, readRepositoryFile } from './__fixtures__/doc-code-blocks';
import { fromConfig, sessionToken } from './__fixtures__/session-token-auth';
import { createTestAuthContext, testAuthConformance } from './index';

// The custom auth of docs/configuration.md ("Write your own auth"), run the way its author would run it.

const apiKey = 'sk_session_example_0123';
const session = 'sess_example_token_4567';

/** The login endpoint: answers a session token for the right key. */
const login: typeof fetch = async (_input, init) => {
  const { key } = JSON.parse(String(init?.body)) as { key: string };
  return key === apiKey ? Response.json({ token: session }) : Response.json({}, { status: 401 });
};

testAuthConformance({
  name: 'session_token',
  create: () => sessionToken({ loginUrl: 'https://login.example.test/session', apiKey }),
  secretValues: [apiKey, session],
  hasCredentials: (request) => request.headers['x-session'] === session,
  fetch: login,
});

describe('sessionToken', () => {
  it('should log in once for concurrent requests', async () => {
    const auth = fromConfig({ login_url: 'https://login.example.test/session', api_key: apiKey });
    const context = createTestAuthContext({ fetch: login });
    const request = { method: 'GET', url: 'https://api.example.test/items', headers: {} };
    await Promise.all([auth.apply(request, context), auth.apply(request, context)]);
    expect(context.fetched).toHaveLength(1);
    expect(context.registered).toEqual([session]);
  });
});

describe('docs/configuration.md', () => {
  const blocks = () => fileCodeBlocks(readRepositoryFile('docs/configuration.md'));
  const fixture = () =>
    readFileSync(new URL('./__fixtures__/session-token-auth.ts', import.meta.url), 'utf8');

  it('should show a whole custom auth of at most 30 lines', () => {
    expect(fixture().trimEnd().split('\n').length).toBeLessThanOrEqual(30);
  });

  it('should show the whole example auth, verbatim', () => {
    expect(blocks().get('session-token-auth.ts')?.join('\n')).toBe(fixture());
  });

  it('should show test code that this file runs', () => {
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const shown = blocks().get('session-token-example.test.ts') ?? [];
    expect(shown.length).toBeGreaterThan(0);
    for (const block of shown) expect(source).toContain(block);
  });
});
