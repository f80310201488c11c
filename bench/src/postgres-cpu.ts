import { readFileSync } from 'node:fs';
import pg from 'pg';

const clockTicks = 100;

/** user + system CPU seconds of a local process from /proc (undefined once it has exited). */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/** Watches the Postgres backends of one scenario; see `watchPostgresBackends`. */
export interface BackendWatch {
  /** Stops watching; the CPU seconds the scenario's backends used (undefined: not measurable here). */
  stop(): Promise<number | undefined>;
}

/**
 * Sums the CPU time of the Postgres server backends that serve connections named
 * `applicationName` (node-postgres sends `PGAPPNAME`), read from /proc every 100 ms: the server
 * runs on this machine. A backend's last CPU reading before it exits is what counts, so up to
 * 100 ms per connection may be missed. PGlite and a remote server give undefined.
 */
export async function watchPostgresBackends(
  databaseUrl: string,
  applicationName: string,
): Promise<BackendWatch> {
  if (databaseUrl.startsWith('pglite:')) return { stop: async () => undefined };
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-watch' });
  await client.connect();
  const latest = new Map<number, number>();
  let measurable = true;
  let polling: Promise<void> = Promise.resolve();
  const poll = async () => {
    const result = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    for (const { pid } of result.rows) {
      const seconds = processCpuSeconds(pid);
      if (seconds === undefined) measurable = false;
      else latest.set(pid, seconds);
    }
  };
  const timer = setInterval(() => {
    polling = polling.then(poll);
  }, 100);
  return {
    async stop() {
      clearInterval(timer);
      await polling;
      await client.end();
      if (!measurable) return undefined;
      let total = 0;
      for (const seconds of latest.values()) total += seconds;
      return total;
    },
  };
}
