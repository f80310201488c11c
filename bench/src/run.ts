import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import cliPackage from '@restsync/cli/package.json' with { type: 'json' };
import { startReferenceApi } from '@restsync/test-server';
import { openDatabase } from './database';
import { cores } from './machine-cpu';
import { watchPostgresBackends } from './postgres-cpu';
import { scaleOutReport } from './scale-out';
import { syncConfig } from './sync-config';
import { verifyTable } from './verify';

/**
 * `pnpm bench`: the reference workload (DESIGN §7), restsync against a hand-written ideal pipeline
 * in the same run. restsync runs as its built CLI (`restsync run sync.json`), as a user runs it;
 * the ideal is `scenario.js ideal`. Both run in their own process, measured the same way (wall
 * time, CPU and peak RSS of the whole process, start-up included; the API server's CPU; the CPU of
 * the Postgres backends serving the process), and every run is checked: count = distinct = N and
 * every row holds the API's current values.
 *
 * Environment: DATABASE_URL (a Postgres server; else PGlite), BENCH_RECORDS (N, default 100 000),
 * BENCH_RECORDS_LARGE (default 500 000; 0 skips), BENCH_PGLITE_RECORDS (the PGlite demo, default N;
 * 0 skips), BENCH_REPEATS (default 1: medians over the repeats).
 */
const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const largeRecords = Number(process.env.BENCH_RECORDS_LARGE ?? 500_000);
const pgliteRecords = Number(process.env.BENCH_PGLITE_RECORDS ?? records);
const repeats = Math.max(1, Number(process.env.BENCH_REPEATS ?? 1));
const apiKey = 'bench-key-not-a-secret';
const temporary = mkdtempSync(join(tmpdir(), 'restsync-bench-'));
const databaseUrl = process.env.DATABASE_URL ?? `pglite:${join(temporary, 'pglite')}`;
const engine = process.env.DATABASE_URL
  ? 'Postgres server (DATABASE_URL)'
  : 'embedded PGlite (set DATABASE_URL for a server)';
const distDirectory = import.meta.dirname;
// The built CLI of the workspace package, run as `npx restsync` runs it.
const cliBin = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'bin', 'restsync.js');

/** One measured process. */
interface Measurement {
  rows: number;
  wallSeconds: number;
  /** When the process first wrote to stdout or stderr, from its spawn. */
  firstOutputSeconds: number | undefined;
  clientCpuSeconds: number;
  apiCpuSeconds: number;
  postgresCpuSeconds: number | undefined;
  peakRssMb: number;
  /** What the process wrote to stdout and stderr. */
  output: string;
}

/** The Postgres application name of one measured process's connections. */
function applicationNameOf(label: string): string {
  return `bench-${label}-${process.pid}`;
}

async function measure(
  label: string,
  argv: string[],
  options: { rows: number; databaseUrl: string; env?: Record<string, string> },
): Promise<Measurement> {
  const measureFile = join(temporary, `${label}.measure.json`);
  const applicationName = applicationNameOf(label);
  const watch = await watchPostgresBackends(options.databaseUrl, applicationName);
  const apiCpu = process.cpuUsage();
  const started = performance.now();
  let firstOutput: number | undefined;
  const child = spawn(process.execPath, ['--import', join(distDirectory, 'measure-exit.js'), ...argv], {
    env: {
      ...process.env,
      ...options.env,
      BENCH_MEASURE_FILE: measureFile,
      PGAPPNAME: applicationName,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    firstOutput ??= performance.now();
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallSeconds = (performance.now() - started) / 1000;
  const apiUsed = process.cpuUsage(apiCpu);
  const postgresCpuSeconds = await watch.stop();
  if (code !== 0) throw new Error(`${label} exited with ${code}:\n${output.slice(-4000)}`);
  const usage = JSON.parse(readFileSync(measureFile, 'utf8')) as { cpuSeconds: number; peakRssMb: number };
  const result: Measurement = {
    rows: options.rows,
    wallSeconds,
    firstOutputSeconds: firstOutput === undefined ? undefined : (firstOutput - started) / 1000,
    clientCpuSeconds: usage.cpuSeconds,
    apiCpuSeconds: (apiUsed.user + apiUsed.system) / 1e6,
    postgresCpuSeconds,
    peakRssMb: usage.peakRssMb,
    output,
  };
  process.stderr.write(
    `  ${label}: ${Math.round(options.rows / wallSeconds).toLocaleString('en-US')} rows/s, ${wallSeconds.toFixed(2)} s wall; ` +
      `CPU: client ${result.clientCpuSeconds.toFixed(2)} s, API ${result.apiCpuSeconds.toFixed(2)} s, ` +
      `Postgres ${postgresCpuSeconds === undefined ? 'n/a' : `${postgresCpuSeconds.toFixed(2)} s`}; peak RSS ${result.peakRssMb.toFixed(0)} MB; ` +
      `load average ${loadavg()[0]?.toFixed(2)}\n`,
  );
  return result;
}

function writeConfig(apiUrl: string): string {
  const path = join(temporary, `sync-${apiUrl.split(':').at(-1)}.json`);
  writeFileSync(path, JSON.stringify(syncConfig(apiUrl, 'bench')));
  return path;
}

/** `restsync run` through the built CLI, then the table checked against the API's generation. */
async function restsync(
  label: string,
  apiUrl: string,
  rows: number,
  target: { databaseUrl: string; dataset: string; generation: number },
): Promise<Measurement> {
  // restsync names its connections "restsync"; a URL parameter wins, so the watcher finds this run's backends.
  const destination = target.databaseUrl.startsWith('pglite:')
    ? target.databaseUrl
    : `${target.databaseUrl}${target.databaseUrl.includes('?') ? '&' : '?'}application_name=${applicationNameOf(label)}`;
  const argv = [
    cliBin,
    'run',
    writeConfig(apiUrl),
    '--destination',
    destination,
    '--dataset',
    target.dataset,
  ];
  const result = await measure(label, argv, {
    rows,
    databaseUrl: target.databaseUrl,
    env: { API_KEY: apiKey },
  });
  try {
    await verifyTable(target.databaseUrl, `"${target.dataset}".resource_name`, rows, target.generation);
  } catch (error) {
    throw new Error(
      `${label}: ${(error as Error).message}\nrestsync printed:\n${result.output.slice(-4000)}`,
    );
  }
  return result;
}

/** The hand-written ideal pipeline (`scenario.js ideal`), then its table checked the same way. */
async function ideal(
  label: string,
  apiUrl: string,
  rows: number,
  target: { dataset: string; generation: number },
): Promise<Measurement> {
  const result = await measure(label, [join(distDirectory, 'scenario.js'), 'ideal'], {
    rows,
    databaseUrl,
    env: {
      BENCH_API_URL: apiUrl,
      BENCH_API_KEY: apiKey,
      BENCH_N: String(rows),
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_DATASET: target.dataset,
    },
  });
  await verifyTable(databaseUrl, `"${target.dataset}".resource_name`, rows, target.generation);
  return result;
}

async function dropDataset(url: string, name: string): Promise<void> {
  const database = await openDatabase(url);
  await database.exec(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  await database.close();
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Medians of each field over the repeats of one step. */
function summarize(runs: Measurement[]): Measurement {
  const pick = (field: keyof Measurement) => median(runs.map((run) => Number(run[field] ?? Number.NaN)));
  const postgres = pick('postgresCpuSeconds');
  return {
    rows: runs[0]?.rows ?? 0,
    wallSeconds: pick('wallSeconds'),
    firstOutputSeconds: pick('firstOutputSeconds'),
    clientCpuSeconds: pick('clientCpuSeconds'),
    apiCpuSeconds: pick('apiCpuSeconds'),
    postgresCpuSeconds: Number.isNaN(postgres) ? undefined : postgres,
    peakRssMb: pick('peakRssMb'),
    output: '',
  };
}

/** Medians of three runs of `argv`: wall seconds and the process's CPU seconds. */
async function timeStartUp(label: string, argv: string[]): Promise<{ wall: number; cpu: number }> {
  const runs: Measurement[] = [];
  for (let index = 0; index < 3; index++) {
    runs.push(await measure(`${label}-${index}`, argv, { rows: 0, databaseUrl: 'pglite:none' }));
  }
  return {
    wall: median(runs.map((run) => run.wallSeconds)),
    cpu: median(runs.map((run) => run.clientCpuSeconds)),
  };
}

const steps = new Map<string, Measurement[]>();
const record = (step: string, result: Measurement) => steps.set(step, [...(steps.get(step) ?? []), result]);

process.stderr.write(
  `restsync ${cliPackage.version} bench: N = ${records.toLocaleString('en-US')} (large ${largeRecords.toLocaleString('en-US')}), limit 100, merge on id, ` +
    `into ${engine}; ${repeats} repeat(s); ${cores} cores, load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}\n`,
);
const api = await startReferenceApi({ records, apiKey });
const large = largeRecords > 0 ? await startReferenceApi({ records: largeRecords, apiKey }) : undefined;
const pgliteApi = pgliteRecords > 0 ? await startReferenceApi({ records: pgliteRecords, apiKey }) : undefined;
try {
  // An empty node process measured the same way: on a busy machine its start-up alone can pass 0.5 s.
  const emptyNode = await timeStartUp('empty-node', ['-e', '']);
  const version = await timeStartUp('version', [cliBin, '--version']);
  for (let repeat = 0; repeat < repeats; repeat++) {
    const suffix = `${process.pid}_${repeat}`;
    const idealDataset = `bench_ideal_${suffix}`;
    const restsyncDataset = `bench_restsync_${suffix}`;
    api.setGeneration(1);
    record(
      'ideal first',
      await ideal(`ideal-first-${repeat}`, api.url, records, { dataset: idealDataset, generation: 1 }),
    );
    record(
      'restsync first',
      await restsync(`restsync-first-${repeat}`, api.url, records, {
        databaseUrl,
        dataset: restsyncDataset,
        generation: 1,
      }),
    );
    api.setGeneration(2);
    record(
      'ideal update',
      await ideal(`ideal-update-${repeat}`, api.url, records, { dataset: idealDataset, generation: 2 }),
    );
    record(
      'restsync update',
      await restsync(`restsync-update-${repeat}`, api.url, records, {
        databaseUrl,
        dataset: restsyncDataset,
        generation: 2,
      }),
    );
    await dropDataset(databaseUrl, idealDataset);
    await dropDataset(databaseUrl, restsyncDataset);
    if (large) {
      const idealLarge = `bench_ideal_large_${suffix}`;
      const restsyncLarge = `bench_restsync_large_${suffix}`;
      record(
        'ideal large',
        await ideal(`ideal-large-${repeat}`, large.url, largeRecords, { dataset: idealLarge, generation: 1 }),
      );
      record(
        'restsync large',
        await restsync(`restsync-large-${repeat}`, large.url, largeRecords, {
          databaseUrl,
          dataset: restsyncLarge,
          generation: 1,
        }),
      );
      await dropDataset(databaseUrl, idealLarge);
      await dropDataset(databaseUrl, restsyncLarge);
    }
    if (pgliteApi) {
      const directory = `pglite:${join(temporary, `demo-${repeat}`)}`;
      pgliteApi.setGeneration(1);
      const target = { databaseUrl: directory, dataset: 'bench_demo' };
      record(
        'PGlite demo, fresh dir',
        await restsync(`pglite-fresh-${repeat}`, pgliteApi.url, pgliteRecords, { ...target, generation: 1 }),
      );
      pgliteApi.setGeneration(2);
      record(
        'PGlite demo, warm dir',
        await restsync(`pglite-warm-${repeat}`, pgliteApi.url, pgliteRecords, { ...target, generation: 2 }),
      );
      rmSync(directory.slice('pglite:'.length), { recursive: true, force: true });
    }
  }
  // First open as a user meets it: `restsync runs` (start-up included) on a new directory, then on it again (warm).
  const openConfig = writeConfig(api.url);
  const openDirectory = `pglite:${join(temporary, 'open')}`;
  const openOnce = (label: string) =>
    measure(label, [cliBin, 'runs', openConfig, '--destination', openDirectory], {
      rows: 0,
      databaseUrl: 'pglite:none',
      env: { API_KEY: apiKey },
    });
  const freshOpen = await openOnce('pglite-open-fresh');
  const warmOpen = await openOnce('pglite-open-warm');

  const rows = [...steps.entries()].map(([step, runs]) => [step, summarize(runs)] as const);
  const summary = new Map(rows);
  const perHundredThousand = (result: Measurement) => (result.clientCpuSeconds * 100_000) / result.rows;
  const rate = (result: Measurement) => result.rows / result.wallSeconds;
  const number = (value: number) => Math.round(value).toLocaleString('en-US');
  const lines = [
    '',
    `| step (N = ${number(records)}, large = ${number(largeRecords)}) | rows/s | client CPU s / 100k rows | API CPU s | Postgres CPU s | peak RSS |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      ([step, result]) =>
        `| ${step} | ${number(rate(result))} | ${perHundredThousand(result).toFixed(2)} | ${result.apiCpuSeconds.toFixed(2)} | ` +
        `${result.postgresCpuSeconds === undefined ? 'n/a' : result.postgresCpuSeconds.toFixed(2)} | ${result.peakRssMb.toFixed(0)} MB |`,
    ),
    '',
    'restsync ÷ ideal, same run:',
  ];
  for (const step of ['first', 'update', 'large']) {
    const ours = summary.get(`restsync ${step}`);
    const theirs = summary.get(`ideal ${step}`);
    if (!(ours && theirs)) continue;
    const postgres =
      ours.postgresCpuSeconds !== undefined && theirs.postgresCpuSeconds
        ? `, Postgres CPU ${(ours.postgresCpuSeconds / theirs.postgresCpuSeconds).toFixed(2)} ×`
        : '';
    lines.push(
      `  ${step}: rows/s ${(rate(ours) / rate(theirs)).toFixed(2)} × (target ≥ 0.8), ` +
        `client CPU per row ${(perHundredThousand(ours) / perHundredThousand(theirs)).toFixed(2)} × (target ≤ 1.5)${postgres}, ` +
        `peak RSS ${ours.peakRssMb.toFixed(0)} MB vs ${theirs.peakRssMb.toFixed(0)} MB`,
    );
  }
  const first = summary.get('restsync first');
  const big = summary.get('restsync large');
  if (first && big) {
    lines.push(
      `  peak RSS at the large N ÷ at N: ${(big.peakRssMb / first.peakRssMb).toFixed(2)} × (target ≤ 1.3)`,
    );
  }
  lines.push(
    `start-up: restsync --version ${version.wall.toFixed(2)} s wall, ${version.cpu.toFixed(2)} s CPU (target < 0.5); ` +
      `a run's first output after ${first?.firstOutputSeconds?.toFixed(2) ?? 'n/a'} s (target < 0.5); ` +
      `an empty node process ${emptyNode.wall.toFixed(2)} s wall, ${emptyNode.cpu.toFixed(2)} s CPU, in the same run`,
  );
  const fresh = summary.get('PGlite demo, fresh dir');
  const warm = summary.get('PGlite demo, warm dir');
  lines.push(
    `PGlite: \`restsync runs\` on a new directory ${freshOpen.wallSeconds.toFixed(2)} s wall (${freshOpen.clientCpuSeconds.toFixed(2)} s CPU), ` +
      `warm ${warmOpen.wallSeconds.toFixed(2)} s (${warmOpen.clientCpuSeconds.toFixed(2)} s CPU), start-up included (target ≤ 2)` +
      (fresh && first
        ? `; demo rows/s ÷ server path: fresh ${(rate(fresh) / rate(first)).toFixed(2)} ×${warm ? `, warm (update) ${(rate(warm) / (summary.get('restsync update') ? rate(summary.get('restsync update') as Measurement) : rate(first))).toFixed(2)} ×` : ''} (target ≥ 0.7)`
        : ''),
  );
  lines.push(
    `load average at the end: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')} on ${cores} cores (other work shares the machine)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${(await scaleOutReport(cliBin)).join('\n')}\n`);
} finally {
  await api.close();
  await large?.close();
  await pgliteApi?.close();
  rmSync(temporary, { recursive: true, force: true });
}
