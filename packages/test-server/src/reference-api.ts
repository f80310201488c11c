import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFaultPlanner, type FaultKind, faultKinds } from './faults';
import { assertGeneration, type ReferenceApiOptions, resolveReferenceApiOptions } from './options';
import { buildPageJson, parsePageWindow } from './pages';
import { type ReferenceRecord, referenceRecord, referenceRecordJson } from './records';
import { resetConnection, sendError, sendJsonText, sendMalformed, sendTruncated } from './responses';

/** Counters since the server started. */
export interface ReferenceApiStats {
  /** Requests to the resource endpoints (the numbers `script` refers to); `/health` is not counted. */
  requests: number;
  /** Injected faults per kind. */
  faults: Record<FaultKind, number>;
  /** Successful (200) resource responses without a fault. */
  served: number;
  /** Records in those responses. */
  recordsServed: number;
}

/** A running reference API; see `startReferenceApi`. */
export interface ReferenceApi {
  /** Origin to use as base URL, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** Path of the collection endpoint: `/v1/resource`. */
  readonly basePath: string;
  /** The generation being served; every record value depends on it, ids do not. */
  readonly generation: number;
  /** Serves another generation from the next request on: every value changes, ids stay. */
  setGeneration(generation: number): void;
  stats(): ReferenceApiStats;
  /** The record the server serves for this id (in the current generation unless given). */
  record(id: number, generation?: number): ReferenceRecord;
  /** Stops listening and closes every open connection. Safe to call twice. */
  close(): Promise<void>;
}

const basePath = '/v1/resource';
const itemPrefix = `${basePath}/`;

/** Resolves true after `ms`, or false as soon as the client goes away. */
function waitUnlessClosed(ms: number, response: ServerResponse): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!response.destroyed);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(!response.destroyed);
    }, ms);
    response.once('close', onClose);
  });
}

/**
 * Starts the reference API on 127.0.0.1 and a random port: `GET /v1/resource?offset=&limit=&api_key=`
 * → `{ data: [...], total: N }`, `GET /v1/resource/{id}` → one record, `GET /health`. Records are
 * generated per request from `(id, generation)`; faults are injected by script or seeded rate.
 */
export async function startReferenceApi(options: ReferenceApiOptions = {}): Promise<ReferenceApi> {
  const settings = resolveReferenceApiOptions(options);
  const planner = createFaultPlanner({ faults: settings.faults, script: settings.script });
  const faultCounts = Object.fromEntries(faultKinds.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  let generation = settings.generation;
  let requests = 0;
  let served = 0;
  let recordsServed = 0;

  const serveResource = (
    response: ServerResponse,
    path: string,
    query: URLSearchParams,
    faulted: boolean,
  ) => {
    if (settings.apiKey !== undefined && query.get(settings.apiKeyParam) !== settings.apiKey) {
      sendError(
        response,
        401,
        `Missing or invalid API key: pass it in the "${settings.apiKeyParam}" query parameter.`,
      );
      return;
    }
    let body: string;
    let count: number;
    if (path === basePath) {
      const window = parsePageWindow(query, settings);
      if (typeof window === 'string') {
        sendError(response, 400, `${window} (GET ${basePath}).`);
        return;
      }
      body = buildPageJson(window, settings.records, generation, settings.includeTotal);
      count = Math.max(0, Math.min(window.limit, settings.records - window.offset));
    } else {
      const idText = path.slice(itemPrefix.length);
      const id = /^\d+$/.test(idText) ? Number(idText) : 0;
      if (id < 1 || id > settings.records) {
        sendError(response, 404, `No record with id "${idText}": ids run from 1 to ${settings.records}.`);
        return;
      }
      body = referenceRecordJson(id, generation);
      count = 1;
    }
    sendJsonText(response, 200, body);
    if (!faulted) {
      served += 1;
      recordsServed += count;
    }
  };

  const respond = async (
    response: ServerResponse,
    path: string,
    query: URLSearchParams,
    fault: FaultKind | undefined,
  ) => {
    if (!(await waitUnlessClosed(settings.latencyMs, response))) return;
    switch (fault) {
      case undefined:
        serveResource(response, path, query, false);
        return;
      case 'slow':
        if (await waitUnlessClosed(settings.slowMs, response)) serveResource(response, path, query, true);
        return;
      case '429':
        sendError(response, 429, 'Too many requests (injected fault): retry after the Retry-After delay.', {
          'retry-after': String(settings.retryAfterSeconds),
        });
        return;
      case 'reset':
        resetConnection(response);
        return;
      case 'truncated': {
        const window = parsePageWindow(query, settings);
        const offset = typeof window === 'string' ? 0 : window.offset;
        const limit = typeof window === 'string' ? settings.defaultLimit : window.limit;
        sendTruncated(
          response,
          buildPageJson({ offset, limit }, settings.records, generation, settings.includeTotal),
        );
        return;
      }
      case 'malformed':
        sendMalformed(response);
        return;
      default:
        sendError(response, Number(fault), `Injected fault ${fault}: retry the request.`);
    }
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const target = request.url ?? '/';
    const queryStart = target.indexOf('?');
    const path = queryStart === -1 ? target : target.slice(0, queryStart);
    if (path === '/health') {
      sendJsonText(response, 200, '{"status":"ok"}');
      return;
    }
    if (path !== basePath && !path.startsWith(itemPrefix)) {
      sendError(
        response,
        404,
        `No route for "${path}": the reference API serves ${basePath}, ${basePath}/{id} and /health.`,
      );
      return;
    }
    if (request.method !== 'GET') {
      sendError(response, 405, `${request.method} is not supported on ${path}: use GET.`, { allow: 'GET' });
      return;
    }
    requests += 1;
    const fault = planner.plan(requests);
    if (fault !== undefined) faultCounts[fault] += 1;
    const query = new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1));
    void respond(response, path, query, fault).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else sendError(response, 500, `Reference API failure: ${String(error)}`);
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    basePath,
    get generation() {
      return generation;
    },
    setGeneration(next) {
      assertGeneration(next, 'setGeneration(generation)');
      generation = next;
    },
    stats: () => ({ requests, faults: { ...faultCounts }, served, recordsServed }),
    record: (id, recordGeneration = generation) => referenceRecord(id, recordGeneration),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
