import type { JsonResult } from '@restsync/cli';
import { startTestServer } from '@restsync/test-server';
import { describe, expect, it } from 'vitest';
import { writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// dlt's `selected: false` and `processing_steps` with named functions, in a TypeScript config run by
// the built CLI into Postgres (or PGlite without DATABASE_URL).

const apiKey = 'selected-steps-e2e-key-8d2a';

const projects = [
  { id: 1, name: 'alpha', archived: false },
  { id: 2, name: 'beta', archived: true },
  { id: 3, name: 'gamma', archived: false },
];
const tasksOf = (project: number) => [
  { id: project * 10 + 1, title: `task ${project}.1`, status: 'open' },
  { id: project * 10 + 2, title: `task ${project}.2`, status: 'deleted' },
  { id: project * 10 + 3, title: `task ${project}.3`, status: 'done' },
];

describe('selected: false and processing_steps (built CLI, TypeScript config)', () => {
  it('should fetch a deselected parent only for its children, and apply named filter and map steps in order', {
    timeout: 180_000,
  }, async ({ onTestFinished }) => {
    const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const server = await startTestServer({
      routes: {
        'GET /v1/projects': () => ({ body: { data: projects } }),
        ...Object.fromEntries(
          projects.map((project) => [
            `GET /v1/projects/${project.id}/tasks`,
            () => ({ body: { data: tasksOf(project.id) } }),
          ]),
        ),
      },
    });
    onTestFinished(() => server.close());
    const dataset = workspace.dataset('selected_steps');
    const typescript = `
interface Task { id: number; title: string; status: string; [field: string]: unknown }

function isActiveProject(record: Record<string, unknown>): boolean {
  return record.archived !== true;
}

function isNotDeleted(record: Task): boolean {
  return record.status !== 'deleted';
}

function withUpperTitle(record: Task): Task {
  return { ...record, title: record.title.toUpperCase() };
}

function isOpenAfterMapping(record: Task): boolean {
  // Runs after withUpperTitle: sees the mapped title.
  return record.title.startsWith('TASK') && record.status === 'open';
}

export default {
  pipeline: { name: 'selected_steps', dataset: ${JSON.stringify(dataset)} },
  destination: ${JSON.stringify(workspace.database.url)},
  source: {
    client: { base_url: ${JSON.stringify(`${server.url}/v1`)}, paginator: 'single_page' },
    resources: [
      {
        name: 'projects',
        selected: false,
        primary_key: 'id',
        endpoint: { path: 'projects', data_selector: 'data' },
        processing_steps: [{ filter: isActiveProject }],
      },
      {
        name: 'tasks',
        primary_key: 'id',
        include_from_parent: ['name'],
        endpoint: { path: 'projects/{resources.projects.id}/tasks', data_selector: 'data' },
        processing_steps: [{ filter: isNotDeleted }, { map: withUpperTitle }, { filter: isOpenAfterMapping }],
      },
    ],
  },
};
`;
    const config = await writeConfig(workspace.directory, 'sync.ts', typescript);

    const result = await workspace.run(['run', config, '--json']);

    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as JsonResult;
    // The deselected parent's 3 records are fetched (`rows` counts records fetched) but none is loaded into any table.
    expect(json.resources.projects).toMatchObject({ rows: 3, committedRows: 0, tables: {} });
    expect(json.resources.tasks?.rows).toBe(2);
    // The deselected parent is fetched; its filter step skips the archived project's children.
    expect(server.requests.map((request) => request.path)).toEqual([
      '/v1/projects',
      '/v1/projects/1/tasks',
      '/v1/projects/3/tasks',
    ]);
    const tables = await workspace.database.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = '${dataset}' and table_name not like '\\_restsync%' order by table_name`,
    );
    expect(tables.map((table) => table.table_name)).toEqual(['tasks']);
    const rows = await workspace.database.query<{ id: number; title: string; project: string }>(
      `select id::int as id, title, _projects_name as project from "${dataset}"."tasks" order by id`,
    );
    expect(rows).toEqual([
      { id: 11, title: 'TASK 1.1', project: 'alpha' },
      { id: 31, title: 'TASK 3.1', project: 'gamma' },
    ]);
  });
});
