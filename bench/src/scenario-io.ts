/** What every benchmark scenario prints as its last stdout line. */
export interface ScenarioResult {
  scenario: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  /** CPU time (user + system) this process spent in the timed part, in seconds. */
  cpuSeconds: number;
  /** Extra measurements (the load ceiling reports its first load and its update separately). */
  parts?: Record<string, { rows: number; seconds: number; rowsPerSecond: number }>;
}

/** Settings the orchestrator passes to a scenario process through the environment. */
export interface ScenarioSettings {
  apiUrl: string;
  apiKey: string;
  records: number;
  /** Postgres server URL, or a `pglite:<directory>` location. */
  databaseUrl: string;
  dataset: string;
  /** The pipeline's batch size (BENCH_BATCH_SIZE); the pipeline's default when unset. */
  batchSize?: number;
}

export function readSettings(env: NodeJS.ProcessEnv): ScenarioSettings {
  const settings = {
    apiUrl: env.BENCH_API_URL ?? '',
    apiKey: env.BENCH_API_KEY ?? '',
    records: Number(env.BENCH_N),
    databaseUrl: env.BENCH_DATABASE_URL ?? '',
    dataset: env.BENCH_DATASET ?? '',
    ...(env.BENCH_BATCH_SIZE ? { batchSize: Number(env.BENCH_BATCH_SIZE) } : {}),
  };
  if (
    !settings.apiUrl ||
    !settings.databaseUrl ||
    !settings.dataset ||
    !Number.isSafeInteger(settings.records)
  ) {
    throw new Error(
      'bench scenario started without BENCH_API_URL, BENCH_N, BENCH_DATABASE_URL and BENCH_DATASET',
    );
  }
  return settings;
}

/** Starts a CPU clock; the returned function gives the CPU seconds used since. */
export function cpuClock(): () => number {
  const start = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
}

export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function report(result: ScenarioResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
