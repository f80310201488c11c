import { startTestServer } from '@restsync/test-server';
import { describe, expect, it } from 'vitest';
import { writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';
import { engineArgs, enginePrefix, rowCounts, startWorkers, unitsDone } from './engine-helpers';

const records = 1200;
const pageSize = 10;
const pagesPerUnit = 20;

/**
 * Whether the page requests of two units interleave in the server's log (ignoring the first page,
 * which the run's plan also asks for): two workers were sending requests at the same time.
 */
function unitsOverlapped(requests: readonly { url: string; handler: string }[]): boolean {
  const spans = new Map<number, { first: number; last: number }>();
  requests.forEach((request, index) => {
    if (request.handler !== 'items') return;
    const offset = Number(new URL(request.url, 'http://api').searchParams.get('offset') ?? 0);
    if (offset === 0) return;
    const unit = Math.floor(offset / pageSize / pagesPerUnit);
    const span = spans.get(unit);
    if (span) span.last = index;
    else spans.set(unit, { first: index, last: index });
  });
  const all = [...spans.values()];
  return all.some((a) => all.some((b) => a !== b && a.first < b.last && b.first < a.last));
}

describe('client.rate_limit across restsync workers (BullMQ on Redis, an API that allows 20 requests/s)', () => {
  it('should get no 429 from 3 workers with requests_per_second: 20, and load every row once', async ({
    onTestFinished,
  }) => {
    const api = await startTestServer({
      collections: { items: { records } },
      rateLimit: { requestsPerSecond: 20, retryAfterSeconds: 1 },
    });
    onTestFinished(() => api.close());
    const workspace = await createWorkspace('unused', (cleanup) => onTestFinished(cleanup));
    const { engineUrl } = enginePrefix(onTestFinished);
    const config = await writeConfig(workspace.directory, 'sync.json', {
      pipeline: { name: 'limited' },
      source: {
        client: {
          base_url: api.url,
          rate_limit: { requests_per_second: 20 },
          retry: { max_retries: 10, initial_delay_ms: 50 },
        },
        resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
        resources: [
          {
            name: 'items',
            endpoint: {
              path: '/v1/items',
              data_selector: 'data',
              paginator: { type: 'offset', limit: pageSize, total_path: 'total' },
            },
          },
        ],
      },
    });
    const dataset = workspace.dataset('engine_rate');
    // 120 pages in 6 units of 20: each worker alone keeps to 20 requests/s, together they would send 60.
    const workers = await startWorkers(workspace, engineUrl, 3);
    const run = await workspace.run(engineArgs('run', { config, engineUrl, dataset }), {});
    expect(run.code, run.stderr).toBe(0);
    expect(await rowCounts(dataset, 'items')).toEqual({ rows: records, ids: records });
    expect(workers.filter((worker) => unitsDone(worker).length > 0).length).toBeGreaterThan(1);
    // Workers requested at the same time, so only the shared limit kept the server from answering 429.
    expect(unitsOverlapped(api.requests)).toBe(true);
    const tooMany = api.requests.filter((request) => request.status === 429).length;
    expect(tooMany).toBe(0);
    expect(api.stats().rateLimited).toBe(0);
  });
});
