import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMongoWireServer } from '@restsync/mongo-wire-server';
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryRoot, spawnTypeScript } from './cli-helpers/spawn-cli';

// The example app has no build of its own: tsx runs main.ts, and the packages it imports load from their
// builds (run pnpm build first). The setup file kills the demo and its children after each test.
const demo = fileURLToPath(new URL('apps/example/src/main.ts', `file://${repositoryRoot}`));
const directories: string[] = [];

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function runDemo(env: Record<string, string | undefined>) {
  const directory = await mkdtemp(join(tmpdir(), 'restsync-demo-'));
  directories.push(directory);
  return spawnTypeScript(demo, [], {
    cwd: directory,
    env: { DEMO_RECORDS: '600', DATABASE_URL: undefined, MONGODB_URL: undefined, ...env },
  });
}

/** The demo's own read-back lines: "in the database: 600 rows, e.g. id 1 → name "name-1-g1"". */
function readBacks(stdout: string): string[] {
  return [...stdout.matchAll(/in the database: (\d+) rows, e\.g\. id 1 → name "([^"]+)"/g)].map(
    (match) => `${match[1]} ${match[2]}`,
  );
}

describe('the example app (pnpm demo)', () => {
  it('should sync into embedded PGlite twice and show updated rows with the same count', async () => {
    const result = await runDemo({});
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect(readBacks(result.stdout)).toEqual(['600 name-1-g1', '600 name-1-g2']);
    expect(result.stdout).toContain('✔ same row count: every record was updated in place, none duplicated');
    expect(result.stdout).toMatch(/resource_name\s+600\s+6/);
  });

  it('should sync into MongoDB when MONGODB_URL is set', async () => {
    const server = process.env.MONGODB_URL ? undefined : await startMongoWireServer();
    try {
      const result = await runDemo({ MONGODB_URL: process.env.MONGODB_URL ?? server?.url });
      expect(result.code).toBe(0);
      expect(readBacks(result.stdout)).toEqual(['600 name-1-g1', '600 name-1-g2']);
    } finally {
      await server?.close();
    }
  });
});
