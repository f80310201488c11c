import type { ProcessingStep } from '../config/types';
import type { Auth } from '../contracts/auth';
import type { SourcePage, SourceRunOptions } from '../contracts/source';
import { ResponseError } from '../errors';
import { createApiLimits } from '../http/api-limits';
import type { CircuitBreakerOptions } from '../http/circuit-breaker';
import { paginate } from '../http/paginate';
import type { RateLimiter, RateLimitOptions } from '../http/rate-limit';
import { createRestClient, type RestClient } from '../http/rest-client';
import type { RetryOptions } from '../http/retry-policy';
import { type IncrementalRun, startIncremental } from '../incremental/incremental';
import type { Redactor } from '../redact';
import { createSequenceSlots, mergeSequences, type SequenceTask } from './merge-sequences';
import { type ParentReference, referenceValue } from './placeholders';
import { buildRequest } from './request-template';
import type { ResolvedResource } from './resolve-resources';

/** The client settings every resource shares. */
export interface ResolvedClient {
  baseUrl: string;
  headers: Record<string, string>;
  auth: Auth | undefined;
  retry: RetryOptions | undefined;
  timeoutMs: number | undefined;
  fetch: typeof globalThis.fetch | undefined;
  /** Shared by every request of a run to the API. */
  rateLimit: RateLimitOptions | undefined;
  circuitBreaker: CircuitBreakerOptions | undefined;
}

/** Parallel sequences in flight at once when the run sets no `maxConcurrency`. */
export const defaultMaxConcurrency = 4;

type SourceRecord = Record<string, unknown>;

function applySteps(records: SourceRecord[], steps: ProcessingStep[]): SourceRecord[] {
  let result = records;
  for (const { filter, map } of steps) {
    // A step holding both runs its filter first, then its map, as dlt does.
    if (filter) result = result.filter((record) => filter(record));
    if (map) result = result.map((record) => map(record));
  }
  return result;
}

/** `_<parent>_<field>` copies of the parent's fields, as dlt names them. */
function parentFields(resource: ResolvedResource, parentName: string, parent: SourceRecord): SourceRecord {
  const copied: SourceRecord = {};
  for (const field of resource.includeFromParent) {
    if (!Object.hasOwn(parent, field)) {
      throw new ResponseError(
        `resource "${resource.info.name}": a record of parent resource "${parentName}" has no field "${field}" ` +
          `to include as "_${parentName}_${field}" (fields present: ${Object.keys(parent).slice(0, 20).join(', ') || 'none'}). ` +
          'Fix include_from_parent for this resource.',
      );
    }
    copied[`_${parentName}_${field}`] = parent[field];
  }
  return copied;
}

/**
 * The cursor key of a request sequence: `''` for a top-level resource; for a child, the parent's
 * fields its placeholders use (`id=5`), so each parent keeps its own cursor.
 */
function cursorKey(resource: ResolvedResource, parent: SourceRecord | undefined): string {
  if (parent === undefined) return '';
  const seen = new Map(resource.request.references.map((reference) => [reference.field, reference]));
  return [...seen.keys()]
    .sort()
    .map((field) => {
      const value = referenceValue(seen.get(field) as ParentReference, parent, resource.info.name);
      return `${field}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    })
    .join('&');
}

/**
 * Yields a page tree: the parent's page, then its child pages, each marked with the tree's root;
 * the last one (held back one page to know it) also carries the root's checkpoint after the tree.
 */
async function* pageTree(
  root: string,
  first: SourcePage,
  children: AsyncIterable<SourcePage>,
  checkpoint: SourcePage['checkpoint'],
): AsyncGenerator<SourcePage> {
  let held = first;
  for await (const page of children) {
    yield { ...held, tree: { root } };
    held = page;
  }
  yield { ...held, tree: { root, end: checkpoint === undefined ? {} : { checkpoint } } };
}

/**
 * Streams the pages of every needed resource: each root's pages in order and, after each page,
 * for each of its records, the full paginated sequence of every child (depth first, one fresh
 * paginator per sequence). Non-selected resources are fetched for their children but not yielded.
 * `parallelized` roots run alongside each other (and alongside the others, which run one after
 * another), and a `parallelized` child runs its per-parent sequences alongside each other, up to
 * `options.maxConcurrency` sequences at once; each sequence's pages keep their order, so each
 * resource's checkpoint still covers exactly what was yielded before it. Every request of the run
 * to one API origin shares one rate limiter and circuit breaker.
 */
export function runSource(
  roots: ResolvedResource[],
  client: ResolvedClient,
  redactor: Redactor,
  options: SourceRunOptions,
): AsyncGenerator<SourcePage> {
  // Aborted when one of several concurrent sequences fails, so the others stop their requests.
  const stopped = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopped.signal]) : stopped.signal;
  const slots = createSequenceSlots(options.maxConcurrency ?? defaultMaxConcurrency);
  const cancel = () => stopped.abort(new Error('another request sequence of this run failed'));
  const limits = createApiLimits({
    ...(client.rateLimit === undefined ? {} : { rateLimit: client.rateLimit }),
    ...(client.circuitBreaker === undefined ? {} : { circuitBreaker: client.circuitBreaker }),
  });
  const resourceLimiters = new Map<string, RateLimiter>();
  const resourceLimiter = (resource: ResolvedResource): RateLimiter | undefined => {
    if (resource.rateLimit === undefined) return undefined;
    let limiter = resourceLimiters.get(resource.info.name);
    if (!limiter) {
      limiter = limits.resourceLimiter(new URL(client.baseUrl).origin, resource.rateLimit);
      resourceLimiters.set(resource.info.name, limiter);
    }
    return limiter;
  };
  const clients = new Map<Auth | undefined, RestClient>();
  const clientFor = (auth: Auth | undefined): RestClient => {
    const key = auth ?? client.auth;
    let existing = clients.get(key);
    if (!existing) {
      existing = createRestClient({
        baseUrl: client.baseUrl,
        headers: client.headers,
        auth: key,
        retry: client.retry,
        timeoutMs: client.timeoutMs,
        events: options.events,
        redactor,
        fetch: client.fetch,
        limits,
      });
      clients.set(key, existing);
    }
    return existing;
  };

  async function* sequence(
    resource: ResolvedResource,
    parent: SourceRecord | undefined,
  ): AsyncGenerator<SourcePage> {
    const name = resource.info.name;
    const restClient = clientFor(resource.auth);
    const children = resource.children.filter((child) => child.needed);
    // A top-level resource resumes from its checkpoint; with children, its pages come as page trees.
    const resumable = resource.info.parent === undefined;
    const trees = resumable && children.length > 0 && resource.selected;
    const key = resource.incremental ? cursorKey(resource, parent) : '';
    const incremental: IncrementalRun | undefined = resource.incremental
      ? startIncremental(resource.incremental, {
          resource: name,
          key,
          stored: options.incremental?.[name]?.cursors[key],
          resourcePrimaryKey: resource.info.primaryKey,
        })
      : undefined;
    const request = buildRequest(
      resource.request,
      (path) => restClient.resolveUrl(path),
      name,
      parent,
      incremental?.placeholders,
    );
    const checkpoint = resumable ? options.checkpoints?.[name] : undefined;
    const included =
      parent && resource.info.parent ? parentFields(resource, resource.info.parent, parent) : {};
    const hasIncluded = Object.keys(included).length > 0;
    const rateLimiter = resourceLimiter(resource);

    const pages = paginate({
      client: restClient,
      resource: name,
      request,
      paginator: resource.paginator,
      selectRecords: resource.selectRecords,
      ...(resource.maxPages === undefined ? {} : { maxPages: resource.maxPages }),
      ...(resource.concurrency === undefined ? {} : { concurrency: resource.concurrency }),
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(resource.retry === undefined ? {} : { retry: resource.retry }),
      ...(resource.timeoutMs === undefined ? {} : { timeoutMs: resource.timeoutMs }),
      ...(resource.responseActions === undefined ? {} : { responseActions: resource.responseActions }),
      signal,
      ...(rateLimiter === undefined ? {} : { rateLimiter }),
      ...(parent === undefined ? {} : { parent }),
    });
    for await (const page of pages) {
      const withParent = hasIncluded
        ? page.records.map((record) => ({ ...record, ...included }))
        : page.records;
      const stepped = applySteps(withParent, resource.processingSteps);
      const filtered = incremental ? incremental.filter(stepped) : { records: stepped, stop: false };
      const { records } = filtered;
      const reached = page.checkpoint;
      const cursor = incremental?.cursor();
      // Written out, not spread: a spread's object takes V8's slow path, once per page.
      const own: SourcePage = {
        resource: page.resource,
        index: page.index,
        request: page.request,
        response: page.response,
        records,
      };
      if (page.parent !== undefined) own.parent = page.parent;
      if (resumable && !trees && reached !== undefined) own.checkpoint = reached;
      if (cursor !== undefined) own.cursor = { key, value: cursor };
      const childPages = () =>
        mergeSequences(
          records.flatMap((record) =>
            children.map((child) => ({ start: () => sequence(child, record), parallel: child.parallelized })),
          ),
          slots,
          cancel,
        );
      if (trees) {
        yield* pageTree(name, own, childPages(), reached);
      } else {
        if (resource.selected) yield own;
        // A resource without children (most) builds no child tasks per record.
        if (children.length > 0) yield* childPages();
      }
      // With row_order, rows past the range mean no later page has rows in it (top-level only, as in dlt).
      if (filtered.stop && resource.info.parent === undefined) break;
    }
  }

  const rootTasks: SequenceTask<SourcePage>[] = roots
    .filter((root) => root.needed)
    .map((root) => ({ start: () => sequence(root, undefined), parallel: root.parallelized }));
  return mergeSequences(rootTasks, slots, cancel);
}
