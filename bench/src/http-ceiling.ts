import type { ScenarioResult, ScenarioSettings } from './scenario-io';
import { cpuClock, peakRssMb } from './scenario-io';

/** The HTTP-only ceiling: fetch and parse every page exactly as restsync requests them; load nothing. */
export async function httpCeiling(settings: ScenarioSettings): Promise<ScenarioResult> {
  const limit = 100;
  const started = performance.now();
  const cpu = cpuClock();
  let rows = 0;
  for (let offset = 0; ; offset += limit) {
    const url = `${settings.apiUrl}/v1/resource?offset=${offset}&limit=${limit}&api_key=${settings.apiKey}`;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} at offset ${offset}`);
    const body = (await response.json()) as { data: unknown[]; total: number };
    rows += body.data.length;
    if (body.data.length < limit || offset + limit >= body.total) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    scenario: 'http-ceiling',
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    peakRssMb: peakRssMb(),
    cpuSeconds: cpu(),
  };
}
