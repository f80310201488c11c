/** Settings the orchestrator passes to a scenario process through the environment. */
export interface ScenarioSettings {
  apiUrl: string;
  apiKey: string;
  records: number;
  /** Postgres server URL, or a `pglite:<directory>` location. */
  databaseUrl: string;
  dataset: string;
}

export function readSettings(env: NodeJS.ProcessEnv): ScenarioSettings {
  const settings = {
    apiUrl: env.BENCH_API_URL ?? '',
    apiKey: env.BENCH_API_KEY ?? '',
    records: Number(env.BENCH_N),
    databaseUrl: env.BENCH_DATABASE_URL ?? '',
    dataset: env.BENCH_DATASET ?? '',
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
