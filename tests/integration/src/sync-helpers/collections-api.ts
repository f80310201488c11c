import { startTestServer, type TestServer } from '@restsync/test-server';

export type ApiRecord = Record<string, unknown>;

/**
 * An API serving `records()` at GET /v1/<name>, two per page (offset paginator with a total).
 * `records` is called for every page, so a test can change what the next run sees.
 */
export async function startCollectionsApi(
  collections: Record<string, () => ApiRecord[]>,
): Promise<TestServer> {
  const routes = Object.fromEntries(
    Object.entries(collections).map(([name, records]) => [
      `GET /v1/${name}`,
      (request: { query: URLSearchParams }) => {
        const offset = Number(request.query.get('offset') ?? 0);
        const limit = Number(request.query.get('limit') ?? 2);
        const all = records();
        return { body: { data: all.slice(offset, offset + limit), total: all.length } };
      },
    ]),
  );
  return startTestServer({ routes });
}
