import { startTestServer, type TestServer, type TestServerOptions } from '@restsync/test-server';
import type { OnTestFinishedHandler } from 'vitest';
import type { CliProcessResult } from '../cli-helpers/spawn-cli';
import { writeConfig } from '../cli-helpers/sync-config';
import type { TestDatabase } from '../cli-helpers/test-database';
import { createWorkspace } from '../cli-helpers/workspace';

export interface RunConfigOptions {
  /** The config file's name; its ending picks the format. @default 'sync.json' */
  file?: string;
  /** The CLI's environment (secrets); see `CliWorkspace.run`. */
  env?: Record<string, string | undefined>;
}

/**
 * A CLI workspace (directory, database, dataset names, `run`) plus test servers closed after the
 * test, and `runConfig`: writes a config and runs it into a dataset with `--json`.
 */
export async function authWorkspace(onTestFinished: (handler: OnTestFinishedHandler) => void) {
  const workspace = await createWorkspace('', (cleanup) => onTestFinished(cleanup));
  const servers: TestServer[] = [];
  onTestFinished(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  return {
    ...workspace,
    async startServer(options: TestServerOptions): Promise<TestServer> {
      const server = await startTestServer(options);
      servers.push(server);
      return server;
    },
    /** Writes `content` to the config file and runs `restsync run <file> --destination <database> --dataset <schema> --json`. */
    async runConfig(
      schema: string,
      content: unknown,
      options: RunConfigOptions = {},
    ): Promise<CliProcessResult> {
      const config = await writeConfig(workspace.directory, options.file ?? 'sync.json', content);
      return workspace.run(
        ['run', config, '--destination', workspace.database.url, '--dataset', schema, '--json'],
        options.env,
      );
    },
  };
}

/** A dlt-form source of one collection served with offset pagination at `/v1/<name>`. */
export function offsetSource(baseUrl: string, auth: unknown, name = 'items', limit = 10) {
  return {
    client: { base_url: baseUrl, auth },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [
      {
        name,
        endpoint: { path: `/v1/${name}`, data_selector: 'data', paginator: { type: 'offset', limit } },
      },
    ],
  };
}

export async function countRows(database: TestDatabase, schema: string, table = 'items') {
  const [row] = await database.query<{ rows: number; ids: number }>(
    `select count(*)::int as rows, count(distinct id)::int as ids from "${schema}"."${table}"`,
  );
  return row;
}

/** Every row of every table of the dataset (data and `_restsync_*` tables), as text. */
export async function datasetText(database: TestDatabase, schema: string): Promise<string> {
  const tables = await database.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = '${schema}'`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await database.query<{ row: string }>(`select t::text as row from "${schema}"."${name}" t`);
    parts.push(name, ...rows.map((row) => row.row));
  }
  return parts.join('\n');
}

/** The values of `secrets` found in `text`, raw, URL-encoded or base64-encoded. */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) =>
    [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')].some((form) =>
      text.includes(form),
    ),
  );
}
