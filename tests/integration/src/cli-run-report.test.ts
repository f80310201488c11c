import { startTestServer } from '@restsync/test-server';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { expectValidJsonResult } from './cli-helpers/json-result';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// What the built CLI reports around a run: the resume line of a rerun, the final summary (time,
// rows/s, time waited, inserted vs updated for merge, new tables) and the same in --json.

const apiKey = 'report-key-5d8c2a7e';
function workspace(onTestFinished: (handler: OnTestFinishedHandler) => void) {
  return createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
}

describe('restsync run: resume line and summary', () => {
  it('should say a rerun resumes from the offset of the failed load, then count inserted vs updated rows of a merge and the time waited', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    // No total: one page at a time, so request 3 is the third page. Two 2,500-row pages fill the
    // CLI's 5,000-row batch, committed before page 3 (a 200 with broken JSON) fails the run.
    const seedApi = (script: Record<number, 'malformed' | '429'>) =>
      startApi({
        records: 7_500,
        apiKey,
        maxLimit: 2_500,
        includeTotal: false,
        script,
        retryAfterSeconds: 1,
      });
    const api = await seedApi({ 3: 'malformed' });
    const configFor = (url: string) =>
      writeConfig(directory, 'sync.json', {
        pipeline: { name: 'report' },
        source: {
          ...seedSource(url),
          resources: [
            {
              name: 'resource_name',
              endpoint: {
                path: '/v1/resource',
                data_selector: 'data',
                paginator: { type: 'offset', limit: 2_500, total_path: null },
              },
            },
          ],
        },
      });
    const config = await configFor(api.url);
    const name = dataset('cli_report');
    const args = ['run', config, '--destination', database.url, '--dataset', name];

    const failed = await run(args);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).not.toContain('resuming');

    const resumed = await run([...args, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    // Regression: a rerun gave no sign that it continued the interrupted load rather than starting over.
    expect(resumed.stderr).toMatch(
      /restsync: resuming "resource_name" from offset 5000 \(load \S+ interrupted\)/,
    );
    const json = expectValidJsonResult(JSON.parse(resumed.stdout));
    expect(json.resources.resource_name).toMatchObject({
      rows: 2_500,
      inserted: 2_500,
      updated: 0,
      resumedFrom: expect.stringMatching(/^offset 5000 \(load \S+ interrupted\)$/),
    });

    // The third run reads the same records from an API whose second answer is a 429 with
    // Retry-After: 1 (its own server: the resumed run's requests, some fetched while the
    // destination opened and then dropped for the checkpoint, do not shift the numbering).
    const throttled = await seedApi({ 2: '429' });
    await configFor(throttled.url);
    const again = await run(args);
    expect(again.code, again.stderr).toBe(0);
    // A completed resource without a cursor is read from the start: nothing to resume.
    expect(again.stderr).not.toContain('resuming');
    const lines = again.stdout.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}table\s+rows\s+pages\s+time\s+rows\/s\s+inserted\s+updated$/),
    );
    // Every record was loaded before: the merge updated all 7,500 and inserted none.
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}resource_name\s+7,500\s+4\s+\d+\.\d s\s+[\d,]+\s+0\s+7,500$/),
    );
    expect(again.stdout).toMatch(
      /7,500 rows, 4 pages, 1 retry, waited \d+\.\d s before retries, [\d,]+ rows\/s, load /,
    );
    expect(again.stdout).not.toContain('new tables');
    expect(resumed.stdout + resumed.stderr + again.stdout + again.stderr).not.toContain(apiKey);
  });

  it('should list a deselected parent with selected: false in --json, and the tables the first run created in the summary', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run } = await workspace(onTestFinished);
    const server = await startTestServer({
      routes: {
        'GET /v1/projects': () => ({ body: { data: [{ id: 1 }, { id: 2 }] } }),
        'GET /v1/projects/1/tasks': () => ({ body: { data: [{ id: 11, title: 'one' }] } }),
        'GET /v1/projects/2/tasks': () => ({ body: { data: [{ id: 21, title: 'two', due: '2024-05-01' }] } }),
      },
    });
    onTestFinished(() => server.close());
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'deselected' },
      source: {
        client: { base_url: `${server.url}/v1`, paginator: 'single_page' },
        resources: [
          {
            name: 'projects',
            selected: false,
            primary_key: 'id',
            endpoint: { path: 'projects', data_selector: 'data' },
          },
          {
            name: 'tasks',
            primary_key: 'id',
            endpoint: { path: 'projects/{resources.projects.id}/tasks', data_selector: 'data' },
          },
        ],
      },
    });
    const args = ['run', config, '--destination', database.url, '--dataset', dataset('cli_deselected')];

    const first = await run(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^ {2}new tables: tasks \(id, title, due\)$/m);

    const second = await run([...args, '--json']);
    expect(second.code, second.stderr).toBe(0);
    const json = expectValidJsonResult(JSON.parse(second.stdout));
    expect(json.resources.projects).toMatchObject({ rows: 2, selected: false, committedRows: 0 });
    expect(json.resources.tasks).toMatchObject({ rows: 2, committedRows: 2 });
    expect(json.resources.tasks).not.toHaveProperty('selected');
  });
});
