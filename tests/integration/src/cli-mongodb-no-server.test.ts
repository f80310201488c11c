import { describe, expect, it } from 'vitest';
import { closedPort } from './cli-helpers/ports';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

const apiKey = 'mongo-no-server-key-51c2';
const password = 'mongo-pa55-3e9f0a';

describe('restsync run into a MongoDB URL with no server (child process)', () => {
  // Regression: a mongodb:// URL with nothing listening gave 47 s of silence before any output.
  it('should say where it connects, then fail naming the redacted URL, the timeout and what to do', async ({
    onTestFinished,
  }) => {
    const { directory, run } = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const config = await writeConfig(directory, 'sync.json', { source: seedSource('http://127.0.0.1:9') });
    const port = await closedPort();
    const url = `mongodb://loader:${password}@127.0.0.1:${port}/shop`;
    const redacted = `mongodb://loader:***@127.0.0.1:${port}/shop`;

    const result = await run(['run', config, '--destination', url], { API_KEY: apiKey });

    expect(result.code, result.stderr).toBe(1);
    const lines = result.stderr.split('\n');
    const connecting = lines.findIndex((line) => line.includes(`connecting to ${redacted}`));
    const failure = lines.findIndex((line) => line.includes(`connecting to ${redacted} failed`));
    expect(connecting, result.stderr).toBeGreaterThanOrEqual(0);
    expect(failure, result.stderr).toBeGreaterThan(connecting);
    expect(lines[failure]).toContain('Check that the server is running and reachable at this URL');
    expect(lines[failure]).toContain('default 5 s');
    expect(lines[failure]).toContain('serverSelectionTimeoutMS=');
    expect(result.stdout + result.stderr).not.toContain(password);
  });
});
