import { fileURLToPath } from 'node:url';
import { ConfigError, loadRestApiSource, SecretError } from '@restsync/core';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const projectDirectory = fileURLToPath(new URL('..', import.meta.url));
const key = 'adapter-config-key-77';
const requests: string[] = [];

const server = setupServer(
  http.all('https://api.example.com/*', ({ request }) => {
    requests.push(request.url);
    return HttpResponse.json({ data: [] });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  requests.length = 0;
  server.resetHandlers();
});
afterAll(() => server.close());

/** A dlt-form config (as read from a JSON file) with the given paginator and auth. */
function dltConfig(paginator: Record<string, unknown>, auth: Record<string, unknown>) {
  return {
    client: { base_url: 'https://api.example.com', auth },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [{ name: 'items', endpoint: { path: '/v1/items', data_selector: 'data', paginator } }],
  };
}

async function configErrorOf(load: Promise<unknown>): Promise<ConfigError> {
  const error = await load.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ConfigError.isInstance(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('loadRestApiSource with adapter options', () => {
  it('should report unknown paginator and auth keys in one error, under their config paths, before any request', async () => {
    const config = dltConfig(
      { type: 'offset', limt: 100 },
      { type: 'api_key', name: 'api_key', api_key: key, locaton: 'query' },
    );

    const error = await configErrorOf(loadRestApiSource(config, { cwd: projectDirectory }));

    expect(error.issues).toEqual(
      expect.arrayContaining([
        {
          path: 'resources[0].endpoint.paginator.limt',
          message: 'unknown key; did you mean "limit"?',
        },
        { path: 'client.auth.locaton', message: 'unknown key; did you mean "location"?' },
      ]),
    );
    expect(error.message).toContain(
      'resources[0].endpoint.paginator.limt: unknown key; did you mean "limit"?',
    );
    expect(error.message).toContain('client.auth.locaton: unknown key; did you mean "location"?');
    expect(error.message).not.toContain(key);
    expect(requests).toEqual([]);
  });

  it('should report adapter problems together with the core config problems', async () => {
    const config = {
      ...dltConfig(
        { type: 'offset', limit: 0, total_pth: 'meta.total' },
        { type: 'api_key', api_key: { secret: 'items_key' }, location: 'body' },
      ),
      resource_defaults: { primary_key: 'id', write_dispostion: 'merge' },
    };

    const error = await configErrorOf(
      loadRestApiSource(config, { cwd: projectDirectory, env: { ITEMS_KEY: key } }),
    );

    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'client.auth.location',
      'resource_defaults.write_dispostion',
      'resources[0].endpoint.paginator.limit',
      'resources[0].endpoint.paginator.total_pth',
    ]);
    expect(error.message).not.toContain(key);
    expect(requests).toEqual([]);
  });

  it('should build the source once the keys are spelled right', async () => {
    const config = dltConfig(
      { type: 'offset', limit: 100 },
      { type: 'api_key', name: 'api_key', api_key: key, location: 'query' },
    );

    const source = await loadRestApiSource(config, { cwd: projectDirectory });

    expect(source.resources.map((resource) => resource.name)).toEqual(['items']);
    expect(requests).toEqual([]);
  });
});

describe('loadRestApiSource with a missing adapter secret', () => {
  // Regression: the api_key adapter also reported the unresolved secret as a malformed key.
  it('should report the missing secret once, by its environment variable, and fetch nothing', async () => {
    const error = await loadRestApiSource(
      dltConfig(
        { type: 'offset', limit: 100 },
        { type: 'api_key', name: 'api_key', api_key: { secret: 'api_key' }, location: 'query' },
      ),
      { cwd: projectDirectory, env: {} },
    ).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(SecretError.isInstance(error)).toBe(true);
    expect(error?.message).toContain('environment variable API_KEY');
    expect(error?.message).not.toContain('expected the key');
    expect(requests).toEqual([]);
  });
});
