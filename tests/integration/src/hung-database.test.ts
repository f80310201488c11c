import type { JsonResult } from '@restsync/cli';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { silentDatabase } from './cli-helpers/silent-database';
import type { CliProcessResult } from './cli-helpers/spawn-cli';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

const apiKey = 'hung-key-5c1e0b7a';
const password = 'hung-pa55-0d4f';

function parseJson(result: CliProcessResult): JsonResult {
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(result.stdout) as JsonResult;
}

async function runAgainst(onTestFinished: (handler: OnTestFinishedHandler) => void, destination: string) {
  const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
  const api = await workspace.startApi({ records: 200, apiKey });
  const config = await writeConfig(workspace.directory, 'sync.json', {
    pipeline: { name: 'hung' },
    source: seedSource(api.url),
  });
  return workspace.run(['run', config, '--destination', destination, '--dataset', 'hung', '--json']);
}

describe.concurrent('restsync run against a database that never answers (child process)', () => {
  // Regression: a Postgres server that accepted the connection and never answered hung the CLI for 139 s until it was killed.
  it('should fail Postgres within the connect timeout with exit 1, --json output naming host and port, and no password', async ({
    onTestFinished,
  }) => {
    const { port } = await silentDatabase(onTestFinished);

    const result = await runAgainst(
      onTestFinished,
      `postgres://loader:${password}@127.0.0.1:${port}/warehouse?connect_timeout=2`,
    );

    expect(result.code, result.stderr).toBe(1);
    const json = parseJson(result);
    expect(json.status).toBe('failed');
    expect(json.error?.code).toBe('destination');
    expect(json.error?.message).toContain(`host 127.0.0.1, port ${port}`);
    expect(json.error?.message).toContain('within 2 s (connectTimeoutMs)');
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  // Regression: a silent MongoDB server kept the CLI waiting on the driver's 30 s server selection, with no hint of the cause.
  it('should fail MongoDB within the default server selection timeout with exit 1, --json output naming the host, and no password', async ({
    onTestFinished,
  }) => {
    const { port } = await silentDatabase(onTestFinished);

    const result = await runAgainst(
      onTestFinished,
      `mongodb://loader:${password}@127.0.0.1:${port}/?directConnection=true`,
    );

    expect(result.code, result.stderr).toBe(1);
    const json = parseJson(result);
    expect(json.status).toBe('failed');
    expect(json.error?.code).toBe('destination');
    expect(json.error?.message).toContain(`127.0.0.1:${port}`);
    expect(json.error?.message).toContain('serverSelectionTimeoutMs');
    expect(result.stdout + result.stderr).not.toContain(password);
  });
});
