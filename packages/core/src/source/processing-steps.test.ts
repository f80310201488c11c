import { startTestServer, type TestServer } from '@restsync/test-server';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { createEventBus } from '../events';
import { restApiSource } from './rest-api-source';

let api: TestServer | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Every record the source yields, per resource. */
async function recordsOf(source: ReturnType<typeof restApiSource>): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for await (const page of source.pages({ events: createEventBus() })) {
    result[page.resource] = [...(result[page.resource] ?? []), ...page.records];
  }
  return result;
}

describe('processing steps', () => {
  // A dlt step holding both `filter` and `map` was refused as a config error.
  it('should run the filter, then the map, of a step that holds both, as dlt does', async () => {
    api = await startTestServer({
      fallback: (request) =>
        request.path === '/posts'
          ? {
              body: [
                { id: 1, title: 'keep' },
                { id: 2, title: 'drop' },
                { id: 3, title: 'keep' },
              ],
            }
          : undefined,
    });
    const seenByFilter: unknown[] = [];
    const source = restApiSource({
      client: { baseUrl: api.url },
      resources: [
        {
          name: 'posts',
          processingSteps: [
            {
              // The map renames `title`: a filter running after it would see no title and drop everything.
              map: ({ title, ...rest }) => ({ ...rest, heading: String(title).toUpperCase() }),
              filter: (record) => {
                seenByFilter.push(record);
                return record.title === 'keep';
              },
            },
          ],
        },
      ],
    });

    const records = await recordsOf(source);

    expect(records.posts).toEqual([
      { id: 1, heading: 'KEEP' },
      { id: 3, heading: 'KEEP' },
    ]);
    expect(seenByFilter).toEqual([
      { id: 1, title: 'keep' },
      { id: 2, title: 'drop' },
      { id: 3, title: 'keep' },
    ]);
  });

  it('should still refuse a step with a key other than filter and map, or with no function', () => {
    const build = (step: unknown) => () =>
      restApiSource({
        client: { baseUrl: 'https://api.example.com' },
        resources: [{ name: 'posts', processingSteps: [step as never] }],
      });

    for (const step of [{}, { filter: () => true, yield_map: () => [] }, { map: 'upper' }]) {
      const error = (() => {
        try {
          build(step)();
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(ConfigError.isInstance(error), JSON.stringify(Object.keys(step))).toBe(true);
      expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
        'resources[0].processingSteps[0]',
      ]);
    }
  });
});
