import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A Postgres cluster of the test's own (initdb in a temporary directory, its own port and socket
 * directory), so a test can stop and restart it without disturbing the shared server other tests use.
 */
export interface PrivateCluster {
  port: number;
  /** `postgres://restsync:<password>@127.0.0.1:<port>/postgres` (trust auth: the password is never checked). */
  url(password?: string): string;
  query<Row>(sql: string): Promise<Row[]>;
  /** `pg_ctl restart -m fast`: every session is terminated (57P01), the server comes back on the same port. */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

/** The directory of `initdb` and `pg_ctl`: Debian keeps them under /usr/lib/postgresql/<version>/bin. */
function postgresBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((version) => existsSync(join(root, version, 'bin', 'pg_ctl')))
        .sort((left, right) => Number(right) - Number(left))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'These tests run a Postgres cluster of their own: install the postgresql package (initdb, pg_ctl).',
    );
  }
  return join(root, newest, 'bin');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** initdb refuses to run as root: run the server tools as the `postgres` user then. */
async function asServerUser(binary: string, args: string[]): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  const [command, commandArgs] = isRoot
    ? ['runuser', ['-u', 'postgres', '--', binary, ...args]]
    : [binary, args];
  await run(command, commandArgs, { timeout: 120_000 });
}

/** Creates and starts a cluster on a free port. Call `destroy()` in `afterAll`. */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const binaries = postgresBinaries();
  const directory = await mkdtemp(join(tmpdir(), 'restsync-private-pg-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(directory, Number(stdout.trim()), Number(group.trim()));
  }
  const data = join(directory, 'data');
  const port = await freePort();
  const pgCtl = join(binaries, 'pg_ctl');
  const serverOptions = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const log = join(directory, 'server.log');
  await asServerUser(join(binaries, 'initdb'), [
    '-D',
    data,
    '-U',
    'restsync',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const start = () =>
    asServerUser(pgCtl, ['-D', data, '-o', serverOptions, '-l', log, '-w', '-t', '120', 'start']);
  await start();
  const url = (password?: string) =>
    `postgres://restsync${password ? `:${password}` : ''}@127.0.0.1:${port}/postgres`;
  return {
    port,
    url,
    async query<Row>(sql: string) {
      const client = new pg.Client({ connectionString: url() });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query(sql)).rows as Row[];
      } finally {
        await client.end();
      }
    },
    restart: () =>
      asServerUser(pgCtl, [
        '-D',
        data,
        '-o',
        serverOptions,
        '-l',
        log,
        '-m',
        'fast',
        '-w',
        '-t',
        '120',
        'restart',
      ]),
    stop: () => asServerUser(pgCtl, ['-D', data, '-m', 'fast', '-w', '-t', '120', 'stop']),
    start,
    async destroy() {
      await asServerUser(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
