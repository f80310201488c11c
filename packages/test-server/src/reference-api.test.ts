import { afterEach, describe, expect, it } from 'vitest';
import type { ReferenceApiOptions } from './options';
import { referenceRecord, referenceRecords } from './records';
import { type ReferenceApi, startReferenceApi } from './reference-api';

const apiKey = 'test-key-123';
const servers: ReferenceApi[] = [];

async function start(options: ReferenceApiOptions = {}): Promise<ReferenceApi> {
  const api = await startReferenceApi({ apiKey, ...options });
  servers.push(api);
  return api;
}

function pageUrl(api: ReferenceApi, offset: number, limit = 100, key: string | null = apiKey): string {
  const url = new URL(api.basePath, api.url);
  url.searchParams.set('offset', String(offset));
  url.searchParams.set('limit', String(limit));
  if (key !== null) url.searchParams.set('api_key', key);
  return url.toString();
}

interface PageBody {
  data: Record<string, unknown>[];
  total?: number;
}

async function getPage(api: ReferenceApi, offset: number, limit = 100): Promise<PageBody> {
  const response = await fetch(pageUrl(api, offset, limit));
  expect(response.status).toBe(200);
  return (await response.json()) as PageBody;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((api) => api.close()));
});

describe('startReferenceApi', () => {
  it('should listen on 127.0.0.1 and answer /health without a key', async () => {
    const api = await start();
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.basePath).toBe('/v1/resource');
    const response = await fetch(`${api.url}/health`);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('should return every record exactly once through offset pagination', async () => {
    const api = await start({ records: 1050 });
    const ids: number[] = [];
    const received: Record<string, unknown>[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await getPage(api, offset);
      expect(page.total).toBe(1050);
      if (page.data.length === 0) break;
      received.push(...page.data);
      ids.push(...page.data.map((record) => record.id as number));
    }
    expect(ids).toEqual(Array.from({ length: 1050 }, (_, index) => index + 1));
    expect(received).toEqual([...referenceRecords(1050, 1)]);
    expect(api.stats()).toMatchObject({ requests: 12, served: 12, recordsServed: 1050 });
  });

  it('should serve a short last page and an empty page past the end', async () => {
    const api = await start({ records: 250 });
    expect((await getPage(api, 200)).data).toHaveLength(50);
    expect(await getPage(api, 300)).toEqual({ data: [], total: 250 });
  });

  it('should clamp limit to maxLimit and default it to 100', async () => {
    const api = await start({ records: 5000, maxLimit: 300 });
    expect((await getPage(api, 0, 1000)).data).toHaveLength(300);
    const response = await fetch(`${api.url}${api.basePath}?api_key=${apiKey}`);
    expect(((await response.json()) as PageBody).data).toHaveLength(100);
  });

  it('should omit total when includeTotal is false', async () => {
    const api = await start({ records: 10, includeTotal: false });
    const page = await getPage(api, 0);
    expect(page).not.toHaveProperty('total');
    expect(page.data).toHaveLength(10);
  });

  it('should answer 400 for an offset that is not a non-negative integer', async () => {
    const api = await start();
    const response = await fetch(`${api.url}${api.basePath}?offset=-5&api_key=${apiKey}`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('offset must be a non-negative integer');
  });

  it('should answer 401 with a JSON error for a missing or wrong key, never echoing the key', async () => {
    const api = await start();
    for (const key of [null, 'wrong-key-456']) {
      const response = await fetch(pageUrl(api, 0, 100, key));
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: { status: 401 } });
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain('wrong-key-456');
    }
    expect(api.stats().served).toBe(0);
  });

  it('should read the key from apiKeyParam and need none without apiKey', async () => {
    const custom = await start({ apiKeyParam: 'token' });
    expect((await fetch(`${custom.url}${custom.basePath}?token=${apiKey}`)).status).toBe(200);
    expect((await fetch(`${custom.url}${custom.basePath}?api_key=${apiKey}`)).status).toBe(401);
    const open = await startReferenceApi();
    servers.push(open);
    expect((await fetch(`${open.url}${open.basePath}`)).status).toBe(200);
  });

  it('should serve a single record and 404 for an unknown id', async () => {
    const api = await start({ records: 20 });
    const found = await fetch(`${api.url}${api.basePath}/7?api_key=${apiKey}`);
    expect(await found.json()).toEqual(referenceRecord(7, 1));
    for (const id of ['0', '21', 'abc']) {
      expect((await fetch(`${api.url}${api.basePath}/${id}?api_key=${apiKey}`)).status).toBe(404);
    }
  });

  it('should answer 404 for other paths and 405 for other methods', async () => {
    const api = await start();
    expect((await fetch(`${api.url}/v2/other`)).status).toBe(404);
    const post = await fetch(pageUrl(api, 0), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('should change every value but no id after setGeneration', async () => {
    const api = await start({ records: 100 });
    const before = (await getPage(api, 0)).data;
    api.setGeneration(2);
    expect(api.generation).toBe(2);
    const after = (await getPage(api, 0)).data;
    expect(after.map((record) => record.id)).toEqual(before.map((record) => record.id));
    for (const [index, record] of after.entries()) {
      const previous = before[index]!;
      for (const field of ['name', 'value', 'updated_at', 'nested']) {
        expect(record[field]).not.toEqual(previous[field]);
      }
    }
    expect(after[4]).toEqual(api.record(5));
    expect(before[4]).toEqual(api.record(5, 1));
  });

  it('should reject a generation that is not a non-negative integer', async () => {
    const api = await start();
    expect(() => api.setGeneration(1.5)).toThrow(
      /setGeneration\(generation\): must be a non-negative integer/,
    );
  });

  it('should close twice without an error', async () => {
    const api = await startReferenceApi();
    await api.close();
    await expect(api.close()).resolves.toBeUndefined();
    await expect(fetch(`${api.url}/health`)).rejects.toThrow();
  });
});

describe('startReferenceApi faults', () => {
  it('should answer 429 with Retry-After', async () => {
    const api = await start({ script: { 1: '429' }, retryAfterSeconds: 3 });
    const response = await fetch(pageUrl(api, 0));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toMatchObject({ error: { status: 429 } });
  });

  it('should answer each 5xx fault with its status and a JSON body', async () => {
    const api = await start({ script: { 1: '500', 2: '502', 3: '503', 4: '504' } });
    for (const status of [500, 502, 503, 504]) {
      const response = await fetch(pageUrl(api, 0));
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error: { status } });
    }
    expect((await fetch(pageUrl(api, 0))).status).toBe(200);
  });

  it('should make fetch reject on a reset', async () => {
    const api = await start({ script: { 2: 'reset' } });
    await getPage(api, 0);
    await expect(fetch(pageUrl(api, 100))).rejects.toThrow(TypeError);
    expect((await getPage(api, 100)).data[0]).toMatchObject({ id: 101 });
  });

  it('should make reading the body fail on a truncated response', async () => {
    const api = await start({ script: { 1: 'truncated' } });
    const response = await fetch(pageUrl(api, 0));
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('should answer 200 with a body JSON.parse rejects on malformed', async () => {
    const api = await start({ script: { 1: 'malformed' } });
    const response = await fetch(pageUrl(api, 0));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('should answer a slow request normally after slowMs', async () => {
    const api = await start({ records: 10, script: { 1: 'slow' }, slowMs: 20 });
    expect((await getPage(api, 0)).data).toHaveLength(10);
    expect(api.stats()).toMatchObject({ requests: 1, served: 0, faults: { slow: 1 } });
  });

  it('should survive a client that gives up during a slow response', async () => {
    const api = await start({ script: { 1: 'slow' }, slowMs: 5000 });
    const controller = new AbortController();
    const pending = fetch(pageUrl(api, 0), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow();
    expect((await getPage(api, 0)).data).toHaveLength(100);
  });

  it('should follow the script by request number and not count faults as served', async () => {
    const api = await start({ script: { 2: '503', 3: 'reset' } });
    const outcomes: (number | string)[] = [];
    for (let index = 0; index < 4; index++) {
      outcomes.push(
        await fetch(pageUrl(api, 0)).then(
          (response) => response.status,
          () => 'rejected',
        ),
      );
    }
    expect(outcomes).toEqual([200, 503, 'rejected', 200]);
    const stats = api.stats();
    expect(stats.requests).toBe(4);
    expect(stats.served).toBe(2);
    expect(stats.faults).toMatchObject({ '503': 1, reset: 1, '429': 0 });
  });

  it('should not count /health in request numbers', async () => {
    const api = await start({ script: { 1: '500' } });
    await fetch(`${api.url}/health`);
    expect((await fetch(pageUrl(api, 0))).status).toBe(500);
  });

  it('should inject rate-based faults on the same requests for the same seed', async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const api = await start({ faults: { rate: 0.4, kinds: ['500', '503'], seed } });
      const result: number[] = [];
      for (let index = 0; index < 30; index++) result.push((await fetch(pageUrl(api, 0, 1))).status);
      return result;
    };
    const first = await statuses(7);
    expect(await statuses(7)).toEqual(first);
    expect(first.filter((status) => status !== 200).length).toBeGreaterThan(0);
    expect(first.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(await statuses(8)).not.toEqual(first);
  });

  it('should apply latencyMs and still serve the page', async () => {
    const api = await start({ records: 5, latencyMs: 5 });
    expect((await getPage(api, 0)).data).toHaveLength(5);
  });
});
