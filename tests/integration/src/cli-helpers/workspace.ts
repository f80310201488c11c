import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReferenceApi, type ReferenceApiOptions, startReferenceApi } from '@restsync/test-server';
import { killChildren } from './child-processes';
import { type CliProcessResult, type RunningProcess, startCli } from './spawn-cli';
import { type TestDatabase, testDatabase, uniqueDataset } from './test-database';

/** One test's world: a fresh working directory, its database, its reference API, and a way to run the CLI there. */
export interface CliWorkspace {
  directory: string;
  database: TestDatabase;
  /** A dataset name of this test's own (dropped afterwards on a server). */
  dataset(prefix: string): string;
  /** Starts a reference API, closed after the test. */
  startApi(options: ReferenceApiOptions): Promise<ReferenceApi>;
  /** `restsync <args>` in `directory`, until it exits; `env` replaces the default `{ API_KEY: apiKey }`. */
  run(args: string[], env?: Record<string, string | undefined>): Promise<CliProcessResult>;
  /** `restsync <args>` in `directory`, still running (to signal it mid-run); killed after the test. */
  start(args: string[], env?: Record<string, string | undefined>): RunningProcess;
}

/** Creates a workspace and registers its cleanup with `onFinished` (vitest's `onTestFinished`). */
export async function createWorkspace(
  apiKey: string,
  onFinished: (cleanup: () => Promise<void>) => void,
): Promise<CliWorkspace> {
  const directory = await mkdtemp(join(tmpdir(), 'restsync-cli-e2e-'));
  const database = testDatabase(directory);
  const datasets: string[] = [];
  const apis: ReferenceApi[] = [];
  const children: RunningProcess[] = [];
  const start = (args: string[], env: Record<string, string | undefined> = { API_KEY: apiKey }) => {
    const child = startCli(args, { cwd: directory, env });
    children.push(child);
    return child;
  };
  onFinished(async () => {
    // This test's own processes only: tests that run concurrently keep theirs.
    await killChildren(children);
    await Promise.all(apis.map((api) => api.close()));
    await database.dropSchemas(...datasets);
    await rm(directory, { recursive: true, force: true });
  });
  return {
    directory,
    database,
    dataset(prefix) {
      const name = uniqueDataset(prefix);
      datasets.push(name);
      return name;
    },
    async startApi(options) {
      const api = await startReferenceApi(options);
      apis.push(api);
      return api;
    },
    start,
    run: (args, env) => start(args, env).exited,
  };
}
