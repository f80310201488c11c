import { startTestServer } from '@restsync/test-server';
import { describe, expect, it } from 'vitest';
import { writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';
import { enginePrefix, rowCounts, serverUrl, startWorkers, unitsDone } from './engine-helpers';

const records = 600;

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
              paginator: { type: 'offset', limit: 10, total_path: 'total' },
            },
          },
        ],
      },
    });
    const dataset = workspace.dataset('engine_rate');
    // 60 pages in 3 units of 20: each worker alone keeps to 20 requests/s, together they would send 60.
    const workers = await startWorkers(workspace, engineUrl, 3);
    const run = await workspace.run(
      ['run', config, '--engine', engineUrl, '--destination', serverUrl, '--dataset', dataset],
      {},
    );
    expect(run.code, run.stderr).toBe(0);
    expect(await rowCounts(dataset, 'items')).toEqual({ rows: records, ids: records });
    expect(workers.filter((worker) => unitsDone(worker).length > 0).length).toBeGreaterThan(1);
    const tooMany = api.requests.filter((request) => request.status === 429).length;
    expect(tooMany).toBe(0);
    expect(api.stats().rateLimited).toBe(0);
  });
});
