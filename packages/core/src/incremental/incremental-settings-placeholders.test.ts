import { startTestServer, type TestServer } from '@restsync/test-server';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { createEventBus } from '../events';
import { restApiSource } from '../source/rest-api-source';

let api: TestServer | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function firstRequest(endpoint: Record<string, unknown>) {
  api = await startTestServer({ fallback: () => ({ body: [] }) });
  const source = restApiSource({
    client: { base_url: api.url },
    resources: [{ name: 'posts', primary_key: 'id', endpoint: { path: 'posts', ...endpoint } }],
  } as never);
  for await (const _page of source.pages({ events: createEventBus() })) {
    // Drain the source: only the request matters.
  }
  const [request] = api.requests;
  if (request === undefined) throw new Error('expected a request');
  return request;
}

function configProblems(endpoint: Record<string, unknown>): string[] {
  try {
    restApiSource({
      client: { base_url: 'https://api.example.com' },
      resources: [{ name: 'posts', endpoint: { path: 'posts', ...endpoint } }],
    } as never);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('{incremental.<setting>} placeholders', () => {
  // `{incremental.lag}` and the incremental's other settings were refused as unknown placeholders.
  it("should fill any of the incremental's settings, as dlt's test_incremental_object_interpolation does", async () => {
    const request = await firstRequest({
      params: {
        initial_value: '{incremental.initial_value}',
        lag: '{incremental.lag}',
        since: '{incremental.start_value}',
        until: '{incremental.end_value}',
        field: '{incremental.cursor_path}',
        func: '{incremental.last_value_func}',
        order: '{incremental.row_order}',
        missing: '{incremental.on_cursor_value_missing}',
        start: '{incremental.range_start}',
        end: '{incremental.range_end}',
        key: '{incremental.primary_key}',
      },
      headers: { 'X-Lag': '{incremental.lag}', 'X-Cursor': 'by {incremental.cursor_path}' },
      incremental: {
        cursor_path: 'id',
        initial_value: 1600000000,
        end_value: 1700000000,
        lag: 3600,
        row_order: 'asc',
        range_end: 'closed',
      },
    });

    expect(Object.fromEntries(request.query)).toEqual({
      initial_value: '1600000000',
      lag: '3600',
      // As in dlt, the lag never moves the start before initial_value.
      since: '1600000000',
      until: '1700000000',
      field: 'id',
      func: 'max',
      order: 'asc',
      missing: 'raise',
      start: 'closed',
      end: 'closed',
      key: 'id',
    });
    expect(request.headers['x-lag']).toBe('3600');
    expect(request.headers['x-cursor']).toBe('by id');
  });

  it('should keep the type of a sole setting placeholder in the JSON body, and leave out a param whose setting is unset', async () => {
    const request = await firstRequest({
      method: 'POST',
      params: { lag: '{incremental.lag}', order: '{incremental.row_order}' },
      json: { lag: '{incremental.lag}', key: '{incremental.primary_key}', window: 'lag {incremental.lag}' },
      incremental: {
        cursor_path: 'updated_at',
        initial_value: '2024-01-01T00:00:00Z',
        lag: 60,
        primary_key: ['a', 'b'],
      },
    });

    expect(Object.fromEntries(request.query)).toEqual({ lag: '60' });
    expect(JSON.parse(request.body)).toEqual({ lag: 60, key: ['a', 'b'], window: 'lag 60' });
  });

  it('should refuse an unknown incremental name, suggesting the near one and listing every valid name', () => {
    const [problem, ...others] = configProblems({
      params: { lag: '{incremental.lagg}' },
      incremental: { cursor_path: 'id' },
    });

    expect(others).toEqual([]);
    expect(problem).toBe(
      'resources[0].endpoint.params.lag: placeholder "{incremental.lagg}" is not an incremental value ' +
        '(did you mean "{incremental.lag}"?); valid placeholders start with "resources." or "incremental.": ' +
        '{resources.<parent>.<field>}, {incremental.start_value}, {incremental.initial_value}, ' +
        "{incremental.last_value}, {incremental.end_value}, and the incremental's settings " +
        '{incremental.cursor_path}, {incremental.last_value_func}, {incremental.row_order}, {incremental.lag}, ' +
        '{incremental.on_cursor_value_missing}, {incremental.range_start}, {incremental.range_end}, ' +
        '{incremental.primary_key}',
    );
  });

  it('should refuse a setting placeholder on an endpoint without an incremental', () => {
    expect(configProblems({ params: { lag: '{incremental.lag}' } })).toEqual([
      'resources[0].endpoint.params.lag: placeholder {incremental.lag} needs an incremental: add endpoint.incremental with a cursor_path',
    ]);
  });
});
