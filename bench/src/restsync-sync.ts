import { apiKey } from '@restsync/auth-api-key';
import { pipeline, restApiSource, secret } from '@restsync/core';
import { postgres } from '@restsync/destination-postgres';
import { offset } from '@restsync/paginator-offset';
import type { ScenarioResult, ScenarioSettings } from './scenario-io';
import { cpuClock, peakRssMb } from './scenario-io';

/** restsync on the reference workload, configured exactly as the seed (DESIGN §1). */
export async function restsyncSync(settings: ScenarioSettings, scenario: string): Promise<ScenarioResult> {
  const source = restApiSource({
    client: {
      baseUrl: settings.apiUrl,
      auth: apiKey({ name: 'api_key', apiKey: secret('api_key'), location: 'query' }),
    },
    resourceDefaults: { primaryKey: 'id', writeDisposition: 'merge' },
    resources: [
      {
        name: 'resource_name',
        endpoint: { path: '/v1/resource', dataSelector: 'data', paginator: offset({ limit: 100 }) },
      },
    ],
  });
  const started = performance.now();
  const cpu = cpuClock();
  const result = await pipeline({
    name: 'bench',
    dataset: settings.dataset,
    destination: postgres({ url: settings.databaseUrl }),
    ...(settings.batchSize ? { batchSize: settings.batchSize } : {}),
  }).run(source);
  const seconds = (performance.now() - started) / 1000;
  const rows = result.tables.resource_name ?? 0;
  if (rows !== settings.records)
    throw new Error(`restsync loaded ${rows} rows, expected ${settings.records}`);
  return {
    scenario,
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    peakRssMb: peakRssMb(),
    cpuSeconds: cpu(),
  };
}
