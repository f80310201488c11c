import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startReferenceApi } from '@restsync/test-server';
import { openDatabase } from './database';
import { cores, machineBusySeconds } from './machine-cpu';
import type { ScenarioResult } from './scenario-io';

/**
 * `pnpm bench`: the reference workload (DESIGN §7). Each scenario runs in its own process (so its
 * peak RSS is its own) against the same reference API server and database, in one run:
 * the HTTP-only ceiling, the load-only ceiling, restsync's first load and its update run at N,
 * then restsync again at the large N for memory.
 */
const run = promisify(execFile);
const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const largeRecords = Number(process.env.BENCH_RECORDS_LARGE ?? 500_000);
const apiKey = 'bench-key-not-a-secret';
const temporary = mkdtempSync(join(tmpdir(), 'restsync-bench-'));
const databaseUrl = process.env.DATABASE_URL ?? `pglite:${join(temporary, 'pglite')}`;
const engine = process.env.DATABASE_URL
  ? 'Postgres server (DATABASE_URL)'
  : 'embedded PGlite (set DATABASE_URL for a server)';

async function scenario(
  name: string,
  apiUrl: string,
  count: number,
  dataset: string,
): Promise<ScenarioResult> {
  const apiCpu = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  const { stdout } = await run(process.execPath, [join(import.meta.dirname, 'scenario.js'), name], {
    env: {
      ...process.env,
      API_KEY: apiKey,
      BENCH_API_URL: apiUrl,
      BENCH_API_KEY: apiKey,
      BENCH_N: String(count),
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_DATASET: dataset,
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(last) as ScenarioResult;
  const apiUsed = process.cpuUsage(apiCpu);
  const apiSeconds = (apiUsed.user + apiUsed.system) / 1e6;
  const machineAfter = machineBusySeconds();
  const machine =
    machineBefore === undefined || machineAfter === undefined
      ? ''
      : `, machine ${(machineAfter - machineBefore).toFixed(2)} s busy on ${cores} cores`;
  process.stderr.write(
    `  ${name}: ${Math.round(result.rowsPerSecond).toLocaleString('en-US')} rows/s, ` +
      `${result.seconds.toFixed(2)} s wall; CPU: client ${result.cpuSeconds.toFixed(2)} s, ` +
      `API server ${apiSeconds.toFixed(2)} s${machine} (whole scenario process, start-up included); ` +
      `peak RSS ${result.peakRssMb.toFixed(0)} MB\n`,
  );
  return result;
}

async function dropDataset(name: string): Promise<void> {
  const database = await openDatabase(databaseUrl);
  await database.exec(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  await database.close();
}

const suffix = `${process.pid}`;
process.stderr.write(
  `restsync bench: N = ${records.toLocaleString('en-US')}, limit 100, merge on id, into ${engine}\n`,
);
const api = await startReferenceApi({ records, apiKey });
const large = await startReferenceApi({ records: largeRecords, apiKey });
try {
  const http = await scenario('http-ceiling', api.url, records, `bench_http_${suffix}`);
  const load = await scenario('load-ceiling', api.url, records, `bench_ceiling_${suffix}`);
  const dataset = `bench_restsync_${suffix}`;
  const first = await scenario('restsync-first', api.url, records, dataset);
  api.setGeneration(2);
  const update = await scenario('restsync-update', api.url, records, dataset);
  await dropDataset(dataset);
  const largeDataset = `bench_large_${suffix}`;
  const big = await scenario('restsync-large', large.url, largeRecords, largeDataset);
  await dropDataset(largeDataset);

  const loadFirst = load.parts?.first?.rowsPerSecond ?? load.rowsPerSecond;
  const loadUpdate = load.parts?.update?.rowsPerSecond ?? load.rowsPerSecond;
  const slowerFirst = Math.min(http.rowsPerSecond, loadFirst);
  const slowerUpdate = Math.min(http.rowsPerSecond, loadUpdate);
  const format = (value: number) => Math.round(value).toLocaleString('en-US').padStart(9);
  const lines = [
    '',
    `| measurement (N = ${records.toLocaleString('en-US')}) | rows/s | ratio | peak RSS |`,
    '| --- | ---: | ---: | ---: |',
    `| HTTP-only ceiling | ${format(http.rowsPerSecond)} | | ${http.peakRssMb.toFixed(0)} MB |`,
    `| load-only ceiling, first load | ${format(loadFirst)} | | ${load.peakRssMb.toFixed(0)} MB |`,
    `| load-only ceiling, update | ${format(loadUpdate)} | | |`,
    `| restsync, first load | ${format(first.rowsPerSecond)} | ${(first.rowsPerSecond / loadFirst).toFixed(2)} × load ceiling, ${(first.rowsPerSecond / slowerFirst).toFixed(2)} × slower ceiling | ${first.peakRssMb.toFixed(0)} MB |`,
    `| restsync, update run | ${format(update.rowsPerSecond)} | ${(update.rowsPerSecond / loadUpdate).toFixed(2)} × load ceiling, ${(update.rowsPerSecond / slowerUpdate).toFixed(2)} × slower ceiling | ${update.peakRssMb.toFixed(0)} MB |`,
    `| restsync, first load at N = ${largeRecords.toLocaleString('en-US')} | ${format(big.rowsPerSecond)} | | ${big.peakRssMb.toFixed(0)} MB (${(big.peakRssMb / first.peakRssMb).toFixed(2)} × N = ${records.toLocaleString('en-US')}) |`,
    '',
    `targets: restsync ≥ 0.6 × load ceiling (first ${(first.rowsPerSecond / loadFirst).toFixed(2)}, update ${(update.rowsPerSecond / loadUpdate).toFixed(2)}); ` +
      `peak RSS ≤ 200 MB at N = ${records.toLocaleString('en-US')} (${first.peakRssMb.toFixed(0)} MB, update ${update.peakRssMb.toFixed(0)} MB) ` +
      `and ≤ 1.3 × that at N = ${largeRecords.toLocaleString('en-US')} (${(big.peakRssMb / Math.max(first.peakRssMb, update.peakRssMb)).toFixed(2)} ×)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await api.close();
  await large.close();
  rmSync(temporary, { recursive: true, force: true });
}
