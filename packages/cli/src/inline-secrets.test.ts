import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli';
import { inlineSecretPaths } from './inline-secrets';

const token = 'inline-bearer-token-5f2a';

describe('inlineSecretPaths', () => {
  it('should find every secret field written inline in a JSON or YAML file', () => {
    const source = {
      client: {
        base_url: 'https://api.example.test',
        auth: { type: 'bearer', token },
        headers: { Authorization: 'Basic abc', Accept: 'application/json' },
      },
      resources: [
        {
          name: 'orders',
          endpoint: {
            params: { api_key: 'inline-key', limit: '10' },
            auth: {
              type: 'oauth2_client_credentials',
              access_token_url: 'https://auth.example.test/token',
              client_id: 'id',
              client_secret: 'inline-client-secret',
            },
          },
        },
      ],
    };
    expect(inlineSecretPaths({ path: '/project/sync.yaml', source })).toEqual([
      'source.client.auth.token',
      'source.client.headers.Authorization',
      'source.resources[0].endpoint.params.api_key',
      'source.resources[0].endpoint.auth.client_secret',
    ]);
  });

  it('should accept secret references and ignore keys outside auths, headers and params', () => {
    const source = {
      client: {
        base_url: 'https://api.example.test',
        auth: { type: 'http_basic', username: 'reporting', password: { secret: 'api_password' } },
      },
      resources: [{ name: 'token', endpoint: { paginator: { type: 'cursor', cursor_param: 'token' } } }],
    };
    expect(inlineSecretPaths({ path: '/project/sync.json', source })).toEqual([]);
  });

  it('should not check code configs, whose strings may come from the environment', () => {
    const source = { client: { base_url: 'https://api.example.test', auth: { token } }, resources: ['a'] };
    expect(inlineSecretPaths({ path: '/project/sync.config.ts', source })).toEqual([]);
  });
});

describe('restsync validate with a secret written inline', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'restsync-inline-secrets-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('should warn once, naming the field and never the value', async () => {
    const config = {
      destination: 'pglite:memory',
      source: {
        client: { base_url: 'https://api.example.test', auth: { type: 'bearer', token } },
        resources: ['orders', 'customers'],
      },
    };
    await writeFile(join(directory, 'sync.json'), JSON.stringify(config));
    const chunks: string[] = [];
    const stderr = { isTTY: false, write: (text: string) => chunks.push(text) };
    const stdout = { isTTY: false, write: () => true };
    const code = await runCli(['validate', 'sync.json'], { stdout, stderr, cwd: directory, env: {} });
    const shown = chunks.join('');
    expect(code).toBe(0);
    expect(shown.match(/warning/g)).toHaveLength(1);
    expect(shown).toContain('source.client.auth.token in sync.json is a secret written inline');
    expect(shown).not.toContain(token);
  });
});
