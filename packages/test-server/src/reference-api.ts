import { type ReferenceApiOptions, resolveReferenceApiOptions } from './options';
import { type ReferenceRecord, referenceRecord } from './records';
import { startTestServer, type TestServerStats } from './test-server';
import type { LoggedRequest } from './test-server-options';

/** Counters since the server started. */
export type ReferenceApiStats = TestServerStats;

/** A running reference API; see `startReferenceApi`. */
export interface ReferenceApi {
  /** Origin to use as base URL, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** Path of the collection endpoint: `/v1/resource`. */
  readonly basePath: string;
  /** The generation being served; every record value depends on it, ids do not. */
  readonly generation: number;
  /** Every request received, in order. */
  readonly requests: readonly LoggedRequest[];
  /** Serves another generation from the next request on: every value changes, ids stay. */
  setGeneration(generation: number): void;
  stats(): ReferenceApiStats;
  /** The record the server serves for this id (in the current generation unless given). */
  record(id: number, generation?: number): ReferenceRecord;
  /** Stops listening and closes every open connection. Safe to call twice. */
  close(): Promise<void>;
}

const collectionName = 'resource';

/**
 * Starts the reference API of restsync's benchmarks and end-to-end tests on 127.0.0.1 and a random
 * port: `GET /v1/resource?offset=&limit=&api_key=` → `{ data: [...], total: N }`,
 * `GET /v1/resource/{id}` → one record, `GET /health`. A `startTestServer` with one offset-paginated
 * collection; faults are injected by script or seeded rate.
 */
export async function startReferenceApi(options: ReferenceApiOptions = {}): Promise<ReferenceApi> {
  const settings = resolveReferenceApiOptions(options);
  const server = await startTestServer({
    collections: {
      [collectionName]: {
        records: settings.records,
        pagination: { type: 'offset', totalKey: settings.includeTotal ? 'total' : null },
        pageSize: settings.defaultLimit,
        maxPageSize: settings.maxLimit,
        latencyMs: settings.latencyMs,
        ...(settings.apiKey === undefined
          ? {}
          : { auth: { type: 'api_key', value: settings.apiKey, name: settings.apiKeyParam } }),
      },
    },
    faults: settings.faults,
    script: settings.script,
    slowMs: settings.slowMs,
    retryAfterSeconds: settings.retryAfterSeconds,
    generation: settings.generation,
    port: options.port,
  });
  const collection = server.collection(collectionName);
  return {
    url: server.url,
    basePath: collection.path,
    get generation() {
      return server.generation;
    },
    requests: server.requests,
    setGeneration: (generation) => server.setGeneration(generation),
    stats: () => server.stats(),
    record: (id, generation) =>
      generation === undefined ? collection.record(id) : referenceRecord(id, generation),
    close: () => server.close(),
  };
}
