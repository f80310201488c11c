import type { Page, Paginator, PaginatorInstance, RequestSpec } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { storedCheckpoint } from './paginator-checkpoint';

type TestRecord = Record<string, unknown>;

/** What the fake API sends back for one request. */
export interface FakeResponse {
  /** @default 200 */
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface PaginatorConformanceOptions {
  /** Shown in the suite name: `<name>: paginator conformance`. */
  name: string;
  /** Returns the paginator under test, configured for the fake API below. */
  create: () => Paginator;
  /**
   * The fake API: answers `request` with the page of `records` (the whole data set) that the
   * request asks for, the way the real API would (total, next link, cursor, ...).
   */
  respond: (request: RequestSpec, records: TestRecord[]) => FakeResponse;
  /** Selects the records from a response body. */
  selectRecords: (body: unknown) => TestRecord[];
  /** Records per full page of the fake API. */
  pageSize: number;
  /** Whether the paginator implements `checkpoint()` and `resume()`. @default false */
  supportsCheckpoint?: boolean;
  /** The request the sequence starts from. @default GET https://api.example.test/items?filter=active */
  request?: RequestSpec;
}

interface SequenceStep {
  request: RequestSpec;
  page: Page;
}

/**
 * Runs the paginator contract against an adapter: it drives the paginator in memory over data
 * sets of several sizes and checks that every record arrives exactly once, in order, that the
 * sequence stops, never repeats a request, and that instances are independent.
 */
export function testPaginatorConformance(options: PaginatorConformanceOptions): void {
  const { pageSize } = options;
  const baseRequest: RequestSpec = options.request ?? {
    method: 'GET',
    url: 'https://api.example.test/items?filter=active',
    headers: { accept: 'application/json' },
  };
  const sizes = [0, 1, pageSize, 3 * pageSize, 3 * pageSize + 1];
  const maxPages = (records: TestRecord[]) => Math.ceil(records.length / pageSize) + 5;

  const makePage = (request: RequestSpec, records: TestRecord[], index: number): Page => {
    const response = options.respond(structuredClone(request), records);
    return {
      resource: `${options.name}-conformance`,
      index,
      request,
      response: {
        status: response.status ?? 200,
        headers: new Headers(response.headers ?? {}),
        body: response.body,
      },
      records: options.selectRecords(response.body),
    };
  };

  /**
   * Drives one instance to the end, from its first request or from `start` (a request it already
   * returned from `next`); fails loudly when it does not stop.
   */
  const drive = (
    instance: PaginatorInstance,
    records: TestRecord[],
    start?: { request: RequestSpec; index: number },
  ): SequenceStep[] => {
    const steps: SequenceStep[] = [];
    let request = start?.request ?? instance.first(structuredClone(baseRequest));
    const limit = maxPages(records);
    for (let index = start?.index ?? 0; ; index++) {
      if (index >= limit) {
        throw new Error(
          `${options.name}: the paginator did not stop after ${limit} pages over ${records.length} records`,
        );
      }
      const page = makePage(request, records, index);
      steps.push({ request, page });
      const step = instance.next(page);
      if (step.done) {
        expect(step.reason, 'a finished sequence should say why it stopped').toEqual(expect.any(String));
        return steps;
      }
      request = step.request;
    }
  };

  const seenRecords = (steps: SequenceStep[]) => steps.flatMap((step) => step.page.records);

  describe(`${options.name}: paginator conformance`, () => {
    it('type - should be a non-empty string', () => {
      const paginator = options.create();
      expect(paginator.kind).toBe('paginator');
      expect(typeof paginator.type).toBe('string');
      expect(paginator.type.length).toBeGreaterThan(0);
    });

    for (const size of sizes) {
      it(`next - should yield each of ${size} records exactly once and in order`, () => {
        const records = dataset(size);
        const steps = drive(options.create().create(), records);
        expect(seenRecords(steps)).toEqual(records);
      });

      it(`next - should never repeat a request over ${size} records`, () => {
        const steps = drive(options.create().create(), dataset(size));
        const requests = steps.map((step) => requestKey(step.request));
        expect(new Set(requests).size).toBe(requests.length);
      });
    }

    it('first - should not mutate its input', () => {
      const input = deepFreeze(structuredClone(baseRequest));
      const before = structuredClone(input);
      options.create().create().first(input);
      expect(input).toEqual(before);
    });

    it('first - should keep the method, headers and existing query parameters', () => {
      const first = options.create().create().first(structuredClone(baseRequest));
      expect(first.method).toBe(baseRequest.method);
      expect(first.headers).toMatchObject(baseRequest.headers);
      const expected = new URL(baseRequest.url);
      const actual = new URL(first.url);
      expect(actual.origin + actual.pathname).toBe(expected.origin + expected.pathname);
      for (const [key, value] of expected.searchParams) expect(actual.searchParams.get(key)).toBe(value);
    });

    it('next - should not mutate the page it is given', () => {
      const records = dataset(3 * pageSize);
      const instance = options.create().create();
      const page = makePage(instance.first(structuredClone(baseRequest)), records, 0);
      const snapshot = { request: structuredClone(page.request), body: structuredClone(page.response.body) };
      const recordsBefore = structuredClone(page.records);
      instance.next(deepFreeze(page));
      expect({ request: page.request, body: page.response.body }).toEqual(snapshot);
      expect(page.records).toEqual(recordsBefore);
    });

    it('create - should return independent instances (interleaved sequences)', () => {
      const paginator = options.create();
      const long = dataset(3 * pageSize + 1);
      const short = dataset(2 * pageSize, 'short');
      const sequences = [
        { instance: paginator.create(), records: long, seen: [] as TestRecord[], done: false },
        { instance: paginator.create(), records: short, seen: [] as TestRecord[], done: false },
      ];
      const requests = sequences.map(({ instance }) => instance.first(structuredClone(baseRequest)));
      for (let round = 0; sequences.some((sequence) => !sequence.done); round++) {
        if (round > maxPages(long)) throw new Error(`${options.name}: interleaved sequences did not stop`);
        for (const [position, sequence] of sequences.entries()) {
          const request = requests[position];
          if (sequence.done || request === undefined) continue;
          const page = makePage(request, sequence.records, round);
          sequence.seen.push(...page.records);
          const step = sequence.instance.next(page);
          if (step.done) sequence.done = true;
          else requests[position] = step.request;
        }
      }
      expect(sequences[0]?.seen).toEqual(long);
      expect(sequences[1]?.seen).toEqual(short);
    });

    if (options.supportsCheckpoint) {
      it('resume - should continue after page 1 with exactly the remaining records', () => {
        const paginator = options.create();
        const records = dataset(3 * pageSize + 1);
        const original = paginator.create();
        const firstPage = makePage(original.first(structuredClone(baseRequest)), records, 0);
        const step = original.next(firstPage);
        expect(step.done).toBe(false);
        // Checkpoints are stored as JSON: resume from a round-tripped copy.
        const stored = storedCheckpoint(original);

        const resumed = paginator.create();
        expect(resumed.resume, 'supportsCheckpoint is set but resume() is missing').toBeTypeOf('function');
        resumed.resume?.(stored);
        const steps = drive(resumed, records);
        expect(seenRecords(steps)).toEqual(records.slice(firstPage.records.length));
      });

      it('checkpoint - should not change when the original instance goes on', () => {
        const paginator = options.create();
        const records = dataset(3 * pageSize + 1);
        const instance = paginator.create();
        const page = makePage(instance.first(structuredClone(baseRequest)), records, 0);
        const step = instance.next(page);
        const checkpoint = instance.checkpoint?.();
        const copy = structuredClone(checkpoint);
        if (!step.done) drive(instance, records, { request: step.request, index: 1 });
        expect(checkpoint).toEqual(copy);
      });
    }
  });
}

/** `count` records `{ id, name }`, ids 1..count, so order and duplicates are visible. */
function dataset(count: number, prefix = 'record'): TestRecord[] {
  return Array.from({ length: count }, (_, index) => ({ id: index + 1, name: `${prefix}-${index + 1}` }));
}

function requestKey(request: RequestSpec): string {
  return JSON.stringify([request.method, request.url, request.headers, request.json ?? null]);
}

/** Freezes a JSON-like value in place, so a mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
